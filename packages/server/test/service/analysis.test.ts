import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles.js';
import type { RequestContext } from '../../src/graphql/context.js';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { listComplaints } from '../../src/modules/complaint/complaint.queries.js';
import { registerComplaint, setAwaitingCustomer, transitionComplaint } from '../../src/modules/complaint/complaint.service.js';
import * as analysis from '../../src/modules/analysis/analysis.service.js';
import { ParetoDimension, ParetoMeasure, RepeatKey, type AnalysisFilterInput } from '../../src/modules/analysis/analysis.types.js';
import { ok } from '../harness.js';
import { complaintInput, expectError, stageFields } from '../fixtures.js';
import { startServiceTier, type Member, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * The analysis queries (docs/api.md#analysis) over complaints moved through
 * the services, each figure checked against a count made here another way
 * (the complaint list, the timeline, what the test did); a reopened, a
 * rejected and a paused complaint each counted as documented; a second
 * company's complaints change nothing; a HEAD sees their departments only.
 */
let tier: ServiceTier;
let w: ServiceWorld;
let b: ServiceWorld;
let headOther: Member;
let filter: AnalysisFilterInput;
/** Transitions the test made that left a stage whose STAGE clock was running (all but reopenings). */
let stageClockStops = 0;
const made: Record<string, string> = {};

interface Moved {
  id: string;
  version: number;
  stage: Stage;
}

async function registered(world: ServiceWorld, departmentId = world.dept, overrides: Record<string, unknown> = {}): Promise<Moved> {
  return tier.as(world.staff.OPERATOR, 'registerComplaint', (ctx) =>
    registerComplaint(
      ctx,
      complaintInput({
        channel: 'PHONE',
        departmentId,
        categoryId: world.cat,
        demand: 'REFUND',
        productPrice: 10000,
        ...overrides,
      }) as never,
    ),
  );
}

async function walk(
  world: ServiceWorld,
  c: Moved,
  stages: Stage[],
  as: Member = world.staff.HEAD,
  extra: Partial<Record<Stage, Record<string, unknown>>> = {},
): Promise<Moved> {
  for (const to of stages) {
    const actions = await tier.build.inTenant(world.t.tenantId, (m) =>
      m.query('SELECT id, done_at AS "doneAt" FROM corrective_actions WHERE complaint_id = $1', [c.id]),
    );
    const fields = { ...stageFields(world, { ...c, correctiveActions: actions }, to), ...extra[to] };
    for (const [k, v] of Object.entries(fields)) if (v === undefined) delete fields[k];
    const from = c.stage;
    c = await tier.as(as, 'transitionComplaint', (ctx) =>
      transitionComplaint(ctx, { id: c.id, expectedVersion: c.version, to, ...fields } as never),
    );
    if (world === w && from !== Stage.CLOSED) stageClockStops++;
  }
  return c;
}
const version = async (world: ServiceWorld, id: string) =>
  (await tier.build.inTenant(world.t.tenantId, (m) => m.query('SELECT version, stage FROM complaints WHERE id = $1', [id])))[0] as {
    version: number;
    stage: Stage;
  };
const FORWARD = [Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FEEDBACK, Stage.CLOSED];

/** Every figure for `u`, as one object (the isolation test compares it whole). */
async function everything(u: Member, f: AnalysisFilterInput = filter) {
  const q = <T>(operation: string, work: (ctx: RequestContext) => Promise<T>) => tier.as(u, operation, work);
  return {
    funnel: await q('funnel', (ctx) => analysis.funnel(ctx, f)),
    causes: await q('pareto', (ctx) => analysis.pareto(ctx, f, ParetoDimension.CAUSE, ParetoMeasure.COUNT)),
    money: await q('pareto', (ctx) => analysis.pareto(ctx, f, ParetoDimension.DEPARTMENT, ParetoMeasure.REMEDY_AMOUNT)),
    penalty: await q('pareto', (ctx) => analysis.pareto(ctx, f, ParetoDimension.CAUSE_GROUP, ParetoMeasure.PENALTY)),
    reasons: await q('pareto', (ctx) => analysis.pareto(ctx, f, ParetoDimension.REJECTION_REASON, ParetoMeasure.COUNT)),
    fishbone: await q('causeEffect', (ctx) => analysis.causeEffect(ctx, f)),
    sla: await q('slaCompliance', (ctx) => analysis.slaCompliance(ctx, f)),
    durations: await q('stageDurations', (ctx) => analysis.stageDurations(ctx, f)),
    satisfaction: await q('satisfactionTrend', (ctx) => analysis.satisfactionTrend(ctx, f)),
    legal: await q('legalCompliance', (ctx) => analysis.legalCompliance(ctx, f)),
    customers: await q('repeats', (ctx) => analysis.repeats(ctx, f, RepeatKey.CUSTOMER, 90)),
    products: await q('repeats', (ctx) => analysis.repeats(ctx, f, RepeatKey.PRODUCT, 90)),
  };
}
type Figures = Awaited<ReturnType<typeof everything>>;
let qm: Figures;
let head: Figures;

beforeAll(async () => {
  tier = await startServiceTier();
  [w, b] = await Promise.all([tier.build.world(), tier.build.world()]);
  headOther = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.HEAD], [w.otherDept]);
  const start = new Date(Date.now() - 60_000);
  const transport = await tier.build.codes(w.t.tenantId, 'TRANSPORT_DAMAGE', 'WARRANTY_EXPIRED');

  // Closed, rated 4, legal deadline missed by 2.5 days before closing (3 started days of 1 % of 10,000).
  let c1 = await walk(w, await registered(w, w.dept, { product: 'KT-1720' }), FORWARD.slice(0, 4));
  await tier.build.inTenant(w.t.tenantId, (m) =>
    m.query(`UPDATE sla_deadlines SET due_at = now() - interval '60 hours' WHERE complaint_id = $1 AND clock = 'LEGAL'`, [c1.id]),
  );
  c1 = await walk(w, c1, [Stage.CLOSED]);
  made.closed = c1.id;
  // Closed, then reopened: in ANALYSIS again.
  made.reopened = (await walk(w, await walk(w, await registered(w), FORWARD), [Stage.ANALYSIS])).id;
  // Received over the API (no department) and rejected at once: misuse.
  const api = await tier.as(w.staff.OPERATOR, 'registerComplaint', (ctx) => registerComplaint(ctx, complaintInput() as never));
  made.rejectedAtOnce = (await walk(w, { ...api, stage: Stage.RECEIVED }, [Stage.REJECTED])).id;
  // Rejected from ANALYSIS after a pause: its stage clock ran over (missed), its resolution clock kept only what it used before the pause.
  const paused = await walk(w, await registered(w), [Stage.ANALYSIS]);
  await tier.as(w.staff.HEAD, 'addMessage', (ctx) => setAwaitingCustomer(ctx, paused.id, true, 'STAFF'));
  await tier.build.inTenant(w.t.tenantId, (m) =>
    m.query(
      `UPDATE sla_deadlines SET consumed_ms = CASE clock WHEN 'STAGE' THEN budget_ms + 1000 ELSE 1000 END WHERE complaint_id = $1 AND clock <> 'LEGAL'`,
      [paused.id],
    ),
  );
  made.paused = (
    await walk(w, { ...paused, version: (await version(w, paused.id)).version }, [Stage.REJECTED], w.staff.HEAD, {
      [Stage.REJECTED]: { rejectionReasonId: transport.rejectionReason },
    })
  ).id;
  // Decided on another cause, still open.
  made.decided = (
    await walk(w, await registered(w, w.dept, { product: 'kt-1720' }), FORWARD.slice(0, 2), w.staff.HEAD, {
      [Stage.DECISION]: { causeId: transport.cause },
    })
  ).id;
  // In the other department, closed without a rating.
  made.other = (
    await walk(w, await registered(w, w.otherDept), FORWARD, headOther, {
      [Stage.ANALYSIS]: { assigneeId: headOther.id },
      [Stage.CLOSED]: { satisfaction: undefined, satisfactionComment: undefined, feedbackUnavailable: true },
    })
  ).id;
  filter = { from: start, to: new Date(Date.now() + 3600_000) };

  qm = await everything(w.staff.QUALITY_MANAGER);
  head = await everything(w.staff.HEAD);
});
afterAll(() => tier?.close());

