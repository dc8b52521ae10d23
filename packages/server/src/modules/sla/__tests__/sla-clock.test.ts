import { describe, expect, it } from 'vitest';
import { SlaState, Stage } from '../../complaint/complaint.enums.js';
import type { BusinessCalendar } from '../business-time.js';
import {
  consumedBy,
  dueSteps,
  legalDueAt,
  matchPolicy,
  penaltyExposure,
  planClocks,
  raisedPriority,
  stoppedClocks,
  summarize,
  SlaTarget,
  type ClockRow,
  type ClockSubject,
  type PolicyRules,
  type SlaSettings,
} from '../sla-clock.js';

const H = 3600_000;
const MOSCOW_HOURS: BusinessCalendar = {
  timeZone: 'Europe/Moscow',
  periods: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
};
const ALWAYS: BusinessCalendar = { timeZone: 'UTC', alwaysOpen: true, periods: [] };

const policy = (over: Partial<PolicyRules> = {}): PolicyRules => ({
  id: 'default',
  isDefault: true,
  priorities: [],
  categoryIds: [],
  calendarId: 'hours',
  warnPercent: 80,
  firstResponseSeconds: 4 * 3600,
  resolutionSeconds: 40 * 3600,
  stageSeconds: { [Stage.REGISTERED]: 8 * 3600, [Stage.ANALYSIS]: 16 * 3600 },
  escalation: {},
  ...over,
});

const settings = (over: Partial<SlaSettings> = {}): SlaSettings => ({
  policies: [
    policy({
      id: 'urgent',
      isDefault: false,
      priorities: ['URGENT'],
      firstResponseSeconds: 3600,
      resolutionSeconds: 8 * 3600,
      stageSeconds: { [Stage.REGISTERED]: 2 * 3600 },
    }),
    policy({ id: 'packaging', isDefault: false, categoryIds: ['cat-packaging'], firstResponseSeconds: 2 * 3600 }),
    policy(),
  ],
  calendars: new Map([
    ['hours', MOSCOW_HOURS],
    ['always', ALWAYS],
  ]),
  legal: new Map([
    ['REFUND', { days: 10, penaltyPercentPerDay: 1 }],
    ['REPAIR', { days: 45, penaltyPercentPerDay: 1 }],
    ['OTHER', { days: null, penaltyPercentPerDay: 1 }],
  ]),
  timeZone: 'Europe/Moscow',
  country: 'RU',
  ...over,
});

// Monday 2026-11-23 10:00 Moscow (07:00 UTC).
const MON_10 = new Date('2026-11-23T07:00:00Z');
const subject = (over: Partial<ClockSubject> = {}): ClockSubject => ({
  stage: Stage.REGISTERED,
  priority: 'NORMAL',
  categoryId: null,
  demand: 'REFUND',
  receivedAt: MON_10,
  stageEnteredAt: MON_10,
  firstRespondedAt: null,
  awaitingCustomerSince: null,
  ...over,
});
const at = (iso: string) => new Date(iso);
const byClock = (rows: ClockRow[]) => Object.fromEntries(rows.map((r) => [r.clock, r]));

describe('matchPolicy: in order, first match wins, the default last', () => {
  it.each([
    { name: 'priority listed', s: { priority: 'URGENT', categoryId: null }, expected: 'urgent' },
    {
      name: 'priority and category both fit: the earlier wins',
      s: { priority: 'URGENT', categoryId: 'cat-packaging' },
      expected: 'urgent',
    },
    { name: 'category listed', s: { priority: 'NORMAL', categoryId: 'cat-packaging' }, expected: 'packaging' },
    { name: 'no category does not fit a category condition', s: { priority: 'LOW', categoryId: null }, expected: 'default' },
    { name: 'nothing fits: the default', s: { priority: 'HIGH', categoryId: 'other' }, expected: 'default' },
  ])('$name', ({ s, expected }) => {
    expect(matchPolicy(settings().policies, s)?.id).toBe(expected);
  });

  it('gives null when the tenant has no policy at all', () => {
    expect(matchPolicy([], { priority: 'NORMAL', categoryId: null })).toBeNull();
  });
});

