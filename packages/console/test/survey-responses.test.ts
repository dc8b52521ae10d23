import { describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import SurveyResponses from '../src/pages/complaint/SurveyResponses.vue';
import { createConsoleI18n } from '../src/i18n/index.js';
import { complaint, FakeClient, mountPage, type PageOptions } from './fixtures.js';
import type { SurveyResponseView } from '../src/pages/complaint/survey-response.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
};

const question = (
  textEn: string,
  textRu: string,
  options: Array<{ code: string; labelEn: string; labelRu: string; alerting: boolean }> = [],
) => ({ id: `q-${textEn}`, textEn, textRu, options });
const RUDE = { code: 'RUDE', labelEn: 'Rude courier', labelRu: 'Грубый курьер', alerting: true };
const LATE = { code: 'LATE', labelEn: 'Late', labelRu: 'Опоздали', alerting: false };

function response(over: Partial<SurveyResponseView> = {}): SurveyResponseView {
  return {
    id: 'r-1',
    channel: 'PHONE',
    detractor: true,
    version: 2,
    createdAt: '2026-11-20T09:30:00Z',
    survey: { id: 's-1', nameEn: 'After resolution', nameRu: 'После решения' },
    enteredBy: { id: 'u-1', name: 'Olga Operator' },
    followUp: null,
    answers: [
      {
        questionId: 'q1',
        type: 'NPS',
        parameter: 'OVERALL',
        score: 3,
        optionCodes: null,
        text: null,
        question: question('Would you recommend us?', 'Порекомендуете ли вы нас?'),
      },
      {
        questionId: 'q2',
        type: 'CSAT',
        parameter: 'STAFF',
        score: 4,
        optionCodes: null,
        text: null,
        question: question('How were you served?', 'Как вас обслужили?'),
      },
      {
        questionId: 'q3',
        type: 'CHOICE',
        parameter: 'DELIVERY',
        score: null,
        optionCodes: ['LATE', 'RUDE'],
        text: null,
        question: question('What went wrong?', 'Что не так?', [LATE, RUDE]),
      },
      {
        questionId: 'q4',
        type: 'TEXT',
        parameter: 'OVERALL',
        score: null,
        optionCodes: null,
        text: 'The courier shouted',
        question: question('Anything else?', 'Что ещё?'),
      },
    ],
    ...over,
  } as SurveyResponseView;
}

/**
 * The survey responses of a complaint, over a client whose responses query answers what `read()` gives at each
 * (re)fetch; `followUpSurveys`: whether the reader may open a follow-up.
 */
async function mountView(
  read: () => SurveyResponseView[],
  locale: 'ru' | 'en',
  { mutate, followUpSurveys = true }: { mutate?: PageOptions['mutate']; followUpSurveys?: boolean } = {},
) {
  const c = complaint({ abilities: { ...complaint().abilities, followUpSurveys } });
  const client = new FakeClient({ ComplaintSurveyResponses: () => ({ complaintSurveyResponses: read() }) }, { mutate });
  const changed = vi.fn();
  const w = await mountPage(SurveyResponses, client, locale, {
    props: { complaint: c, onChanged: changed },
    session: { state: { token: 't' } },
    attach: true,
  });
  return { w, c, client, changed };
}