/** Counts made another way: SQL over the company's complaints and timeline. */
const count = async (sql: string, params: unknown[] = []) =>
  Number((await tier.build.inTenant(w.t.tenantId, (m) => m.query(sql, params)))[0].n);
const listed = (u: Member, f: Record<string, unknown>) =>
  tier.as(u, 'complaints', async (ctx) =>
    (await listComplaints(ctx, { receivedFrom: filter.from, receivedTo: filter.to, ...f } as never, 1)).count(),
  );
const step = (rows: Figures['funnel'], stage: Stage) => rows.find((r) => r.stage === stage)!;

describe('funnel', () => {
  it("RECEIVED is every complaint received in the period (the list's totalCount); each stage counts the complaints whose timeline enters it", async () => {
    expect(step(qm.funnel, Stage.RECEIVED).entered).toBe(await listed(w.staff.QUALITY_MANAGER, {}));
    expect(step(qm.funnel, Stage.RECEIVED).entered).toBe(6);
    for (const stage of Object.values(Stage).filter((s) => s !== Stage.RECEIVED)) {
      const byTimeline = await count(
        `SELECT count(DISTINCT e.complaint_id) AS n FROM timeline_events e JOIN complaints c ON c.id = e.complaint_id
        WHERE e.type = 'TRANSITIONED' AND e.to_stage = $1 AND c.received_at >= $2 AND c.received_at < $3`,
        [stage, filter.from, filter.to],
      );
      expect(step(qm.funnel, stage).entered, stage).toBe(byTimeline);
    }
    // Registered, and not received-and-rejected: the list's count of the stages after RECEIVED, plus the rejected that got past it.
    const past = await listed(w.staff.QUALITY_MANAGER, {
      stages: [Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FEEDBACK, Stage.CLOSED],
    });
    expect(step(qm.funnel, Stage.REGISTERED).entered).toBe(past + 1);
  });

  it('a reopened complaint enters ANALYSIS once and CLOSED once; a rejected one drops out of its stage with its coded reason', () => {
    expect(step(qm.funnel, Stage.ANALYSIS).entered).toBe(5);
    expect(step(qm.funnel, Stage.CLOSED).entered).toBe(3);
    expect(step(qm.funnel, Stage.REJECTED).entered).toBe(2);
    const received = step(qm.funnel, Stage.RECEIVED);
    expect([received.rejected, received.rejectedBy.map((r) => [r.rejectionReason?.code, r.count])]).toEqual([1, [['MISUSE', 1]]]);
    const analysed = step(qm.funnel, Stage.ANALYSIS);
    expect([analysed.rejected, analysed.rejectedBy.map((r) => [r.rejectionReason?.code, r.count])]).toEqual([1, [['WARRANTY_EXPIRED', 1]]]);
    expect(step(qm.funnel, Stage.DECISION).rejected).toBe(0);
  });
});

