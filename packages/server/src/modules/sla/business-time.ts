/**
 * Business-time arithmetic, pure: working time in a calendar (an IANA time
 * zone, working periods per weekday, holidays; or 24/7), minus pauses.
 *
 *   addWorkingTime(calendar, start, ms, pauses)   the instant when `ms` of working time has passed
 *   workingTimeBetween(calendar, a, b, pauses)    working time in [a, b)
 *
 * Periods are local wall-clock times. A period whose end is not after its
 * start runs past midnight into the next day, and belongs to the day it
 * starts on (a holiday cancels the periods that start on it). A transferred
 * working day (a Saturday made a working day, say) has the periods of the
 * first weekday, Monday on, that has any. Across a
 * daylight-saving change, a period lasts what the clock says: 01:00–04:00 on
 * the night the clocks go forward is two hours of real time. A local time
 * that does not exist (in the gap) is taken as the moment after the gap;
 * one that exists twice, as the earlier.
 */

export interface WorkingPeriod {
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
  /** Local time 'HH:MM'. */
  start: string;
  /** Local time 'HH:MM' ('24:00' allowed); not after `start` means the next day. */
  end: string;
}

export interface BusinessCalendar {
  timeZone: string;
  /** Open all the time (then `periods` and `holidays` are ignored). */
  alwaysOpen?: boolean;
  periods: readonly WorkingPeriod[];
  /** Local dates 'YYYY-MM-DD' without working periods. */
  holidays?: readonly string[];
  /** Local dates 'YYYY-MM-DD' that are working days whatever their weekday (transferred working days). */
  workingDays?: readonly string[];
}

/** A span of time (ms since the epoch), [start, end). */
export interface Span {
  start: number;
  end: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far ahead a deadline is searched for before the calendar is deemed to have no working time. */
const HORIZON_DAYS = 3 * 366;

/** What is wrong with a calendar, and in which of its fields. */
export interface CalendarProblem {
  field: 'timeZone' | 'periods' | 'holidays' | 'workingDays';
  message: string;
}

/** Checks a calendar; returns the problems (empty when valid). */
export function calendarProblems(c: BusinessCalendar): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const add = (field: CalendarProblem['field'], message: string) => problems.push({ field, message });
  try {
    formatter(c.timeZone);
  } catch {
    add('timeZone', `unknown time zone ${JSON.stringify(c.timeZone)}`);
  }
  if (c.alwaysOpen) return problems;
  if (!c.periods.length) add('periods', 'a calendar needs at least one working period, or alwaysOpen');
  for (const p of c.periods) {
    if (!Number.isInteger(p.weekday) || p.weekday < 1 || p.weekday > 7)
      add('periods', `weekday must be 1 (Monday) to 7 (Sunday), got ${p.weekday}`);
    for (const t of [p.start, p.end])
      if (minutesOf(t) === null) add('periods', `a time must be HH:MM (00:00 to 24:00), got ${JSON.stringify(t)}`);
  }
  for (const h of c.holidays ?? []) if (!isLocalDate(h)) add('holidays', `a holiday must be YYYY-MM-DD, got ${JSON.stringify(h)}`);
  for (const w of c.workingDays ?? [])
    if (!isLocalDate(w)) add('workingDays', `a working day must be YYYY-MM-DD, got ${JSON.stringify(w)}`);
  const holidays = new Set(c.holidays ?? []);
  for (const w of c.workingDays ?? []) if (holidays.has(w)) add('workingDays', `${w} cannot be both a holiday and a working day`);
  return problems;
}

/** A real calendar date 'YYYY-MM-DD' (not 2026-02-31, which Date.parse rolls over to 3 March). */
export function isLocalDate(s: string): boolean {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : NaN;
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(s);
}

