import type { LocationQuery, LocationQueryRaw, RouteLocationRaw } from 'vue-router';
import type { AnalysisFilterInput, AnalysisGrouping, ParetoDimension, ParetoMeasure } from '@reclaim/client/staff';
import { dayIn, dayStartIn } from '../../components/format.js';
import { queryDay, queryText } from '../queue/queue-query.js';

/**
 * The Analysis page's choices live in the URL, so that a view of the figures
 * can be bookmarked and shared:
 *
 *   period     a preset (PERIODS), or `custom` with from and to
 *   from, to   the custom period's first and last day (YYYY-MM-DD, the company's days)
 *   grouping   WEEK | MONTH: how the series (satisfaction, legal deadlines) are split
 *   department, category, product   filters (a department only among those the user may analyse)
 *   by, measure                     the Pareto's dimension and measure
 */
export const PERIODS = ['last30', 'thisMonth', 'lastMonth', 'last90', 'last12m', 'thisYear'] as const;
export type PeriodPreset = (typeof PERIODS)[number];
export const CUSTOM = 'custom';
export const DEFAULT_PERIOD: PeriodPreset = 'last90';
export const DIMENSIONS: readonly ParetoDimension[] = ['CAUSE', 'CAUSE_GROUP', 'CATEGORY', 'PRODUCT', 'DEPARTMENT', 'REJECTION_REASON'];
export const MEASURES: readonly ParetoMeasure[] = ['COUNT', 'REMEDY_AMOUNT', 'PENALTY'];
export const GROUPINGS: readonly AnalysisGrouping[] = ['WEEK', 'MONTH'];
const KEYS = ['period', 'from', 'to', 'grouping', 'department', 'category', 'product', 'by', 'measure'] as const;

export interface AnalysisChoice {
  period: PeriodPreset | typeof CUSTOM;
  /** First and last day (YYYY-MM-DD, both included) of a custom period. */
  from: string | null;
  to: string | null;
  grouping: AnalysisGrouping;
  departmentId: string | null;
  categoryId: string | null;
  product: string | null;
  by: ParetoDimension;
  measure: ParetoMeasure;
}

const oneOf = <T extends string>(values: readonly T[], raw: unknown, fallback: T): T =>
  (values as readonly unknown[]).includes(raw) ? (raw as T) : fallback;

export function choiceFromQuery(q: LocationQuery): AnalysisChoice {
  const from = queryDay(q.from);
  const to = queryDay(q.to);
  const custom = queryText(q.period) === CUSTOM && from !== null && to !== null && from <= to;
  return {
    period: custom ? CUSTOM : oneOf(PERIODS, queryText(q.period), DEFAULT_PERIOD),
    from: custom ? from : null,
    to: custom ? to : null,
    grouping: oneOf(GROUPINGS, queryText(q.grouping), 'MONTH'),
    departmentId: queryText(q.department),
    categoryId: queryText(q.category),
    product: queryText(q.product)?.trim() || null,
    by: oneOf(DIMENSIONS, queryText(q.by), 'CAUSE'),
    measure: oneOf(MEASURES, queryText(q.measure), 'COUNT'),
  };
}

/** The URL of a choice: defaults left out, other keys of `q` kept. */
export function queryFromChoice(choice: AnalysisChoice, q: LocationQuery = {}): LocationQueryRaw {
  const query: LocationQueryRaw = { ...q };
  for (const key of KEYS) delete query[key];
  const set = (key: string, value: string | null, fallback?: string) => {
    if (value && value !== fallback) query[key] = value;
  };
  set('period', choice.period, DEFAULT_PERIOD);
  if (choice.period === CUSTOM) {
    set('from', choice.from);
    set('to', choice.to);
  }
  set('grouping', choice.grouping, 'MONTH');
  set('department', choice.departmentId);
  set('category', choice.categoryId);
  set('product', choice.product);
  set('by', choice.by, 'CAUSE');
  set('measure', choice.measure, 'COUNT');
  return query;
}

/** YYYY-MM-DD plus `n` days (calendar arithmetic, no time zone). */
function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + n)).toISOString().slice(0, 10);
}

/** The first and last day (both included) of a preset, counted from `today` (the company's day). */
export function presetDays(preset: PeriodPreset, today: string): { from: string; to: string } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month - 1, 1)).toISOString().slice(0, 10);
  switch (preset) {
    case 'last30':
      return { from: addDays(today, -29), to: today };
    case 'last90':
      return { from: addDays(today, -89), to: today };
    case 'thisMonth':
      return { from: monthStart(y, m), to: today };
    case 'lastMonth':
      return { from: monthStart(y, m - 1), to: addDays(monthStart(y, m), -1) };
    case 'last12m':
      return { from: monthStart(y, m - 11), to: today };
    case 'thisYear':
      return { from: `${y}-01-01`, to: today };
  }
}

/** The days a choice covers: a preset's as of `now` in `timeZone`, or the custom ones. */
export function choiceDays(choice: AnalysisChoice, now: number, timeZone?: string): { from: string; to: string } {
  if (choice.period === CUSTOM && choice.from && choice.to) return { from: choice.from, to: choice.to };
  return presetDays(choice.period === CUSTOM ? DEFAULT_PERIOD : choice.period, dayIn(now, timeZone));
}

/**
 * The server's filter: from the company's midnight starting the first day to
 * the midnight after the last (so a day of 23 or 25 hours counts whole), with
 * the page's department, category and product; `grouping` for the series.
 */
export function analysisFilter(choice: AnalysisChoice, now: number, timeZone?: string, grouping?: AnalysisGrouping): AnalysisFilterInput {
  const days = choiceDays(choice, now, timeZone);
  return {
    from: new Date(dayStartIn(days.from, timeZone)).toISOString(),
    to: new Date(dayStartIn(days.to, timeZone, 1)).toISOString(),
    ...(grouping && { grouping }),
    ...(choice.departmentId && { departmentId: choice.departmentId }),
    ...(choice.categoryId && { categoryId: choice.categoryId }),
    ...(choice.product && { product: choice.product }),
  };
}

/** The complaint list's URL key (queue-query.ts) of each Pareto dimension. */
const LIST_KEY: Record<ParetoDimension, string> = {
  CAUSE: 'cause',
  CAUSE_GROUP: 'causeGroup',
  CATEGORY: 'category',
  PRODUCT: 'product',
  DEPARTMENT: 'department',
  REJECTION_REASON: 'reason',
};

/**
 * The complaint list behind a Pareto bar: received on the same days, with the
 * page's filters and the bar's key (a cause, group, category, product,
 * department or rejection reason, each a filter of the list).
 */
export function listLinkOfBar(choice: AnalysisChoice, by: ParetoDimension, key: string, now: number, timeZone?: string): RouteLocationRaw {
  const days = choiceDays(choice, now, timeZone);
  const query: LocationQueryRaw = { from: days.from, to: days.to };
  if (choice.departmentId) query.department = choice.departmentId;
  if (choice.categoryId) query.category = choice.categoryId;
  if (choice.product) query.product = choice.product;
  query[LIST_KEY[by]] = key;
  return { name: 'complaints', query };
}
