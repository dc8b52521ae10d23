import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, expectError, type ComplaintView, type StaffFixture, type World } from './fixtures.js';
import { OpenSockets, WsClient } from './ws-client.js';

let server: TestServer;
let fx: Fixtures;
let w: World;
/** HEAD of w.otherDept only. */
let otherHead: StaffFixture;
const sockets = new OpenSockets();

const ACTION = `id kind description dueDate doneAt status overdue followUpOfId ownerDepartment { id } owner { id } doneBy { id }
  complaint { id number } effectivenessCheck { result checkedAt note checkedBy { id } }`;
const REGISTER = `query($filter: CorrectiveActionFilter, $first: Int, $after: String) {
  correctiveActions(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${ACTION} } } } }`;
const ADD = `mutation($input: AddCorrectiveActionInput!) { addCorrectiveAction(input: $input) { ${ACTION} } }`;
const COMPLETE = `mutation($id: ID!) { completeCorrectiveAction(id: $id) { ${ACTION} } }`;
const CHECK = `mutation($input: CheckEffectivenessInput!) { checkCorrectiveActionEffectiveness(input: $input) { ${ACTION} } }`;
const ACTIONS_OF = `query($id: ID) { complaint(id: $id) { stage correctiveActions { ${ACTION} } } }`;

interface ActionView {
  id: string;
  kind: string;
  description: string;
  dueDate: string;
  doneAt: string | null;
  status: string;
  overdue: boolean;
  followUpOfId: string | null;
  ownerDepartment: { id: string };
  owner: { id: string } | null;
  doneBy: { id: string } | null;
  complaint: { id: string; number: string };
  effectivenessCheck: { result: string; checkedAt: string; note: string | null; checkedBy: { id: string } } | null;
}

/** The company's date (Europe/Moscow, the default of a new company) `days` from today. */
function companyDate(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const register = async (token: string, filter: Record<string, unknown> = {}, first = 200, after?: string) =>
  ok(await server.staff(REGISTER, { filter, first, after }, token)).correctiveActions as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: ActionView }>;
  };
const ids = (page: { edges: Array<{ node: ActionView }> }) => page.edges.map((e) => e.node.id);
const actionsOf = async (token: string, id: string) =>
  ok(await server.staff(ACTIONS_OF, { id }, token)).complaint as { stage: Stage; correctiveActions: ActionView[] };

/** A complaint of `w.dept` in IMPLEMENTATION (subjective, so no action is required), with the given actions. */
async function implementing(actions: Array<Record<string, unknown>>): Promise<ComplaintView> {
  return fx.complaintAt(w, Stage.IMPLEMENTATION, {
    input: { departmentId: w.dept },
    fields: {
      [Stage.DECISION]: { validity: 'SUBJECTIVE' },
      [Stage.IMPLEMENTATION]: {
        remedy: 'REPAIR',
        remedyAmount: undefined,
        decisionNote: undefined,
        correctiveActions: actions.length ? actions : undefined,
      },
    },
  });
}

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  w = await fx.world();
  otherHead = await fx.staff(w.t, [Role.HEAD], [w.otherDept]);
});
afterAll(async () => {
  sockets.closeAll();
  await server?.close();
});