describe('legalDueAt: calendar days from the day after the demand, ending at local midnight', () => {
  it.each([
    { name: 'Moscow, 10 days', presented: '2026-03-01T12:00:00+03:00', days: 10, tz: 'Europe/Moscow', due: '2026-03-12T00:00:00+03:00' },
    {
      name: 'Moscow, presented at 23:30 local (20:30 UTC the same day)',
      presented: '2026-04-01T20:30:00Z',
      days: 7,
      tz: 'Europe/Moscow',
      due: '2026-04-09T00:00:00+03:00',
    },
    {
      name: 'Moscow, presented at 00:30 local (21:30 UTC the day before)',
      presented: '2026-03-31T21:30:00Z',
      days: 7,
      tz: 'Europe/Moscow',
      due: '2026-04-09T00:00:00+03:00',
    },
    {
      name: 'across a month and year end',
      presented: '2026-12-28T09:00:00+03:00',
      days: 14,
      tz: 'Europe/Moscow',
      due: '2027-01-12T00:00:00+03:00',
    },
    {
      name: 'Berlin, across the spring daylight-saving change',
      presented: '2026-03-20T10:00:00+01:00',
      days: 10,
      tz: 'Europe/Berlin',
      country: 'DE',
      due: '2026-03-31T00:00:00+02:00',
    },
    {
      name: 'New York, across the autumn change',
      presented: '2026-10-30T10:00:00-04:00',
      days: 7,
      tz: 'America/New_York',
      country: 'US',
      due: '2026-11-07T00:00:00-05:00',
    },
    { name: '45 days for repair', presented: '2026-01-10T15:00:00+03:00', days: 45, tz: 'Europe/Moscow', due: '2026-02-25T00:00:00+03:00' },
  ])('$name', ({ presented, days, tz, country = 'RU', due }) => {
    expect(legalDueAt(new Date(presented), days, tz, country).toISOString()).toBe(new Date(due).toISOString());
  });
});

describe('legalDueAt in Russia: a last day that is a day off moves to the next working day (art. 193 of the Civil Code)', () => {
  it.each([
    { name: 'a Saturday: to Monday', presented: '2026-11-25T12:00:00+03:00', days: 10, due: '2026-12-08T00:00:00+03:00' },
    { name: 'a Sunday: to Monday', presented: '2026-11-26T12:00:00+03:00', days: 10, due: '2026-12-08T00:00:00+03:00' },
    {
      name: 'a holiday on a Sunday, then its transferred day off (8 and 9 March 2026): to Tuesday',
      presented: '2026-03-05T12:00:00+03:00',
      days: 3,
      due: '2026-03-11T00:00:00+03:00',
    },
    {
      name: 'the New Year holidays and the weekend after them: to Monday 11 January',
      presented: '2026-12-25T09:00:00+03:00',
      days: 10,
      due: '2027-01-12T00:00:00+03:00',
    },
    {
      name: 'a Saturday made a working day (1 November 2025): stays',
      presented: '2025-10-22T12:00:00+03:00',
      days: 10,
      due: '2025-11-02T00:00:00+03:00',
    },
    {
      name: 'the last day of the year, a transferred day off: into the next year, to Monday 11 January',
      presented: '2026-12-21T12:00:00+03:00',
      days: 10,
      due: '2027-01-12T00:00:00+03:00',
    },
    { name: 'a working day: stays', presented: '2026-11-23T10:00:00+03:00', days: 10, due: '2026-12-04T00:00:00+03:00' },
  ])('$name', ({ presented, days, due }) => {
    expect(legalDueAt(new Date(presented), days, 'Europe/Moscow', 'RU').toISOString()).toBe(new Date(due).toISOString());
  });

  it('counts the days as they fall elsewhere: the same Saturday in London stays', () => {
    expect(legalDueAt(new Date('2026-11-25T12:00:00Z'), 10, 'Europe/London', 'GB').toISOString()).toBe('2026-12-06T00:00:00.000Z');
  });

  it("moves a complaint's legal clock by its company's country", () => {
    const wednesday = at('2026-11-25T09:00:00Z');
    const legal = (country: string) =>
      byClock(planClocks(subject({ receivedAt: wednesday, stageEnteredAt: wednesday }), [], settings({ country }), wednesday).rows).LEGAL!
        .dueAt;
    expect(legal('RU')).toEqual(at('2026-12-07T21:00:00Z'));
    expect(legal('BY')).toEqual(at('2026-12-05T21:00:00Z'));
  });
});

