import { describe, expect, it } from 'vitest';
import { dayIn, dayStartIn, fromDateValue, toDateValue } from '../src/components/format.js';
import { filterFromQuery, queryFromView } from '../src/pages/queue/queue-query.js';

/**
 * The list's "received" days are the company's days, not the browser's: a
 * range picked in a browser elsewhere (or on a machine in UTC, as this test
 * runs) starts at midnight in the company's time zone, and a day on which
 * the clocks change lasts 23 or 25 hours, not 24.
 */
describe("received days in the company's time zone", () => {
  it("start at the company's midnight, whatever the browser's zone", () => {
    expect(new Date(dayStartIn('2026-12-20', 'Asia/Vladivostok')).toISOString()).toBe('2026-12-19T14:00:00.000Z');
    expect(new Date(dayStartIn('2026-12-20', 'America/New_York')).toISOString()).toBe('2026-12-20T05:00:00.000Z');
    expect(new Date(dayStartIn('2026-12-20', 'Europe/Moscow', 1)).toISOString()).toBe('2026-12-20T21:00:00.000Z');
  });

  it('count a day on which the clocks change as one day (23 or 25 hours)', () => {
    const spring = filterFromQuery({ from: '2026-03-29', to: '2026-03-29' }, 'Europe/London');
    expect(spring).toMatchObject({ receivedFrom: '2026-03-29T00:00:00.000Z', receivedTo: '2026-03-29T23:00:00.000Z' });
    const autumn = filterFromQuery({ from: '2026-10-25', to: '2026-10-25' }, 'Europe/London');
    expect(autumn).toMatchObject({ receivedFrom: '2026-10-24T23:00:00.000Z', receivedTo: '2026-10-26T00:00:00.000Z' });
  });

  it("read an older link's epoch milliseconds as the day the browser picked", () => {
    const picked = new Date(2026, 11, 20).getTime();
    expect(filterFromQuery({ from: String(picked), to: String(picked) }, 'Asia/Vladivostok')).toMatchObject({
      receivedFrom: '2026-12-19T14:00:00.000Z',
      receivedTo: '2026-12-20T14:00:00.000Z',
    });
    expect(filterFromQuery({ from: 'yesterday', to: '2026-12-20' }, 'Asia/Vladivostok')).not.toHaveProperty('receivedFrom');
  });

  it('come back from a saved view as the same days', () => {
    const view = {
      id: 'v',
      orderBy: { field: 'DUE_AT' as const, direction: 'ASC' as const },
      filter: { receivedFrom: '2026-12-19T14:00:00.000Z', receivedTo: '2026-12-21T14:00:00.000Z' },
    };
    expect(queryFromView(view, 'Asia/Vladivostok')).toMatchObject({ from: '2026-12-20', to: '2026-12-21' });
    expect(dayIn(Date.parse('2026-12-19T14:00:00.000Z'), 'Asia/Vladivostok')).toBe('2026-12-20');
  });

  it('show in the date picker as the same calendar days', () => {
    expect(toDateValue(fromDateValue('2026-03-29'))).toBe('2026-03-29');
    expect(fromDateValue('29.03.2026')).toBeNull();
  });
});
