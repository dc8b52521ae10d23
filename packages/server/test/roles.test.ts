import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { Action, GRANTS } from '../src/auth/permissions.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { DEPARTMENT_SCOPED_ROLES, EDGES } from '../src/modules/complaint/lifecycle.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, PASSWORD, Q, complaintInput, expectError, type ComplaintView, type StaffFixture, type World } from './fixtures.js';

let server: TestServer;
let fx: Fixtures;
let w: World;
/** SPECIALIST and HEAD of `w.otherDept`; a second SPECIALIST of `w.dept`. */
let outsider: Record<'SPECIALIST' | 'HEAD', StaffFixture>;
let colleague: StaffFixture;
/** A response template of `w`, written by its admin. */
let template: string;
beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  w = await fx.world();
  const [spec, head, spec2] = await Promise.all([
    fx.staff(w.t, [Role.SPECIALIST], [w.otherDept]), fx.staff(w.t, [Role.HEAD], [w.otherDept]), fx.staff(w.t, [Role.SPECIALIST], [w.dept]),
  ]);
  outsider = { SPECIALIST: spec, HEAD: head };
  colleague = spec2;
  template = ok(await server.staff(`mutation($input: CreateResponseTemplateInput!) { createResponseTemplate(input: $input) { id } }`,
    { input: { name: 'Acknowledgement', body: 'We received {{number}}.' } }, w.t.adminToken)).createResponseTemplate.id;
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
  [Action.READ_COMPLAINTS]: {
    prepare: registered,
    run: async (u, _r, c) => [
      await server.staff(Q.complaint, { id: c!.id }, u.token),
      await server.staff(Q.complaint, { number: c!.number }, u.token),
      await server.staff(`{ complaints(first: 200) { totalCount edges { node { id } } } }`, {}, u.token),
    ],
  },
  [Action.REGISTER_COMPLAINT]: {
    run: async (u) => [await server.staff(Q.register, {
      input: complaintInput({ channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REPAIR' }) }, u.token)],
  },
  [Action.ASSIGN_COMPLAINT]: {
    prepare: registered,
    // The one assignment each role's own rule allows (a SPECIALIST may only take it for themselves).
    run: async (u, role, c) => [await server.staff(Q.assign, {
      input: { id: c!.id, expectedVersion: c!.version, assigneeId: role === Role.SPECIALIST ? u.id : colleague.id } }, u.token)],
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
      await server.staff(Q.createUser, { input: { email: `new-${unique()}@${w.t.slug}.test`, name: 'New', password: PASSWORD, roles: ['OPERATOR'] } }, u.token),
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
    ],
  },
  [Action.MANAGE_TEMPLATES]: {
    // Deleting is checked by role in templates.test.ts (it returns no id to match here).
    run: async (u) => [
      await server.staff(`mutation($input: CreateResponseTemplateInput!) { createResponseTemplate(input: $input) { id } }`,
        { input: { name: `Reply ${unique()}`, locale: 'en', body: 'Your complaint {{number}} is with us.' } }, u.token),
      await server.staff(`mutation($input: UpdateResponseTemplateInput!) { updateResponseTemplate(input: $input) { id } }`,
        { input: { id: template, name: `Reply ${unique()}`, locale: null, body: 'Dear {{customer.name}},' } }, u.token),
    ],
  },
  [Action.MANAGE_CORRECTIVE_ACTIONS]: {
    prepare: () => fx.complaintAt(w, Stage.IMPLEMENTATION),
    run: async (u, _r, c) => [
      await server.staff(`mutation($input: AddCorrectiveActionInput!) { addCorrectiveAction(input: $input) { id } }`,
        { input: { complaintId: c!.id, description: 'Recalibrate the press', ownerDepartmentId: w.dept, dueDate: '2030-06-30' } }, u.token),
      await server.staff(`mutation($id: ID!) { completeCorrectiveAction(id: $id) { id } }`, { id: c!.correctiveActions[0]!.id }, u.token),
      await server.staff(`{ correctiveActions(first: 10) { edges { node { id } } } }`, {}, u.token),
    ],
  },
  [Action.VERIFY_CORRECTIVE_ACTIONS]: {
    // A done action, ready for its check.
    prepare: async () => {
      const c = await fx.complaintAt(w, Stage.IMPLEMENTATION);
      ok(await server.staff(`mutation($id: ID!) { completeCorrectiveAction(id: $id) { id } }`, { id: c.correctiveActions[0]!.id }, w.staff.HEAD.token));
      return c;
    },
    run: async (u, _r, c) => [await server.staff(
      `mutation($input: CheckEffectivenessInput!) { checkCorrectiveActionEffectiveness(input: $input) { id status } }`,
      { input: { id: c!.correctiveActions[0]!.id, result: 'EFFECTIVE', note: 'No repeat in a month' } }, u.token)],
  },
  [Action.MANAGE_SETTINGS]: {
    run: async (u) => [
      await server.staff(`mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { id } }`,
        { input: { name: `Company ${unique()}` } }, u.token),
      await server.staff(`mutation($input: BusinessCalendarInput!) { createBusinessCalendar(input: $input) { id } }`,
        { input: { name: `Hours ${unique()}`, timeZone: 'Europe/Moscow', alwaysOpen: true } }, u.token),
    ],
  },
  [Action.UPDATE_COMPLAINT]: {
    prepare: () => fx.complaintAt(w, Stage.REGISTERED, { input: { departmentId: w.dept } }),
    run: async (u, _r, c) => [await server.staff(
      `mutation($input: UpdateComplaintInput!) { updateComplaint(input: $input) { id priority } }`,
      { input: { id: c!.id, expectedVersion: c!.version, priority: 'URGENT' } }, u.token)],
  },
  [Action.HANDLE_ESCALATIONS]: {
    // A breach of w.dept that notified its head, as the scheduler records one.
    prepare: async () => {
      const c = await fx.complaintAt(w, Stage.REGISTERED, { input: { departmentId: w.dept } });
      await fx.asTenant(w.t.tenantId, (m) => m.query(
        `INSERT INTO sla_breaches (tenant_id, id, complaint_id, clock, stage, kind, due_at, fired_at, department_id, escalation)
         VALUES (app_tenant_id(), gen_random_uuid(), $1, 'STAGE', 'REGISTERED', 'BREACHED', now(), now(), $2, $3)`,
        [c.id, w.dept, JSON.stringify({ notifiedUserIds: [w.staff.HEAD.id] })]));
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
      await server.staff(`mutation($input: LinkComplaintsInput!) { linkComplaints(input: $input) { id links { kind } } }`,
        { input: { complaintId: c!.id, otherComplaintId: linkTarget, kind: 'REPEAT' } }, u.token),
      await server.staff(`mutation($input: UnlinkComplaintsInput!) { unlinkComplaints(input: $input) { id links { kind } } }`,
        { input: { complaintId: c!.id, otherComplaintId: linkTarget } }, u.token),
    ],
  },
};

describe('GRANTS over the API', () => {
  it('are the grants docs/roles.md promises (a change here is a policy change)', () => {
    expect(Object.fromEntries(Object.entries(GRANTS).map(([action, roles]) => [action, [...roles].sort()]))).toEqual({
      READ_COMPLAINTS: ['ADMIN', 'HEAD', 'OPERATOR', 'QUALITY_MANAGER', 'SPECIALIST'],
      REGISTER_COMPLAINT: ['HEAD', 'OPERATOR', 'SPECIALIST'], ASSIGN_COMPLAINT: ['HEAD', 'OPERATOR', 'SPECIALIST'],
      ADD_MESSAGE: ['HEAD', 'OPERATOR', 'QUALITY_MANAGER', 'SPECIALIST'], MANAGE_CORRECTIVE_ACTIONS: ['HEAD', 'QUALITY_MANAGER', 'SPECIALIST'],
      VERIFY_CORRECTIVE_ACTIONS: ['QUALITY_MANAGER'],
      MANAGE_USERS: ['ADMIN'], MANAGE_DEPARTMENTS: ['ADMIN'], MANAGE_CATEGORIES: ['ADMIN', 'QUALITY_MANAGER'], MANAGE_SETTINGS: ['ADMIN'],
      MANAGE_TEMPLATES: ['ADMIN', 'QUALITY_MANAGER'],
      UPDATE_COMPLAINT: ['HEAD', 'OPERATOR', 'QUALITY_MANAGER', 'SPECIALIST'], HANDLE_ESCALATIONS: ['HEAD', 'QUALITY_MANAGER'],
      LINK_COMPLAINTS: ['HEAD', 'OPERATOR', 'QUALITY_MANAGER', 'SPECIALIST'],
    });
  });

  it('has a probe for every action', () => {
    expect(Object.keys(PROBES).sort()).toEqual(Object.keys(GRANTS).sort());
  });

  const cases = Object.keys(PROBES).flatMap((action) => ROLES.map((role) => ({
    action: action as Action, role, allowed: GRANTS[action as Action].includes(role),
  })));

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

  it('lets every role read the whole tenant, whatever its departments', async () => {
    const c = await fx.complaintAt(w, Stage.ANALYSIS);
    for (const u of [...ROLES.map(as), outsider.SPECIALIST, outsider.HEAD]) {
      expect((await fx.get(u.token, c.id)).number).toBe(c.number);
    }
  });

  it('ADMIN is also refused what only the lifecycle allows', async () => {
    const c = await fx.complaintAt(w, Stage.RECEIVED);
    expectError(await fx.transition(as(Role.ADMIN).token, c, Stage.REGISTERED, fx.stageFields(w, c, Stage.REGISTERED)), 'FORBIDDEN');
  });
});

describe('EDGES over the API', () => {
  const edges = EDGES.map((e) => ({ ...e, name: `${e.from} -> ${e.to}` }));
  /** A complaint at `from`, with a department from the start so that scoping applies on every edge. */
  const at = (from: Stage) => fx.complaintAt(w, from, { input: { departmentId: w.dept } });

  it.each(edges)('$name: refused for every other role, changing nothing', async (edge) => {
    const c = await at(edge.from);
    const refused = ROLES.filter((r) => !edge.roles.includes(r));
    expect(refused.length).toBe(ROLES.length - edge.roles.length);
    await fx.expectNoWrites(async () => {
      for (const role of refused) {
        const error = expectError(await fx.transition(as(role).token, c, edge.to, fx.stageFields(w, c, edge.to)), 'FORBIDDEN');
        expect(error.message).toContain('needs one of the roles');
      }
    });
  });

  it.each(edges.flatMap((e) => e.roles.map((role) => ({ ...e, role }))))('$name: taken by $role', async (edge) => {
    const c = await at(edge.from);
    const moved = ok(await fx.transition(as(edge.role).token, c, edge.to, fx.stageFields(w, c, edge.to))).transitionComplaint as ComplaintView;
    expect(moved).toMatchObject({ stage: edge.to, version: c.version + 1 });
    expect(moved.timeline.at(-1)).toMatchObject({ fromStage: edge.from, toStage: edge.to, actor: { id: as(edge.role).id } });
  });

  const scoped = edges.flatMap((e) => e.roles.filter((r) => DEPARTMENT_SCOPED_ROLES.includes(r)).map((role) => ({ ...e, role: role as 'SPECIALIST' | 'HEAD' })));
  it.each(scoped)('$name: FORBIDDEN for a $role of another department', async (edge) => {
    const c = await at(edge.from);
    const r = await fx.expectNoWrites(() => fx.transition(outsider[edge.role].token, c, edge.to, fx.stageFields(w, c, edge.to)));
    expect(expectError(r, 'FORBIDDEN').message).toContain('department');
  });

  it('a complaint without a department yet is open to any HEAD', async () => {
    const c = await fx.complaintAt(w, Stage.RECEIVED);
    expect(c.department).toBeNull();
    const rejected = ok(await fx.transition(outsider.HEAD.token, c, Stage.REJECTED, fx.stageFields(w, c, Stage.REJECTED)));
    expect(rejected.transitionComplaint.stage).toBe('REJECTED');
  });

  it('HEAD registers only into a department of theirs', async () => {
    const c = await fx.complaintAt(w, Stage.RECEIVED);
    const fields = { ...fx.stageFields(w, c, Stage.REGISTERED), departmentId: w.otherDept };
    expectError(await fx.transition(as(Role.HEAD).token, c, Stage.REGISTERED, fields), 'FORBIDDEN');
    expect(ok(await fx.transition(outsider.HEAD.token, c, Stage.REGISTERED, fields)).transitionComplaint.department.id).toBe(w.otherDept);
  });
});

describe('assignComplaint rules', () => {
  type Who = Role | 'outsiderSpecialist' | 'outsiderHead';
  const who = (x: Who) => (x === 'outsiderSpecialist' ? outsider.SPECIALIST : x === 'outsiderHead' ? outsider.HEAD : as(x));
  interface Case { name: string; by: Who; stage: Stage; input: () => Record<string, unknown>; expected: 'OK' | 'FORBIDDEN' | 'BAD_USER_INPUT'; noDepartment?: boolean; preassigned?: boolean }
  const toColleague = () => ({ assigneeId: colleague.id });
  const cases: Case[] = [
    { name: 'OPERATOR routes a RECEIVED complaint', by: Role.OPERATOR, stage: Stage.RECEIVED, input: () => ({ departmentId: w.dept, assigneeId: colleague.id }), expected: 'OK', noDepartment: true },
    { name: 'OPERATOR routes a REGISTERED complaint', by: Role.OPERATOR, stage: Stage.REGISTERED, input: () => ({ departmentId: w.otherDept }), expected: 'OK' },
    { name: 'OPERATOR may not reassign under ANALYSIS', by: Role.OPERATOR, stage: Stage.ANALYSIS, input: toColleague, expected: 'FORBIDDEN' },
    { name: 'SPECIALIST takes an unowned complaint', by: Role.SPECIALIST, stage: Stage.REGISTERED, input: () => ({ assigneeId: as(Role.SPECIALIST).id }), expected: 'OK' },
    { name: 'SPECIALIST may not hand it to a colleague', by: Role.SPECIALIST, stage: Stage.REGISTERED, input: toColleague, expected: 'FORBIDDEN' },
    { name: 'SPECIALIST may not take it from a colleague', by: Role.SPECIALIST, stage: Stage.REGISTERED, input: () => ({ assigneeId: as(Role.SPECIALIST).id }), expected: 'FORBIDDEN', preassigned: true },
    { name: 'SPECIALIST may not move it to another department', by: Role.SPECIALIST, stage: Stage.REGISTERED, input: () => ({ departmentId: w.otherDept, assigneeId: as(Role.SPECIALIST).id }), expected: 'FORBIDDEN' },
    { name: 'SPECIALIST of another department may not take it', by: 'outsiderSpecialist', stage: Stage.REGISTERED, input: () => ({ assigneeId: outsider.SPECIALIST.id }), expected: 'FORBIDDEN' },
    { name: 'SPECIALIST may not take a complaint without department', by: Role.SPECIALIST, stage: Stage.RECEIVED, input: () => ({ assigneeId: as(Role.SPECIALIST).id }), expected: 'FORBIDDEN', noDepartment: true },
    { name: 'HEAD reassigns in their department at any open stage', by: Role.HEAD, stage: Stage.FEEDBACK, input: toColleague, expected: 'OK' },
    { name: 'HEAD moves a complaint to another department', by: Role.HEAD, stage: Stage.ANALYSIS, input: () => ({ departmentId: w.otherDept, assigneeId: outsider.SPECIALIST.id }), expected: 'OK' },
    { name: 'HEAD routes a complaint without department', by: 'outsiderHead', stage: Stage.RECEIVED, input: () => ({ departmentId: w.dept }), expected: 'OK', noDepartment: true },
    { name: 'HEAD of another department may not', by: 'outsiderHead', stage: Stage.ANALYSIS, input: toColleague, expected: 'FORBIDDEN' },
    { name: 'QUALITY_MANAGER may not', by: Role.QUALITY_MANAGER, stage: Stage.REGISTERED, input: toColleague, expected: 'FORBIDDEN' },
    { name: 'ADMIN may not', by: Role.ADMIN, stage: Stage.REGISTERED, input: toColleague, expected: 'FORBIDDEN' },
    { name: 'nobody reassigns a CLOSED complaint', by: Role.HEAD, stage: Stage.CLOSED, input: toColleague, expected: 'BAD_USER_INPUT' },
    { name: 'nobody reassigns a REJECTED complaint', by: Role.HEAD, stage: Stage.REJECTED, input: toColleague, expected: 'BAD_USER_INPUT' },
  ];

  it.each(cases)('$name: $expected', async ({ by, stage, input, expected, noDepartment, preassigned }) => {
    let c = await fx.complaintAt(w, stage, noDepartment ? {} : { input: { departmentId: w.dept } });
    if (preassigned) {
      c = { ...c, ...ok(await server.staff(Q.assign, { input: { id: c.id, expectedVersion: c.version, assigneeId: colleague.id } }, as(Role.HEAD).token)).assignComplaint };
    }
    const attempt = () => server.staff(Q.assign, { input: { id: c.id, expectedVersion: c.version, ...input() } }, who(by).token);
    if (expected !== 'OK') {
      expectError(await fx.expectNoWrites(attempt), expected);
      return;
    }
    const given = input();
    const assigned = ok(await attempt()).assignComplaint;
    expect(assigned.version).toBe(c.version + 1);
    expect(assigned.department?.id ?? null).toBe(given.departmentId ?? c.department?.id ?? null);
    expect(assigned.assignee?.id ?? null).toBe(given.assigneeId ?? null);
    const stored = await fx.get(as(Role.OPERATOR).token, c.id);
    expect(stored.timeline.at(-1)).toMatchObject({ type: 'ASSIGNED', actor: { id: who(by).id } });
  });

  it('refuses an assignee who is not in the target department', async () => {
    const c = await fx.complaintAt(w, Stage.REGISTERED);
    const r = await fx.expectNoWrites(() => server.staff(Q.assign,
      { input: { id: c.id, expectedVersion: c.version, assigneeId: outsider.SPECIALIST.id } }, as(Role.HEAD).token));
    expectError(r, 'BAD_USER_INPUT');
  });
});
