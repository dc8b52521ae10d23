import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { registerComplaint, setAwaitingCustomer, transitionComplaint } from '../../src/modules/complaint/complaint.service.js';
import { workingTimeBetween } from '../../src/modules/sla/business-time.js';
import { createPolicy, listPolicies, reorderPolicies, saveCalendar } from '../../src/modules/sla/sla-settings.service.js';
import { loadSlaSettings } from '../../src/modules/sla/sla.service.js';
import { complaintInput, pathTo, stageFields } from '../fixtures.js';
import { startServiceTier, type Member, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * What is kept for analysis as complaints move: one stage visit per stay in
 * a stage, and the outcome of every SLA clock when it stops (docs/api.md#analysis).
 */
let tier: ServiceTier;
let w: ServiceWorld;
beforeAll(async () => {
  tier = await startServiceTier();
  w = await tier.build.world();
});
afterAll(() => tier?.close());

interface Moved {
  id: string;
  version: number;
  stage: Stage;
  correctiveActions: Array<{ id: string; doneAt: Date | null }>;
}

async function registered(): Promise<Moved> {
  const c = await tier.as(w.staff.OPERATOR, 'registerComplaint', (ctx) =>
    registerComplaint(
      ctx,
      complaintInput({ channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REFUND', productPrice: 10000 }) as never,
    ),
  );
  return { ...c, correctiveActions: [] };
}

/** Moves `c` along `stages` with the fields each step needs, as w's HEAD (`extra` adds fields to a step). */
async function walk(c: Moved, stages: Stage[], as: Member = w.staff.HEAD): Promise<Moved> {
  for (const to of stages) {
    const actions = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query('SELECT id, done_at AS "doneAt" FROM corrective_actions WHERE complaint_id = $1', [c.id]),
    );
    const fields = stageFields(w, { ...c, correctiveActions: actions }, to);
    const moved = await tier.as(as, 'transitionComplaint', (ctx) =>
      transitionComplaint(ctx, { id: c.id, expectedVersion: c.version, to, ...fields } as never),
    );
    c = { ...moved, correctiveActions: actions };
  }
  return c;
}

const visitsOf = (id: string) =>
  tier.build.inTenant(w.t.tenantId, (m) =>
    m.query(
      `SELECT seq, stage, entered_at AS "enteredAt", left_at AS "leftAt", next_stage AS "nextStage", working_ms::float8 AS "workingMs", calendar_ms::float8 AS "calendarMs"
     FROM stage_visits WHERE complaint_id = $1 ORDER BY seq`,
      [id],
    ),
  );
const outcomesOf = (id: string) =>
  tier.build.inTenant(w.t.tenantId, (m) =>
    m.query(
      `SELECT clock, stage, budget_ms::float8 AS "budgetMs", consumed_ms::float8 AS "consumedMs", due_at AS "dueAt", breached_at AS "breachedAt", met,
          penalty::float8 AS penalty, ended_at AS "endedAt"
     FROM clock_outcomes WHERE complaint_id = $1 ORDER BY ended_at, clock`,
      [id],
    ),
  );

describe('stage visits', () => {
  it("one per stay, each left when the next is entered, with calendar time and working time in the policy's calendar", async () => {
    const c = await walk(await registered(), pathTo(Stage.CLOSED).slice(1));
    const visits = await visitsOf(c.id);
    expect(visits.map((v: { stage: string }) => v.stage)).toEqual(['RECEIVED', ...pathTo(Stage.CLOSED)]);
    const calendar = await tier.build.inTenant(w.t.tenantId, async (m) => {
      const { RequestContext } = await import('../../src/graphql/context.js');
      const settings = await loadSlaSettings(new RequestContext(w.t.tenantId, null, m));
      return settings.calendars.get(settings.policies.find((p) => p.isDefault)!.calendarId)!;
    });
    for (const [i, v] of visits.entries()) {
      expect(v.seq).toBe(i + 1);
      const next = visits[i + 1];
      if (!next) {
        expect({ leftAt: v.leftAt, nextStage: v.nextStage }).toEqual({ leftAt: null, nextStage: null });
        continue;
      }
      expect(v.leftAt).toEqual(next.enteredAt);
      expect(v.nextStage).toBe(next.stage);
      expect(v.calendarMs).toBe(v.leftAt.getTime() - v.enteredAt.getTime());
      expect(v.workingMs).toBe(Math.round(workingTimeBetween(calendar, v.enteredAt, v.leftAt)));
    }
  });

  it('a reopened complaint visits ANALYSIS again: a new visit, the CLOSED one left', async () => {
    let c = await walk(await registered(), pathTo(Stage.CLOSED).slice(1));
    c = await walk(c, [Stage.ANALYSIS]);
    const visits = await visitsOf(c.id);
    expect(visits.slice(-2).map((v: { stage: string; nextStage: string | null }) => [v.stage, v.nextStage])).toEqual([
      ['CLOSED', 'ANALYSIS'],
      ['ANALYSIS', null],
    ]);
    expect(visits.filter((v: { stage: string }) => v.stage === 'ANALYSIS')).toHaveLength(2);
  });
});

describe('clock outcomes', () => {
  it('each stage clock when its stage is left, every other clock at closing: target, time used, met, and the legal deadline', async () => {
    const c = await walk(await registered(), pathTo(Stage.CLOSED).slice(1));
    const outcomes = await outcomesOf(c.id);
    const stageClocks = outcomes.filter((o: { clock: string }) => o.clock === 'STAGE').map((o: { stage: string }) => o.stage);
    expect(stageClocks).toEqual(['REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK']);
    const byClock = (clock: string) => outcomes.filter((o: { clock: string }) => o.clock === clock);
    expect(byClock('RESOLUTION')).toHaveLength(1);
    expect(byClock('FIRST_RESPONSE')).toHaveLength(1);
    for (const o of outcomes.filter((x: { clock: string }) => x.clock !== 'LEGAL')) {
      expect(o.budgetMs).toBeGreaterThan(0);
      expect(o.consumedMs).toBeLessThan(o.budgetMs);
      expect({ met: o.met, breachedAt: o.breachedAt }).toEqual({ met: true, breachedAt: null });
    }
    // A refund: 10 days by law; closed at once, so met, and no penalty accrued.
    expect(byClock('LEGAL')).toEqual([expect.objectContaining({ met: true, penalty: 0, consumedMs: null, budgetMs: null })]);
  });

  it('a paused clock: the time waiting for the customer is not counted; over its budget it is missed, breached when it fell due', async () => {
    const c = await walk(await registered(), [Stage.ANALYSIS]);
    await tier.as(w.staff.HEAD, 'addMessage', (ctx) => setAwaitingCustomer(ctx, c.id, true, 'STAFF'));
    // While paused, the RESOLUTION clock holds what it used before the pause; say 2 h of a 90 h budget, and the STAGE clock 26 h of 27.
    const breached = new Date(Date.now() - 3600_000);
    await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        `UPDATE sla_deadlines SET consumed_ms = CASE clock WHEN 'RESOLUTION' THEN 7200000 ELSE budget_ms + 60000 END,
              breached_at = CASE clock WHEN 'STAGE' THEN $2::timestamptz END
        WHERE complaint_id = $1 AND clock IN ('RESOLUTION', 'STAGE')`,
        [c.id, breached],
      ),
    );
    const [{ version }] = await tier.build.inTenant(w.t.tenantId, (m) => m.query('SELECT version FROM complaints WHERE id = $1', [c.id]));
    await walk({ ...c, version }, [Stage.REJECTED]);
    const outcomes = await outcomesOf(c.id);
    const resolution = outcomes.find((o: { clock: string }) => o.clock === 'RESOLUTION');
    expect({ consumedMs: resolution.consumedMs, met: resolution.met, breachedAt: resolution.breachedAt }).toEqual({
      consumedMs: 7200000,
      met: true,
      breachedAt: null,
    });
    const stage = outcomes.find((o: { clock: string; stage: string }) => o.clock === 'STAGE' && o.stage === 'ANALYSIS');
    expect(stage.met).toBe(false);
    expect(stage.consumedMs).toBe(stage.budgetMs + 60000);
    expect(stage.breachedAt).toEqual(breached);
  });
  it('a clock stopped by a change of policy is measured on the calendar of the policy it ran under', async () => {
    const v = await tier.build.world();
    const admin = v.staff.ADMIN;
    const [roundTheClock, office] = await tier.as(admin, 'createBusinessCalendar', async (ctx) => [
      await saveCalendar(ctx, null, {
        name: 'Round the clock',
        timeZone: 'Europe/Moscow',
        alwaysOpen: true,
        periods: [],
        holidays: [],
        workingDays: [],
      }),
      // One working minute a week: on this calendar two hours just gone hold almost no working time.
      await saveCalendar(ctx, null, {
        name: 'Office',
        timeZone: 'Europe/Moscow',
        alwaysOpen: false,
        periods: [{ weekday: 1, start: '03:00', end: '03:01' }],
        holidays: [],
        workingDays: [],
      }),
    ]);
    const policy = (name: string, calendarId: string, firstResponseSeconds: number | null) => ({
      name,
      priorities: [],
      categoryIds: [],
      calendarId,
      warnPercent: 80,
      firstResponseSeconds,
      resolutionSeconds: null,
      stageTargets: [],
    });
    const first = await tier.as(admin, 'createSlaPolicy', (ctx) =>
      createPolicy(ctx, policy('Answer within 10 h', roundTheClock.id, 36_000) as never, 60),
    );
    const second = await tier.as(admin, 'createSlaPolicy', (ctx) => createPolicy(ctx, policy('No targets', office.id, null) as never, 60));
    const c = await tier.as(v.staff.OPERATOR, 'registerComplaint', (ctx) =>
      registerComplaint(ctx, complaintInput({ channel: 'PHONE' }) as never),
    );
    const [{ policyId }] = await tier.build.inTenant(v.t.tenantId, (m) =>
      m.query('SELECT sla_policy_id AS "policyId" FROM complaints WHERE id = $1', [c.id]),
    );
    expect(policyId).toBe(first.id);
    // The first response clock has run for two hours, on the round-the-clock calendar.
    const ranFrom = new Date(Date.now() - 2 * 3600_000);
    await tier.build.inTenant(v.t.tenantId, (m) =>
      m.query(
        `UPDATE sla_deadlines SET started_at = $2, running_since = $2, consumed_ms = 0 WHERE complaint_id = $1 AND clock = 'FIRST_RESPONSE'`,
        [c.id, ranFrom],
      ),
    );
    // The policy without targets, on the office calendar, now comes first: the clock stops.
    await tier.as(admin, 'reorderSlaPolicies', async (ctx) => {
      const others = (await listPolicies(ctx)).filter((p) => !p.isDefault && p.id !== second.id).map((p) => p.id);
      return reorderPolicies(ctx, [second.id, ...others]);
    });
    const outcomes = await tier.build.inTenant(v.t.tenantId, (m) =>
      m.query(
        `SELECT consumed_ms::float8 AS "consumedMs", ended_at AS "endedAt", met FROM clock_outcomes WHERE complaint_id = $1 AND clock = 'FIRST_RESPONSE'`,
        [c.id],
      ),
    );
    expect(outcomes).toHaveLength(1);
    const [outcome] = outcomes;
    expect(outcome.met).toBe(true);
    expect(outcome.consumedMs).toBeGreaterThanOrEqual(outcome.endedAt.getTime() - ranFrom.getTime() - 1);
    expect(outcome.consumedMs).toBeLessThanOrEqual(outcome.endedAt.getTime() - ranFrom.getTime() + 1);
  });
  it('a clock that goes on under a policy on another calendar keeps the time it used on the calendar it ran on', async () => {
    const v = await tier.build.world();
    const admin = v.staff.ADMIN;
    const [roundTheClock, office] = await tier.as(admin, 'createBusinessCalendar', async (ctx) => [
      await saveCalendar(ctx, null, {
        name: 'Round the clock',
        timeZone: 'Europe/Moscow',
        alwaysOpen: true,
        periods: [],
        holidays: [],
        workingDays: [],
      }),
      // One working minute a day: two hours just gone hold almost no working time on it.
      await saveCalendar(ctx, null, {
        name: 'Office',
        timeZone: 'Europe/Moscow',
        alwaysOpen: false,
        holidays: [],
        workingDays: [],
        periods: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '03:00', end: '03:01' })),
      }),
    ]);
    const policy = (name: string, calendarId: string) => ({
      name,
      priorities: [],
      categoryIds: [],
      calendarId,
      warnPercent: 80,
      firstResponseSeconds: 36_000,
      resolutionSeconds: null,
      stageTargets: [],
    });
    const first = await tier.as(admin, 'createSlaPolicy', (ctx) =>
      createPolicy(ctx, policy('Round the clock, 10 h', roundTheClock.id) as never, 60),
    );
    const second = await tier.as(admin, 'createSlaPolicy', (ctx) => createPolicy(ctx, policy('Office, 10 h', office.id) as never, 60));
    const c = await tier.as(v.staff.OPERATOR, 'registerComplaint', (ctx) =>
      registerComplaint(ctx, complaintInput({ channel: 'PHONE' }) as never),
    );
    const policyOf = async () =>
      (
        await tier.build.inTenant(v.t.tenantId, (m) => m.query('SELECT sla_policy_id AS "policyId" FROM complaints WHERE id = $1', [c.id]))
      )[0].policyId;
    expect(await policyOf()).toBe(first.id);
    const ranFrom = new Date(Date.now() - 2 * 3600_000);
    await tier.build.inTenant(v.t.tenantId, (m) =>
      m.query(
        `UPDATE sla_deadlines SET started_at = $2, running_since = $2, consumed_ms = 0 WHERE complaint_id = $1 AND clock = 'FIRST_RESPONSE'`,
        [c.id, ranFrom],
      ),
    );
    await tier.as(admin, 'reorderSlaPolicies', async (ctx) => {
      const others = (await listPolicies(ctx)).filter((p) => !p.isDefault && p.id !== second.id).map((p) => p.id);
      return reorderPolicies(ctx, [second.id, ...others]);
    });
    expect(await policyOf()).toBe(second.id);
    const [clock] = await tier.build.inTenant(v.t.tenantId, (m) =>
      m.query(
        `SELECT consumed_ms::float8 AS "consumedMs", running_since AS "runningSince" FROM sla_deadlines WHERE complaint_id = $1 AND clock = 'FIRST_RESPONSE'`,
        [c.id],
      ),
    );
    // The two hours it ran on the round-the-clock calendar, up to the change; from then on it counts on the office calendar.
    expect(Math.abs(clock.consumedMs - (clock.runningSince.getTime() - ranFrom.getTime()))).toBeLessThanOrEqual(1);
  });
});
