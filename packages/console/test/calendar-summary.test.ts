import { describe, expect, it } from 'vitest';
import { calendarSummary } from '../src/pages/admin/sla/calendar-summary.js';
import { en } from '../src/i18n/en.js';
import { ru } from '../src/i18n/ru.js';

const periods = [1, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));

describe('a business calendar on one line', () => {
  it('abbreviates weekdays as people write them: Пн, Чт, Пт (not По, Че, Пя)', () => {
    expect(calendarSummary({ alwaysOpen: false, periods }, ru.slaAdmin.weekdaysShort)).toBe(
      'Пн 09:00–18:00, Чт 09:00–18:00, Пт 09:00–18:00',
    );
    expect(calendarSummary({ alwaysOpen: false, periods }, en.slaAdmin.weekdaysShort)).toBe(
      'Mon 09:00–18:00, Thu 09:00–18:00, Fri 09:00–18:00',
    );
  });

  it('says 24/7 for a calendar that is always open', () => {
    expect(calendarSummary({ alwaysOpen: true, periods: [] }, ru.slaAdmin.weekdaysShort)).toBe('24/7');
  });
});

describe('the calendars list and editor in Russian', () => {
  it('names weekdays from the one table, in the list and in the editor', async () => {
    const { mount } = await import('@vue/test-utils');
    const { defineComponent, h, nextTick } = await import('vue');
    const { NDialogProvider, NMessageProvider } = await import('naive-ui');
    const { default: CalendarsSection } = await import('../src/pages/admin/sla/CalendarsSection.vue');
    const { ClientKey, SessionKey } = await import('../src/apollo.js');
    const { createConsoleI18n } = await import('../src/i18n/index.js');
    const calendar = {
      id: 'c',
      name: 'Офис',
      timeZone: 'Europe/Moscow',
      alwaysOpen: false,
      holidays: [],
      workingDays: [],
      createdAt: '2026-01-01T00:00:00Z',
      periods: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
    };
    const Host = defineComponent(
      () => () =>
        h(NMessageProvider, null, {
          default: () => h(NDialogProvider, null, { default: () => h(CalendarsSection, { calendars: [calendar] }) }),
        }),
    );
    const w = mount(Host, {
      attachTo: document.body,
      global: {
        plugins: [createConsoleI18n('ru')],
        provide: {
          [ClientKey as symbol]: { apollo: {} },
          [SessionKey as symbol]: { state: { tenant: { timeZone: 'Europe/Moscow', country: 'RU' } } },
        },
      },
    });
    await nextTick();
    expect(w.get('[data-calendar="Офис"] .summary').text()).toBe(
      ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс'].map((d) => `${d} 09:00–18:00`).join(', '),
    );
    await w
      .findAll('button')
      .find((b) => b.text() === 'Изменить')!
      .trigger('click');
    await nextTick();
    for (const day of ru.slaAdmin.weekdays.slice(1)) expect(document.body.textContent).toContain(day);
    w.unmount();
    document.body.innerHTML = '';
  });
});