describe('what holds a complaint before FEEDBACK', () => {
  it('is an undone CORRECTION only: a CORRECTIVE action due in three weeks goes on through FEEDBACK and CLOSED', async () => {
    const c = await implementing([
      { kind: 'CORRECTION', description: 'Replace the kettle', ownerDepartmentId: w.dept, dueDate: companyDate(2) },
      { kind: 'CORRECTIVE', description: 'Change the lid supplier', ownerDepartmentId: w.otherDept, dueDate: companyDate(21) },
    ]);
    const [correction, corrective] = (await actionsOf(w.staff.HEAD.token, c.id)).correctiveActions;
    expect([correction!.kind, corrective!.kind]).toEqual(['CORRECTION', 'CORRECTIVE']);

    // The correction is not done: FEEDBACK is refused, naming it.
    const refused = expectError(await fx.transition(w.staff.HEAD.token, c, Stage.FEEDBACK), 'BAD_USER_INPUT', 'STAGE_REQUIREMENTS');
    expect((refused.extensions!.fields as Array<{ field: string }>).map((f) => f.field)).toEqual(['completedCorrectiveActionIds']);

    const feedback = ok(
      await fx.transition(w.staff.HEAD.token, c, Stage.FEEDBACK, { completedCorrectiveActionIds: [correction!.id] }),
    ).transitionComplaint;
    expect(feedback.stage).toBe('FEEDBACK');
    const closed = ok(await fx.transition(w.staff.HEAD.token, feedback, Stage.CLOSED, { satisfaction: 5 })).transitionComplaint;
    expect(closed.stage).toBe('CLOSED');

    const after = await actionsOf(w.staff.HEAD.token, c.id);
    expect(after.correctiveActions.map((a) => [a.kind, a.status, a.doneBy?.id ?? null])).toEqual([
      ['CORRECTION', 'DONE', w.staff.HEAD.id],
      ['CORRECTIVE', 'OPEN', null],
    ]);
    // The corrective action is completed after closing, by its owner department's head.
    const done = ok(await server.staff(COMPLETE, { id: corrective!.id }, otherHead.token)).completeCorrectiveAction as ActionView;
    expect([done.status, done.doneBy?.id]).toEqual(['DONE', otherHead.id]);
  });

  it('takes an action without a kind as a CORRECTION, as before kinds existed', async () => {
    const c = await implementing([{ description: 'Send a new lid', ownerDepartmentId: w.dept, dueDate: companyDate(30) }]);
    expect((await actionsOf(w.staff.HEAD.token, c.id)).correctiveActions.map((a) => a.kind)).toEqual(['CORRECTION']);
    expectError(await fx.transition(w.staff.HEAD.token, c, Stage.FEEDBACK), 'BAD_USER_INPUT', 'STAGE_REQUIREMENTS');
  });

  it('names an owner person only from the owner department', async () => {
    const c = await implementing([]);
    const input = {
      complaintId: c.id,
      kind: 'PREVENTIVE',
      description: 'Audit the other lines',
      ownerDepartmentId: w.otherDept,
      dueDate: companyDate(40),
    };
    await fx.expectNoWrites(async () =>
      expectError(
        await server.staff(ADD, { input: { ...input, ownerUserId: w.staff.SPECIALIST.id } }, w.staff.HEAD.token),
        'BAD_USER_INPUT',
      ),
    );
    const added = ok(await server.staff(ADD, { input: { ...input, ownerUserId: otherHead.id } }, w.staff.HEAD.token))
      .addCorrectiveAction as ActionView;
    expect([added.kind, added.owner?.id, added.status, added.complaint.id]).toEqual(['PREVENTIVE', otherHead.id, 'OPEN', c.id]);
  });
});

