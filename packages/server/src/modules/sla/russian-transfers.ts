/**
 * The Russian Government's transfers of days off, which date-holidays does not
 * carry (its Russian data has the holidays of art. 112 of the Labour Code and
 * the transfers of 2022 only). Each year: the weekdays made days off, and the
 * Saturdays or Sundays made working days. These are added to the public
 * holidays that date-holidays gives; a new decree is added here as a new year.
 *
 * - 2025: decree No. 1335 of 4 October 2024. 4 January → Friday 2 May,
 *   5 January → Wednesday 31 December, Sunday 23 February → Thursday 8 May,
 *   Saturday 8 March → Friday 13 June, Saturday 1 November → Monday 3 November
 *   (1 November is a working Saturday).
 * - 2026: decree of 24 September 2025. 3 January → Friday 9 January,
 *   4 January → Thursday 31 December; by art. 112 itself, Sunday 8 March →
 *   Monday 9 March and Saturday 9 May → Monday 11 May.
 * - 2027: the days that art. 112 itself moves (a day off that falls on a
 *   holiday moves to the next working day): Saturday 1 May → Monday 3 May,
 *   Sunday 9 May → Monday 10 May, Saturday 12 June → Monday 14 June. Where
 *   the Government's decree moves 2 and 3 January 2027 (and any working
 *   Saturday it sets) is to be added here once checked against the decree.
 */
export const RUSSIAN_TRANSFERS: Readonly<Record<number, { daysOff: readonly string[]; workingDays: readonly string[] }>> = {
  2025: {
    daysOff: ['2025-05-02', '2025-05-08', '2025-06-13', '2025-11-03', '2025-12-31'],
    workingDays: ['2025-11-01'],
  },
  2026: {
    daysOff: ['2026-01-09', '2026-03-09', '2026-05-11', '2026-12-31'],
    workingDays: [],
  },
  2027: {
    daysOff: ['2027-05-03', '2027-05-10', '2027-06-14'],
    workingDays: [],
  },
};
