import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import RatingStep from '../src/pages/track/RatingStep.vue';
import { mountWith } from './helpers.js';

let wrapper: VueWrapper;
afterEach(() => wrapper?.unmount());
const render = (props: Record<string, unknown>) => ({ wrapper } = mountWith(RatingStep, { props }));

describe('the rating step', () => {
  it('is not offered while the complaint cannot be rated', () => {
    render({ canRate: false, satisfaction: null });
    expect(wrapper.find('[data-test=rating]').exists()).toBe(false);
    expect(wrapper.find('input[name=score]').exists()).toBe(false);
    expect(wrapper.find('[data-test=rated]').exists()).toBe(false);
  });

  it('thanks the customer for a rating already given instead of asking again', () => {
    render({ canRate: false, satisfaction: 4 });
    expect(wrapper.find('[data-test=rating]').exists()).toBe(false);
    expect(wrapper.find('[data-test=rated]').text()).toBe('Thank you! You rated the result 4 of 5.');
  });

  it('lets a rating be changed while the complaint waits for feedback, starting from the one given', async () => {
    render({ canRate: true, satisfaction: 3, satisfactionComment: 'Slow' });
    expect(wrapper.find('[data-test=rating]').exists()).toBe(false);
    expect(wrapper.find('[data-test=rated]').text()).toContain('3 of 5');
    await wrapper.find('[data-test=rating-change]').trigger('click');
    expect(wrapper.find<HTMLInputElement>('input[name=score][value="3"]').element.checked).toBe(true);
    expect(wrapper.find<HTMLTextAreaElement>('#rating-comment').element.value).toBe('Slow');
    await wrapper.find('input[name=score][value="5"]').setValue(true);
    await wrapper.find('form').trigger('submit');
    expect(wrapper.emitted('rate')).toEqual([[{ score: 5, comment: 'Slow' }]]);
    await wrapper.setProps({ satisfaction: 5 });
    expect(wrapper.find('[data-test=rating]').exists()).toBe(false);
    expect(wrapper.find('[data-test=rated]').text()).toContain('5 of 5');
  });

  it('offers exactly the scores 1 to 5, each with words', () => {
    render({ canRate: true, satisfaction: null });
    const radios = wrapper.findAll<HTMLInputElement>('input[name=score]');
    expect(radios.map((r) => r.element.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(wrapper.find('[data-score="1"]').text()).toContain('Very dissatisfied');
    expect(wrapper.find('[data-score="5"]').text()).toContain('Very satisfied');
  });

  it('requires a score: the error is tied to the choice and focus moves to it', async () => {
    render({ canRate: true, satisfaction: null });
    await wrapper.find('#rating-comment').setValue('Fine');
    await wrapper.find('form').trigger('submit');
    expect(wrapper.emitted('rate')).toBeUndefined();
    const fieldset = wrapper.find('fieldset.scores');
    expect(fieldset.attributes('aria-invalid')).toBe('true');
    expect(document.getElementById(fieldset.attributes('aria-describedby')!)!.textContent).toBe('Choose a rating from 1 to 5.');
    expect(document.activeElement).toBe(wrapper.find('input[name=score]').element);
  });

  it('sends the chosen score and the comment', async () => {
    render({ canRate: true, satisfaction: null });
    await wrapper.find('input[name=score][value="4"]').setValue(true);
    await wrapper.find('#rating-comment').setValue('  Quick refund, thank you.  ');
    await wrapper.find('form').trigger('submit');
    expect(wrapper.emitted('rate')).toEqual([[{ score: 4, comment: 'Quick refund, thank you.' }]]);
    expect(wrapper.find('[data-test=rating-error]').exists()).toBe(false);
  });

  it('sends no comment when none was written', async () => {
    render({ canRate: true, satisfaction: null });
    await wrapper.find('input[name=score][value="2"]').setValue(true);
    await wrapper.find('form').trigger('submit');
    expect(wrapper.emitted('rate')).toEqual([[{ score: 2, comment: null }]]);
  });

  it('says why a rating was not taken: the server’s reason when it gave one, else that it could not be sent', async () => {
    const failure = (code: string, reason?: string) => ({
      code,
      reason,
      message: 'a record is being changed by someone else; retry shortly',
      fields: [],
    });
    render({ canRate: true, satisfaction: null, failure: failure('RATE_LIMITED', 'LOCK_TIMEOUT') });
    expect(wrapper.find('[role=alert]').text()).toBe('Someone else is changing this right now; try again shortly.');
    await wrapper.setProps({ failure: failure('INTERNAL_SERVER_ERROR') });
    expect(wrapper.find('[role=alert]').text()).toBe('The rating could not be sent. Please try again.');
    await wrapper.setProps({ failure: null });
    expect(wrapper.find('[role=alert]').exists()).toBe(false);
  });
});
