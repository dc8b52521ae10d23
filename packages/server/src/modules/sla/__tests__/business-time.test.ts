import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  calendarProblems,
  workingTimeBetween,
  zonedInstant,
  type BusinessCalendar,
  type WorkingPeriod,
} from '../business-time.js';

const H = 3_600_000;
const M = 60_000;
const weekdays = (start: string, end: string, days = [1, 2, 3, 4, 5]): WorkingPeriod[] => days.map((weekday) => ({ weekday, start, end }));

const moscow: BusinessCalendar = { timeZone: 'Europe/Moscow', periods: weekdays('09:00', '18:00') };
const split: BusinessCalendar = { timeZone: 'Europe/Moscow', periods: [...weekdays('09:00', '13:00'), ...weekdays('14:00', '18:00')] };
const withHoliday: BusinessCalendar = { ...moscow, holidays: ['2026-11-23'] }; // a Monday
const nights: BusinessCalendar = { timeZone: 'Europe/Moscow', periods: weekdays('22:00', '06:00', [1, 2, 3, 4, 5, 6, 7]) };
const berlinSunday: BusinessCalendar = { timeZone: 'Europe/Berlin', periods: [{ weekday: 7, start: '01:00', end: '04:00' }] };
const berlinAlways: BusinessCalendar = { timeZone: 'Europe/Berlin', alwaysOpen: true, periods: [] };
const newYork: BusinessCalendar = { timeZone: 'America/New_York', periods: weekdays('09:00', '17:00', [1, 2, 3, 4, 5, 6, 7]) };
const roundTheClockWeekdays: BusinessCalendar = { timeZone: 'Europe/Moscow', periods: weekdays('00:00', '24:00') };

/** An instant given as local time in Moscow (UTC+3 all year). */
const msk = (local: string) => new Date(`${local}+03:00`);

describe('addWorkingTime', () => {
  const cases: Array<[string, BusinessCalendar, Date, number, Date]> = [
    ['within one day', moscow, msk('2026-11-24T10:00'), 2 * H, msk('2026-11-24T12:00')],
    ['to the end of the day exactly', moscow, msk('2026-11-24T16:00'), 2 * H, msk('2026-11-24T18:00')],
    ['over a weekend', moscow, msk('2026-11-20T17:00'), 2 * H, msk('2026-11-23T10:00')],
    ['from a Saturday', moscow, msk('2026-11-21T12:00'), 1 * H, msk('2026-11-23T10:00')],
    ['from before opening', moscow, msk('2026-11-24T07:00'), 30 * M, msk('2026-11-24T09:30')],
    ['over a lunch break', split, msk('2026-11-24T12:30'), 1 * H, msk('2026-11-24T14:30')],
    ['from within the break', split, msk('2026-11-24T13:20'), 10 * M, msk('2026-11-24T14:10')],
    ['over a holiday Monday', withHoliday, msk('2026-11-20T17:00'), 2 * H, msk('2026-11-24T10:00')],
    ['a week of working time ends at closing, not at the next opening', moscow, msk('2026-11-24T09:00'), 45 * H, msk('2026-11-30T18:00')],
    ['a night shift across midnight', nights, msk('2026-11-24T23:00'), 8 * H, msk('2026-11-25T23:00')],
    ['from inside a night shift after midnight', nights, msk('2026-11-25T05:00'), 2 * H, msk('2026-11-25T23:00')],
    ['zero duration', moscow, msk('2026-11-21T12:00'), 0, msk('2026-11-21T12:00')],
    ['24-hour weekdays join at midnight', roundTheClockWeekdays, msk('2026-11-24T23:00'), 2 * H, msk('2026-11-25T01:00')],
    ['24-hour weekdays skip the weekend', roundTheClockWeekdays, msk('2026-11-20T23:00'), 2 * H, msk('2026-11-23T01:00')],
    // Spring forward in Berlin: 2026-03-29 02:00 → 03:00; 01:00–04:00 local is two real hours.
    [
      'a period shortened by the clocks going forward',
      berlinSunday,
      new Date('2026-03-29T00:00:00+01:00'),
      2 * H,
      new Date('2026-03-29T04:00:00+02:00'),
    ],
    // Fall back: 2026-10-25 03:00 → 02:00; 01:00–04:00 local is four real hours.
    [
      'a period lengthened by the clocks going back',
      berlinSunday,
      new Date('2026-10-25T00:00:00+02:00'),
      4 * H,
      new Date('2026-10-25T04:00:00+01:00'),
    ],
    [
      '24/7 counts real hours across the change',
      berlinAlways,
      new Date('2026-03-28T12:00:00+01:00'),
      24 * H,
      new Date('2026-03-29T13:00:00+02:00'),
    ],
    // New York: 09:00–17:00 local every day, the day after clocks go forward (2026-03-08) still starts at 09:00 local.
    [
      'wall-clock hours after a change in New York',
      newYork,
      new Date('2026-03-07T16:00:00-05:00'),
      2 * H,
      new Date('2026-03-08T10:00:00-04:00'),
    ],
  ];
  it.each(cases)('%s', (_name, calendar, start, ms, expected) => {
    expect(addWorkingTime(calendar, start, ms).toISOString()).toBe(expected.toISOString());
  });

  it('skips pauses (waiting for the customer), in working time only', () => {
    const pauses = [{ start: msk('2026-11-24T11:00').getTime(), end: msk('2026-11-24T12:00').getTime() }];
    expect(addWorkingTime(moscow, msk('2026-11-24T10:00'), 4 * H, pauses).toISOString()).toBe(msk('2026-11-24T15:00').toISOString());
    // A pause over the weekend changes nothing: that time did not count anyway.
    const weekend = [{ start: msk('2026-11-21T00:00').getTime(), end: msk('2026-11-23T00:00').getTime() }];
    expect(addWorkingTime(moscow, msk('2026-11-20T17:00'), 2 * H, weekend).toISOString()).toBe(msk('2026-11-23T10:00').toISOString());
    // Overlapping and unsorted pauses.
    const messy = [
      { start: msk('2026-11-24T11:30').getTime(), end: msk('2026-11-24T12:30').getTime() },
      { start: msk('2026-11-24T11:00').getTime(), end: msk('2026-11-24T12:00').getTime() },
    ];
    expect(addWorkingTime(moscow, msk('2026-11-24T10:00'), 2 * H, messy).toISOString()).toBe(msk('2026-11-24T13:30').toISOString());
  });

  it('refuses a negative duration and a calendar without working time', () => {
    expect(() => addWorkingTime(moscow, new Date(), -1)).toThrow(RangeError);
    expect(() => addWorkingTime({ timeZone: 'Europe/Moscow', periods: [] }, new Date(), H)).toThrow(RangeError);
  });
});