describe('planClocks', () => {
  it('gives a clock opened late (a new policy, demo data) the true instants of thresholds already passed', () => {
    // Received Monday 10:00, clocks first computed Wednesday 12:00: the 4 h first response ran out Monday 14:00.
    const c = byClock(planClocks(subject(), [], settings(), at('2026-11-25T09:00:00Z')).rows);
    expect(c.FIRST_RESPONSE!.dueAt).toEqual(at('2026-11-23T11:00:00Z'));
    expect(c.FIRST_RESPONSE!.warnAt).toEqual(at('2026-11-23T10:12:00Z'));
    expect(c.FIRST_RESPONSE!.consumedMs).toBe((8 + 9 + 3) * H);
  });

  it('opens first response, resolution, stage and legal clocks in working time', () => {
    const { rows, policy: p, legalDueAt: legal } = planClocks(subject(), [], settings(), MON_10);
    expect(p?.id).toBe('default');
    const c = byClock(rows);
    expect(Object.keys(c).sort()).toEqual(['FIRST_RESPONSE', 'LEGAL', 'RESOLUTION', 'STAGE']);
    // 4 working hours from Monday 10:00: 14:00; warning at 80 % (3 h 12 min): 13:12.
    expect(c.FIRST_RESPONSE!.dueAt).toEqual(at('2026-11-23T11:00:00Z'));
    expect(c.FIRST_RESPONSE!.warnAt).toEqual(at('2026-11-23T10:12:00Z'));
    // 8 working hours: Monday 10-18 (8 h) exactly.
    expect(c.STAGE!.dueAt).toEqual(at('2026-11-23T15:00:00Z'));
    expect(c.STAGE!.stage).toBe(Stage.REGISTERED);
    // 40 working hours = 4 days and 4 hours, from Monday 10:00: Friday 14:00.
    expect(c.RESOLUTION!.dueAt).toEqual(at('2026-11-27T11:00:00Z'));
    expect(c.LEGAL!.dueAt).toEqual(at('2026-12-03T21:00:00Z'));
    expect(legal).toEqual(c.LEGAL!.dueAt);
  });

  it('counts over the weekend: a stage clock started Friday 16:00 is due Monday 15:00', () => {
    const fri16 = at('2026-11-27T13:00:00Z');
    const c = byClock(planClocks(subject({ receivedAt: fri16, stageEnteredAt: fri16 }), [], settings(), fri16).rows);
    expect(c.STAGE!.dueAt).toEqual(at('2026-11-30T12:00:00Z'));
  });

  it('takes the matching policy: urgent has tighter targets, no stage target for ANALYSIS', () => {
    const reg = byClock(planClocks(subject({ priority: 'URGENT' }), [], settings(), MON_10).rows);
    expect(reg.FIRST_RESPONSE!.dueAt).toEqual(at('2026-11-23T08:00:00Z'));
    const analysis = byClock(planClocks(subject({ priority: 'URGENT', stage: Stage.ANALYSIS }), [], settings(), MON_10).rows);
    expect(analysis.STAGE).toBeUndefined();
  });

  it('stops the first-response clock once answered, and every clock once closed (the legal date stays known)', () => {
    expect(byClock(planClocks(subject({ firstRespondedAt: MON_10 }), [], settings(), MON_10).rows).FIRST_RESPONSE).toBeUndefined();
    const closed = planClocks(subject({ stage: Stage.CLOSED }), [], settings(), MON_10);
    expect(closed.rows).toEqual([]);
    expect(closed.legalDueAt).toEqual(at('2026-12-03T21:00:00Z'));
  });

  it('has no legal clock for a demand without a preset', () => {
    for (const demand of ['OTHER', null])
      expect(byClock(planClocks(subject({ demand }), [], settings(), MON_10).rows).LEGAL).toBeUndefined();
  });

  it('pausing stops the SLA clocks, not the legal one; resuming shifts each deadline by the paused working time', () => {
    const start = planClocks(subject(), [], settings(), MON_10).rows;
    // Paused Monday 11:00 to Tuesday 12:00: 7 + 3 = 10 working hours stopped.
    const mon11 = at('2026-11-23T08:00:00Z');
    const paused = planClocks(subject({ awaitingCustomerSince: mon11 }), start, settings(), mon11).rows;
    const p = byClock(paused);
    expect(p.RESOLUTION!.runningSince).toBeNull();
    expect(p.RESOLUTION!.dueAt).toBeNull();
    expect(p.RESOLUTION!.consumedMs).toBe(1 * H);
    expect(p.LEGAL!.dueAt).toEqual(byClock(start).LEGAL!.dueAt);
    expect(summarize(paused, true)).toEqual({ slaDueAt: null, slaState: SlaState.PAUSED });

    const tue12 = at('2026-11-24T09:00:00Z');
    const resumed = byClock(planClocks(subject(), paused, settings(), tue12).rows);
    const before = byClock(start);
    for (const clock of [SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION, SlaTarget.STAGE]) {
      // The shift is exactly the 10 working hours paused.
      const shift = resumed[clock]!.dueAt!.getTime() - before[clock]!.dueAt!.getTime();
      expect({ clock, workingHoursLater: workingHours(before[clock]!.dueAt!, resumed[clock]!.dueAt!) }).toEqual({
        clock,
        workingHoursLater: 10,
      });
      expect(shift).toBeGreaterThan(0);
    }
    expect(resumed.LEGAL!.dueAt).toEqual(before.LEGAL!.dueAt);
  });

  it('a pause recomputed again while still paused keeps what was used', () => {
    const start = planClocks(subject(), [], settings(), MON_10).rows;
    const mon11 = at('2026-11-23T08:00:00Z');
    const paused = planClocks(subject({ awaitingCustomerSince: mon11 }), start, settings(), mon11).rows;
    const later = planClocks(subject({ awaitingCustomerSince: mon11 }), paused, settings(), at('2026-11-25T08:00:00Z')).rows;
    expect(byClock(later).RESOLUTION!.consumedMs).toBe(1 * H);
  });

  it('a new priority applies its targets to the time already used', () => {
    const start = planClocks(subject(), [], settings(), MON_10).rows;
    const mon11 = at('2026-11-23T08:00:00Z');
    const urgent = byClock(planClocks(subject({ priority: 'URGENT' }), start, settings(), mon11).rows);
    // Urgent resolution is 8 working hours; 1 was used: due 7 working hours after Monday 11:00, i.e. 18:00.
    expect(urgent.RESOLUTION!.dueAt).toEqual(at('2026-11-23T15:00:00Z'));
    expect(urgent.RESOLUTION!.consumedMs).toBe(1 * H);
    // First response: 1 hour allowed, 1 used: both thresholds passed, at their true instants; the warning fires first.
    expect(urgent.FIRST_RESPONSE!.dueAt).toEqual(mon11);
    expect(urgent.FIRST_RESPONSE!.warnAt).toEqual(at('2026-11-23T07:48:00Z'));
    expect(dueSteps(urgent.FIRST_RESPONSE!, mon11)).toEqual(['AT_RISK', 'BREACHED']);
    // Half an hour later, stricter still: the deadline is the instant the new target ran out, not the time of the change.
    const later = byClock(planClocks(subject({ priority: 'URGENT' }), [], settings(), at('2026-11-23T09:00:00Z')).rows);
    expect(later.RESOLUTION!.dueAt).toEqual(at('2026-11-23T15:00:00Z'));
  });

  it('a new stage starts a fresh stage clock; the resolution clock runs on', () => {
    const start = planClocks(subject(), [], settings(), MON_10).rows;
    const mon12 = at('2026-11-23T09:00:00Z');
    const next = byClock(planClocks(subject({ stage: Stage.ANALYSIS, stageEnteredAt: mon12 }), start, settings(), mon12).rows);
    expect(next.STAGE!.stage).toBe(Stage.ANALYSIS);
    expect(next.STAGE!.consumedMs).toBe(0);
    expect(next.STAGE!.startedAt).toEqual(mon12);
    expect(next.RESOLUTION!.consumedMs).toBe(2 * H);
    expect(next.RESOLUTION!.dueAt).toEqual(byClock(start).RESOLUTION!.dueAt);
  });

  it('recomputing an overdue clock again and again keeps its due time (a settings change does not move it to the moment of recalculation)', () => {
    const start = byClock(planClocks(subject(), [], settings(), MON_10).rows);
    const fired = Object.values(start).map((r) => ({ ...r, warnedAt: r.warnAt, breachedAt: r.dueAt }));
    // A first change of settings long after the breach folds the time used up to then, a second one recomputes from that fold.
    const first = planClocks(subject(), fired, settings(), at('2026-12-07T08:00:00Z')).rows;
    const second = byClock(planClocks(subject(), first, settings(), at('2026-12-08T08:00:00Z')).rows);
    for (const clock of [SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION, SlaTarget.STAGE]) {
      expect({ clock, dueAt: second[clock]!.dueAt, warnAt: second[clock]!.warnAt }).toEqual({
        clock,
        dueAt: start[clock]!.dueAt,
        warnAt: start[clock]!.warnAt,
      });
    }
    expect(summarize(Object.values(second), false).slaDueAt).toEqual(summarize(Object.values(start), false).slaDueAt);
  });

  it('a lower warning percentage on a clock folded past it warns at once, not at the old instant', () => {
    // Resolution: 40 working hours from Monday 10:00; folded on Wednesday 17:00 with 24 of them used (60 %).
    const start = planClocks(subject(), [], settings(), MON_10).rows;
    const folded = planClocks(subject(), start, settings(), at('2026-11-25T14:00:00Z')).rows;
    const lower = settings({ policies: [policy({ warnPercent: 50 })] });
    const now = at('2026-11-25T14:30:00Z');
    const r = byClock(planClocks(subject(), folded, lower, now).rows).RESOLUTION!;
    // 50 % of 40 h = 20 working hours from Monday 10:00: Wednesday 12:00 Moscow, already past.
    expect(r.warnAt).toEqual(at('2026-11-25T09:00:00Z'));
    expect(dueSteps(r, now)).toEqual(['AT_RISK']);
  });

  it('a clock paused after its breach and resumed keeps the due time it missed', () => {
    const start = byClock(planClocks(subject(), [], settings(), MON_10).rows);
    const fired = Object.values(start).map((r) => ({ ...r, warnedAt: r.warnAt, breachedAt: r.dueAt }));
    const pausedAt = at('2026-12-07T08:00:00Z');
    const paused = planClocks(subject({ awaitingCustomerSince: pausedAt }), fired, settings(), pausedAt).rows;
    const resumed = byClock(planClocks(subject(), paused, settings(), at('2026-12-09T08:00:00Z')).rows);
    expect(resumed.RESOLUTION!.dueAt).toEqual(start.RESOLUTION!.dueAt);
  });

  it("a shorter target for a clock folded past it is due when the new target ran out, counted from the clock's start", () => {
    const start = planClocks(subject(), [], settings(), MON_10).rows;
    const folded = planClocks(subject(), start, settings(), at('2026-12-07T08:00:00Z')).rows;
    const urgent = byClock(planClocks(subject({ priority: 'URGENT' }), folded, settings(), at('2026-12-08T08:00:00Z')).rows);
    // Urgent resolution: 8 working hours from Monday 10:00, i.e. Monday 18:00.
    expect(urgent.RESOLUTION!.dueAt).toEqual(at('2026-11-23T15:00:00Z'));
  });

  it('keeps warning and breach marks unless the recomputed instant moves into the future', () => {
    const start = planClocks(subject(), [], settings(), MON_10).rows;
    const fired = start.map((r) => ({ ...r, warnedAt: r.warnAt, breachedAt: r.dueAt }));
    const late = at('2026-12-10T08:00:00Z');
    const same = byClock(planClocks(subject(), fired, settings(), late).rows);
    expect(same.RESOLUTION!.breachedAt).not.toBeNull();
    expect(same.LEGAL!.breachedAt).not.toBeNull();
    // A much longer resolution target: the clock is no longer breached, and may warn and breach again.
    const generous = settings({ policies: [policy({ resolutionSeconds: 300 * 3600 })] });
    const longer = byClock(planClocks(subject(), fired, generous, late).rows);
    expect(longer.RESOLUTION!.breachedAt).toBeNull();
    expect(longer.RESOLUTION!.dueAt!.getTime()).toBeGreaterThan(late.getTime());
  });
});

