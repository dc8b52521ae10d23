/**
 * The shape of each demo complaint before any text: which stages it went
 * through and when (timed so that their SLA clocks mix on track, at risk and breached). Pure functions of a PRNG.
 */
import { Channel, Demand, Priority, Stage } from '../modules/complaint/complaint.enums.js';
import { localDate, workingTimeBetween, type BusinessCalendar } from '../modules/sla/business-time.js';
import { countryDays, type Language } from '../modules/sla/public-holidays.js';
import { DAY, HOUR, MINUTE, toOfficeHours, type Rng } from './demo-random.js';

const MAIN_PATH: readonly Stage[] = [
  Stage.RECEIVED,
  Stage.REGISTERED,
  Stage.ANALYSIS,
  Stage.DECISION,
  Stage.IMPLEMENTATION,
  Stage.FEEDBACK,
  Stage.CLOSED,
];

/** Share of complaints (in %) by their stage now; every stage gets at least two. */
const STAGE_SHARES: ReadonlyArray<readonly [Stage, number]> = [
  [Stage.RECEIVED, 7],
  [Stage.REGISTERED, 9],
  [Stage.ANALYSIS, 14],
  [Stage.DECISION, 8],
  [Stage.IMPLEMENTATION, 9],
  [Stage.FEEDBACK, 7],
  [Stage.CLOSED, 37],
  [Stage.REJECTED, 9],
];

/** Demo operational SLA: allowed hours in each open stage at NORMAL priority (24/7 clock). */
const STAGE_HOURS: Readonly<Partial<Record<Stage, number>>> = {
  [Stage.RECEIVED]: 8,
  [Stage.REGISTERED]: 24,
  [Stage.ANALYSIS]: 96,
  [Stage.DECISION]: 48,
  [Stage.IMPLEMENTATION]: 120,
  [Stage.FEEDBACK]: 72,
};
const PRIORITY_FACTOR: Readonly<Record<Priority, number>> = {
  [Priority.URGENT]: 0.25,
  [Priority.HIGH]: 0.5,
  [Priority.NORMAL]: 1,
  [Priority.LOW]: 1.5,
};
/** Channels on which staff take the complaint and register it at once (as the application does). */
export const STAFF_CHANNELS: readonly Channel[] = [Channel.PHONE, Channel.IN_PERSON, Channel.EMAIL, Channel.CHAT];

const MAX_AGE = 89 * DAY;

/**
 * The stage paths of `n` complaints (at least 16, two per stage), in random
 * order: each path starts at RECEIVED and ends at the stage the complaint is in now.
 */
export function planPaths(n: number, rng: Rng): Stage[][] {
  const counts = STAGE_SHARES.map(([stage, share]) => [stage, Math.max(2, Math.floor((share * n) / 100))] as const);
  const assigned = counts.reduce((sum, [, c]) => sum + c, 0);
  const paths: Stage[][] = [];
  for (const [stage, count] of counts) {
    const extra = stage === Stage.CLOSED ? Math.max(0, n - assigned) : 0;
    for (let i = 0; i < count + extra; i++) paths.push(pathTo(stage, rng));
  }
  // A few closed complaints were reopened by an unhappy customer and are back in ANALYSIS.
  const reopened = Math.max(1, Math.round(n / 60));
  for (let i = 0, done = 0; i < paths.length && done < reopened; i++) {
    const last = paths[i]!.at(-1);
    if (last === Stage.ANALYSIS) {
      paths[i] = [...MAIN_PATH, Stage.ANALYSIS];
      done++;
    }
  }
  return rng.shuffle(paths);
}

function pathTo(stage: Stage, rng: Rng): Stage[] {
  if (stage !== Stage.REJECTED) return MAIN_PATH.slice(0, MAIN_PATH.indexOf(stage) + 1);
  const from = rng.weighted([
    [Stage.RECEIVED, 2],
    [Stage.REGISTERED, 1.5],
    [Stage.ANALYSIS, 5],
    [Stage.DECISION, 1.5],
  ] as const);
  return [...MAIN_PATH.slice(0, MAIN_PATH.indexOf(from) + 1), Stage.REJECTED];
}