describe('the actions register', () => {
  /** Actions of one fresh world, so that counts are exact. */
  let rw: World;
  let rwOtherHead: StaffFixture;
  const made: Record<string, string> = {};

  beforeAll(async () => {
    rw = await fx.world();
    rwOtherHead = await fx.staff(rw.t, [Role.HEAD], [rw.otherDept]);
    const at = (complaintDept: string) =>
      fx.complaintAt(rw, Stage.IMPLEMENTATION, {
        input: { departmentId: complaintDept },
        fields: {
          [Stage.DECISION]: { validity: 'SUBJECTIVE' },
          [Stage.IMPLEMENTATION]: { remedy: 'REPAIR', remedyAmount: undefined, correctiveActions: undefined },
        },
      });
    // Complaints of rw.dept (moved along by its head); one is then moved to rw.otherDept.
    const mine = await at(rw.dept);
    const theirs = await at(rw.dept);
    const add = async (name: string, complaintId: string, kind: string, owner: string, dueDate: string) => {
      made[name] = ok(
        await server.staff(
          ADD,
          { input: { complaintId, kind, description: name, ownerDepartmentId: owner, dueDate } },
          rw.staff.QUALITY_MANAGER.token,
        ),
      ).addCorrectiveAction.id;
    };
    await add('late', mine.id, 'CORRECTIVE', rw.dept, companyDate(-3));
    await add('yesterday', mine.id, 'CORRECTION', rw.dept, companyDate(-1));
    await add('today', mine.id, 'PREVENTIVE', rw.dept, companyDate(0));
    await add('done-late', mine.id, 'CORRECTIVE', rw.otherDept, companyDate(-5));
    await add('later', theirs.id, 'CORRECTIVE', rw.otherDept, companyDate(20));
    ok(await server.staff(COMPLETE, { id: made['done-late'] }, rw.staff.QUALITY_MANAGER.token));
    // `theirs` now belongs to rw.otherDept: its action owned by rw.otherDept is no business of rw.dept's head.
    const current = await fx.get(rw.staff.HEAD.token, theirs.id);
    ok(
      await server.staff(
        `mutation($input: AssignComplaintInput!) { assignComplaint(input: $input) { id } }`,
        { input: { id: theirs.id, expectedVersion: current.version, departmentId: rw.otherDept } },
        rw.staff.HEAD.token,
      ),
    );
  });

  it('lists every action of the company by due date for a quality manager', async () => {
    const page = await register(rw.staff.QUALITY_MANAGER.token);
    expect(ids(page)).toEqual(['done-late', 'late', 'yesterday', 'today', 'later'].map((n) => made[n]));
    expect(page.totalCount).toBe(5);
    expect(page.edges.map((e) => e.node.dueDate)).toEqual([...page.edges.map((e) => e.node.dueDate)].sort());
  });

  it("marks overdue what is not done and past its due date in the company's time zone", async () => {
    const page = await register(rw.staff.QUALITY_MANAGER.token);
    expect(Object.fromEntries(page.edges.map((e) => [e.node.description, e.node.overdue]))).toEqual({
      'done-late': false,
      late: true,
      yesterday: true,
      today: false,
      later: false,
    });
    expect(ids(await register(rw.staff.QUALITY_MANAGER.token, { overdue: true }))).toEqual([made.late, made.yesterday]);
    expect(ids(await register(rw.staff.QUALITY_MANAGER.token, { overdue: false }))).toEqual(
      ['done-late', 'today', 'later'].map((n) => made[n]),
    );
  });

  it('filters by owner department, status and kind, together', async () => {
    const qm = rw.staff.QUALITY_MANAGER.token;
    expect(ids(await register(qm, { ownerDepartmentId: rw.otherDept }))).toEqual([made['done-late'], made.later]);
    expect(ids(await register(qm, { statuses: ['DONE'] }))).toEqual([made['done-late']]);
    expect(ids(await register(qm, { statuses: ['OPEN'], kinds: ['CORRECTIVE'] }))).toEqual([made.late, made.later]);
    expect(ids(await register(qm, { kinds: ['CORRECTION', 'PREVENTIVE'] }))).toEqual([made.yesterday, made.today]);
    expect(ids(await register(qm, { statuses: ['VERIFIED_EFFECTIVE', 'NOT_EFFECTIVE'] }))).toEqual([]);
    const combined = await register(qm, { ownerDepartmentId: rw.dept, statuses: ['OPEN'], overdue: true });
    expect([ids(combined), combined.totalCount]).toEqual([[made.late, made.yesterday], 2]);
  });

  it('pages by due date with opaque cursors', async () => {
    const qm = rw.staff.QUALITY_MANAGER.token;
    const first = await register(qm, {}, 2);
    expect([ids(first), first.pageInfo.hasNextPage, first.totalCount]).toEqual([[made['done-late'], made.late], true, 5]);
    const second = await register(qm, {}, 2, first.pageInfo.endCursor!);
    const third = await register(qm, {}, 2, second.pageInfo.endCursor!);
    expect([...ids(second), ...ids(third), third.pageInfo.hasNextPage]).toEqual([made.yesterday, made.today, made.later, false]);
    expectError(await server.staff(REGISTER, { first: 2, after: 'not-a-cursor' }, qm), 'BAD_USER_INPUT');
    expectError(await server.staff(REGISTER, { first: 201 }, qm), 'BAD_USER_INPUT');
  });

  it('shows a department head the actions of their departments: owned by them or raised on their complaints', async () => {
    // rw.dept's head: the complaint `mine` is theirs (all four of its actions); `later` is of rw.otherDept's complaint and owner.
    expect(ids(await register(rw.staff.HEAD.token))).toEqual(['done-late', 'late', 'yesterday', 'today'].map((n) => made[n]));
    // rw.otherDept's head: what their department owns, and everything on the complaint moved to them.
    expect(ids(await register(rwOtherHead.token))).toEqual([made['done-late'], made.later]);
    // A filter narrows the scope, never widens it.
    expect(ids(await register(rwOtherHead.token, { ownerDepartmentId: rw.dept }))).toEqual([]);
  });

  it('is refused to roles that do not work on actions', async () => {
    for (const role of [Role.OPERATOR, Role.ADMIN]) expectError(await server.staff(REGISTER, {}, rw.staff[role].token), 'FORBIDDEN');
  });

  it("shows another company nothing of it, and another company's ids are not found", async () => {
    const stranger = await fx.world();
    const page = await register(stranger.staff.QUALITY_MANAGER.token);
    expect([page.totalCount, page.edges]).toEqual([0, []]);
    expect((await register(stranger.staff.QUALITY_MANAGER.token, { ownerDepartmentId: rw.dept })).edges).toEqual([]);
    await fx.expectNoWrites(async () => {
      expectError(await server.staff(COMPLETE, { id: made.late }, stranger.staff.QUALITY_MANAGER.token), 'NOT_FOUND');
      expectError(
        await server.staff(CHECK, { input: { id: made['done-late'], result: 'EFFECTIVE' } }, stranger.staff.QUALITY_MANAGER.token),
        'NOT_FOUND',
      );
    });
  });
});