describe('dueSteps: each step at most once, the warning first', () => {
  const row = { warnAt: at('2026-01-01T10:00:00Z'), dueAt: at('2026-01-01T12:00:00Z'), warnedAt: null, breachedAt: null };
  it.each([
    { name: 'before the warning', now: '2026-01-01T09:59:59Z', r: row, steps: [] },
    { name: 'at the warning', now: '2026-01-01T10:00:00Z', r: row, steps: ['AT_RISK'] },
    { name: 'warned, before the deadline', now: '2026-01-01T11:00:00Z', r: { ...row, warnedAt: at('2026-01-01T10:00:00Z') }, steps: [] },
    {
      name: 'at the deadline, warned',
      now: '2026-01-01T12:00:00Z',
      r: { ...row, warnedAt: at('2026-01-01T10:00:00Z') },
      steps: ['BREACHED'],
    },
    { name: 'both passed while nobody ran: warning, then breach', now: '2026-01-02T00:00:00Z', r: row, steps: ['AT_RISK', 'BREACHED'] },
    { name: 'already breached', now: '2026-01-02T00:00:00Z', r: { ...row, breachedAt: at('2026-01-01T12:00:00Z') }, steps: [] },
    { name: 'paused', now: '2026-01-02T00:00:00Z', r: { ...row, warnAt: null, dueAt: null }, steps: [] },
  ])('$name', ({ now, r, steps }) => {
    expect(dueSteps(r, at(now))).toEqual(steps);
  });
});

