/**
 * The shape of each demo complaint before any text: which stages it went
 * through, when, and how its SLA clock stands now. Pure functions of a PRNG.
 */
import { Channel, Priority, SlaState, Stage } from '../modules/complaint/complaint.enums.js';
import { localDate, workingTimeBetween, type BusinessCalendar } from '../modules/sla/business-time.js';
import { countryDays, type Language } from '../modules/sla/public-holidays.js';
import { DAY, HOUR, MINUTE, toOfficeHours, type Rng } from './demo-random.js';

const MAIN_PATH: readonly Stage[] = [Stage.RECEIVED, Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION,
  Stage.IMPLEMENTATION, Stage.FEEDBACK, Stage.CLOSED];

/** Share of complaints (in %) by their stage now; every stage gets at least two. */
const STAGE_SHARES: ReadonlyArray<readonly [Stage, number]> = [
  [Stage.RECEIVED, 7], [Stage.REGISTERED, 9], [Stage.ANALYSIS, 14], [Stage.DECISION, 8],
  [Stage.IMPLEMENTATION, 9], [Stage.FEEDBACK, 7], [Stage.CLOSED, 37], [Stage.REJECTED, 9],
];

/** Demo operational SLA: allowed hours in each open stage at NORMAL priority (24/7 clock). */
const STAGE_HOURS: Readonly<Partial<Record<Stage, number>>> = {
  [Stage.RECEIVED]: 8, [Stage.REGISTERED]: 24, [Stage.ANALYSIS]: 96,
  [Stage.DECISION]: 48, [Stage.IMPLEMENTATION]: 120, [Stage.FEEDBACK]: 72,
};
const PRIORITY_FACTOR: Readonly<Record<Priority, number>> = {
  [Priority.URGENT]: 0.25, [Priority.HIGH]: 0.5, [Priority.NORMAL]: 1, [Priority.LOW]: 1.5,
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
  const from = rng.weighted([[Stage.RECEIVED, 2], [Stage.REGISTERED, 1.5], [Stage.ANALYSIS, 5], [Stage.DECISION, 1.5]] as const);
  return [...MAIN_PATH.slice(0, MAIN_PATH.indexOf(from) + 1), Stage.REJECTED];
}

export function isFinal(stage: Stage): boolean {
  return stage === Stage.CLOSED || stage === Stage.REJECTED;
}

/** The channel: portal and API complaints wait in RECEIVED; staff channels are registered at once. */
export function planChannel(path: readonly Stage[], rng: Rng): Channel {
  const neverRegistered = path[1] !== Stage.REGISTERED;
  if (neverRegistered) return rng.weighted([[Channel.WEB, 4], [Channel.API, 1]] as const);
  return rng.weighted([[Channel.WEB, 30], [Channel.PHONE, 25], [Channel.EMAIL, 20], [Channel.CHAT, 10],
    [Channel.IN_PERSON, 8], [Channel.API, 7]] as const);
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
  [Stage.RECEIVED]: 4, [Stage.REGISTERED]: 8, [Stage.ANALYSIS]: 27, [Stage.DECISION]: 18, [Stage.IMPLEMENTATION]: 45, [Stage.FEEDBACK]: 27,
};
export const DEFAULT_STAGE_TARGET_HOURS: Readonly<Record<Priority, Readonly<Partial<Record<Stage, number>>>>> = {
  [Priority.URGENT]: { [Stage.RECEIVED]: 1, [Stage.REGISTERED]: 2, [Stage.ANALYSIS]: 9, [Stage.DECISION]: 4, [Stage.IMPLEMENTATION]: 9, [Stage.FEEDBACK]: 9 },
  [Priority.HIGH]: { [Stage.RECEIVED]: 2, [Stage.REGISTERED]: 4, [Stage.ANALYSIS]: 18, [Stage.DECISION]: 9, [Stage.IMPLEMENTATION]: 18, [Stage.FEEDBACK]: 18 },
  [Priority.NORMAL]: STANDARD_TARGET_HOURS,
  [Priority.LOW]: STANDARD_TARGET_HOURS,
};