describe('the effectiveness check', () => {
  const check = (token: string, input: Record<string, unknown>): Promise<GqlResult> => server.staff(CHECK, { input }, token);

  it('comes after completion, from a quality manager, once', async () => {
    const c = await implementing([
      { kind: 'CORRECTIVE', description: 'Retrain the packers', ownerDepartmentId: w.dept, dueDate: companyDate(14) },
    ]);
    const [action] = (await actionsOf(w.staff.HEAD.token, c.id)).correctiveActions;
    const qm = w.staff.QUALITY_MANAGER;
    await fx.expectNoWrites(async () => {
      expectError(await check(qm.token, { id: action!.id, result: 'EFFECTIVE' }), 'BAD_USER_INPUT', 'ACTION_NOT_DONE');
      expectError(await check(qm.token, { id: randomUUID(), result: 'EFFECTIVE' }), 'NOT_FOUND');
    });
    ok(await server.staff(COMPLETE, { id: action!.id }, w.staff.SPECIALIST.token));
    await fx.expectNoWrites(async () => {
      for (const role of [Role.HEAD, Role.SPECIALIST, Role.OPERATOR, Role.ADMIN]) {
        expect(expectError(await check(w.staff[role].token, { id: action!.id, result: 'EFFECTIVE' }), 'FORBIDDEN').message).toContain(
          'VERIFY_CORRECTIVE_ACTIONS',
        );
      }
    });
    const checked = ok(await check(qm.token, { id: action!.id, result: 'EFFECTIVE', note: '  No repeats for a month  ' }))
      .checkCorrectiveActionEffectiveness as ActionView;
    expect(checked.status).toBe('VERIFIED_EFFECTIVE');
    expect(checked.effectivenessCheck).toMatchObject({ result: 'EFFECTIVE', note: 'No repeats for a month', checkedBy: { id: qm.id } });
    expect(Date.now() - Date.parse(checked.effectivenessCheck!.checkedAt)).toBeLessThan(60_000);
    await fx.expectNoWrites(async () =>
      expectError(await check(qm.token, { id: action!.id, result: 'NOT_EFFECTIVE' }), 'CONFLICT', 'ALREADY_CHECKED'),
    );
    const stored = (await fx.get(w.staff.HEAD.token, c.id)).timeline.at(-1)!;
    expect([stored.type, stored.data.result, stored.actor?.id]).toEqual(['CORRECTIVE_ACTION_CHECKED', 'EFFECTIVE', qm.id]);
  });

  it('found not effective, after the complaint is closed, opens a follow-up action of the same kind', async () => {
    const c = await implementing([
      { kind: 'CORRECTION', description: 'Replace the kettle', ownerDepartmentId: w.dept, dueDate: companyDate(1) },
      { kind: 'PREVENTIVE', description: 'Check every lid of the batch', ownerDepartmentId: w.dept, dueDate: companyDate(10) },
    ]);
    const [correction, preventive] = (await actionsOf(w.staff.HEAD.token, c.id)).correctiveActions;
    const fb = ok(
      await fx.transition(w.staff.HEAD.token, c, Stage.FEEDBACK, { completedCorrectiveActionIds: [correction!.id] }),
    ).transitionComplaint;
    ok(await fx.transition(w.staff.HEAD.token, fb, Stage.CLOSED, { feedbackUnavailable: true }));
    ok(await server.staff(COMPLETE, { id: preventive!.id }, w.staff.HEAD.token));

    const qm = w.staff.QUALITY_MANAGER.token;
    const followUp = {
      description: 'Check the lids of three more batches',
      ownerDepartmentId: w.otherDept,
      ownerUserId: otherHead.id,
      dueDate: companyDate(30),
    };
    await fx.expectNoWrites(async () => {
      expectError(await check(qm, { id: preventive!.id, result: 'NOT_EFFECTIVE' }), 'BAD_USER_INPUT', 'FOLLOW_UP_REQUIRED');
      expectError(await check(qm, { id: preventive!.id, result: 'EFFECTIVE', followUp }), 'BAD_USER_INPUT');
    });
    const checked = ok(await check(qm, { id: preventive!.id, result: 'NOT_EFFECTIVE', note: 'Two more cracked lids', followUp }))
      .checkCorrectiveActionEffectiveness as ActionView;
    expect([checked.status, checked.effectivenessCheck?.result]).toEqual(['NOT_EFFECTIVE', 'NOT_EFFECTIVE']);

    const after = await actionsOf(w.staff.HEAD.token, c.id);
    expect(after.stage).toBe('CLOSED');
    const next = after.correctiveActions.find((a) => a.followUpOfId === preventive!.id)!;
    expect([next.kind, next.status, next.description, next.ownerDepartment.id, next.owner?.id, next.dueDate]).toEqual([
      'PREVENTIVE',
      'OPEN',
      followUp.description,
      w.otherDept,
      otherHead.id,
      followUp.dueDate,
    ]);
  });
});