describe('summarize', () => {
  const base = planClocks(subject(), [], settings(), MON_10).rows;
  it.each([
    { name: 'on track, the soonest deadline', rows: base, paused: false, state: SlaState.ON_TRACK, due: '2026-11-23T11:00:00Z' },
    {
      name: 'one clock warned',
      rows: base.map((r) => (r.clock === SlaTarget.STAGE ? { ...r, warnedAt: MON_10 } : r)),
      paused: false,
      state: SlaState.AT_RISK,
      due: '2026-11-23T11:00:00Z',
    },
    {
      name: 'one breached beats one warned',
      rows: base.map((r, i) => (i === 0 ? { ...r, breachedAt: MON_10 } : { ...r, warnedAt: MON_10 })),
      paused: false,
      state: SlaState.BREACHED,
      due: '2026-11-23T11:00:00Z',
    },
    {
      name: 'only the legal clock breached: the operational state stays',
      rows: base.map((r) => (r.clock === SlaTarget.LEGAL ? { ...r, breachedAt: MON_10 } : r)),
      paused: false,
      state: SlaState.ON_TRACK,
      due: '2026-11-23T11:00:00Z',
    },
    { name: 'no operational clock', rows: base.filter((r) => r.clock === SlaTarget.LEGAL), paused: false, state: SlaState.NONE, due: null },
  ])('$name', ({ rows, paused, state, due }) => {
    expect(summarize(rows, paused)).toEqual({ slaState: state, slaDueAt: due ? at(due) : null });
  });
});