export function isFinal(stage: Stage): boolean {
  return stage === Stage.CLOSED || stage === Stage.REJECTED;
}

/** The channel: portal and API complaints wait in RECEIVED; staff channels are registered at once. */
export function planChannel(path: readonly Stage[], rng: Rng): Channel {
  const neverRegistered = path[1] !== Stage.REGISTERED;
  if (neverRegistered)
    return rng.weighted([
      [Channel.WEB, 4],
      [Channel.API, 1],
    ] as const);
  return rng.weighted([
    [Channel.WEB, 30],
    [Channel.PHONE, 25],
    [Channel.EMAIL, 20],
    [Channel.CHAT, 10],
    [Channel.IN_PERSON, 8],
    [Channel.API, 7],
  ] as const);
}

export function stageBudget(stage: Stage, priority: Priority): number {
  return (STAGE_HOURS[stage] ?? 0) * HOUR * PRIORITY_FACTOR[priority];
}

/**
 * The business calendar and stage targets (working hours) a new company is
 * given by install_sla_defaults: Monday to Friday 09:00-18:00 with its
 * country's days off, and the Urgent, High and Standard policies. The
 * seed test holds these to what the database installs.
 */
export function defaultCalendar(timeZone: string, country: string, language: Language, now: number): BusinessCalendar {
  const [year] = localDate(timeZone, now);
  const periods = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));
  return { timeZone, periods, ...countryDays(country, language, [year, year + 1]) };
}

const STANDARD_TARGET_HOURS: Readonly<Partial<Record<Stage, number>>> = {
  [Stage.RECEIVED]: 4,
  [Stage.REGISTERED]: 8,
  [Stage.ANALYSIS]: 27,
  [Stage.DECISION]: 18,
  [Stage.IMPLEMENTATION]: 45,
  [Stage.FEEDBACK]: 27,
};
export const DEFAULT_STAGE_TARGET_HOURS: Readonly<Record<Priority, Readonly<Partial<Record<Stage, number>>>>> = {
  [Priority.URGENT]: {
    [Stage.RECEIVED]: 1,
    [Stage.REGISTERED]: 2,
    [Stage.ANALYSIS]: 9,
    [Stage.DECISION]: 4,
    [Stage.IMPLEMENTATION]: 9,
    [Stage.FEEDBACK]: 9,
  },
  [Priority.HIGH]: {
    [Stage.RECEIVED]: 2,
    [Stage.REGISTERED]: 4,
    [Stage.ANALYSIS]: 18,
    [Stage.DECISION]: 9,
    [Stage.IMPLEMENTATION]: 18,
    [Stage.FEEDBACK]: 18,
  },
  [Priority.NORMAL]: STANDARD_TARGET_HOURS,
  [Priority.LOW]: STANDARD_TARGET_HOURS,
};

/**
 * The calendar days the law gives a company of `country` to meet a customer's demand, counted from receipt (the
 * presets reset_legal_presets installs: Russia's consumer protection law; none elsewhere). The seed test holds
 * these to what the database installs.
 */
export function legalDays(country: string, demand: Demand | null): number | null {
  if (country !== 'RU' || !demand) return null;
  return ({ REFUND: 10, PRICE_REDUCTION: 10, COMPENSATION: 10, REPLACEMENT: 7, REPAIR: 45, OTHER: null } as const)[demand];
}

/**
 * When each stage of the path was entered (the first: when the complaint was received). Open complaints are timed back from now in the
 * working time of `calendar`, as their SLA clocks count it: the current
 * stage was entered a drawn share of its target ago (so that states mix:
 * mostly on track, some at risk, the last fifth of a target, some
 * breached), each earlier stage took a share of its own target (now and
 * then more), and, unless drawn breached, it was received within most of
 * the `legal` days the law gives for its demand (a company keeps to those
 * first). Finished ones are spread over the last ~90 days in calendar
 * time. Staff steps fall in office hours.
 */
