import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { Action, GRANTS } from '../src/auth/permissions.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, PASSWORD, Q, complaintInput, expectError, type ComplaintView, type StaffFixture, type World } from './fixtures.js';

/**
 * The guard over HTTP: every operation of the roles table run once through
 * the API by a role it is granted to, and once by a role it is not (refused
 * before it changes anything). Every cell of the table (each action and
 * lifecycle edge for every role, the assignment rules) is checked against
 * the services in test/service/roles.test.ts.
 */
let server: TestServer;
let fx: Fixtures;
let w: World;
/** A second SPECIALIST of `w.dept`. */
let colleague: StaffFixture;
/** A response template of `w`, written by its admin. */
let template: string;
beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  w = await fx.world();
  colleague = await fx.staff(w.t, [Role.SPECIALIST], [w.dept]);
  template = ok(
    await server.staff(
      `mutation($input: CreateResponseTemplateInput!) { createResponseTemplate(input: $input) { id } }`,
      { input: { name: 'Acknowledgement', body: 'We received {{number}}.' } },
      w.t.adminToken,
    ),
  ).createResponseTemplate.id;
});
afterAll(() => server?.close());

const ROLES = Object.values(Role);
const unique = () => randomBytes(4).toString('hex');
const as = (role: Role) => w.staff[role];

/**
 * What each action of GRANTS means over the API: `prepare` makes what the
 * attempt needs (outside the measured attempt), `run` is the attempt itself.
 */