describe('pareto', () => {
  it('by cause: complaints per coded cause, largest first, with the cumulative share and the vital few', async () => {
    const perCause = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        `SELECT k.code, count(*)::int AS n FROM complaints c JOIN causes k ON k.id = c.cause_id GROUP BY k.code ORDER BY n DESC, k.code`,
      ),
    );
    expect(qm.causes.bars.map((x) => [x.label, x.complaints, x.value])).toEqual(
      perCause.map((r: { code: string; n: number }) => [r.code, r.n, r.n]),
    );
    expect(qm.causes.bars.map((x) => [x.cause?.code, x.group])).toEqual([
      ['SUPPLIER_DEFECT', 'MATERIAL'],
      ['TRANSPORT_DAMAGE', 'ENVIRONMENT'],
    ]);
    expect(qm.causes.total).toBe(4);
    // Each bar's complaints are the list's, filtered by the bar (the drill-down).
    for (const bar of qm.causes.bars) expect(await listed(w.staff.QUALITY_MANAGER, { causeId: bar.key })).toBe(bar.complaints);
    expect(await listed(w.staff.QUALITY_MANAGER, { causeGroup: 'MATERIAL' })).toBe(3);
    expect(qm.causes.bars.map((x) => [x.share, x.cumulativeShare, x.vital])).toEqual([
      [0.75, 0.75, true],
      [0.25, 1, true],
    ]);
  });

  it("by department, money paid out: the decisions' amounts; by rejection reason; by group, penalty accrued by closing", async () => {
    const paid = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        'SELECT department_id::text AS key, sum(remedy_amount)::float8 AS v FROM complaints WHERE remedy_amount > 0 GROUP BY 1 ORDER BY v DESC, key',
      ),
    );
    expect(qm.money.bars.map((x) => [x.key, x.value])).toEqual(paid.map((r: { key: string; v: number }) => [r.key, r.v]));
    expect(qm.reasons.bars.map((x) => [x.rejectionReason?.code, x.value])).toEqual([
      ['MISUSE', 1],
      ['WARRANTY_EXPIRED', 1],
    ]);
    for (const bar of qm.reasons.bars) expect(await listed(w.staff.QUALITY_MANAGER, { rejectionReasonId: bar.key })).toBe(bar.complaints);
    // 2.5 days late = 3 started days of 1 % of the price (10,000).
    expect(qm.penalty).toMatchObject({ total: 300, bars: [{ key: 'MATERIAL', value: 300, complaints: 1, cumulativeShare: 1 }] });
  });
});