export function planTiming(
  path: readonly Stage[],
  priority: Priority,
  registeredAtOnce: boolean,
  now: number,
  calendar: BusinessCalendar,
  rng: Rng,
  legal: number | null = null,
): number[] {
  const current = path.at(-1)!;
  const steps = path.slice(0, -1).map((stage, i) => stepDraw(stage, i, registeredAtOnce, rng));
  let times: number[];
  if (isFinal(current)) {
    const durations = steps.map((step, i) =>
      'ms' in step ? step.ms : Math.max(20 * MINUTE, step.share * stageBudget(path[i]!, priority)),
    );
    let total = durations.reduce((a, b) => a + b, 0);
    if (total > MAX_AGE - DAY) durations.forEach((d, i) => (durations[i] = (d * (MAX_AGE - DAY)) / total));
    total = Math.min(total, MAX_AGE - DAY);
    times = [now - rng.between(2 * HOUR, MAX_AGE - total)];
    for (let i = durations.length - 1; i >= 0; i--) times.unshift(times[0]! - durations[i]!);
  } else {
    const target = (stage: Stage) => (DEFAULT_STAGE_TARGET_HOURS[priority][stage] ?? 0) * HOUR;
    const elapsed = rng.weighted([
      [0, 65],
      [1, 17],
      [2, 18],
    ] as const);
    const fraction = [rng.between(0.05, 0.75), rng.between(0.8, 0.97), rng.between(1.05, 2.5)][elapsed]!;
    times = [workingTimeBack(calendar, now, fraction * target(current))];
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i]!;
      const next = times[0]!;
      times.unshift(
        'ms' in step ? next - step.ms : Math.min(next - 20 * MINUTE, workingTimeBack(calendar, next, step.share * target(path[i]!))),
      );
    }
    const entered = times.at(-1)!;
    const received = now - 0.85 * (legal ?? Infinity) * DAY;
    if (elapsed !== 2 && times[0]! < received && entered > received) {
      times = times.map((t) => entered - ((entered - t) * (entered - received)) / (entered - times[0]!));
    }
  }
  return inOfficeHours(times, registeredAtOnce, now, calendar.timeZone, !isFinal(current));
}

/**
 * How long a complaint stayed in `stage` (the i-th of its path) before moving on: a share of the stage's target
 * (mostly within it, now and then late), or a time of its own (none for a complaint registered as it came in;
 * days between a closing and its reopening).
 */
function stepDraw(stage: Stage, i: number, registeredAtOnce: boolean, rng: Rng): { share: number } | { ms: number } {
  if (i === 0 && registeredAtOnce) return { ms: 0 };
  if (stage === Stage.CLOSED) return { ms: rng.between(1, 6) * DAY };
  // Rarely late: a late stage escalates (the policies raise the priority), and every later target is the tighter one.
  const late = rng.chance(0.06);
  return { share: late ? rng.between(1.05, 1.8) : rng.between(0.15, 0.9) };
}

/**
 * Staff steps moved into office hours, order kept, the last one left where it
 * is when `keepLast`; unchanged if that would reach past now or past the kept step.
 */
function inOfficeHours(times: readonly number[], registeredAtOnce: boolean, now: number, timeZone: string, keepLast: boolean): number[] {
  const out: number[] = [];
  times.forEach((t, i) => {
    const byStaff = (i > 0 || registeredAtOnce) && !(keepLast && i === times.length - 1);
    const moved = byStaff ? toOfficeHours(t, timeZone) : t;
    const sameMoment = i === 1 && registeredAtOnce;
    out.push(i === 0 ? moved : Math.max(moved, out[i - 1]! + (sameMoment ? 0 : 10 * MINUTE)));
  });
  const kept = !keepLast || out.at(-1) === times.at(-1);
  return kept && out.at(-1)! < now - MINUTE ? out : [...times];
}

/** The latest instant from which `ms` of working time in `calendar` has passed by `now` (to the second). */
function workingTimeBack(calendar: BusinessCalendar, now: number, ms: number): number {
  const until = new Date(now);
  // Nine working hours a day and weekends: four times the span, plus a fortnight of days off, holds it.
  let lo = now - 4 * ms - 14 * DAY;
  while (workingTimeBetween(calendar, new Date(lo), until) < ms) lo -= 30 * DAY;
  let hi = now;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (workingTimeBetween(calendar, new Date(mid), until) >= ms) lo = mid;
    else hi = mid;
  }
  return lo;
}
