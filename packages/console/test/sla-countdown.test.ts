import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import SlaCountdown from '../src/components/SlaCountdown.vue';
import { formatDuration } from '../src/components/format.js';
import { mountWithI18n } from './fixtures.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const inSeconds = (s: number) => new Date(NOW + s * 1000).toISOString();

describe('SlaCountdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('counts down every second and turns red the moment the deadline passes', async () => {
    const w = mountWithI18n(SlaCountdown, { dueAt: inSeconds(90), state: 'ON_TRACK' });
    const el = () => w.get('.sla-countdown');
    expect(el().text()).toBe('01:30');
    expect(el().attributes('data-sla')).toBe('on-track');
    vi.advanceTimersByTime(30_000);
    await nextTick();
    expect(el().text()).toBe('01:00');
    vi.advanceTimersByTime(61_000);
    await nextTick();
    expect(el().text()).toBe('−00:01');
    expect(el().attributes('data-sla')).toBe('breached');
    expect(el().attributes('aria-label')).toContain('overdue 00:01');
    w.unmount();
  });

  it('is amber when the server says at risk, red when it says breached', () => {
    const risk = mountWithI18n(SlaCountdown, { dueAt: inSeconds(3 * 3600 + 5 * 60), state: 'AT_RISK' });
    expect(risk.get('.sla-countdown').attributes('data-sla')).toBe('at-risk');
    expect(risk.get('.sla-countdown').text()).toBe('3h 05m');
    const breached = mountWithI18n(SlaCountdown, { dueAt: inSeconds(600), state: 'BREACHED' });
    expect(breached.get('.sla-countdown').attributes('data-sla')).toBe('breached');
    risk.unmount();
    breached.unmount();
  });

  it('shows paused and missing deadlines without a count', () => {
    const paused = mountWithI18n(SlaCountdown, { dueAt: inSeconds(600), state: 'PAUSED' }, 'ru');
    expect(paused.get('.sla-countdown').text()).toBe('пауза');
    expect(paused.get('.sla-countdown').attributes('data-sla')).toBe('paused');
    const none = mountWithI18n(SlaCountdown, { dueAt: null, state: 'NONE' });
    expect(none.get('.sla-countdown').text()).toBe('no deadline');
    paused.unmount();
    none.unmount();
  });

  it('uses one timer for any number of countdowns, and none when they are gone', async () => {
    const before = vi.getTimerCount();
    const many = Array.from({ length: 20 }, (_, i) => mountWithI18n(SlaCountdown, { dueAt: inSeconds(100 + i), state: 'ON_TRACK' }));
    expect(vi.getTimerCount() - before).toBe(1);
    for (const w of many) w.unmount();
    expect(vi.getTimerCount()).toBe(before);
  });
});

describe('formatDuration', () => {
  it('reads as days and hours, hours and minutes, or minutes and seconds', () => {
    expect(formatDuration((2 * 86_400 + 4 * 3600 + 59) * 1000, 'en')).toBe('2d 4h');
    expect(formatDuration((2 * 86_400 + 4 * 3600) * 1000, 'ru')).toBe('2д 4ч');
    expect(formatDuration((3600 + 65) * 1000, 'en')).toBe('1h 01m');
    expect(formatDuration(-65_000, 'en')).toBe('01:05');
  });
});

describe('working-time targets and hours in the user\'s language', () => {
  it('uses Russian units in Russian and English ones in English ("0 h / 2 h" was English in both)', async () => {
    const { formatHours, formatSpan } = await import('../src/components/format.js');
    expect([formatHours(0, 'ru'), formatHours(7200, 'ru'), formatHours(9000, 'ru')]).toEqual(['0 ч', '2 ч', '2,5 ч']);
    expect([formatHours(0, 'en'), formatHours(9000, 'en'), formatHours(null, 'en')]).toEqual(['0 hr', '2.5 hr', '—']);
    expect([formatSpan(30, 'ru'), formatSpan(2700, 'ru'), formatSpan(5400, 'ru')]).toEqual(['30 с', '45 мин', '1,5 ч']);
    expect([formatSpan(30, 'en'), formatSpan(2700, 'en'), formatSpan(5400, 'en')]).toEqual(['30 sec', '45 min', '1.5 hr']);
  });
});