describe('the other figures', () => {
  it('cause and effect: all six groups, each with its causes and the complaints coded under them', () => {
    expect(qm.fishbone.map((g) => g.group)).toEqual(['PEOPLE', 'EQUIPMENT', 'METHOD', 'MATERIAL', 'MEASUREMENT', 'ENVIRONMENT']);
    expect(Object.fromEntries(qm.fishbone.map((g) => [g.group, g.count]))).toEqual({
      PEOPLE: 0,
      EQUIPMENT: 0,
      METHOD: 0,
      MATERIAL: 3,
      MEASUREMENT: 0,
      ENVIRONMENT: 1,
    });
    expect(qm.fishbone.find((g) => g.group === 'MATERIAL')!.causes.map((c) => [c.cause.code, c.count])).toEqual([
      ['SUPPLIER_DEFECT', 3],
      ['PACKAGING', 0],
    ]);
  });

  it('SLA compliance: one per clock that stopped; the paused clock kept only the time before the pause (met), the stage clock over its budget missed', async () => {
    const total = (clock: string) => qm.sla.filter((r) => r.clock === clock).reduce((n, r) => n + r.total, 0);
    const missed = (clock: string) => qm.sla.filter((r) => r.clock === clock).reduce((n, r) => n + r.missed, 0);
    expect(total('STAGE')).toBe(stageClockStops);
    // Resolution and first response stop at each closing or rejection (the reopened complaint closed once so far).
    const ended = await count(
      `SELECT count(*) AS n FROM timeline_events WHERE type = 'TRANSITIONED' AND to_stage IN ('CLOSED', 'REJECTED')`,
    );
    expect([total('RESOLUTION'), total('FIRST_RESPONSE')]).toEqual([ended, ended]);
    expect([missed('STAGE'), missed('RESOLUTION'), missed('FIRST_RESPONSE')]).toEqual([1, 0, 0]);
    expect(qm.sla.every((r) => r.compliance === r.met / r.total)).toBe(true);
  });

  it("time in stage: one stay per stage left (the timeline's steps out of it), with medians and 90th percentiles", async () => {
    for (const row of qm.durations) {
      const left = await count(`SELECT count(*) AS n FROM timeline_events WHERE type = 'TRANSITIONED' AND from_stage = $1`, [row.stage]);
      expect(row.visits, row.stage).toBe(left);
      expect(row.medianWorkingSeconds!).toBeLessThanOrEqual(row.medianCalendarSeconds + 0.001);
      expect(row.p90CalendarSeconds).toBeGreaterThanOrEqual(row.medianCalendarSeconds);
    }
    expect(qm.durations.map((r) => r.stage)).toEqual([
      Stage.RECEIVED,
      Stage.REGISTERED,
      Stage.ANALYSIS,
      Stage.DECISION,
      Stage.IMPLEMENTATION,
      Stage.FEEDBACK,
    ]);
  });

  it('satisfaction: complaints closed (and still closed) in the period; the reopened one is not among them', () => {
    expect(qm.satisfaction).toEqual([{ period: null, closed: 2, rated: 1, average: 4, satisfiedShare: 1, responseRate: 0.5 }]);
  });

  it('legal deadlines: each complaint closed or rejected once, as of its last closing; the late one with its penalty', () => {
    expect(qm.legal).toEqual([{ period: null, total: 4, met: 3, late: 1, penaltyAccrued: 300 }]);
  });

  it('repeats: the same customer again within 90 days; the same product written either way', async () => {
    expect([qm.customers.complaints, qm.customers.repeats]).toEqual([6, 5]);
    expect(qm.products).toMatchObject({ complaints: 2, repeats: 1, top: [{ key: 'kt-1720', complaints: 2, repeats: 1 }] });
    expect(await listed(w.staff.QUALITY_MANAGER, { product: 'Kt-1720' })).toBe(2);
  });

  it("a grouping splits the same figures into months in the company's time zone", async () => {
    const monthly = await tier.as(w.staff.QUALITY_MANAGER, 'funnel', (ctx) =>
      analysis.funnel(ctx, { ...filter, grouping: 'MONTH' as never }),
    );
    const periods = [...new Set(monthly.map((r) => r.period!.toISOString()))];
    expect(periods.length).toBeGreaterThanOrEqual(1);
    for (const stage of Object.values(Stage)) {
      expect(monthly.filter((r) => r.stage === stage).reduce((n, r) => n + r.entered, 0)).toBe(step(qm.funnel, stage).entered);
    }
  });
});

