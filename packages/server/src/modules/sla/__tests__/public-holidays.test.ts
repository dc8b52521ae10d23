import { describe, expect, it } from 'vitest';
import { addWorkingTime, calendarProblems, workingTimeBetween, type BusinessCalendar } from '../business-time.js';
import { countryOfTimeZone, defaultCountry, isCountryCode, isDayOff, publicYear } from '../public-holidays.js';

const H = 3_600_000;
const msk = (local: string) => new Date(`${local}+03:00`);
const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));

/** Business hours in Moscow with Russia's public calendar of `years`, as a new Russian company's calendar gets it. */
function russianCalendar(...years: number[]): BusinessCalendar {
  const loaded = years.map((y) => publicYear('RU', y, 'ru'));
  return {
    timeZone: 'Europe/Moscow',
    periods: weekdays,
    holidays: loaded.flatMap((y) => y.holidays.map((h) => h.date)),
    workingDays: loaded.flatMap((y) => y.workingDays.map((w) => w.date)),
  };
}

describe('business time over the Russian New Year holidays', () => {
  const calendar = russianCalendar(2026, 2027);

  it('skips 1 to 8 January 2027 (and the weekend after): the next working hour after 30 December is on 11 January', () => {
    expect(addWorkingTime(calendar, msk('2026-12-30T17:00'), 2 * H)).toEqual(msk('2027-01-11T10:00'));
  });

  it('counts no working time from 31 December 2026 to 10 January 2027', () => {
    expect(workingTimeBetween(calendar, msk('2026-12-31T00:00'), msk('2027-01-11T00:00'))).toBe(0);
    expect(workingTimeBetween(calendar, msk('2027-01-01T00:00'), msk('2027-01-12T00:00'))).toBe(9 * H);
  });

  it('works a transferred Saturday (1 November 2025) and rests the Monday it paid for', () => {
    const c2025 = russianCalendar(2025);
    expect(addWorkingTime(c2025, msk('2025-10-31T17:00'), 2 * H)).toEqual(msk('2025-11-01T10:00'));
    // Monday 3 and Tuesday 4 November are days off.
    expect(addWorkingTime(c2025, msk('2025-11-01T17:00'), 2 * H)).toEqual(msk('2025-11-05T10:00'));
  });
});

describe('public holidays by country', () => {
  it("gives Russia 1 to 8 January, and the decrees' days off", () => {
    const dates = publicYear('RU', 2027, 'en').holidays.map((h) => h.date);
    for (let d = 1; d <= 8; d++) expect(dates).toContain(`2027-01-0${d}`);
    expect(publicYear('RU', 2025, 'ru').holidays.map((h) => h.date)).toEqual(
      expect.arrayContaining(['2025-05-02', '2025-05-08', '2025-06-13', '2025-11-03', '2025-12-31']),
    );
    expect(publicYear('RU', 2025, 'ru').workingDays).toEqual([{ date: '2025-11-01', name: 'Рабочий день (перенос)' }]);
  });

  it("gives the United Kingdom its bank holidays, with substitute days, and none of Russia's", () => {
    const dates = publicYear('GB', 2026, 'en').holidays.map((h) => h.date);
    expect(dates).toEqual(expect.arrayContaining(['2026-12-25', '2026-12-26', '2026-12-28']));
    expect(dates).not.toContain('2026-01-02');
    expect(dates).not.toContain('2026-03-15'); // Mother's Day: an observance, not a day off
  });

  it('knows countries, and the country of a time zone', () => {
    expect([isCountryCode('GB'), isCountryCode('RU'), isCountryCode('UK'), isCountryCode('XX'), isCountryCode('gb')]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(countryOfTimeZone('Europe/London')).toBe('GB');
    expect(countryOfTimeZone('Asia/Yekaterinburg')).toBe('RU');
    expect(defaultCountry('en')).toBe('GB');
    expect(defaultCountry('ru')).toBe('RU');
    expect(defaultCountry('en', 'America/New_York')).toBe('US');
  });

  it('refuses a date that is both a holiday and a working day, and dates that do not exist', () => {
    expect(
      calendarProblems({ timeZone: 'Europe/Moscow', periods: weekdays, holidays: ['2027-02-30'], workingDays: ['2027-01-09', 'soon'] }).map(
        (p) => p.message,
      ),
    ).toEqual(['a holiday must be YYYY-MM-DD, got "2027-02-30"', 'a working day must be YYYY-MM-DD, got "soon"']);
    expect(
      calendarProblems({ timeZone: 'Europe/Moscow', periods: weekdays, holidays: ['2027-01-09'], workingDays: ['2027-01-09'] }).map(
        (p) => p.message,
      ),
    ).toEqual(['2027-01-09 cannot be both a holiday and a working day']);
  });
});

describe('isDayOff: the days off of a country, as legal deadlines read them', () => {
  it.each([
    ['RU', '2026-12-05', true, 'a Saturday'],
    ['RU', '2026-12-07', false, 'a Monday'],
    ['RU', '2027-01-04', true, 'a weekday of the New Year holidays'],
    ['RU', '2026-03-09', true, 'a Monday made a day off for the Sunday holiday before it'],
    ['RU', '2025-11-01', false, 'a Saturday made a working day'],
    ['RU', '2026-12-31', true, 'a Thursday made a day off'],
    ['GB', '2026-12-25', true, 'Christmas Day in the United Kingdom'],
    ['GB', '2026-03-09', false, 'a Monday off in Russia only'],
  ])('%s %s: %s (%s)', (country, date, off) => {
    expect(isDayOff(country, date)).toBe(off);
  });
});
