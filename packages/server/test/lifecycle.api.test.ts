import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { EDGES } from '../src/modules/complaint/lifecycle.js';
import { ok, type TestServer } from './harness.js';
import { Q, complaintInput, expectError, startWorld, type ComplaintView, type Fixtures, type World } from './fixtures.js';

/** The lifecycle over the API; the refusals of edges that do not exist and of fields of another stage are in test/service/lifecycle.test.ts. */
let server: TestServer;
let fx: Fixtures;
let w: World;
beforeAll(async () => {
  ({ server, fx, w } = await startWorld());
});
afterAll(() => server?.close());

const edgeName = (e: { from: Stage; to: Stage }) => `${e.from} -> ${e.to}`;

/** Checks that `c` is still exactly as it was: same stage, version and timeline. */
async function expectUnchanged(c: ComplaintView) {
  const now = await fx.get(w.staff.HEAD.token, c.id);
  expect({ stage: now.stage, version: now.version, timeline: now.timeline.length }).toEqual({
    stage: c.stage,
    version: c.version,
    timeline: c.timeline.length,
  });
}

describe('registration', () => {
  it('by phone with a department lands in REGISTERED', async () => {
    const op = w.staff.OPERATOR;
    const c = await fx.register(op.token, { channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REPLACEMENT' });
    expect(c).toMatchObject({ stage: 'REGISTERED', version: 1, channel: 'PHONE', department: { id: w.dept } });
    expect(c.number).toMatch(new RegExp(`^${w.t.slug.toUpperCase()}-\\d{4}-\\d{6}$`));
    expect(c.timeline.map((e) => [e.type, e.fromStage, e.toStage, e.actor?.id])).toEqual([
      ['RECEIVED', null, 'RECEIVED', op.id],
      ['TRANSITIONED', 'RECEIVED', 'REGISTERED', op.id],
    ]);
  });

  it('by phone without all registration fields is refused and writes nothing', async () => {
    const input = complaintInput({
      channel: 'PHONE',
      departmentId: w.dept,
      categoryId: w.cat,
      customer: { name: 'Anna', phone: '+7 900 111-22-33' },
    });
    const r = await fx.expectNoWrites(() => server.staff(Q.register, { input }, w.staff.OPERATOR.token));
    expect(expectError(r, 'BAD_USER_INPUT', 'STAGE_REQUIREMENTS').extensions?.fields).toEqual([
      expect.objectContaining({ field: 'demand' }),
    ]);
  });

  it.each(['API', 'WEB'])('over %s lands in RECEIVED, even with a department', async (channel) => {
    const c = await fx.register(w.staff.OPERATOR.token, { channel, departmentId: w.dept, categoryId: w.cat, demand: 'REFUND' });
    expect(c).toMatchObject({ stage: 'RECEIVED', version: 1, channel });
    expect(c.timeline.map((e) => [e.type, e.fromStage, e.toStage])).toEqual([['RECEIVED', null, 'RECEIVED']]);
  });

  it("a complaint filed on the portal under an existing customer's e-mail changes nothing of theirs: what it said stays on it", async () => {
    const email = `returning-${randomUUID().slice(0, 8)}@example.com`;
    const first = await fx.register(w.staff.OPERATOR.token, {
      channel: 'PHONE',
      customer: { name: 'Пётр Иванов', email, phone: '+7 916 555-12-34' },
    });
    const customerOf = async (id: string) =>
      ok(await server.staff('query($id: ID) { complaint(id: $id) { customer { id name email phone } } }', { id }, w.staff.HEAD.token))
        .complaint.customer;
    const before = await customerOf(first.id);
    const submitted = ok(
      await server.portal(Q.submit, {
        slug: w.t.slug,
        input: {
          kind: 'COMPLAINT',
          subject: 'Someone else',
          description: "Filed with another person's e-mail",
          customer: { name: 'Mallory', email: email.toUpperCase(), phone: '+1 555 0100' },
        },
      }),
    ).submitComplaint;
    const [second] = await fx.asTenant(w.t.tenantId, (m) => m.query('SELECT id FROM complaints WHERE number = $1', [submitted.number]));
    expect(await customerOf(first.id)).toEqual(before);
    expect(before).toMatchObject({ name: 'Пётр Иванов', email, phone: '+7 916 555-12-34' });
    // The new complaint shows what it said, and is linked to the same customer (their other complaints).
    expect(await customerOf(second.id)).toEqual({ id: before.id, name: 'Mallory', email, phone: '+1 555 0100' });
    const [record] = await fx.asTenant(w.t.tenantId, (m) => m.query('SELECT name, phone FROM customers WHERE id = $1', [before.id]));
    expect(record).toEqual({ name: 'Пётр Иванов', phone: '+7 916 555-12-34' });
  });

  it('by phone without a department lands in RECEIVED', async () => {
    expect((await fx.register(w.staff.OPERATOR.token, { channel: 'PHONE' })).stage).toBe('RECEIVED');
  });
});

describe('allowed edges', () => {
  it.each(EDGES.map((e) => ({ ...e, name: edgeName(e) })))('$name: moves, bumps the version, records the step', async (edge) => {
    const c = await fx.complaintAt(w, edge.from);
    expect(c.stage).toBe(edge.from);
    const moved = await fx.advance(w, c, edge.to);
    expect(moved.stage).toBe(edge.to);
    expect(moved.version).toBe(c.version + 1);
    expect(moved.timeline).toHaveLength(c.timeline.length + 1);
    expect(moved.timeline.at(-1)).toMatchObject({
      type: 'TRANSITIONED',
      fromStage: edge.from,
      toStage: edge.to,
      actorKind: 'STAFF',
      actor: { id: w.staff.HEAD.id },
    });
    const stored = await fx.get(w.staff.OPERATOR.token, c.id);
    expect({ stage: stored.stage, version: stored.version, timeline: stored.timeline }).toEqual({
      stage: moved.stage,
      version: moved.version,
      timeline: moved.timeline,
    });
    if (edge.to === Stage.REJECTED) {
      expect(stored.rejectionReason).toBe(fx.stageFields(w, c, Stage.REJECTED).rejectionReason);
      expect(stored.closedAt).not.toBeNull();
      if (edge.from === Stage.ANALYSIS) expect(stored.validity).toBe('UNFOUNDED');
    }
    if (edge.to === Stage.CLOSED) expect(stored).toMatchObject({ satisfaction: 4, closedAt: expect.any(String) });
    if (edge.from === Stage.CLOSED) {
      expect(stored.closedAt).toBeNull();
      // The rating that closed it no longer stands: closing again needs a new one.
      expect(stored.satisfaction).toBeNull();
      expect(stored.timeline.at(-1)!.data).toMatchObject({ note: 'the customer is not satisfied' });
    }
  });

  it('walks the whole process and back, one version and one timeline entry per step', async () => {
    let c = await fx.register(w.staff.OPERATOR.token);
    const route = [Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FEEDBACK, Stage.CLOSED, Stage.ANALYSIS];
    for (const to of route) c = await fx.advance(w, c, to);
    expect(c.version).toBe(route.length + 1);
    const steps = c.timeline.filter((e) => e.type === 'TRANSITIONED').map((e) => `${e.fromStage}>${e.toStage}`);
    expect(steps).toEqual([
      'RECEIVED>REGISTERED',
      'REGISTERED>ANALYSIS',
      'ANALYSIS>DECISION',
      'DECISION>IMPLEMENTATION',
      'IMPLEMENTATION>FEEDBACK',
      'FEEDBACK>CLOSED',
      'CLOSED>ANALYSIS',
    ]);
    expect(c.assignee?.id).toBe(w.staff.SPECIALIST.id);
  });

  it('closes on the rating the customer gave on the portal', async () => {
    const submitted = ok(
      await server.portal(Q.submit, {
        slug: w.t.slug,
        input: {
          kind: 'COMPLAINT',
          subject: 'Late delivery',
          description: 'Two weeks late',
          customer: { name: 'Olga', email: 'olga@example.com' },
        },
      }),
    ).submitComplaint;
    const [found] = await fx.asTenant(w.t.tenantId, (m) => m.query('SELECT id FROM complaints WHERE number = $1', [submitted.number]));
    let c = await fx.get(w.staff.HEAD.token, found.id);
    for (const to of [Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FEEDBACK])
      c = await fx.advance(w, c, to);
    expect(
      ok(await server.portal(Q.rate, { number: submitted.number, token: submitted.accessToken, score: 2 })).rateComplaint.satisfaction,
    ).toBe(2);
    c = await fx.get(w.staff.HEAD.token, c.id);
    const closed = ok(await fx.transition(w.staff.QUALITY_MANAGER.token, c, Stage.CLOSED)).transitionComplaint;
    expect(closed).toMatchObject({ stage: 'CLOSED', satisfaction: 2 });
  });
});

describe('stage requirements', () => {
  type Case = { name: string; from: Stage; to: Stage; change: Record<string, unknown>; field: string; setup?: Record<string, unknown> };
  const drop = (field: string) => ({ [field]: undefined });
  const cases: Case[] = [
    ...['departmentId', 'categoryId', 'demand'].map((f) => ({
      name: `REGISTERED without ${f}`,
      from: Stage.RECEIVED,
      to: Stage.REGISTERED,
      change: drop(f),
      field: f,
    })),
    { name: 'ANALYSIS without an assignee', from: Stage.REGISTERED, to: Stage.ANALYSIS, change: drop('assigneeId'), field: 'assigneeId' },
    { name: 'reopening without a note', from: Stage.CLOSED, to: Stage.ANALYSIS, change: drop('note'), field: 'note' },
    { name: 'DECISION without validity', from: Stage.ANALYSIS, to: Stage.DECISION, change: drop('validity'), field: 'validity' },
    { name: 'DECISION on UNFOUNDED', from: Stage.ANALYSIS, to: Stage.DECISION, change: { validity: 'UNFOUNDED' }, field: 'validity' },
    { name: 'DECISION without a root cause', from: Stage.ANALYSIS, to: Stage.DECISION, change: drop('rootCause'), field: 'rootCause' },
    { name: 'IMPLEMENTATION without a remedy', from: Stage.DECISION, to: Stage.IMPLEMENTATION, change: drop('remedy'), field: 'remedy' },
    ...['REFUND', 'DISCOUNT', 'COMPENSATION'].flatMap((remedy) =>
      [undefined, 0].map((amount) => ({
        name: `IMPLEMENTATION with ${remedy} of ${amount}`,
        from: Stage.DECISION,
        to: Stage.IMPLEMENTATION,
        change: { remedy, remedyAmount: amount },
        field: 'remedyAmount',
      })),
    ),
    {
      name: 'FEEDBACK with a corrective action not done',
      from: Stage.IMPLEMENTATION,
      to: Stage.FEEDBACK,
      change: { completedCorrectiveActionIds: undefined },
      field: 'completedCorrectiveActionIds',
    },
    {
      name: 'FEEDBACK on an objective defect without corrective actions',
      from: Stage.IMPLEMENTATION,
      to: Stage.FEEDBACK,
      change: {},
      field: 'correctiveActions',
      setup: { remedy: 'REPAIR', remedyAmount: undefined, correctiveActions: undefined },
    },
    {
      name: 'CLOSED without a rating',
      from: Stage.FEEDBACK,
      to: Stage.CLOSED,
      change: { satisfaction: undefined, satisfactionComment: undefined },
      field: 'satisfaction',
    },
    { name: 'DECISION without a cause code', from: Stage.ANALYSIS, to: Stage.DECISION, change: drop('causeId'), field: 'causeId' },
    {
      name: 'REJECTED without a coded reason',
      from: Stage.RECEIVED,
      to: Stage.REJECTED,
      change: drop('rejectionReasonId'),
      field: 'rejectionReasonId',
    },
  ];

  it.each(cases)('$name: STAGE_REQUIREMENTS names $field, nothing changes', async ({ from, to, change, field, setup }) => {
    const c = await fx.complaintAt(w, from, { fields: { IMPLEMENTATION: setup } });
    const r = await fx.expectNoWrites(() => fx.transition(w.staff.HEAD.token, c, to, { ...fx.stageFields(w, c, to), ...change }));
    expect(expectError(r, 'BAD_USER_INPUT', 'STAGE_REQUIREMENTS').extensions?.fields).toEqual([expect.objectContaining({ field })]);
    await expectUnchanged(c);
  });

  it('CLOSED with feedbackUnavailable instead of a rating', async () => {
    const c = await fx.complaintAt(w, Stage.FEEDBACK);
    const closed = ok(await fx.transition(w.staff.SPECIALIST.token, c, Stage.CLOSED, { feedbackUnavailable: true })).transitionComplaint;
    expect(closed).toMatchObject({ stage: 'CLOSED', satisfaction: null, version: c.version + 1 });
  });

  it('counts values set earlier (an assignee from registration)', async () => {
    const c = await fx.register(w.staff.OPERATOR.token, {
      channel: 'PHONE',
      departmentId: w.dept,
      categoryId: w.cat,
      demand: 'REPAIR',
      assigneeId: w.staff.SPECIALIST.id,
    });
    expect(ok(await fx.transition(w.staff.SPECIALIST.token, c, Stage.ANALYSIS)).transitionComplaint.stage).toBe('ANALYSIS');
  });
});

describe('optimistic locking', () => {
  it.each([-1, 1])('expectedVersion off by %i gives CONFLICT and changes nothing', async (delta) => {
    const c = await fx.complaintAt(w, Stage.REGISTERED);
    const r = await fx.expectNoWrites(() =>
      fx.transition(w.staff.HEAD.token, { id: c.id, version: c.version + delta }, Stage.ANALYSIS, fx.stageFields(w, c, Stage.ANALYSIS)),
    );
    expect(expectError(r, 'CONFLICT').extensions?.currentVersion).toBe(c.version);
    await expectUnchanged(c);
  });

  it('lets only one of two writers with the same version win', async () => {
    const c = await fx.complaintAt(w, Stage.REGISTERED);
    const [a, b] = await Promise.all([
      fx.transition(w.staff.HEAD.token, c, Stage.ANALYSIS, fx.stageFields(w, c, Stage.ANALYSIS)),
      fx.transition(w.staff.HEAD.token, c, Stage.REJECTED, fx.stageFields(w, c, Stage.REJECTED)),
    ]);
    const codes = [a, b].map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    const stored = await fx.get(w.staff.HEAD.token, c.id);
    expect(stored.version).toBe(c.version + 1);
    expect(stored.timeline).toHaveLength(c.timeline.length + 1);
  });
});

describe('corrective actions', () => {
  it('are created at IMPLEMENTATION and completed on the way to FEEDBACK', async () => {
    const c = await fx.complaintAt(w, Stage.DECISION);
    const impl = ok(
      await fx.transition(w.staff.SPECIALIST.token, c, Stage.IMPLEMENTATION, {
        remedy: 'REPLACE',
        correctiveActions: [
          { description: 'audit the seal supplier', ownerDepartmentId: w.dept, dueDate: '2030-03-01' },
          { description: 'update the packing manual', ownerDepartmentId: w.otherDept, dueDate: '2030-04-01' },
        ],
      }),
    ).transitionComplaint as ComplaintView;
    // Actions created in one step share their creation time, so their order is not the input order.
    expect(impl.correctiveActions.map((a) => [a.description, a.doneAt]).sort()).toEqual([
      ['audit the seal supplier', null],
      ['update the packing manual', null],
    ]);
    const [first, second] = impl.correctiveActions.map((a) => a.id);

    const partial = await fx.transition(w.staff.SPECIALIST.token, impl, Stage.FEEDBACK, { completedCorrectiveActionIds: [first] });
    expectError(partial, 'BAD_USER_INPUT', 'STAGE_REQUIREMENTS');
    expectError(
      await fx.transition(w.staff.SPECIALIST.token, impl, Stage.FEEDBACK, { completedCorrectiveActionIds: [first, second, randomUUID()] }),
      'NOT_FOUND',
    );
    await expectUnchanged(impl);
    expect((await fx.get(w.staff.HEAD.token, c.id)).correctiveActions.every((a) => a.doneAt === null)).toBe(true);

    const done = ok(await fx.transition(w.staff.SPECIALIST.token, impl, Stage.FEEDBACK, { completedCorrectiveActionIds: [second, first] }))
      .transitionComplaint as ComplaintView;
    expect(done.stage).toBe('FEEDBACK');
    const stored = await fx.get(w.staff.HEAD.token, c.id);
    expect(stored.correctiveActions.map((a) => typeof a.doneAt)).toEqual(['string', 'string']);
    expect(stored.timeline.at(-1)!.data).toMatchObject({ completedCorrectiveActionIds: [second, first] });
  });

  it('refuses an owner department that does not exist', async () => {
    const c = await fx.complaintAt(w, Stage.DECISION);
    const r = await fx.expectNoWrites(() =>
      fx.transition(w.staff.HEAD.token, c, Stage.IMPLEMENTATION, {
        remedy: 'REPAIR',
        correctiveActions: [{ description: 'x-ray the batch', ownerDepartmentId: randomUUID(), dueDate: '2030-01-01' }],
      }),
    );
    expectError(r, 'NOT_FOUND');
    await expectUnchanged(c);
  });
});