describe("a complaint page's survey responses", () => {
  it("show each question in the reader's language with its answer and scale, the channel with who entered a phone answer, when, and the detractor's answers in words", async () => {
    for (const [locale, expected] of [
      [
        'en',
        {
          rows: ['Would you recommend us?', 'How were you served?', 'What went wrong?', 'Anything else?'],
          answers: ['3 on the NPS scale 0–10 (alerts)', '4 on the CSAT scale 1–5', 'Late, Rude courier (alerts)', 'The courier shouted'],
          channel: 'Phone, entered by Olga Operator',
          caption: 'After resolution, version 2: answers',
          detractor: 'Detractor',
          at: '12:30',
        },
      ],
      [
        'ru',
        {
          rows: ['Порекомендуете ли вы нас?', 'Как вас обслужили?', 'Что не так?', 'Что ещё?'],
          answers: ['3 по шкале NPS 0–10 (тревожный)', '4 по шкале CSAT 1–5', 'Опоздали, Грубый курьер (тревожный)', 'The courier shouted'],
          channel: 'Телефон; внесено: Olga Operator',
          caption: 'После решения, версия 2: ответы',
          detractor: 'Критик',
          at: '12:30',
        },
      ],
    ] as const) {
      const { w, c, client } = await mountView(() => [response()], locale);
      expect(client.watched).toEqual([{ name: 'ComplaintSurveyResponses', variables: { id: c.id } }]);
      const table = w.find('table');
      expect(table.find('caption').text()).toBe(expected.caption);
      expect(table.findAll('thead th').every((th) => th.attributes('scope') === 'col')).toBe(true);
      const rows = table.findAll('tbody tr');
      expect(rows.map((r) => r.find('th[scope=row]').text())).toEqual(expected.rows);
      expect(rows.map((r) => r.findAll('td')[1]!.text().replace(/\s+/g, ' '))).toEqual(expected.answers);
      expect(rows.map((r) => r.attributes('data-alerts') ?? null)).toEqual(['true', null, 'true', null]);
      expect(w.find('[data-test=channel]').text()).toBe(expected.channel);
      expect(w.find('[data-test=detractor]').text()).toBe(expected.detractor);
      // When, in the company's time zone (09:30 UTC is 12:30 in Moscow).
      expect(w.find('dl').text()).toContain(expected.at);
      w.unmount();
    }
  });

  it('name the portal and the mail link without anyone who entered them, and render nothing without responses', async () => {
    const { w } = await mountView(() => [response({ id: 'r-2', channel: 'MAIL_LINK', enteredBy: null, detractor: false })], 'en');
    expect(w.find('[data-test=channel]').text()).toBe('The link in the mail');
    expect(w.find('[data-test=detractor]').exists()).toBe(false);
    // Not a detractor's: no follow-up offered.
    expect(w.find('[data-test=open-follow-up]').exists()).toBe(false);
    w.unmount();
    const empty = await mountView(() => [], 'en');
    expect(empty.w.find('[data-test=survey-responses]').exists()).toBe(false);
    empty.w.unmount();
  });

  it('the follow-up button opens it with the reasons in words, then shows the follow-up in its place', async () => {
    const opened = {
      id: 'a-1',
      kind: 'CORRECTION' as const,
      description: 'Get back to the customer about their survey answers (NPS 3, chose RUDE)',
      dueDate: '2026-11-23',
      doneAt: null,
    };
    let current = [response()];
    const mutate = vi.fn(async () => {
      current = [response({ followUp: opened })];
      return { data: { openSurveyFollowUp: opened } };
    });
    const { w, changed } = await mountView(() => current, 'en', { mutate });
    await w.find('[data-test=open-follow-up]').trigger('click');
    await flush();
    expect(mutate).toHaveBeenCalledWith(
      expect.objectContaining({
        variables: { input: { responseId: 'r-1', description: 'Get back to the customer about their survey answers (NPS 3, chose RUDE)' } },
      }),
    );
    expect(changed).toHaveBeenCalledOnce();
    expect(w.find('[data-test=open-follow-up]').exists()).toBe(false);
    expect(w.find('[data-test=follow-up]').text()).toContain(
      'Get back to the customer about their survey answers (NPS 3, chose RUDE); due',
    );
    w.unmount();
  });

  it('without the right to open one, no button; a refusal is told and the button stays', async () => {
    const plain = await mountView(() => [response()], 'ru', { followUpSurveys: false });
    expect(plain.w.find('[data-test=open-follow-up]').exists()).toBe(false);
    expect(plain.w.find('[data-test=follow-up]').text()).toBe('Нет');
    plain.w.unmount();

    const mutate = vi.fn(async () => {
      throw new CombinedGraphQLErrors({ errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] });
    });
    const { w, changed } = await mountView(() => [response()], 'en', { mutate });
    await w.find('[data-test=open-follow-up]').trigger('click');
    await flush();
    expect(changed).not.toHaveBeenCalled();
    expect(w.find('[data-test=open-follow-up]').exists()).toBe(true);
    expect(document.body.textContent).toContain('Your role does not allow this action.');
    w.unmount();
  });
});

describe("the detractor toast's follow-up", () => {
  it("describes the follow-up by the alert's reasons in the reader's language", async () => {
    const { followUpDescription } = await import('../src/layout/follow-up.js');
    for (const [locale, text] of [
      ['en', 'Get back to the customer about their survey answers (NPS 3, chose RUDE)'],
      ['ru', 'Связаться с клиентом по его ответам на опрос (NPS 3, выбран вариант RUDE)'],
    ] as const) {
      const { t } = createConsoleI18n(locale).global;
      expect(followUpDescription((key, values) => t(key, values ?? {}), ['NPS 3', 'OPTION RUDE'])).toBe(text);
    }
  });
});

describe('the detractor toast', () => {
  async function mountToast(can: string[], mutate: PageOptions['mutate']) {
    const DetractorAlerts = (await import('../src/layout/DetractorAlerts.vue')).default;
    const client = new FakeClient({}, { mutate });
    const session = { state: { token: 't', user: { can } }, may: (a: string) => can.includes(a) };
    const w = await mountPage(DetractorAlerts, client, 'en', { session, attach: true });
    client.push({
      data: {
        surveyDetractorAnswered: {
          reasons: ['NPS 2'],
          at: '2026-11-20T09:30:00Z',
          complaint: { id: 'c-1', number: 'ACME-2026-000007', subject: 'Leaking kettle' },
          response: {
            id: 'r-7',
            channel: 'PORTAL',
            answers: [{ type: 'NPS', parameter: 'OVERALL', score: 2, optionCodes: null, text: null }],
          },
        },
      },
    });
    await flush();
    return w;
  }
  const button = () => document.querySelector('[data-test=open-follow-up]') as HTMLButtonElement | null;

  it('offers the follow-up to those who may open it; a click opens it for the response and says so', async () => {
    const mutate = vi.fn(async () => ({
      data: { openSurveyFollowUp: { id: 'a-1', kind: 'CORRECTION', description: 'x', dueDate: '2026-11-23', doneAt: null } },
    }));
    const w = await mountToast(['HANDLE_ESCALATIONS'], mutate);
    button()!.click();
    await flush();
    expect(mutate).toHaveBeenCalledWith(
      expect.objectContaining({
        variables: { input: { responseId: 'r-7', description: 'Get back to the customer about their survey answers (NPS 2)' } },
      }),
    );
    expect(button()).toBeNull();
    expect(document.querySelector('[data-test=follow-up-opened]')!.textContent).toBe('Follow-up opened: a correction on ACME-2026-000007');
    w.unmount();
  });

  it('shows no button to anyone else', async () => {
    const w = await mountToast([], vi.fn());
    expect(document.querySelector('[data-test=detractor-alert]')).not.toBeNull();
    expect(button()).toBeNull();
    w.unmount();
  });
});