describe('penaltyExposure: 1 % of the price per started day late', () => {
  const due = at('2026-03-12T00:00:00+03:00');
  it.each([
    { name: 'not late', now: '2026-03-11T23:59:59+03:00', closed: null, days: 0, accrued: 0 },
    { name: 'one minute late counts a day', now: '2026-03-12T00:01:00+03:00', closed: null, days: 1, accrued: 125.5 },
    { name: 'ten days late', now: '2026-03-22T00:00:00+03:00', closed: null, days: 10, accrued: 1255 },
    { name: 'stops at closing', now: '2026-05-01T00:00:00+03:00', closed: '2026-03-14T12:00:00+03:00', days: 3, accrued: 376.5 },
  ])('$name', ({ now, closed, days, accrued }) => {
    expect(penaltyExposure(12550, 1, due, closed ? at(closed) : null, at(now))).toEqual({
      price: 12550,
      percentPerDay: 1,
      perDay: 125.5,
      daysOverdue: days,
      accrued,
    });
  });
  it('is null without a price or a legal deadline', () => {
    expect(penaltyExposure(null, 1, due, null, due)).toBeNull();
    expect(penaltyExposure(100, 1, null, null, due)).toBeNull();
  });
});

describe('the working time used by an instant', () => {
  const row: ClockRow = {
    clock: SlaTarget.STAGE,
    stage: Stage.ANALYSIS,
    startedAt: MON_10,
    budgetMs: 8 * H,
    consumedMs: 3 * H,
    runningSince: at('2026-11-23T10:00:00Z'),
    warnAt: null,
    dueAt: null,
    warnedAt: null,
    breachedAt: null,
  };

  it('adds the working time since the clock last ran, and counts back for an earlier instant (a replay of the past)', () => {
    expect(consumedBy(row, MOSCOW_HOURS, at('2026-11-23T12:00:00Z'))).toBe(5 * H);
    expect(consumedBy(row, MOSCOW_HOURS, at('2026-11-23T08:00:00Z'))).toBe(1 * H);
    expect(consumedBy(row, MOSCOW_HOURS, MON_10)).toBe(0);
    expect(consumedBy(row, MOSCOW_HOURS, row.runningSince!)).toBe(3 * H);
    expect(consumedBy({ ...row, runningSince: null }, MOSCOW_HOURS, MON_10)).toBe(3 * H);
  });
});