function minutesOf(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && minutes <= 24 * 60 ? minutes : null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Offsets already computed, per zone and quarter hour of UTC time: a zone
 * changes its offset only on a quarter hour (every transition since 1970
 * does), so one look serves every instant of that quarter hour. Formatting a
 * date in a zone is the costly step (a few microseconds each, a dozen per day
 * of a clock; 200,000 of an export took seconds), and the quarter hours asked
 * for repeat. Bounded: a zone's entries are dropped when they pass OFFSETS_PER_ZONE.
 */
const offsets = new Map<string, Map<number, number>>();
const OFFSETS_PER_ZONE = 100_000;
const QUARTER_HOUR = 15 * MINUTE;

/** The zone's offset from UTC at `instant`, in ms (positive east of Greenwich). */
function offsetAt(timeZone: string, instant: number): number {
  let known = offsets.get(timeZone);
  if (!known) offsets.set(timeZone, (known = new Map()));
  const quarter = Math.floor(instant / QUARTER_HOUR);
  let offset = known.get(quarter);
  if (offset === undefined) {
    if (known.size >= OFFSETS_PER_ZONE) known.clear();
    offset = computeOffset(timeZone, quarter * QUARTER_HOUR);
    known.set(quarter, offset);
  }
  return offset;
}

/** The wall clock of `timeZone` at `instant`, as a Date whose UTC fields read it (getUTCHours() is the local hour). */
export function wallClock(timeZone: string, instant: number): Date {
  return new Date(instant + offsetAt(timeZone, instant));
}

function computeOffset(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant of a local wall-clock time (`minutes` after local midnight of the given date, may exceed a day). */
export function zonedInstant(timeZone: string, year: number, month: number, day: number, minutes: number): number {
  const wall = Date.UTC(year, month - 1, day) + minutes * MINUTE;
  const before = wall - offsetAt(timeZone, wall - DAY / 2);
  const after = wall - offsetAt(timeZone, wall + DAY / 2);
  const valid = [before, after].filter((t) => t + offsetAt(timeZone, t) === wall);
  // Two valid: the wall time happens twice (clocks went back), take the first. None: it falls in the gap, take the moment after.
  return valid.length ? Math.min(...valid) : before;
}

/** The local calendar date of an instant, as [year, month, day]. */
export function localDate(timeZone: string, instant: number): [number, number, number] {
  const d = wallClock(timeZone, instant);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

interface CompiledCalendar {
  holidays: ReadonlySet<string>;
  /** Working periods per ISO weekday, in minutes after local midnight (end past 1440 for a period into the next day), in order. */
  byWeekday: ReadonlyMap<number, ReadonlyArray<{ start: number; end: number }>>;
  workingDays: ReadonlySet<string>;
  /** The weekday whose periods a transferred working day has. */
  firstWorkingWeekday: number;
}

/**
 * A calendar checked and put in the form `workingSpans` reads, once per calendar object: a clock, a plan or
 * a report asks the same calendar again and again, and checking a calendar of a few hundred holidays took
 * longer than the spans themselves (a profile of the demo's seed). Calendars are not changed after they are
 * built (their fields are read-only); a changed calendar is a new object.
 */
const compiledCalendars = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compiled(c: BusinessCalendar): CompiledCalendar {
  let known = compiledCalendars.get(c);
  if (known) return known;
  const problems = calendarProblems(c);
  if (problems.length) throw new RangeError(problems.map((p) => p.message).join('; '));
  const byWeekday = new Map<number, Array<{ start: number; end: number }>>();
  for (const p of c.periods) {
    const start = minutesOf(p.start)!;
    let end = minutesOf(p.end)!;
    if (end <= start) end += 24 * 60;
    const list = byWeekday.get(p.weekday) ?? [];
    list.push({ start, end });
    byWeekday.set(p.weekday, list);
  }
  for (const list of byWeekday.values()) list.sort((a, b) => a.start - b.start);
  known = {
    holidays: new Set(c.holidays ?? []),
    byWeekday,
    workingDays: new Set(c.workingDays ?? []),
    firstWorkingWeekday: [1, 2, 3, 4, 5, 6, 7].find((w) => byWeekday.has(w)) ?? 1,
  };
  compiledCalendars.set(c, known);
  return known;
}

/** Working spans of the calendar that end after `from`, in order, clipped to start no earlier than `from`. */
export function* workingSpans(c: BusinessCalendar, from: number): Generator<Span> {
  if (c.alwaysOpen) {
    yield { start: from, end: Infinity };
    return;
  }
  const { holidays, byWeekday, workingDays, firstWorkingWeekday } = compiled(c);
  // From the day before: a period of yesterday may run past midnight into `from`.
  const [y, m, d] = localDate(c.timeZone, from);
  let pending: Span[] = [];
  for (let i = -1; i <= HORIZON_DAYS; i++) {
    const date = new Date(Date.UTC(y, m - 1, d + i));
    const iso = date.toISOString().slice(0, 10);
    const weekday = workingDays.has(iso) ? firstWorkingWeekday : date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    const today: Span[] = [];
    if (!holidays.has(iso)) {
      for (const p of byWeekday.get(weekday) ?? []) {
        const start = zonedInstant(c.timeZone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), p.start);
        const end = zonedInstant(c.timeZone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), p.end);
        if (end > start) today.push({ start, end });
      }
    }
    // Spans of one day are emitted once the next day's are known, merged where they touch or overlap.
    const all = [...pending, ...today].sort((a, b) => a.start - b.start);
    const merged: Span[] = [];
    for (const s of all) {
      const last = merged[merged.length - 1];
      if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
      else merged.push({ ...s });
    }
    // Whatever starts before tomorrow's first possible span (today's local midnight + 1 day) cannot merge further.
    const horizon = zonedInstant(c.timeZone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate() + 1, 0);
    pending = [];
    for (const s of merged) {
      if (s.end < horizon) {
        if (s.end > from) yield { start: Math.max(s.start, from), end: s.end };
      } else pending.push(s);
    }
  }
  for (const s of pending) if (s.end > from) yield { start: Math.max(s.start, from), end: s.end };
  throw new RangeError(`no working time within ${HORIZON_DAYS} days`);
}

/** `spans` minus `pauses` (pauses in any order, may overlap). */
function* without(spans: Iterable<Span>, pauses: readonly Span[]): Generator<Span> {
  const sorted = [...pauses].filter((p) => p.end > p.start).sort((a, b) => a.start - b.start);
  for (const span of spans) {
    let cursor = span.start;
    for (const p of sorted) {
      if (p.end <= cursor || p.start >= span.end) continue;
      if (p.start > cursor) yield { start: cursor, end: p.start };
      cursor = Math.max(cursor, p.end);
      if (cursor >= span.end) break;
    }
    if (cursor < span.end) yield { start: cursor, end: span.end };
  }
}

/** The instant at which `ms` of working time (outside `pauses`) has passed since `start`. */
export function addWorkingTime(c: BusinessCalendar, start: Date, ms: number, pauses: readonly Span[] = []): Date {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('a working duration must be zero or more');
  if (ms === 0) return new Date(start);
  let left = ms;
  for (const s of without(workingSpans(c, start.getTime()), pauses)) {
    if (s.end - s.start >= left) return new Date(s.start + left);
    left -= s.end - s.start;
  }
  throw new RangeError('no working time left in the calendar');
}

/** Working time (outside `pauses`) in [a, b); negative when b is before a. */
export function workingTimeBetween(c: BusinessCalendar, a: Date, b: Date, pauses: readonly Span[] = []): number {
  if (b < a) return -workingTimeBetween(c, b, a, pauses);
  const end = b.getTime();
  let total = 0;
  for (const s of without(workingSpans(c, a.getTime()), pauses)) {
    if (s.start >= end) break;
    total += Math.min(s.end, end) - s.start;
  }
  return total;
}