export interface Timing {
  /** When each stage of the path was entered; times[0] is when the complaint was received. */
  times: number[];
  slaDueAt: number | null;
  slaState: SlaState;
}

/**
 * When each step happened. Open complaints are timed back from now (time in
 * the current stage is drawn so that SLA states mix); finished ones are
 * spread over the last ~90 days. Staff steps fall in office hours.
 *
 * "At risk" is a narrow band (the last fifth of a target) of a clock that
 * runs in working time, which calendar hours miss at some hours of the day
 * (at 10:00, say, when little working time has passed since the night). So
 * a complaint drawn at risk enters its stage at the instant from which that
 * share of the stage's target in `calendar` has passed by now, within
 * working hours by construction, and that entry is not moved.
 */
export function planTiming(path: readonly Stage[], priority: Priority, registeredAtOnce: boolean, now: number, calendar: BusinessCalendar, rng: Rng): Timing {
  const current = path.at(-1)!;
  const durations = path.slice(0, -1).map((stage, i) => stepDuration(stage, i, priority, registeredAtOnce, rng));
  let total = durations.reduce((a, b) => a + b, 0);
  let end: number;
  let atRisk = false;
  if (isFinal(current)) {
    if (total > MAX_AGE - DAY) durations.forEach((d, i) => (durations[i] = (d * (MAX_AGE - DAY)) / total));
    total = Math.min(total, MAX_AGE - DAY);
    end = now - rng.between(2 * HOUR, MAX_AGE - total);
  } else {
    const budget = stageBudget(current, priority);
    const elapsed = rng.weighted([[0, 55], [1, 20], [2, 25]] as const);
    const fraction = [rng.between(0.05, 0.75), rng.between(0.8, 0.97), rng.between(1.05, 2.5)][elapsed]!;
    atRisk = elapsed === 1;
    end = atRisk ? workingTimeBack(calendar, now, fraction * (DEFAULT_STAGE_TARGET_HOURS[priority][current] ?? 0) * HOUR)
      : now - Math.min(fraction * budget, MAX_AGE / 2);
    if (end - total < now - MAX_AGE) durations.forEach((d, i) => (durations[i] = (d * (end - now + MAX_AGE)) / total));
  }
  const times = [end];
  for (let i = durations.length - 1; i >= 0; i--) times.unshift(times[0]! - durations[i]!);
  const officeTimes = inOfficeHours(times, registeredAtOnce, now, calendar.timeZone, atRisk);
  return { times: officeTimes, ...slaNow(current, priority, officeTimes.at(-1)!, now, rng) };
}

/** How long a complaint stayed in `stage` (the i-th of its path) before moving on. */
function stepDuration(stage: Stage, i: number, priority: Priority, registeredAtOnce: boolean, rng: Rng): number {
  if (i === 0 && registeredAtOnce) return 0;
  if (stage === Stage.CLOSED) return rng.between(1, 6) * DAY;
  const late = rng.chance(0.15);
  return Math.max(20 * MINUTE, stageBudget(stage, priority) * (late ? rng.between(1.05, 1.8) : rng.between(0.15, 0.9)));
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
  let [lo, hi] = [now - 60 * DAY, now];
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (workingTimeBetween(calendar, new Date(mid), until) >= ms) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The SLA clock of the current stage: most open complaints have one; finished ones stop it. */
function slaNow(stage: Stage, priority: Priority, enteredAt: number, now: number, rng: Rng): Pick<Timing, 'slaDueAt' | 'slaState'> {
  if (isFinal(stage) || rng.chance(0.12)) return { slaDueAt: null, slaState: SlaState.NONE };
  const budget = stageBudget(stage, priority);
  const used = (now - enteredAt) / budget;
  const slaState = used >= 1 ? SlaState.BREACHED : used >= 0.8 ? SlaState.AT_RISK : SlaState.ON_TRACK;
  return { slaDueAt: enteredAt + budget, slaState };
}