it('raises priority one step, up to URGENT', () => {
  expect(['LOW', 'NORMAL', 'HIGH', 'URGENT'].map(raisedPriority)).toEqual(['NORMAL', 'HIGH', 'URGENT', null]);
});

/** Working hours of MOSCOW_HOURS between two instants (whole hours in these tests). */
function workingHours(a: Date, b: Date): number {
  let total = 0;
  for (let t = a.getTime(); t < b.getTime(); t += 60_000) {
    const local = new Date(t + 3 * H);
    const day = local.getUTCDay();
    const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
    if (day >= 1 && day <= 5 && minutes >= 9 * 60 && minutes < 18 * 60) total += 60_000;
  }
  return total / H;
}

describe('stoppedClocks (the outcomes kept for analysis)', () => {
  const running = planClocks(subject(), [], settings(), MON_10).rows;
  const legal = { price: 10_000, percentPerDay: 1 };

  it('keeps nothing for clocks that go on, and the outcome of each clock that stops', () => {
    expect(stoppedClocks(running, running, MOSCOW_HOURS, at('2026-11-23T09:00:00Z'), legal)).toEqual([]);
    // Moved on to ANALYSIS two working hours later: the REGISTERED stage clock stops, met.
    const next = planClocks(
      subject({ stage: Stage.ANALYSIS, stageEnteredAt: at('2026-11-23T09:00:00Z') }),
      running,
      settings(),
      at('2026-11-23T09:00:00Z'),
    ).rows;
    expect(stoppedClocks(running, next, MOSCOW_HOURS, at('2026-11-23T09:00:00Z'), legal)).toEqual([
      expect.objectContaining({
        clock: SlaTarget.STAGE,
        stage: Stage.REGISTERED,
        budgetMs: 8 * H,
        consumedMs: 2 * H,
        met: true,
        breachedAt: null,
        penalty: null,
      }),
    ]);
  });

  it('at closing: a clock over its budget is missed, breached when it fell due; the legal deadline late with its penalty', () => {
    // Closed 12 days later (the refund's 10 days ended at the start of 4 December): 2 started days late.
    const closedAt = at('2026-12-05T09:00:00Z');
    const outcomes = Object.fromEntries(stoppedClocks(running, [], MOSCOW_HOURS, closedAt, legal).map((o) => [o.clock, o]));
    const stage = running.find((r) => r.clock === SlaTarget.STAGE)!;
    expect(outcomes.STAGE).toMatchObject({ met: false, breachedAt: stage.dueAt, budgetMs: 8 * H });
    expect(outcomes.STAGE!.consumedMs).toBeGreaterThan(8 * H);
    expect(outcomes.LEGAL).toMatchObject({
      met: false,
      breachedAt: legalDueAt(MON_10, 10, 'Europe/Moscow', 'RU'),
      consumedMs: null,
      penalty: 200,
    });
  });

  it('a paused clock counts only the time it ran, whenever it stops', () => {
    const paused = planClocks(
      subject({ awaitingCustomerSince: at('2026-11-23T08:00:00Z') }),
      running,
      settings(),
      at('2026-11-23T08:00:00Z'),
    ).rows;
    const [resolution] = stoppedClocks(
      paused.filter((r) => r.clock === SlaTarget.RESOLUTION),
      [],
      MOSCOW_HOURS,
      at('2026-12-20T00:00:00Z'),
      legal,
    );
    expect(resolution).toMatchObject({ consumedMs: H, met: true });
  });
});
