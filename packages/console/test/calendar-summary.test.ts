import { describe, expect, it } from 'vitest';
import { calendarSummary } from '../src/pages/admin/sla/calendar-summary.js';
import { en } from '../src/i18n/en.js';
import { ru } from '../src/i18n/ru.js';

const periods = [1, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));

describe('a business calendar on one line', () => {
  it('abbreviates weekdays as people write them: Пн, Чт, Пт (not По, Че, Пя)', () => {
    expect(calendarSummary({ alwaysOpen: false, periods }, ru.slaAdmin.weekdaysShort)).toBe('Пн 09:00–18:00, Чт 09:00–18:00, Пт 09:00–18:00');
    expect(calendarSummary({ alwaysOpen: false, periods }, en.slaAdmin.weekdaysShort)).toBe('Mon 09:00–18:00, Thu 09:00–18:00, Fri 09:00–18:00');
  });

  it('says 24/7 for a calendar that is always open', () => {
    expect(calendarSummary({ alwaysOpen: true, periods: [] }, ru.slaAdmin.weekdaysShort)).toBe('24/7');
  });
});
