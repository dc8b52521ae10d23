import type { CalendarFieldsFragment } from '@reclaim/client/staff';

/**
 * A calendar on one line: "24/7", or each working period with the weekday's
 * short name ("Пн 09:00–18:00, Чт 09:00–18:00"). `shortNames` is indexed
 * by ISO weekday (1 Monday … 7 Sunday): the abbreviations people write, not
 * the first letters of the full names ("Чт", not "Че").
 */
export function calendarSummary(c: Pick<CalendarFieldsFragment, 'alwaysOpen' | 'periods'>, shortNames: readonly string[]): string {
  if (c.alwaysOpen) return '24/7';
  return c.periods.map((p) => `${shortNames[p.weekday] ?? String(p.weekday)} ${p.start}–${p.end}`).join(', ');
}
