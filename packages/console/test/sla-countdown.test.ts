import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import SlaCountdown from '../src/components/SlaCountdown.vue';
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
    expect(risk.get('.sla-countdown').text()).toBe('3 h 05 min');
    const ru = mountWithI18n(SlaCountdown, { dueAt: inSeconds(27 * 3600), state: 'ON_TRACK' }, 'ru');
    expect(ru.get('.sla-countdown').text()).toBe('1 д 3 ч');
    ru.unmount();
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
