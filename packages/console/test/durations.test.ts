import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { defineComponent, h, nextTick } from 'vue';
import { NDialogProvider, NMessageProvider } from 'naive-ui';
import type { CalendarFieldsFragment, ComplaintDetailFragment, PolicyFieldsFragment } from '@reclaim/client/staff';
import ComplaintSla from '../src/pages/complaint/ComplaintSla.vue';
import PoliciesSection from '../src/pages/admin/sla/PoliciesSection.vue';
import { ClientKey } from '../src/apollo.js';
import { createConsoleI18n } from '../src/i18n/index.js';
import { formatDuration } from '../src/components/format.js';
import { complaint, reference } from './fixtures.js';

const HOUR = 3600;
let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

function mountIn(locale: 'ru' | 'en', render: () => ReturnType<typeof h>) {
  const Host = defineComponent(() => () => h(NMessageProvider, null, { default: () => h(NDialogProvider, null, { default: render }) }));
  wrapper = mount(Host, { global: { plugins: [createConsoleI18n(locale)], provide: { [ClientKey as symbol]: { apollo: {} } } } });
  return wrapper;
}

const clock = (
  target: 'FIRST_RESPONSE' | 'RESOLUTION',
  usedSeconds: number,
  budgetSeconds: number,
): ComplaintDetailFragment['slaClocks'][number] => ({
  target,
  stage: null,
  state: 'ON_TRACK',
  dueAt: '2026-12-01T10:00:00Z',
  warnAt: null,
  startedAt: '2026-11-20T10:00:00Z',
  breachedAt: null,
  budgetSeconds,
  usedSeconds,
});

describe("the complaint's deadlines table", () => {
  const clocks = [clock('FIRST_RESPONSE', 0, 2 * HOUR), clock('RESOLUTION', 1.5 * HOUR, 27 * HOUR)];
  const used = (w: VueWrapper, target: string) => w.get(`tr[data-clock="${target}"] td:last-child`).text();

  it('writes used and budgeted time in Russian units, in minutes, hours and days ("0 h / 2 h" was English)', () => {
    const w = mountIn('ru', () => h(ComplaintSla, { complaint: complaint({ slaClocks: clocks }), canResume: false }));
    expect(used(w, 'FIRST_RESPONSE')).toBe('0 ч / 2 ч');
    expect(used(w, 'RESOLUTION')).toBe('1 ч 30 мин / 1 д 3 ч');
  });

  it('and in English units in English', () => {
    const w = mountIn('en', () => h(ComplaintSla, { complaint: complaint({ slaClocks: clocks }), canResume: false }));
    expect(used(w, 'FIRST_RESPONSE')).toBe('0 h / 2 h');
    expect(used(w, 'RESOLUTION')).toBe('1 h 30 min / 1 d 3 h');
  });
});

describe("an SLA policy's summary on the admin page", () => {
  const calendar: CalendarFieldsFragment = {
    id: 'cal-1',
    name: 'Офис',
    timeZone: 'Europe/Moscow',
    alwaysOpen: true,
    holidays: [],
    workingDays: [],
    periods: [],
    createdAt: '2026-01-01T00:00:00Z',
  };
  const policy: PolicyFieldsFragment = {
    id: 'pol-1',
    name: 'Стандарт',
    position: 1,
    isDefault: false,
    calendarId: 'cal-1',
    priorities: [],
    categoryIds: [],
    firstResponseSeconds: 2 * HOUR,
    resolutionSeconds: null,
    warnPercent: 80,
    escalation: { notifyHead: true, raisePriority: false, reassignToDepartmentId: null },
    stageTargets: [
      { stage: 'RECEIVED', seconds: HOUR },
      { stage: 'ANALYSIS', seconds: 1.5 * HOUR },
      { stage: 'DECISION', seconds: 50 * HOUR },
      { stage: 'FEEDBACK', seconds: 45 * 60 },
    ],
  };

  it('names each stage\'s target with the same units ("Получено 1 h" was English)', async () => {
    const w = mountIn('ru', () => h(PoliciesSection, { policies: [policy], calendars: [calendar], reference }));
    await nextTick();
    expect(w.get('[data-policy="Стандарт"]').text()).toContain('Получено 1 ч, Анализ 1 ч 30 мин, Решение 2 д 2 ч, Обратная связь 45 мин');
  });
});

describe('formatDuration, the one way the console writes a length of time', () => {
  it('takes the two largest units, dropping a zero one', () => {
    expect(formatDuration(2 * 86_400 + 4 * HOUR + 59, 'ru')).toBe('2 д 4 ч');
    expect(formatDuration(3 * 86_400 + 20 * 60, 'ru')).toBe('3 д');
    expect(formatDuration(HOUR + 65, 'en')).toBe('1 h 1 min');
    expect(formatDuration(45, 'ru')).toBe('45 с');
    expect([formatDuration(null, 'ru'), formatDuration(undefined, 'en')]).toEqual(['—', '—']);
  });

  it('reads the language from a language or a locale', () => {
    expect(formatDuration(HOUR, 'ru-RU')).toBe('1 ч');
    expect(formatDuration(HOUR, 'en-GB')).toBe('1 h');
  });

  it('as a ticking clock: minutes and seconds under an hour, and both units always over it', () => {
    expect(formatDuration(65, 'en', 'clock')).toBe('01:05');
    expect(formatDuration(-65, 'en', 'clock')).toBe('01:05');
    expect(formatDuration(3 * HOUR + 5 * 60, 'ru', 'clock')).toBe('3 ч 05 мин');
    expect(formatDuration(2 * 86_400 + 30, 'en', 'clock')).toBe('2 d 0 h');
  });
});
