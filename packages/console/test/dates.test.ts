import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { nextTick, type Component } from 'vue';
import { NDatePicker } from 'naive-ui';
import ComplaintDetails from '../src/pages/complaint/ComplaintDetails.vue';
import ComplaintTimeline from '../src/pages/complaint/ComplaintTimeline.vue';
import SlaCountdown from '../src/components/SlaCountdown.vue';
import StageForm from '../src/pages/complaint/stage-forms/StageForm.vue';
import { SessionKey } from '../src/apollo.js';
import { createConsoleI18n } from '../src/i18n/index.js';
import { dateLocale, datePattern, formatDateTime } from '../src/components/format.js';
import { complaint, reference } from './fixtures.js';

const LONDON = { id: 't', slug: 'northwind', name: 'Northwind', locale: 'en', timeZone: 'Europe/London', numberPrefix: 'NORTHWIND' };
const MOSCOW = { id: 't', slug: 'acme', name: 'Acme', locale: 'ru', timeZone: 'Europe/Moscow', numberPrefix: 'ACME' };
const NEW_YORK = { ...LONDON, timeZone: 'America/New_York' };
/** 20:59 in London and UTC, 23:59 in Moscow, 15:59 in New York (a company may be anywhere). */
const AT = '2026-12-01T20:59:00Z';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

function mountAs(component: Component, props: Record<string, unknown>, locale: 'ru' | 'en', tenant: typeof LONDON) {
  wrapper = mount(component as never, {
    props: props as never,
    global: { plugins: [createConsoleI18n(locale)], provide: { [SessionKey as symbol]: { state: { tenant, user: null } } } },
    attachTo: document.body,
  });
  return wrapper;
}

describe("dates in the company's time zone and locale", () => {
  it('English is written as in Britain, Russian as in Russia, whatever the browser', () => {
    expect(dateLocale('en')).toBe('en-GB');
    expect(dateLocale('ru')).toBe('ru-RU');
    expect(formatDateTime(AT, dateLocale('en'), 'Europe/London')).toBe('1 Dec 2026, 20:59');
    expect(formatDateTime(AT, dateLocale('ru'), 'Europe/Moscow')).toBe('1 дек. 2026 г., 23:59');
  });

  it('a London company\'s complaint page shows "1 Dec 2026, 20:59", not US dates', () => {
    const w = mountAs(ComplaintDetails, { complaint: complaint({ receivedAt: AT, purchaseDate: '2026-11-05' }) }, 'en', LONDON);
    expect(w.text()).toContain('1 Dec 2026, 20:59');
    expect(w.text()).toContain('5 Nov 2026');
    expect(w.text()).not.toContain('Dec 1, 2026');
    expect(w.text()).not.toMatch(/PM|AM/);
  });

  it("the timeline is in the company's time zone, whatever the browser's", () => {
    const timeline = [
      { id: 'e1', type: 'RECEIVED', at: AT, actorKind: 'SYSTEM', actor: null, fromStage: null, toStage: 'RECEIVED', data: {} },
    ];
    expect(mountAs(ComplaintTimeline, { timeline, reference }, 'ru', MOSCOW).text()).toContain('1 дек. 2026 г., 23:59');
    wrapper!.unmount();
    expect(mountAs(ComplaintTimeline, { timeline, reference }, 'en', NEW_YORK).text()).toContain('1 Dec 2026, 15:59');
  });

  it("the countdown's spoken deadline too", () => {
    const w = mountAs(SlaCountdown, { dueAt: AT, state: 'ON_TRACK' }, 'en', LONDON);
    expect(w.get('.sla-countdown').attributes('aria-label')).toContain('(1 Dec 2026, 20:59)');
  });
});

describe("date pickers in the user's locale", () => {
  it('numeric patterns per locale', () => {
    expect(datePattern('ru-RU')).toBe('dd.MM.yyyy');
    expect(datePattern('en-GB')).toBe('dd/MM/yyyy');
    expect(datePattern('en-US')).toBe('MM/dd/yyyy');
  });

  for (const [locale, tenant, shown] of [
    ['ru', MOSCOW, '20.12.2026'],
    ['en', LONDON, '20/12/2026'],
  ] as const) {
    it(`a corrective action's due date reads ${shown} (${locale}, ${tenant.timeZone}), not 2026-12-20`, async () => {
      const w = mountAs(
        StageForm,
        { target: 'IMPLEMENTATION', complaint: complaint({ stage: 'DECISION' }), reference, userId: 'u-head' },
        locale,
        tenant,
      );
      await w.get('[data-test=add-action]').trigger('click');
      w.findComponent(NDatePicker).vm.$emit('update:value', new Date(2026, 11, 20).getTime());
      await nextTick();
      await nextTick();
      expect((w.get('.n-date-picker input').element as HTMLInputElement).value).toBe(shown);
    });
  }
});