interface Probe {
  prepare?: () => Promise<ComplaintView>;
  run: (user: StaffFixture, role: Role, c: ComplaintView | undefined) => Promise<GqlResult[]>;
}
const registered = () => fx.complaintAt(w, Stage.REGISTERED);
/** The complaint a LINK_COMPLAINTS probe links to (made in its prepare). */
let linkTarget = '';
const PROBES: Record<Action, Probe> = {
  [Action.VIEW_ANALYSIS]: {
    prepare: () => fx.complaintAt(w, Stage.DECISION),
    // Every analysis query in one request: refused, each answers FORBIDDEN.
    run: async (u) => [
      await server.staff(
        `query($f: AnalysisFilterInput!) {
      funnel(filter: $f) { stage entered } pareto(filter: $f, by: CAUSE) { total bars { key cause { id } } }
      causeEffect(filter: $f) { group causes { cause { id } count } } slaCompliance(filter: $f) { clock total }
      stageDurations(filter: $f) { stage visits } satisfactionTrend(filter: $f) { closed }
      legalCompliance(filter: $f) { total } repeats(filter: $f, by: CUSTOMER) { complaints }
      surveyResponseRates(filter: $f, by: DEPARTMENT) { invited } surveyScores(filter: $f) { answers } }`,
        { f: { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() } },
        u.token,
      ),
    ],
  },
  [Action.READ_COMPLAINTS]: {
    prepare: registered,
    run: async (u, _r, c) => [
      await server.staff(Q.complaint, { id: c!.id }, u.token),
      await server.staff(Q.complaint, { number: c!.number }, u.token),
      await server.staff(`{ complaints(first: 200) { totalCount edges { node { id } } } }`, {}, u.token),
    ],
  },
  [Action.REGISTER_COMPLAINT]: {
    run: async (u) => [
      await server.staff(
        Q.register,
        {
          input: complaintInput({ channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REPAIR' }),
        },
        u.token,
      ),
    ],
  },
  [Action.ASSIGN_COMPLAINT]: {
    prepare: registered,
    // The one assignment each role's own rule allows (a SPECIALIST may only take it for themselves).
    run: async (u, role, c) => [
      await server.staff(
        Q.assign,
        {
          input: { id: c!.id, expectedVersion: c!.version, assigneeId: role === Role.SPECIALIST ? u.id : colleague.id },
        },
        u.token,
      ),
    ],
  },
  [Action.ADD_MESSAGE]: {
    prepare: registered,
    run: async (u, _r, c) => [
      await server.staff(Q.addMessage, { input: { complaintId: c!.id, body: 'Called the customer', visibility: 'INTERNAL' } }, u.token),
      await server.staff(Q.addMessage, { input: { complaintId: c!.id, body: 'We are on it', visibility: 'PUBLIC' } }, u.token),
    ],
  },
  [Action.MANAGE_USERS]: {
    run: async (u) => [
      await server.staff(
        Q.createUser,
        { input: { email: `new-${unique()}@${w.t.slug}.test`, name: 'New', password: PASSWORD, roles: ['OPERATOR'] } },
        u.token,
      ),
      await server.staff(Q.updateUser, { input: { id: colleague.id, name: `Colleague ${unique()}` } }, u.token),
    ],
  },
  [Action.MANAGE_DEPARTMENTS]: {
    run: async (u) => [
      await server.staff(Q.createDepartment, { input: { name: `Dept ${unique()}` } }, u.token),
      await server.staff(Q.renameDepartment, { input: { id: w.otherDept, name: `Other ${unique()}` } }, u.token),
      await server.staff(`mutation($id: ID!) { archiveDepartment(id: $id) { id archivedAt } }`, { id: w.otherDept }, u.token),
      await server.staff(`mutation($id: ID!) { restoreDepartment(id: $id) { id archivedAt } }`, { id: w.otherDept }, u.token),
    ],
  },
  [Action.MANAGE_CATEGORIES]: {
    run: async (u) => [
      await server.staff(Q.createCategory, { input: { name: `Cat ${unique()}` } }, u.token),
      await server.staff(Q.updateCategory, { input: { id: w.cat, name: `Cat ${unique()}` } }, u.token),
      await server.staff(
        `mutation($input: CreateCauseInput!) { createCause(input: $input) { id } }`,
        { input: { group: 'METHOD', code: `C${unique()}`, nameRu: 'Причина', nameEn: 'Cause' } },
        u.token,
      ),
      await server.staff(
        `mutation($input: UpdateCodedEntryInput!) { updateCause(input: $input) { id } }`,
        { input: { id: w.cause, nameEn: `Supplier ${unique()}` } },
        u.token,
      ),
      await server.staff(`mutation($id: ID!) { archiveCause(id: $id) { id } }`, { id: w.cause }, u.token),
      await server.staff(`mutation($id: ID!) { restoreCause(id: $id) { id } }`, { id: w.cause }, u.token),
      await server.staff(
        `mutation($input: CodedEntryInput!) { createRejectionReason(input: $input) { id } }`,
        { input: { code: `R${unique()}`, nameRu: 'Причина', nameEn: 'Reason' } },
        u.token,
      ),
      await server.staff(
        `mutation($input: UpdateCodedEntryInput!) { updateRejectionReason(input: $input) { id } }`,
        { input: { id: w.rejectionReason, nameRu: `Нарушение ${unique()}` } },
        u.token,
      ),
      await server.staff(`mutation($id: ID!) { archiveRejectionReason(id: $id) { id } }`, { id: w.rejectionReason }, u.token),
      await server.staff(`mutation($id: ID!) { restoreRejectionReason(id: $id) { id } }`, { id: w.rejectionReason }, u.token),
    ],
  },
  [Action.MANAGE_SURVEYS]: {
    run: async (u) => {
      const questions = [{ type: 'CSAT', parameter: 'OVERALL', textRu: 'Довольны?', textEn: 'Satisfied?' }];
      const created = await server.staff(
        `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { id } }`,
        { input: { nameRu: 'Опрос', nameEn: 'Survey', questions } },
        u.token,
      );
      const id = created.data?.createSurvey?.id ?? w.dept;
      return [
        created,
        await server.staff(
          `mutation($input: PublishSurveyVersionInput!) { publishSurveyVersion(input: $input) { id currentVersion } }`,
          { input: { surveyId: id, questions } },
          u.token,
        ),
        await server.staff(`mutation($id: ID!) { activateSurvey(id: $id) { id afterResolution } }`, { id }, u.token),
        await server.staff(`mutation($id: ID!) { deactivateSurvey(id: $id) { id afterResolution } }`, { id }, u.token),
        await server.staff(`{ surveys { id versions { number questions { id } } } }`, {}, u.token),
      ];
    },
  },
  [Action.MANAGE_TEMPLATES]: {
    // Deleting is checked by role in templates.test.ts (it returns no id to match here).
    run: async (u) => [
      await server.staff(
        `mutation($input: CreateResponseTemplateInput!) { createResponseTemplate(input: $input) { id } }`,
        { input: { name: `Reply ${unique()}`, locale: 'en', body: 'Your complaint {{number}} is with us.' } },
        u.token,
      ),
      await server.staff(
        `mutation($input: UpdateResponseTemplateInput!) { updateResponseTemplate(input: $input) { id } }`,
        { input: { id: template, name: `Reply ${unique()}`, locale: null, body: 'Dear {{customer.name}},' } },
        u.token,
      ),
    ],
  },
  [Action.MANAGE_CORRECTIVE_ACTIONS]: {
    prepare: () => fx.complaintAt(w, Stage.IMPLEMENTATION),
    run: async (u, _r, c) => [
      await server.staff(
        `mutation($input: AddCorrectiveActionInput!) { addCorrectiveAction(input: $input) { id } }`,
        { input: { complaintId: c!.id, description: 'Recalibrate the press', ownerDepartmentId: w.dept, dueDate: '2030-06-30' } },
        u.token,
      ),
      await server.staff(`mutation($id: ID!) { completeCorrectiveAction(id: $id) { id } }`, { id: c!.correctiveActions[0]!.id }, u.token),
      await server.staff(`{ correctiveActions(first: 10) { edges { node { id } } } }`, {}, u.token),
    ],
  },
  [Action.VERIFY_CORRECTIVE_ACTIONS]: {
    // A done action, ready for its check.
    prepare: async () => {
      const c = await fx.complaintAt(w, Stage.IMPLEMENTATION);
      ok(
        await server.staff(
          `mutation($id: ID!) { completeCorrectiveAction(id: $id) { id } }`,
          { id: c.correctiveActions[0]!.id },
          w.staff.HEAD.token,
        ),
      );
      return c;
    },
    run: async (u, _r, c) => [
      await server.staff(
        `mutation($input: CheckEffectivenessInput!) { checkCorrectiveActionEffectiveness(input: $input) { id status } }`,
        { input: { id: c!.correctiveActions[0]!.id, result: 'EFFECTIVE', note: 'No repeat in a month' } },
        u.token,
      ),
    ],
  },
  [Action.MANAGE_SETTINGS]: {
    run: async (u) => [
      await server.staff(
        `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { id } }`,
        { input: { name: `Company ${unique()}` } },
        u.token,
      ),
      await server.staff(
        `mutation($input: BusinessCalendarInput!) { createBusinessCalendar(input: $input) { id } }`,
        { input: { name: `Hours ${unique()}`, timeZone: 'Europe/Moscow', alwaysOpen: true } },
        u.token,
      ),
    ],
  },
  [Action.UPDATE_COMPLAINT]: {
    prepare: () => fx.complaintAt(w, Stage.REGISTERED, { input: { departmentId: w.dept } }),
    run: async (u, _r, c) => [
      await server.staff(
        `mutation($input: UpdateComplaintInput!) { updateComplaint(input: $input) { id priority } }`,
        { input: { id: c!.id, expectedVersion: c!.version, priority: 'URGENT' } },
        u.token,
      ),
    ],
  },
  [Action.HANDLE_ESCALATIONS]: {
    // A breach of w.dept that notified its head, as the scheduler records one.
    prepare: async () => {
      const c = await fx.complaintAt(w, Stage.REGISTERED, { input: { departmentId: w.dept } });
      await fx.asTenant(w.t.tenantId, (m) =>
        m.query(
          `INSERT INTO sla_breaches (tenant_id, id, complaint_id, clock, stage, kind, due_at, fired_at, department_id, escalation)
         VALUES (app_tenant_id(), gen_random_uuid(), $1, 'STAGE', 'REGISTERED', 'BREACHED', now(), now(), $2, $3)`,
          [c.id, w.dept, JSON.stringify({ notifiedUserIds: [w.staff.HEAD.id] })],
        ),
      );
      return c;
    },
    run: async (u, _r, c) => {
      const [breach] = await fx.asTenant(w.t.tenantId, (m) => m.query('SELECT id FROM sla_breaches WHERE complaint_id = $1', [c!.id]));
      return [
        await server.staff(`query($d: ID) { escalations(departmentId: $d) { id complaint { id } } }`, { d: w.dept }, u.token),
        await server.staff(`mutation($id: ID!) { acknowledgeEscalation(id: $id) { id acknowledgedAt } }`, { id: breach.id }, u.token),
      ];
    },
  },
  [Action.LINK_COMPLAINTS]: {
    prepare: async () => {
      linkTarget = (await fx.register(w.staff.OPERATOR.token)).id;
      return fx.register(w.staff.OPERATOR.token);
    },
    run: async (u, _r, c) => [
      await server.staff(
        `mutation($input: LinkComplaintsInput!) { linkComplaints(input: $input) { id links { kind } } }`,
        { input: { complaintId: c!.id, otherComplaintId: linkTarget, kind: 'REPEAT' } },
        u.token,
      ),
      await server.staff(
        `mutation($input: UnlinkComplaintsInput!) { unlinkComplaints(input: $input) { id links { kind } } }`,
        { input: { complaintId: c!.id, otherComplaintId: linkTarget } },
        u.token,
      ),
    ],
  },
};

describe('the @Allow guard over the API, per operation', () => {
  it('has a probe for every action', () => {
    expect(Object.keys(PROBES).sort()).toEqual(Object.keys(GRANTS).sort());
  });

  /** Each action's operations by the first role granted it, and by the first role refused it (READ_COMPLAINTS refuses none). */
  const cases = Object.keys(PROBES).flatMap((key) => {
    const action = key as Action;
    const granted = ROLES.find((r) => GRANTS[action].includes(r))!;
    const refused = ROLES.find((r) => !GRANTS[action].includes(r));
    return [{ action, role: granted, allowed: true }, ...(refused ? [{ action, role: refused, allowed: false }] : [])];
  });

  it.each(cases)('$action by $role: allowed=$allowed', async ({ action, role, allowed }) => {
    const probe = PROBES[action]!;
    const c = await probe.prepare?.();
    if (allowed) {
      for (const r of await probe.run(as(role), role, c)) {
        const data = ok(r);
        expect(JSON.stringify(data)).toMatch(/"id":"[0-9a-f-]{36}"/);
      }
    } else {
      const results = await fx.expectNoWrites(() => probe.run(as(role), role, c));
      for (const r of results) expect(expectError(r, 'FORBIDDEN').message).toContain(action);
    }
  });

  it('transitionComplaint: an edge taken by a role it allows, and refused to one it does not, changing nothing', async () => {
    const c = await fx.complaintAt(w, Stage.REGISTERED, { input: { departmentId: w.dept } });
    const refused = await fx.expectNoWrites(() =>
      fx.transition(as(Role.OPERATOR).token, c, Stage.ANALYSIS, fx.stageFields(w, c, Stage.ANALYSIS)),
    );
    expect(expectError(refused, 'FORBIDDEN').message).toContain('needs one of the roles');
    const moved = ok(await fx.transition(as(Role.SPECIALIST).token, c, Stage.ANALYSIS, fx.stageFields(w, c, Stage.ANALYSIS)))
      .transitionComplaint as ComplaintView;
    expect(moved).toMatchObject({ stage: Stage.ANALYSIS, version: c.version + 1 });
    expect(moved.timeline.at(-1)).toMatchObject({
      fromStage: Stage.REGISTERED,
      toStage: Stage.ANALYSIS,
      actor: { id: as(Role.SPECIALIST).id },
    });
  });
});
