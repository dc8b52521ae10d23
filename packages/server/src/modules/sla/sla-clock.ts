/**
 * The SLA clocks of one complaint, as plain data and functions (no I/O), so
 * that every rule is unit tested directly. docs/sla.md is this file in prose.
 *
 * A complaint runs up to four clocks, one row each in sla_deadlines:
 *   FIRST_RESPONSE  from receipt to the first public reply by staff;
 *   RESOLUTION      from receipt to CLOSED or REJECTED;
 *   STAGE           from entering the current stage to leaving it;
 *   LEGAL           calendar days set by law for the customer's demand.
 * The first three count working time in the policy's business calendar and
 * pause while the complaint waits for the customer; LEGAL never pauses.
 *
 * An operational clock keeps the working time allowed (`budgetMs`) and the
 * working time used up to `runningSince` (`consumedMs`); from those and the
 * calendar follow its warning and due instants. Recomputing (a new policy,
 * priority or category; a pause or resume) folds the time used so far into
 * `consumedMs`, so a deadline moves by exactly the working time the clock
 * was stopped, and a new budget applies to the time already used.
 */
import { addWorkingTime, localDate, workingTimeBetween, zonedInstant, type BusinessCalendar } from './business-time.js';
import { isDayOff } from './public-holidays.js';
import { OPEN_STAGES, Priority, SlaState, Stage } from '../complaint/complaint.enums.js';

export enum SlaTarget {
  FIRST_RESPONSE = 'FIRST_RESPONSE',
  RESOLUTION = 'RESOLUTION',
  STAGE = 'STAGE',
  LEGAL = 'LEGAL',
}

export interface EscalationRule {
  /** Record the breach for the department's heads (their escalations list). */
  notifyHead?: boolean;
  /** Raise the priority one step (LOW → NORMAL → HIGH → URGENT); the clocks are recomputed. */
  raisePriority?: boolean;
  /** Move the complaint to this department (unassigned). */
  reassignToDepartmentId?: string | null;
}

export interface PolicyRules {
  id: string;
  isDefault: boolean;
  /** Empty: any priority. */
  priorities: readonly string[];
  /** Empty: any category. */
  categoryIds: readonly string[];
  calendarId: string;
  warnPercent: number;
  firstResponseSeconds: number | null;
  resolutionSeconds: number | null;
  stageSeconds: Readonly<Partial<Record<Stage, number>>>;
  escalation: EscalationRule;
}

export interface LegalPresetRules {
  days: number | null;
  penaltyPercentPerDay: number;
}

export interface SlaSettings {
  /** In matching order: by position, the default last. */
  policies: readonly PolicyRules[];
  calendars: ReadonlyMap<string, BusinessCalendar>;
  legal: ReadonlyMap<string, LegalPresetRules>;
  /** The tenant's time zone: legal deadlines end at local midnight. */
  timeZone: string;
  /** The tenant's country (ISO 3166-1 alpha-2): its law may move a legal deadline that ends on a day off. */
  country: string;
}

/** What the clocks depend on. */
export interface ClockSubject {
  stage: Stage;
  priority: string;
  categoryId: string | null;
  demand: string | null;
  receivedAt: Date;
  stageEnteredAt: Date;
  firstRespondedAt: Date | null;
  awaitingCustomerSince: Date | null;
}

export interface ClockRow {
  clock: SlaTarget;
  /** The stage a STAGE clock belongs to; null otherwise. */
  stage: Stage | null;
  startedAt: Date;
  /** Working time allowed; null for LEGAL. */
  budgetMs: number | null;
  /** Working time used up to `runningSince` (or up to the pause). */
  consumedMs: number;
  /** Null while paused. */
  runningSince: Date | null;
  warnAt: Date | null;
  /** Null while paused. */
  dueAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
}

/** The calendar a complaint's clocks ran on until now: its previous policy's. */
export interface RanOn {
  calendarId: string;
  calendar: BusinessCalendar;
}

export interface ClockPlan {
  policy: PolicyRules | null;
  rows: ClockRow[];
  legalDueAt: Date | null;
}

const DAY_MS = 86_400_000;
const OPERATIONAL: readonly SlaTarget[] = [SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION, SlaTarget.STAGE];
export const PRIORITY_ORDER: readonly Priority[] = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT];

/** The first policy whose conditions the complaint meets (the default matches anything); null if there is none. */
export function matchPolicy(policies: readonly PolicyRules[], s: Pick<ClockSubject, 'priority' | 'categoryId'>): PolicyRules | null {
  return (
    policies.find(
      (p) =>
        p.isDefault ||
        ((!p.priorities.length || p.priorities.includes(s.priority)) &&
          (!p.categoryIds.length || (s.categoryId !== null && p.categoryIds.includes(s.categoryId)))),
    ) ?? null
  );
}

