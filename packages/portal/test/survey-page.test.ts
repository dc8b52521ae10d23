import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import SurveyPage from '../src/pages/survey/SurveyPage.vue';
import TrackPage from '../src/pages/track/TrackPage.vue';
import type { PortalApi, PortalSurvey } from '../src/api.js';
import { parseRoute } from '../src/router.js';
import { complaint, fakeApi, mountWith, portalTenant } from './helpers.js';

let wrapper: VueWrapper;
afterEach(() => wrapper?.unmount());
const tenant = portalTenant();

function survey(overrides: Partial<PortalSurvey> = {}): PortalSurvey {
  return {
    locale: 'en',
    title: 'How did we do?',
    complaintNumber: 'NORTHWIND-2026-000123',
    complaintSubject: 'Kettle leaks',
    expiresAt: '2026-12-16T10:00:00Z',
    answered: false,
    tenant,
    questions: [
      {
        id: 'q1',
        type: 'CSAT',
        parameter: 'OVERALL',
        text: 'How satisfied are you?',
        required: true,
        multiple: false,
        min: 1,
        max: 5,
        options: [],
      },
      {
        id: 'q2',
        type: 'NPS',
        parameter: 'OVERALL',
        text: 'Would you recommend us?',
        required: true,
        multiple: false,
        min: 0,
        max: 10,
        options: [],
      },
      {
        id: 'q3',
        type: 'CHOICE',
        parameter: 'DELIVERY',
        text: 'What went wrong?',
        required: false,
        multiple: true,
        min: null,
        max: null,
        options: [
          { code: 'LATE', label: 'Late' },
          { code: 'RUDE', label: 'Rude courier' },
        ],
      },
      {
        id: 'q4',
        type: 'TEXT',
        parameter: 'OVERALL',
        text: 'Anything else?',
        required: false,
        multiple: false,
        min: null,
        max: null,
        options: [],
      },
    ],
    ...overrides,
  };
}
const refusal = (reason: string, code = 'NOT_FOUND') =>
  new CombinedGraphQLErrors({ errors: [{ message: reason, extensions: { code, reason } }] });

async function open(api: PortalApi, token = 'tok-survey') {
  ({ wrapper } = mountWith(SurveyPage, { api, props: { tenant, token } }));
  await flushPromises();
}