describe('who sees what', () => {
  it('a HEAD sees the complaints of their departments only (the list filtered by the department)', async () => {
    expect(step(head.funnel, Stage.RECEIVED).entered).toBe(await listed(w.staff.QUALITY_MANAGER, { departmentId: w.dept }));
    expect(step(head.funnel, Stage.RECEIVED).entered).toBe(4);
    expect(head.satisfaction).toEqual([{ period: null, closed: 1, rated: 1, average: 4, satisfiedShare: 1, responseRate: 1 }]);
    expect(head.legal).toEqual([{ period: null, total: 3, met: 2, late: 1, penaltyAccrued: 300 }]);
    expect(head.money.bars.map((x) => x.key)).toEqual([w.dept]);
    // The same as the quality manager's figures for that department.
    expect(await everything(w.staff.QUALITY_MANAGER, { ...filter, departmentId: w.dept })).toEqual(head);
  });

  it('a HEAD naming another department is FORBIDDEN; other roles are refused every query', async () => {
    expectError(
      await tier.attempt(w.staff.HEAD, 'funnel', (ctx) => analysis.funnel(ctx, { ...filter, departmentId: w.otherDept })),
      'FORBIDDEN',
    );
    const operations = [
      'funnel',
      'pareto',
      'causeEffect',
      'slaCompliance',
      'stageDurations',
      'satisfactionTrend',
      'legalCompliance',
      'repeats',
    ];
    for (const role of [Role.OPERATOR, Role.SPECIALIST, Role.ADMIN]) {
      for (const operation of operations) {
        const r = await tier.attempt(w.staff[role], operation, (ctx) => analysis.funnel(ctx, filter));
        expect(expectError(r, 'FORBIDDEN').message, `${operation} by ${role}`).toContain('VIEW_ANALYSIS');
      }
    }
  });

  it('a period that ends before it starts, or is longer than three years, is BAD_USER_INPUT', async () => {
    const bad = [
      { from: filter.to, to: filter.from },
      { from: new Date('2020-01-01'), to: new Date('2024-01-02') },
    ];
    for (const f of bad)
      expectError(await tier.attempt(w.staff.QUALITY_MANAGER, 'funnel', (ctx) => analysis.funnel(ctx, f)), 'BAD_USER_INPUT');
  });

  it("a second company's complaints, with the same codes, customers and products, change none of the first's figures", async () => {
    const c = await walk(b, await registered(b, b.dept, { product: 'KT-1720' }), FORWARD);
    await walk(b, c, [Stage.ANALYSIS]);
    await walk(b, await registered(b), [Stage.ANALYSIS, Stage.REJECTED]);
    const api = await tier.as(b.staff.OPERATOR, 'registerComplaint', (ctx) => registerComplaint(ctx, complaintInput() as never));
    await walk(b, { ...api, stage: Stage.RECEIVED }, [Stage.REJECTED]);
    const wide = { ...filter, to: new Date(Date.now() + 3600_000) };
    expect(await everything(w.staff.QUALITY_MANAGER, wide)).toEqual(await everything(w.staff.QUALITY_MANAGER, wide));
    expect(await everything(w.staff.QUALITY_MANAGER)).toEqual(qm);
    expect(await everything(w.staff.HEAD)).toEqual(head);
    // And the second company sees its own.
    const theirs = ok(await tier.attempt(b.staff.QUALITY_MANAGER, 'funnel', (ctx) => analysis.funnel(ctx, wide)));
    expect(step(theirs, Stage.RECEIVED).entered).toBe(3);
  });
});

