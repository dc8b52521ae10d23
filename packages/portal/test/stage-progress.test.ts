import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import StageProgress from '../src/pages/track/StageProgress.vue';
import { mountWith } from './helpers.js';

let wrapper: VueWrapper;
afterEach(() => wrapper?.unmount());

function render(stage: string, locale: 'en' | 'ru' = 'en') {
  ({ wrapper } = mountWith(StageProgress, { props: { stage }, locale }));
  return wrapper.findAll('li.step').map((li) => ({
    stage: li.attributes('data-stage'),
    state: li.attributes('data-state'),
    current: li.attributes('aria-current') ?? null,
    text: li.find('.step-label').text(),
  }));
}

describe('the progress line', () => {
  it('marks the stages before the current one done and the ones after it to come', () => {
    const steps = render('ANALYSIS');
    expect(steps.map((s) => [s.stage, s.state])).toEqual([
      ['RECEIVED', 'done'],
      ['REGISTERED', 'done'],
      ['ANALYSIS', 'current'],
      ['DECISION', 'upcoming'],
      ['IMPLEMENTATION', 'upcoming'],
      ['FEEDBACK', 'upcoming'],
      ['CLOSED', 'upcoming'],
    ]);
    expect(steps.filter((s) => s.current === 'step').map((s) => s.stage)).toEqual(['ANALYSIS']);
    expect(wrapper.find('[data-test=current-stage]').text()).toBe('Under investigation');
    // Screen readers hear the state of each step, not only its colour.
    expect(wrapper.find('[data-stage=REGISTERED] .visually-hidden').text()).toBe('(done)');
    expect(wrapper.find('[data-stage=ANALYSIS] .visually-hidden').text()).toBe('(current stage)');
  });

  it('says in plain words what a stage means for the customer', () => {
    const steps = render('FEEDBACK');
    expect(steps.map((s) => s.text)).toEqual([
      'Received',
      'Registered, being checked',
      'Under investigation',
      'Decision being made',
      'Being carried out',
      'Waiting for your rating',
      'Closed',
    ]);
    expect(steps.find((s) => s.stage === 'FEEDBACK')!.state).toBe('current');
  });

  it('shows a closed complaint with every step done', () => {
    const steps = render('CLOSED');
    expect(steps.every((s) => s.state === 'done')).toBe(true);
    expect(steps.at(-1)).toMatchObject({ stage: 'CLOSED', current: 'step' });
  });

  it('ends a declined complaint in “Declined”, with the stages it did not reach struck out', () => {
    const steps = render('REJECTED');
    expect(steps.map((s) => s.stage)).toEqual(['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'REJECTED']);
    expect(steps.at(-1)).toEqual({ stage: 'REJECTED', state: 'rejected', current: 'step', text: 'Declined' });
    expect(steps.slice(1, -1).every((s) => s.state === 'skipped')).toBe(true);
    expect(steps.some((s) => s.stage === 'CLOSED')).toBe(false);
  });

  it('gives each stage a list item of its own, read as its name and then its state, a word apart', () => {
    render('FEEDBACK', 'ru');
    // What a screen reader reads of each item: its text without the decorative (aria-hidden) tick.
    const read = wrapper.findAll('.progress ol > li').map((li) => {
      const copy = li.element.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('[aria-hidden=true]').forEach((el) => el.remove());
      return copy.textContent;
    });
    expect(read).toEqual([
      'Получено (пройден)',
      'Зарегистрировано, проверяется (пройден)',
      'Проводится проверка (пройден)',
      'Принимается решение (пройден)',
      'Решение исполняется (пройден)',
      'Ждём вашей оценки (текущий этап)',
      'Закрыто (впереди)',
    ]);
  });

  it('speaks Russian on a Russian page', () => {
    const steps = render('DECISION', 'ru');
    expect(steps.find((s) => s.stage === 'DECISION')!.text).toBe('Принимается решение');
    expect(wrapper.find('[data-test=current-stage]').text()).toBe('Принимается решение');
  });
});