/**
 * The legal deadline: `days` calendar days counted from the day after the
 * demand was presented, ending at midnight (in the tenant's zone) after the
 * last of them. Presented on 1 March with 10 days: due at the start of 12 March.
 * In Russia a last day that is a day off moves to the next working day (art. 193
 * of the Civil Code): presented on Thursday 5 March 2026 with 3 days, the last
 * day is Sunday 8 March, a holiday too, and Monday 9 March its transferred day
 * off, so due at the start of Wednesday 11 March. Elsewhere the days are counted
 * as they fall: the product does not know each country's rule.
 */
export function legalDueAt(presentedAt: Date, days: number, timeZone: string, country: string): Date {
  const [y, m, d] = localDate(timeZone, presentedAt.getTime());
  let last = d + days;
  if (country === 'RU') while (isDayOff(country, new Date(Date.UTC(y, m - 1, last)).toISOString().slice(0, 10))) last++;
  return new Date(zonedInstant(timeZone, y, m, last + 1, 0));
}

/** The next priority up, or null at URGENT. */
export function raisedPriority(p: string): Priority | null {
  const i = PRIORITY_ORDER.indexOf(p as Priority);
  return i >= 0 && i < PRIORITY_ORDER.length - 1 ? PRIORITY_ORDER[i + 1]! : null;
}

/**
 * The working time a clock has used by `now`. An instant before the clock's
 * last known point (a replay of the past: the demo data's scheduler pass)
 * counts back from it, the clock having run in between.
 */
export function consumedBy(row: ClockRow, calendar: BusinessCalendar | undefined, now: Date): number {
  if (!row.runningSince || !calendar || now.getTime() === row.runningSince.getTime()) return row.consumedMs;
  if (now < row.runningSince) return Math.max(0, row.consumedMs - workingTimeBetween(calendar, now, row.runningSince));
  return row.consumedMs + workingTimeBetween(calendar, row.runningSince, now);
}

/**
 * The clocks a complaint should run now, from the ones it runs (`existing`).
 * Clocks that stay keep what they used; a STAGE clock of another stage is
 * replaced. Warning and breach marks are kept unless the recomputed instant
 * lies in the future (a longer budget): then the clock may warn and breach again.
 */
export function planClocks(s: ClockSubject, existing: readonly ClockRow[], settings: SlaSettings, now: Date, ranOn?: RanOn): ClockPlan {
  if (!OPEN_STAGES.includes(s.stage)) return { policy: matchPolicy(settings.policies, s), rows: [], legalDueAt: legalFor(s, settings) };
  const policy = matchPolicy(settings.policies, s);
  const calendar = policy ? settings.calendars.get(policy.calendarId) : undefined;
  // Clocks that ran on another calendar until now (the complaint's previous policy had another) count their time so far on it.
  const previous = ranOn && policy && ranOn.calendarId !== policy.calendarId ? ranOn.calendar : undefined;
  const rows: ClockRow[] = [];
  const budgets: Array<[SlaTarget, number | null | undefined, Date]> = [
    [SlaTarget.FIRST_RESPONSE, s.firstRespondedAt ? null : policy?.firstResponseSeconds, s.receivedAt],
    [SlaTarget.RESOLUTION, policy?.resolutionSeconds, s.receivedAt],
    [SlaTarget.STAGE, policy?.stageSeconds[s.stage], s.stageEnteredAt],
  ];
  for (const [clock, seconds, startedAt] of budgets) {
    if (!seconds || !calendar || !policy) continue;
    const prev = existing.find((r) => r.clock === clock && (clock !== SlaTarget.STAGE || r.stage === s.stage));
    rows.push(
      operationalClock(
        prev,
        {
          clock,
          stage: clock === SlaTarget.STAGE ? s.stage : null,
          startedAt,
          budgetMs: seconds * 1000,
        },
        calendar,
        policy.warnPercent,
        s.awaitingCustomerSince,
        now,
        previous,
      ),
    );
  }
  const legal = legalFor(s, settings);
  if (legal) {
    const prev = existing.find((r) => r.clock === SlaTarget.LEGAL);
    const warnPercent = policy?.warnPercent ?? 80;
    const warnAt = new Date(s.receivedAt.getTime() + Math.floor(((legal.getTime() - s.receivedAt.getTime()) * warnPercent) / 100));
    rows.push({
      clock: SlaTarget.LEGAL,
      stage: null,
      startedAt: s.receivedAt,
      budgetMs: null,
      consumedMs: 0,
      runningSince: s.receivedAt,
      warnAt,
      dueAt: legal,
      ...marks(prev, warnAt, legal, now),
    });
  }
  return { policy, rows, legalDueAt: legal };
}