describe('workingTimeBetween', () => {
  const cases: Array<[string, BusinessCalendar, Date, Date, number]> = [
    ['within a day', moscow, msk('2026-11-24T10:00'), msk('2026-11-24T12:30'), 2.5 * H],
    ['over a weekend', moscow, msk('2026-11-20T17:00'), msk('2026-11-23T10:00'), 2 * H],
    ['a whole week', moscow, msk('2026-11-23T00:00'), msk('2026-11-30T00:00'), 45 * H],
    ['over a lunch break', split, msk('2026-11-24T12:00'), msk('2026-11-24T15:00'), 2 * H],
    ['over a holiday', withHoliday, msk('2026-11-23T00:00'), msk('2026-11-24T00:00'), 0],
    ['a night across midnight', nights, msk('2026-11-24T20:00'), msk('2026-11-25T08:00'), 8 * H],
    ['the short night in Berlin', berlinSunday, new Date('2026-03-29T00:00:00+01:00'), new Date('2026-03-30T00:00:00+02:00'), 2 * H],
    ['the long night in Berlin', berlinSunday, new Date('2026-10-25T00:00:00+02:00'), new Date('2026-10-26T00:00:00+01:00'), 4 * H],
    ['24/7 over the change', berlinAlways, new Date('2026-03-29T00:00:00+01:00'), new Date('2026-03-30T00:00:00+02:00'), 23 * H],
    ['backwards is negative', moscow, msk('2026-11-24T12:00'), msk('2026-11-24T10:00'), -2 * H],
  ];
  it.each(cases)('%s', (_name, calendar, a, b, expected) => {
    expect(workingTimeBetween(calendar, a, b)).toBe(expected);
  });

  it('is the inverse of addWorkingTime', () => {
    for (const calendar of [moscow, split, withHoliday, nights, newYork, berlinSunday]) {
      for (const hours of [0.5, 3, 17, 40]) {
        const start = new Date('2026-03-05T08:17:00Z');
        const end = addWorkingTime(calendar, start, hours * H);
        expect(workingTimeBetween(calendar, start, end)).toBe(hours * H);
      }
    }
  });

  it('leaves paused working time out', () => {
    const pauses = [{ start: msk('2026-11-24T11:00').getTime(), end: msk('2026-11-24T19:00').getTime() }];
    expect(workingTimeBetween(moscow, msk('2026-11-24T09:00'), msk('2026-11-25T10:00'), pauses)).toBe(3 * H);
  });
});

describe('local times', () => {
  it('takes a time in the spring gap as the moment after it, and a repeated autumn time as the first', () => {
    expect(new Date(zonedInstant('Europe/Berlin', 2026, 3, 29, 150)).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 02:30 → 03:30 CEST
    expect(new Date(zonedInstant('Europe/Berlin', 2026, 10, 25, 150)).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST, the first
    expect(new Date(zonedInstant('Europe/Moscow', 2026, 6, 1, 9 * 60)).toISOString()).toBe('2026-06-01T06:00:00.000Z');
  });

  it('reports what is wrong with a calendar', () => {
    expect(calendarProblems(moscow)).toEqual([]);
    const problems = calendarProblems({
      timeZone: 'Mars/Olympus',
      periods: [{ weekday: 8, start: '9:00', end: '25:00' }],
      holidays: ['2026-13-01'],
    });
    // Each on the field it is about, for the form to show it there.
    expect(problems.map((p) => p.field)).toEqual(['timeZone', 'periods', 'periods', 'periods', 'holidays']);
    expect(calendarProblems({ ...moscow, holidays: ['2026-02-31'] }).map((p) => p.message)).toEqual([
      'a holiday must be YYYY-MM-DD, got "2026-02-31"',
    ]);
    expect(calendarProblems({ ...moscow, holidays: ['2028-02-29'] })).toEqual([]);
  });
});