describe('the survey link', () => {
  it('is the route /p/<company>/survey#<token>', () => {
    expect(parseRoute('/p/northwind/survey', '#abc%2Fdef')).toEqual({ name: 'survey', slug: 'northwind', token: 'abc/def' });
  });

  it('shows the questions with their scales, sends the answers given, then thanks', async () => {
    const api = fakeApi({ survey: vi.fn(async () => survey()) });
    await open(api);
    expect(api.survey).toHaveBeenCalledWith({ slug: 'northwind', token: 'tok-survey' }, 'en');
    expect(wrapper.find('h1').text()).toBe('How did we do?');
    expect(wrapper.findAll('[data-question=q1] input[type=radio]').map((i) => i.element.getAttribute('value'))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(wrapper.findAll('[data-question=q2] input[type=radio]')).toHaveLength(11);
    expect(wrapper.findAll('[data-question=q3] input[type=checkbox]')).toHaveLength(2);
    await wrapper.find('[data-question=q1] input[value="4"]').setValue(true);
    await wrapper.find('[data-question=q2] input[value="9"]').setValue(true);
    await wrapper.find('[data-question=q3] input[value=LATE]').setValue(true);
    await wrapper.find('[data-question=q4] textarea').setValue('  Thanks  ');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(api.answerSurvey).toHaveBeenCalledWith({ slug: 'northwind', token: 'tok-survey' }, [
      { questionId: 'q1', score: 4 },
      { questionId: 'q2', score: 9 },
      { questionId: 'q3', optionCodes: ['LATE'] },
      { questionId: 'q4', text: 'Thanks' },
    ]);
    expect(wrapper.find('[data-test=survey-thanks]').text()).toContain('Thank you!');
  });

  it('marks unanswered required questions, focuses the first and sends nothing', async () => {
    const api = fakeApi({ survey: vi.fn(async () => survey()) });
    await open(api);
    await wrapper.find('[data-question=q2] input[value="0"]').setValue(true);
    await wrapper.find('form').trigger('submit');
    expect(api.answerSurvey).not.toHaveBeenCalled();
    expect(wrapper.find('[data-question=q1]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('[data-question=q2]').attributes('aria-invalid')).toBeUndefined();
    expect(document.activeElement).toBe(wrapper.find('[data-question=q1] input').element);
    expect(wrapper.find('[data-test=survey-missing]').text()).toContain('required questions');
  });

  it.each([
    ['SURVEY_LINK_INVALID', 'NOT_FOUND', 'The link is not valid'],
    ['SURVEY_ANSWERED', 'CONFLICT', 'already been answered'],
    ['SURVEY_LINK_EXPIRED', 'NOT_FOUND', 'time to answer this survey has passed'],
  ])('a refused link (%s) shows why and no question', async (reason, code, text) => {
    await open(fakeApi({ survey: vi.fn(async () => Promise.reject(refusal(reason, code))) }));
    expect(wrapper.find('[data-test=survey-refused]').text()).toContain(text);
    expect(wrapper.find('[data-test=survey-form]').exists()).toBe(false);
  });

  it('asks in Russian for a Russian reader', async () => {
    const api = fakeApi({ survey: vi.fn(async () => survey({ locale: 'ru', title: 'Как мы справились?' })) });
    ({ wrapper } = mountWith(SurveyPage, { api, locale: 'ru', props: { tenant, token: 'tok' } }));
    await flushPromises();
    expect(api.survey).toHaveBeenCalledWith({ slug: 'northwind', token: 'tok' }, 'ru');
    expect(wrapper.find('[data-test=survey-submit]').text()).toBe('Отправить ответы');
  });
});

describe('the complaint page at FEEDBACK', () => {
  const at = (api: PortalApi) => {
    ({ wrapper } = mountWith(TrackPage, { api, props: { tenant, number: 'NORTHWIND-2026-000123', token: 'tok-123' } }));
  };
  const feedback = () =>
    fakeApi({
      status: vi.fn(async () => complaint({ stage: 'FEEDBACK', canRate: true })),
      watch: vi.fn((_key, _onChange, onReady) => {
        onReady();
        return () => undefined;
      }) as PortalApi['watch'],
    });

  it("asks the company's survey instead of the single rating, and thanks once answered", async () => {
    const api = feedback();
    let answered = false;
    api.complaintSurvey = vi.fn(async () => survey({ answered }));
    api.answerComplaintSurvey = vi.fn(async () => {
      answered = true;
    });
    at(api);
    await flushPromises();
    expect(wrapper.find('[data-test=rating]').exists()).toBe(false);
    await wrapper.find('[data-question=q1] input[value="5"]').setValue(true);
    await wrapper.find('[data-question=q2] input[value="10"]').setValue(true);
    await wrapper.find('[data-test=survey-step] form').trigger('submit');
    await flushPromises();
    expect(api.answerComplaintSurvey).toHaveBeenCalledWith({ number: 'NORTHWIND-2026-000123', accessToken: 'tok-123' }, [
      { questionId: 'q1', score: 5 },
      { questionId: 'q2', score: 10 },
    ]);
    expect(wrapper.find('[data-test=survey-answered]').exists()).toBe(true);
  });

  it('keeps the single rating where the company has no survey', async () => {
    at(feedback());
    await flushPromises();
    expect(wrapper.find('[data-test=rating]').exists()).toBe(true);
    expect(wrapper.find('[data-test=survey-step]').exists()).toBe(false);
  });
});