/** The legal deadline of a complaint's demand under the company's settings as they are; null without one. */
export function legalFor(s: Pick<ClockSubject, 'demand' | 'receivedAt'>, settings: SlaSettings): Date | null {
  const days = s.demand ? settings.legal.get(s.demand)?.days : null;
  return days ? legalDueAt(s.receivedAt, days, settings.timeZone, settings.country) : null;
}

function operationalClock(
  prev: ClockRow | undefined,
  fresh: Pick<ClockRow, 'clock' | 'stage' | 'startedAt' | 'budgetMs'>,
  calendar: BusinessCalendar,
  warnPercent: number,
  pausedSince: Date | null,
  now: Date,
  ranOn?: BusinessCalendar,
): ClockRow {
  const budget = fresh.budgetMs!;
  // Time used so far: the existing clock's, folded up to now (or to the pause) on the calendar it ran on; a new clock counts from its start.
  const until = pausedSince && pausedSince < now ? pausedSince : now;
  const consumed = prev
    ? consumedBy(prev, ranOn ?? calendar, until)
    : until > fresh.startedAt
      ? workingTimeBetween(calendar, fresh.startedAt, until)
      : 0;
  const startedAt = prev?.startedAt ?? fresh.startedAt;
  if (pausedSince) {
    return {
      ...fresh,
      startedAt,
      consumedMs: consumed,
      runningSince: null,
      warnAt: null,
      dueAt: null,
      warnedAt: prev?.warnedAt ?? null,
      breachedAt: prev?.breachedAt ?? null,
    };
  }
  // Counted from the clock's last known point (its start, or where it last ran from), so that a
  // threshold already passed gets its true instant in the past, not "now".
  // A clock that ran on another calendar goes on on this one from now, with the time it used there.
  const base =
    prev && ranOn
      ? { at: now, used: consumed }
      : prev
        ? { at: prev.runningSince ?? now, used: prev.consumedMs }
        : { at: fresh.startedAt, used: 0 };
  const sameBudget = prev?.budgetMs === budget;
  const at = (usedMs: number, known: Date | null | undefined): Date => {
    if (usedMs > base.used) return addWorkingTime(calendar, base.at, usedMs - base.used);
    // Passed before the clock's last known point (an earlier recompute or a pause folded the time used past it):
    // the instant it was passed stays, rather than becoming the moment of this recompute.
    // (Only an instant at or before that point: a kept warning of another warnPercent could lie ahead.)
    if (sameBudget && known && known <= base.at) return known;
    // A new, shorter target already used up: counted from the clock's start (pauses before the last known point are not kept).
    const fromStart = addWorkingTime(calendar, startedAt, usedMs);
    return fromStart < base.at ? fromStart : base.at;
  };
  const dueAt = at(budget, prev?.dueAt ?? prev?.breachedAt);
  const warnAt = at(Math.floor((budget * warnPercent) / 100), prev?.warnAt ?? prev?.warnedAt);
  return { ...fresh, startedAt, consumedMs: consumed, runningSince: now, warnAt, dueAt, ...marks(prev, warnAt, dueAt, now) };
}

/** The previous warning and breach marks, unless the recomputed instant moved into the future. */
function marks(prev: ClockRow | undefined, warnAt: Date, dueAt: Date, now: Date): Pick<ClockRow, 'warnedAt' | 'breachedAt'> {
  return {
    warnedAt: prev?.warnedAt && warnAt <= now ? prev.warnedAt : null,
    breachedAt: prev?.breachedAt && dueAt <= now ? prev.breachedAt : null,
  };
}

/** What firing a clock at `now` does: a warning, then (or only) a breach, each at most once. */
export function dueSteps(row: Pick<ClockRow, 'warnAt' | 'dueAt' | 'warnedAt' | 'breachedAt'>, now: Date): Array<'AT_RISK' | 'BREACHED'> {
  const steps: Array<'AT_RISK' | 'BREACHED'> = [];
  if (!row.dueAt || row.breachedAt) return steps;
  if (!row.warnedAt && row.warnAt && row.warnAt < row.dueAt && row.warnAt <= now) steps.push('AT_RISK');
  if (row.dueAt <= now) steps.push('BREACHED');
  return steps;
}