describe('repeats over many complaints', () => {
  it('finds the previous complaint of the same key in one pass: 20,000 complaints of one customer within a 3-second statement limit', async () => {
    // (A first version compared every complaint with every other of its key and ran past the 5 s statement limit on a year of 100,000.)
    const many = await tier.build.world();
    const customer = await tier.build.inTenant(many.t.tenantId, async (m) => {
      const [c] = await m.query(
        `INSERT INTO customers (tenant_id, id, name, email, created_at) VALUES (app_tenant_id(), gen_random_uuid(), 'Frequent', 'f@x.test', now()) RETURNING id`,
      );
      await m.query(
        `INSERT INTO complaints (tenant_id, id, number, kind, channel, stage, subject, description, customer_id, customer_name, department_id, received_at)
         SELECT app_tenant_id(), gen_random_uuid(), 'MANY-' || i, 'CLAIM', 'PHONE', 'RECEIVED', 's', 'd', $1, 'Frequent', $2,
                now() - i * interval '20 minutes'
           FROM generate_series(1, 20000) i`,
        [c.id, many.dept],
      );
      return c.id as string;
    });
    const f = { from: new Date(Date.now() - 400 * 86_400_000), to: new Date(Date.now() + 60_000) };
    const result = await tier.as(many.staff.QUALITY_MANAGER, 'repeats', async (ctx) => {
      await ctx.query(`SET LOCAL statement_timeout = '3s'`);
      return analysis.repeats(ctx, f, RepeatKey.CUSTOMER, 1);
    });
    // Every complaint but the oldest follows another 20 minutes before it.
    expect(result).toMatchObject({ complaints: 20000, repeats: 19999, top: [{ key: customer, complaints: 20000, repeats: 19999 }] });
  });
});