describe('live changes of actions', () => {
  it('reach the register of those whose scope covers them, and the open complaint page', async () => {
    const c = await implementing([
      { kind: 'CORRECTIVE', description: 'Fix the press', ownerDepartmentId: w.dept, dueDate: companyDate(14) },
    ]);
    const [action] = (await actionsOf(w.staff.HEAD.token, c.id)).correctiveActions;
    const SUB = `subscription($d: ID) { correctiveActionsChanged(ownerDepartmentId: $d) { at complaint { id } actions { id status doneBy { id } } } }`;
    const quality = await sockets.track(WsClient.staff(server.url, w.staff.QUALITY_MANAGER.token));
    const outsider = await sockets.track(WsClient.staff(server.url, otherHead.token));
    const page = await sockets.track(WsClient.staff(server.url, otherHead.token));
    const all = quality.subscribe(SUB, {});
    const owned = quality.subscribe(SUB, { d: w.dept });
    const elsewhere = quality.subscribe(SUB, { d: w.otherDept });
    const notTheirs = outsider.subscribe(SUB, {});
    const updated = page.subscribe(`subscription($id: ID!) { complaintUpdated(id: $id) { correctiveActions { id status } } }`, {
      id: c.id,
    });
    await Promise.all([quality.settle(), outsider.settle(), page.settle()]);

    ok(await server.staff(COMPLETE, { id: action!.id }, w.staff.SPECIALIST.token));
    for (const id of [all, owned]) {
      const [event] = await quality.waitForResults(id, 1);
      expect(event.data.correctiveActionsChanged).toMatchObject({
        complaint: { id: c.id },
        actions: [{ id: action!.id, status: 'DONE', doneBy: { id: w.staff.SPECIALIST.id } }],
      });
    }
    const [pageEvent] = await page.waitForResults(updated, 1);
    expect(pageEvent.data.complaintUpdated.correctiveActions).toEqual([{ id: action!.id, status: 'DONE' }]);
    await quality.settle(300);
    expect([quality.results(elsewhere), outsider.results(notTheirs)]).toEqual([[], []]);
  });

  it('are refused to roles without the register', async () => {
    const client = await sockets.track(WsClient.staff(server.url, w.staff.OPERATOR.token));
    const id = client.subscribe('subscription { correctiveActionsChanged { at } }');
    const error = await client.waitFor((m) => m.id === id && m.type === 'error');
    expect(error.payload[0].extensions.code).toBe('FORBIDDEN');
  });
});
