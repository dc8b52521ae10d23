import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuestionType, SurveyParameter } from '../../src/modules/survey/survey.entity.js';
import { createSurvey, publishSurveyVersion, setAfterResolution } from '../../src/modules/survey/survey.service.js';
import { Role } from '../../src/auth/roles.js';
import { Action, GRANTS } from '../../src/auth/permissions.js';
import type { RequestContext } from '../../src/graphql/context.js';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { DEPARTMENT_SCOPED_ROLES, EDGES } from '../../src/modules/complaint/lifecycle.js';
import { findComplaint, listComplaints } from '../../src/modules/complaint/complaint.queries.js';
import { assignComplaint, registerComplaint, transitionComplaint, updateComplaint } from '../../src/modules/complaint/complaint.service.js';
import {
  addCorrectiveAction,
  checkEffectiveness,
  completeCorrectiveAction,
} from '../../src/modules/complaint/corrective-action.service.js';
import { listCorrectiveActions } from '../../src/modules/complaint/corrective-action.queries.js';
import { linkComplaints, unlinkComplaints } from '../../src/modules/complaint/complaint-link.service.js';
import { addStaffMessage } from '../../src/modules/message/message.service.js';
import { createUser, updateUser } from '../../src/modules/user/user.service.js';
import {
  archiveDepartment,
  createDepartment,
  renameDepartment,
  restoreDepartment,
} from '../../src/modules/department/department.service.js';
import { createCategory, updateCategory } from '../../src/modules/category/category.service.js';
import { Cause, CauseGroup, RejectionReason } from '../../src/modules/cause/cause.entity.js';
import { createCause, createRejectionReason, renameEntry, setArchived } from '../../src/modules/cause/cause.service.js';
import { createTemplate, updateTemplate } from '../../src/modules/template/template.service.js';
import { updateTenant } from '../../src/modules/tenant/tenant.service.js';
import { acknowledgeEscalation, listEscalations, saveCalendar } from '../../src/modules/sla/sla-settings.service.js';
import { ok, type GqlResult } from '../harness.js';
import { causeEffect, pareto } from '../../src/modules/analysis/analysis.service.js';
import { ParetoDimension, ParetoMeasure } from '../../src/modules/analysis/analysis.types.js';
import { PASSWORD, complaintInput, expectError, stageFields } from '../fixtures.js';
import { startServiceTier, timelineOf, type ComplaintRow, type Member, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * Every cell of the roles table (docs/roles.md): each action of GRANTS and
 * each lifecycle edge, for every role, and the assignment rules, run against
 * the services with each member's RequestContext. The guard that applies
 * the declarations over HTTP is covered per operation by test/roles.test.ts.
 */
let tier: ServiceTier;
let w: ServiceWorld;
/** SPECIALIST and HEAD of `w.otherDept`; a second SPECIALIST of `w.dept`. */
let outsider: Record<'SPECIALIST' | 'HEAD', Member>;
let colleague: Member;
/** A response template of `w`, written by its admin. */
let template: string;
beforeAll(async () => {
  tier = await startServiceTier();
  w = await tier.build.world();
  const staff = (roles: Role[], departments: string[]) => tier.build.newUser(w.t.tenantId, w.t.slug, roles, departments);
  const [spec, head, spec2] = await Promise.all([
    staff([Role.SPECIALIST], [w.otherDept]),
    staff([Role.HEAD], [w.otherDept]),
    staff([Role.SPECIALIST], [w.dept]),
  ]);
  outsider = { SPECIALIST: spec, HEAD: head };
  colleague = spec2;
  template = (
    await tier.as(w.t.admin, 'createResponseTemplate', (ctx) =>
      createTemplate(ctx, { name: 'Acknowledgement', body: 'We received {{number}}.' } as never),
    )
  ).id;
});
afterAll(() => tier?.close());

const ROLES = Object.values(Role);
const unique = () => randomBytes(4).toString('hex');
const as = (role: Role) => w.staff[role];
/** Runs operation `operation` as `u` through its service function, as an API caller would see the result. */
const run = <T>(u: Member, operation: string, work: (ctx: RequestContext) => Promise<T>): Promise<GqlResult<T>> =>
  tier.attempt(u, operation, work);
const at = (stage: Stage, departmentId?: string) => tier.build.newComplaint(w, stage, { departmentId });
const transition = (u: Member, c: ComplaintRow, to: Stage, fields: Record<string, unknown>) =>
  run(u, 'transitionComplaint', (ctx) => transitionComplaint(ctx, { id: c.id, expectedVersion: c.version, to, ...fields } as never));
const lastEntry = async (c: { id: string }) => (await tier.build.inTenant(w.t.tenantId, (m) => timelineOf(m, c.id))).at(-1);

/**
 * What each action of GRANTS means for its operations' services: `prepare`
 * makes what the attempt needs (outside the measured attempt), `run` is the
 * attempt itself (the operations test/roles.test.ts probes over the API).
 */
interface Probe {
  prepare?: () => Promise<ComplaintRow>;
  run: (user: Member, role: Role, c: ComplaintRow | undefined) => Promise<GqlResult[]>;
}
const registered = () => at(Stage.REGISTERED);
/** The complaint a LINK_COMPLAINTS probe links to (made in its prepare). */
let linkTarget = '';
/** The last day and the next: a period holding the complaints a probe makes. */
const recent = () => ({ from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000) });
const PROBES: Record<Action, Probe> = {
  [Action.VIEW_ANALYSIS]: {
    // Every analysis query is checked by role in test/service/analysis.test.ts; these two answer with ids to match here.
    prepare: () => at(Stage.DECISION),
    run: async (u) => [
      await run(u, 'causeEffect', (ctx) => causeEffect(ctx, recent())),
      await run(u, 'pareto', (ctx) => pareto(ctx, recent(), ParetoDimension.CAUSE, ParetoMeasure.COUNT)),
    ],
  },
  [Action.READ_COMPLAINTS]: {
    prepare: registered,
    run: async (u, _r, c) => [
      await run(u, 'complaint', (ctx) => findComplaint(ctx, { id: c!.id })),
      await run(u, 'complaint', (ctx) => findComplaint(ctx, { number: c!.number })),
      await run(u, 'complaints', (ctx) => listComplaints(ctx, null, 200)),
    ],
  },
  [Action.REGISTER_COMPLAINT]: {
    run: async (u) => [
      await run(u, 'registerComplaint', (ctx) =>
        registerComplaint(ctx, complaintInput({ channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REPAIR' }) as never),
      ),
    ],
  },
  [Action.ASSIGN_COMPLAINT]: {
    prepare: registered,
    // The one assignment each role's own rule allows (a SPECIALIST may only take it for themselves).
    run: async (u, role, c) => [
      await run(u, 'assignComplaint', (ctx) =>
        assignComplaint(ctx, { id: c!.id, expectedVersion: c!.version, assigneeId: role === Role.SPECIALIST ? u.id : colleague.id }),
      ),
    ],
  },
  [Action.ADD_MESSAGE]: {
    prepare: registered,
    run: async (u, _r, c) => [
      await run(u, 'addMessage', (ctx) =>
        addStaffMessage(ctx, { complaintId: c!.id, body: 'Called the customer', visibility: 'INTERNAL' } as never),
      ),
      await run(u, 'addMessage', (ctx) =>
        addStaffMessage(ctx, { complaintId: c!.id, body: 'We are on it', visibility: 'PUBLIC' } as never),
      ),
    ],
  },
  [Action.MANAGE_USERS]: {
    run: async (u) => [
      await run(u, 'createUser', (ctx) =>
        createUser(ctx, { email: `new-${unique()}@${w.t.slug}.test`, name: 'New', password: PASSWORD, roles: [Role.OPERATOR] } as never),
      ),
      await run(u, 'updateUser', (ctx) => updateUser(ctx, { id: colleague.id, name: `Colleague ${unique()}` } as never)),
    ],
  },
  [Action.MANAGE_DEPARTMENTS]: {
    run: async (u) => [
      await run(u, 'createDepartment', (ctx) => createDepartment(ctx, `Dept ${unique()}`)),
      await run(u, 'renameDepartment', (ctx) => renameDepartment(ctx, w.otherDept, `Other ${unique()}`)),
      await run(u, 'archiveDepartment', (ctx) => archiveDepartment(ctx, w.otherDept)),
      await run(u, 'restoreDepartment', (ctx) => restoreDepartment(ctx, w.otherDept)),
    ],
  },
  [Action.MANAGE_CATEGORIES]: {
    run: async (u) => [
      await run(u, 'createCategory', (ctx) => createCategory(ctx, { name: `Cat ${unique()}` })),
      await run(u, 'updateCategory', (ctx) => updateCategory(ctx, { id: w.cat, name: `Cat ${unique()}` })),
      await run(u, 'createCause', (ctx) =>
        createCause(ctx, { group: CauseGroup.METHOD, code: `C${unique()}`, nameRu: 'Причина', nameEn: 'Cause' }),
      ),
      await run(u, 'updateCause', (ctx) => renameEntry(ctx, Cause, { id: w.cause, nameEn: `Supplier ${unique()}` })),
      await run(u, 'archiveCause', (ctx) => setArchived(ctx, Cause, w.cause, true)),
      await run(u, 'restoreCause', (ctx) => setArchived(ctx, Cause, w.cause, false)),
      await run(u, 'createRejectionReason', (ctx) =>
        createRejectionReason(ctx, { code: `R${unique()}`, nameRu: 'Причина', nameEn: 'Reason' }),
      ),
      await run(u, 'updateRejectionReason', (ctx) =>
        renameEntry(ctx, RejectionReason, { id: w.rejectionReason, nameRu: `Нарушение ${unique()}` }),
      ),
      await run(u, 'archiveRejectionReason', (ctx) => setArchived(ctx, RejectionReason, w.rejectionReason, true)),
      await run(u, 'restoreRejectionReason', (ctx) => setArchived(ctx, RejectionReason, w.rejectionReason, false)),
    ],
  },
  [Action.MANAGE_SURVEYS]: {
    run: async (u) => {
      const questions = [
        {
          type: QuestionType.CSAT,
          parameter: SurveyParameter.OVERALL,
          textRu: 'Довольны?',
          textEn: 'Satisfied?',
          required: true,
          multiple: false,
        },
      ];
      const created = await run(u, 'createSurvey', (ctx) =>
        createSurvey(ctx, { nameRu: 'Опрос', nameEn: 'Survey', answerDays: 14, questions } as never),
      );
      const id = created.data?.id ?? w.dept;
      return [
        created,
        await run(u, 'publishSurveyVersion', (ctx) => publishSurveyVersion(ctx, { surveyId: id, questions } as never)),
        await run(u, 'activateSurvey', (ctx) => setAfterResolution(ctx, id, true)),
        await run(u, 'deactivateSurvey', (ctx) => setAfterResolution(ctx, id, false)),
      ];
    },
  },
  [Action.MANAGE_TEMPLATES]: {
    // Deleting is checked by role in templates.test.ts (it returns no id to match here).
    run: async (u) => [
      await run(u, 'createResponseTemplate', (ctx) =>
        createTemplate(ctx, { name: `Reply ${unique()}`, locale: 'en', body: 'Your complaint {{number}} is with us.' } as never),
      ),
      await run(u, 'updateResponseTemplate', (ctx) =>
        updateTemplate(ctx, { id: template, name: `Reply ${unique()}`, locale: null, body: 'Dear {{customer.name}},' } as never),
      ),
    ],
  },
  [Action.MANAGE_CORRECTIVE_ACTIONS]: {
    prepare: () => at(Stage.IMPLEMENTATION),
    run: async (u, _r, c) => [
      await run(u, 'addCorrectiveAction', (ctx) =>
        addCorrectiveAction(ctx, {
          complaintId: c!.id,
          description: 'Recalibrate the press',
          ownerDepartmentId: w.dept,
          dueDate: '2030-06-30',
        } as never),
      ),
      await run(u, 'completeCorrectiveAction', (ctx) => completeCorrectiveAction(ctx, c!.correctiveActions[0]!.id)),
      await run(u, 'correctiveActions', async (ctx) => ({ id: c!.id, rows: (await listCorrectiveActions(ctx, null, 10, null)).rows })),
    ],
  },
  [Action.VERIFY_CORRECTIVE_ACTIONS]: {
    // At FEEDBACK its action is done, ready for its check.
    prepare: () => at(Stage.FEEDBACK, w.dept),
    run: async (u, _r, c) => [
      await run(u, 'checkCorrectiveActionEffectiveness', (ctx) =>
        checkEffectiveness(ctx, { id: c!.correctiveActions[0]!.id, result: 'EFFECTIVE', note: 'No repeat in a month' } as never),
      ),
    ],
  },
  [Action.LINK_COMPLAINTS]: {
    prepare: async () => {
      linkTarget = (await registered()).id;
      return registered();
    },
    run: async (u, _r, c) => [
      await run(u, 'linkComplaints', (ctx) =>
        linkComplaints(ctx, { complaintId: c!.id, otherComplaintId: linkTarget, kind: 'REPEAT' } as never),
      ),
      await run(u, 'unlinkComplaints', (ctx) => unlinkComplaints(ctx, { complaintId: c!.id, otherComplaintId: linkTarget })),
    ],
  },
  [Action.MANAGE_SETTINGS]: {
    run: async (u) => [
      await run(u, 'updateTenant', (ctx) => updateTenant(ctx, { name: `Company ${unique()}` })),
      // With the defaults GraphQL gives the fields left out.
      await run(u, 'createBusinessCalendar', (ctx) =>
        saveCalendar(ctx, null, { name: `Hours ${unique()}`, timeZone: 'Europe/Moscow', alwaysOpen: true, periods: [], holidays: [] }),
      ),
    ],
  },
  [Action.UPDATE_COMPLAINT]: {
    prepare: () => at(Stage.REGISTERED, w.dept),
    run: async (u, _r, c) => [
      await run(u, 'updateComplaint', (ctx) =>
        updateComplaint(ctx, { id: c!.id, expectedVersion: c!.version, priority: 'URGENT' } as never),
      ),
    ],
  },
  [Action.HANDLE_ESCALATIONS]: {
    // A breach of w.dept that notified its head, as the scheduler records one.
    prepare: async () => {
      const c = await at(Stage.REGISTERED, w.dept);
      await tier.build.inTenant(w.t.tenantId, (m) =>
        m.query(
          `INSERT INTO sla_breaches (tenant_id, id, complaint_id, clock, stage, kind, due_at, fired_at, department_id, escalation)
         VALUES (app_tenant_id(), gen_random_uuid(), $1, 'STAGE', 'REGISTERED', 'BREACHED', now(), now(), $2, $3)`,
          [c.id, w.dept, JSON.stringify({ notifiedUserIds: [w.staff.HEAD.id] })],
        ),
      );
      return c;
    },
    run: async (u, _r, c) => {
      const [breach] = await tier.build.inTenant(w.t.tenantId, (m) =>
        m.query('SELECT id FROM sla_breaches WHERE complaint_id = $1', [c!.id]),
      );
      return [
        // With the defaults GraphQL gives the arguments left out.
        await run(u, 'escalations', (ctx) => listEscalations(ctx, { departmentId: w.dept, includeAcknowledged: false, first: 50 })),
        await run(u, 'acknowledgeEscalation', (ctx) => acknowledgeEscalation(ctx, breach.id)),
      ];
    },
  },
};

describe('GRANTS in the services', () => {
  it('are the grants docs/roles.md promises (a change here is a policy change)', () => {
    expect(Object.fromEntries(Object.entries(GRANTS).map(([action, roles]) => [action, [...roles].sort()]))).toEqual({
      READ_COMPLAINTS: ['ADMIN', 'HEAD', 'OPERATOR', 'QUALITY_MANAGER', 'SPECIALIST'],
      REGISTER_COMPLAINT: ['HEAD', 'OPERATOR', 'SPECIALIST'],
      ASSIGN_COMPLAINT: ['HEAD', 'OPERATOR', 'SPECIALIST'],
      ADD_MESSAGE: ['HEAD', 'OPERATOR', 'QUALITY_MANAGER', 'SPECIALIST'],
      MANAGE_CORRECTIVE_ACTIONS: ['HEAD', 'QUALITY_MANAGER', 'SPECIALIST'],
      VERIFY_CORRECTIVE_ACTIONS: ['QUALITY_MANAGER'],
      MANAGE_USERS: ['ADMIN'],
      MANAGE_DEPARTMENTS: ['ADMIN'],
      MANAGE_CATEGORIES: ['ADMIN', 'QUALITY_MANAGER'],
      MANAGE_SETTINGS: ['ADMIN'],
      MANAGE_TEMPLATES: ['ADMIN', 'QUALITY_MANAGER'],
      MANAGE_SURVEYS: ['ADMIN', 'QUALITY_MANAGER'],
      UPDATE_COMPLAINT: ['HEAD', 'OPERATOR', 'QUALITY_MANAGER', 'SPECIALIST'],
      HANDLE_ESCALATIONS: ['HEAD', 'QUALITY_MANAGER'],
      LINK_COMPLAINTS: ['HEAD', 'OPERATOR', 'QUALITY_MANAGER', 'SPECIALIST'],
      VIEW_ANALYSIS: ['HEAD', 'QUALITY_MANAGER'],
    });
  });

  it('has a probe for every action', () => {
    expect(Object.keys(PROBES).sort()).toEqual(Object.keys(GRANTS).sort());
  });

  const cases = Object.keys(PROBES).flatMap((action) =>
    ROLES.map((role) => ({
      action: action as Action,
      role,
      allowed: GRANTS[action as Action].includes(role),
    })),
  );

  it.each(cases)('$action by $role: allowed=$allowed', async ({ action, role, allowed }) => {
    const probe = PROBES[action]!;
    const c = await probe.prepare?.();
    if (allowed) {
      for (const r of await probe.run(as(role), role, c)) {
        const data = ok(r);
        expect(JSON.stringify(data)).toMatch(/"id":"[0-9a-f-]{36}"/);
      }
    } else {
      const results = await tier.expectNoWrites(() => probe.run(as(role), role, c));
      for (const r of results) expect(expectError(r, 'FORBIDDEN').message).toContain(action);
    }
  });

  it('lets every role read the whole tenant, whatever its departments', async () => {
    const c = await at(Stage.ANALYSIS);
    for (const u of [...ROLES.map(as), outsider.SPECIALIST, outsider.HEAD]) {
      expect(ok(await run(u, 'complaint', (ctx) => findComplaint(ctx, { id: c.id })))?.number).toBe(c.number);
    }
  });

  it('ADMIN is also refused what only the lifecycle allows', async () => {
    const c = await at(Stage.RECEIVED);
    expectError(await transition(as(Role.ADMIN), c, Stage.REGISTERED, stageFields(w, c, Stage.REGISTERED)), 'FORBIDDEN');
  });
});

describe('EDGES in the services', () => {
  const edges = EDGES.map((e) => ({ ...e, name: `${e.from} -> ${e.to}` }));
  /** A complaint at `from`, with a department from the start so that scoping applies on every edge. */
  const from = (stage: Stage) => at(stage, w.dept);

  it.each(edges)('$name: refused for every other role, changing nothing', async (edge) => {
    const c = await from(edge.from);
    const refused = ROLES.filter((r) => !edge.roles.includes(r));
    expect(refused.length).toBe(ROLES.length - edge.roles.length);
    await tier.expectNoWrites(async () => {
      for (const role of refused) {
        const error = expectError(await transition(as(role), c, edge.to, stageFields(w, c, edge.to)), 'FORBIDDEN');
        expect(error.message).toContain('needs one of the roles');
      }
    });
  });

  it.each(edges.flatMap((e) => e.roles.map((role) => ({ ...e, role }))))('$name: taken by $role', async (edge) => {
    const c = await from(edge.from);
    const moved = ok(await transition(as(edge.role), c, edge.to, stageFields(w, c, edge.to)));
    expect(moved).toMatchObject({ stage: edge.to, version: c.version + 1 });
    expect(await lastEntry(c)).toMatchObject({ fromStage: edge.from, toStage: edge.to, actor: { id: as(edge.role).id } });
  });

  const scoped = edges.flatMap((e) =>
    e.roles.filter((r) => DEPARTMENT_SCOPED_ROLES.includes(r)).map((role) => ({ ...e, role: role as 'SPECIALIST' | 'HEAD' })),
  );
  it.each(scoped)('$name: FORBIDDEN for a $role of another department', async (edge) => {
    const c = await from(edge.from);
    const r = await tier.expectNoWrites(() => transition(outsider[edge.role], c, edge.to, stageFields(w, c, edge.to)));
    expect(expectError(r, 'FORBIDDEN').message).toContain('department');
  });

  it('a complaint without a department yet is open to any HEAD', async () => {
    const c = await at(Stage.RECEIVED);
    expect(c.departmentId).toBeNull();
    const rejected = ok(await transition(outsider.HEAD, c, Stage.REJECTED, stageFields(w, c, Stage.REJECTED)));
    expect(rejected.stage).toBe('REJECTED');
  });

  it('HEAD registers only into a department of theirs', async () => {
    const c = await at(Stage.RECEIVED);
    const fields = { ...stageFields(w, c, Stage.REGISTERED), departmentId: w.otherDept };
    expectError(await transition(as(Role.HEAD), c, Stage.REGISTERED, fields), 'FORBIDDEN');
    expect(ok(await transition(outsider.HEAD, c, Stage.REGISTERED, fields)).departmentId).toBe(w.otherDept);
  });
});

describe('assignComplaint rules in the service', () => {
  type Who = Role | 'outsiderSpecialist' | 'outsiderHead';
  const who = (x: Who) => (x === 'outsiderSpecialist' ? outsider.SPECIALIST : x === 'outsiderHead' ? outsider.HEAD : as(x));
  interface Case {
    name: string;
    by: Who;
    stage: Stage;
    input: () => Record<string, unknown>;
    expected: 'OK' | 'FORBIDDEN' | 'BAD_USER_INPUT';
    noDepartment?: boolean;
    preassigned?: boolean;
  }
  const toColleague = () => ({ assigneeId: colleague.id });
  const cases: Case[] = [
    {
      name: 'OPERATOR routes a RECEIVED complaint',
      by: Role.OPERATOR,
      stage: Stage.RECEIVED,
      input: () => ({ departmentId: w.dept, assigneeId: colleague.id }),
      expected: 'OK',
      noDepartment: true,
    },
    {
      name: 'OPERATOR routes a REGISTERED complaint',
      by: Role.OPERATOR,
      stage: Stage.REGISTERED,
      input: () => ({ departmentId: w.otherDept }),
      expected: 'OK',
    },
    {
      name: 'OPERATOR may not reassign under ANALYSIS',
      by: Role.OPERATOR,
      stage: Stage.ANALYSIS,
      input: toColleague,
      expected: 'FORBIDDEN',
    },
    {
      name: 'SPECIALIST takes an unowned complaint',
      by: Role.SPECIALIST,
      stage: Stage.REGISTERED,
      input: () => ({ assigneeId: as(Role.SPECIALIST).id }),
      expected: 'OK',
    },
    {
      name: 'SPECIALIST may not hand it to a colleague',
      by: Role.SPECIALIST,
      stage: Stage.REGISTERED,
      input: toColleague,
      expected: 'FORBIDDEN',
    },
    {
      name: 'SPECIALIST may not take it from a colleague',
      by: Role.SPECIALIST,
      stage: Stage.REGISTERED,
      input: () => ({ assigneeId: as(Role.SPECIALIST).id }),
      expected: 'FORBIDDEN',
      preassigned: true,
    },
    {
      name: 'SPECIALIST may not move it to another department',
      by: Role.SPECIALIST,
      stage: Stage.REGISTERED,
      input: () => ({ departmentId: w.otherDept, assigneeId: as(Role.SPECIALIST).id }),
      expected: 'FORBIDDEN',
    },
    {
      name: 'SPECIALIST of another department may not take it',
      by: 'outsiderSpecialist',
      stage: Stage.REGISTERED,
      input: () => ({ assigneeId: outsider.SPECIALIST.id }),
      expected: 'FORBIDDEN',
    },
    {
      name: 'SPECIALIST may not take a complaint without department',
      by: Role.SPECIALIST,
      stage: Stage.RECEIVED,
      input: () => ({ assigneeId: as(Role.SPECIALIST).id }),
      expected: 'FORBIDDEN',
      noDepartment: true,
    },
    {
      name: 'HEAD reassigns in their department at any open stage',
      by: Role.HEAD,
      stage: Stage.FEEDBACK,
      input: toColleague,
      expected: 'OK',
    },
    {
      name: 'HEAD moves a complaint to another department',
      by: Role.HEAD,
      stage: Stage.ANALYSIS,
      input: () => ({ departmentId: w.otherDept, assigneeId: outsider.SPECIALIST.id }),
      expected: 'OK',
    },
    {
      name: 'HEAD routes a complaint without department',
      by: 'outsiderHead',
      stage: Stage.RECEIVED,
      input: () => ({ departmentId: w.dept }),
      expected: 'OK',
      noDepartment: true,
    },
    { name: 'HEAD of another department may not', by: 'outsiderHead', stage: Stage.ANALYSIS, input: toColleague, expected: 'FORBIDDEN' },
    { name: 'QUALITY_MANAGER may not', by: Role.QUALITY_MANAGER, stage: Stage.REGISTERED, input: toColleague, expected: 'FORBIDDEN' },
    { name: 'ADMIN may not', by: Role.ADMIN, stage: Stage.REGISTERED, input: toColleague, expected: 'FORBIDDEN' },
    { name: 'nobody reassigns a CLOSED complaint', by: Role.HEAD, stage: Stage.CLOSED, input: toColleague, expected: 'BAD_USER_INPUT' },
    { name: 'nobody reassigns a REJECTED complaint', by: Role.HEAD, stage: Stage.REJECTED, input: toColleague, expected: 'BAD_USER_INPUT' },
  ];
  const assign = (u: Member, input: Record<string, unknown>) => run(u, 'assignComplaint', (ctx) => assignComplaint(ctx, input as never));

  it.each(cases)('$name: $expected', async ({ by, stage, input, expected, noDepartment, preassigned }) => {
    let c = await at(stage, noDepartment ? undefined : w.dept);
    if (preassigned) {
      c = { ...c, ...ok(await assign(as(Role.HEAD), { id: c.id, expectedVersion: c.version, assigneeId: colleague.id })) };
    }
    const attempt = () => assign(who(by), { id: c.id, expectedVersion: c.version, ...input() });
    if (expected !== 'OK') {
      expectError(await tier.expectNoWrites(attempt), expected);
      return;
    }
    const given = input();
    const assigned = ok(await attempt());
    expect(assigned.version).toBe(c.version + 1);
    expect(assigned.departmentId ?? null).toBe(given.departmentId ?? c.departmentId ?? null);
    expect(assigned.assigneeId ?? null).toBe(given.assigneeId ?? null);
    const stored = ok(await run(as(Role.OPERATOR), 'complaint', (ctx) => timelineOf(ctx.manager, c.id)));
    expect(stored.at(-1)).toMatchObject({ type: 'ASSIGNED', actor: { id: who(by).id } });
  });

  it('refuses an assignee who is not in the target department', async () => {
    const c = await at(Stage.REGISTERED);
    const r = await tier.expectNoWrites(() =>
      assign(as(Role.HEAD), { id: c.id, expectedVersion: c.version, assigneeId: outsider.SPECIALIST.id }),
    );
    expectError(r, 'BAD_USER_INPUT');
  });
});