/** The complaint's summary of its operational clocks: the soonest deadline and the worst state. */
export function summarize(rows: readonly ClockRow[], paused: boolean): { slaDueAt: Date | null; slaState: SlaState } {
  const ops = rows.filter((r) => OPERATIONAL.includes(r.clock));
  if (!ops.length) return { slaDueAt: null, slaState: SlaState.NONE };
  if (paused) return { slaDueAt: null, slaState: SlaState.PAUSED };
  const dues = ops.map((r) => r.dueAt).filter((d): d is Date => d !== null);
  return {
    slaDueAt: dues.length ? new Date(Math.min(...dues.map((d) => d.getTime()))) : null,
    slaState: ops.some((r) => r.breachedAt) ? SlaState.BREACHED : ops.some((r) => r.warnedAt) ? SlaState.AT_RISK : SlaState.ON_TRACK,
  };
}

/** The state of one clock, for display. */
export function clockState(row: ClockRow): SlaState {
  if (row.breachedAt) return SlaState.BREACHED;
  if (!row.runningSince) return SlaState.PAUSED;
  return row.warnedAt ? SlaState.AT_RISK : SlaState.ON_TRACK;
}

export interface PenaltyExposure {
  price: number;
  percentPerDay: number;
  perDay: number;
  /** Whole or started days past the legal deadline, up to now (or to closing). */
  daysOverdue: number;
  accrued: number;
}

/**
 * The statutory penalty (art. 23: a percentage of the price per day late)
 * accrued by `now`, or by the time the complaint was closed.
 */
export function penaltyExposure(
  price: number | null,
  percentPerDay: number,
  legalDue: Date | null,
  closedAt: Date | null,
  now: Date,
): PenaltyExposure | null {
  if (price === null || !legalDue) return null;
  const end = closedAt ?? now;
  const daysOverdue = end > legalDue ? Math.ceil((end.getTime() - legalDue.getTime()) / DAY_MS) : 0;
  const perDay = round2((price * percentPerDay) / 100);
  return { price, percentPerDay, perDay, daysOverdue, accrued: round2(perDay * daysOverdue) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** How a clock ended: kept after it stops, for analysis (`clock_outcomes`). */
export interface ClockOutcome {
  clock: SlaTarget;
  stage: Stage | null;
  startedAt: Date;
  endedAt: Date;
  /** Null for LEGAL (calendar days, not working time). */
  budgetMs: number | null;
  consumedMs: number | null;
  dueAt: Date | null;
  /** When it breached: the scheduler's mark, else its due instant if it ended past it; null if met. */
  breachedAt: Date | null;
  met: boolean;
  /** LEGAL only: the statutory penalty accrued by the end (null without a price). */
  penalty: number | null;
}

/**
 * The clocks of `existing` that `next` no longer runs — a STAGE clock of a
 * stage left, FIRST_RESPONSE once answered, every clock when the complaint
 * closes or is rejected — each with its outcome at `now`. An operational
 * clock is met when it never breached and used at most its budget (time
 * paused for the customer not counted); LEGAL when it ended by its deadline.
 */
export function stoppedClocks(
  existing: readonly ClockRow[],
  next: readonly ClockRow[],
  calendar: BusinessCalendar | undefined,
  now: Date,
  legal: { price: number | null; percentPerDay: number },
): ClockOutcome[] {
  const stays = (r: ClockRow) => next.some((n) => n.clock === r.clock && n.stage === r.stage);
  return existing
    .filter((r) => !stays(r))
    .map((r) => {
      if (r.clock === SlaTarget.LEGAL) {
        const late = r.dueAt !== null && now > r.dueAt;
        const penalty = penaltyExposure(legal.price, legal.percentPerDay, r.dueAt, now, now);
        return {
          clock: r.clock,
          stage: null,
          startedAt: r.startedAt,
          endedAt: now,
          budgetMs: null,
          consumedMs: null,
          dueAt: r.dueAt,
          breachedAt: late ? (r.breachedAt ?? r.dueAt) : null,
          met: !late,
          penalty: penalty?.accrued ?? null,
        };
      }
      const consumed = Math.round(consumedBy(r, calendar, now));
      const met = !r.breachedAt && (r.budgetMs === null || consumed <= r.budgetMs);
      return {
        clock: r.clock,
        stage: r.stage,
        startedAt: r.startedAt,
        endedAt: now,
        budgetMs: r.budgetMs,
        consumedMs: consumed,
        dueAt: r.dueAt,
        breachedAt: met ? null : (r.breachedAt ?? r.dueAt),
        met,
        penalty: null,
      };
    });
}
