import { describe, expect, it } from 'vitest';
import ComplaintTimeline from '../src/pages/complaint/ComplaintTimeline.vue';
import { mountWithI18n } from './fixtures.js';

const reference = {
  departments: [
    { id: 'd1', name: 'Сервисный центр' },
    { id: 'd2', name: 'Отдел качества' },
  ],
  users: [
    { id: 'u1', name: 'Анна Смирнова' },
    { id: 'u2', name: 'Олег Петров' },
  ],
};
const event = (over: Record<string, unknown>) => ({
  id: String(Math.random()),
  type: 'ASSIGNED',
  at: '2026-12-01T10:00:00Z',
  actorKind: 'STAFF',
  actor: { id: 'h', name: 'Глава' },
  fromStage: null,
  toStage: null,
  data: {},
  ...over,
});

describe('the timeline (issue 14, items 13 and 19)', () => {
  it('an assignment says from whom to whom: department and person, before and after', () => {
    const w = mountWithI18n(
      ComplaintTimeline,
      {
        reference,
        timeline: [
          event({
            data: { previousDepartmentId: 'd1', departmentId: 'd2', previousAssigneeId: 'u1', assigneeId: 'u2' },
          }),
          event({ data: { previousDepartmentId: 'd1', departmentId: 'd1', previousAssigneeId: null, assigneeId: 'u1' } }),
        ],
      },
      'ru',
    );
    const text = w.text();
    expect(text).toContain('Отдел: Сервисный центр → Отдел качества');
    expect(text).toContain('Исполнитель: Анна Смирнова → Олег Петров');
    expect(text).toContain('Исполнитель: не назначен → Анна Смирнова');
    w.unmount();
  });

  it('names the integration that did it', () => {
    const w = mountWithI18n(
      ComplaintTimeline,
      {
        reference,
        timeline: [
          event({
            type: 'RECEIVED',
            toStage: 'RECEIVED',
            actorKind: 'INTEGRATION',
            actor: null,
            integrationName: 'Интернет-магазин',
          }),
        ],
      },
      'ru',
    );
    expect(w.text()).toContain('Интернет-магазин');
    w.unmount();
  });

  it('receiving does not repeat itself ("Получено: Получено")', () => {
    const w = mountWithI18n(ComplaintTimeline, { reference, timeline: [event({ type: 'RECEIVED', toStage: 'RECEIVED' })] }, 'ru');
    expect(w.text()).not.toContain('Получено: Получено');
    w.unmount();
  });
});

describe("the timeline in the user's language", () => {
  it('names a change of the complaint\'s details in Russian, not by the server\'s code ("UPDATED")', () => {
    const w = mountWithI18n(
      ComplaintTimeline,
      { reference, timeline: [event({ type: 'UPDATED', data: { priority: 'HIGH', previous: { priority: 'NORMAL' } } })] },
      'ru',
    );
    expect(w.text()).toContain('Изменены данные обращения');
    expect(w.text()).not.toContain('UPDATED');
    w.unmount();
  });

  it('an action opened as the follow-up of a survey response says so, in both languages', () => {
    for (const [locale, text] of [
      ['ru', 'отработка ответа на опрос'],
      ['en', 'the follow-up of a survey response'],
    ] as const) {
      const w = mountWithI18n(
        ComplaintTimeline,
        {
          reference,
          timeline: [
            event({ type: 'CORRECTIVE_ACTION_ADDED', data: { correctiveActionId: 'a1', kind: 'CORRECTION', surveyResponseId: 'r1' } }),
            event({ type: 'CORRECTIVE_ACTION_ADDED', data: { correctiveActionId: 'a2', kind: 'CORRECTIVE' } }),
          ],
        },
        locale,
      );
      expect(w.findAll('[data-test=survey-follow-up]').map((x) => x.text())).toEqual([`— ${text}`]);
      w.unmount();
    }
  });

  it("a mail that failed says why in the reader's language, the server's own words beside it marked as English", () => {
    const failed = [
      event({
        type: 'MAIL_FAILED',
        actorKind: 'SYSTEM',
        actor: null,
        data: { to: 'c@example.com', code: 'BOUNCED', detail: 'smtp; 550 5.1.1 User unknown' },
      }),
      event({
        type: 'MAIL_FAILED',
        actorKind: 'SYSTEM',
        actor: null,
        data: { to: 'd@example.com', code: 'DEFERRED', detail: '451 4.7.1 Try again later' },
      }),
      // Written before the reasons had codes: the server's words are all there is.
      event({ type: 'MAIL_FAILED', actorKind: 'SYSTEM', actor: null, data: { to: 'e@example.com', error: '550 No such user' } }),
    ];
    for (const [locale, lines] of [
      [
        'ru',
        [
          '— на c@example.com: вернулось как недоставленное (Техническая подробность: smtp; 550 5.1.1 User unknown)',
          '— на d@example.com: почтовый сервер получателя попросил повторить позже (Техническая подробность: 451 4.7.1 Try again later)',
          '— на e@example.com; почтовый сервер ответил: 550 No such user',
        ],
      ],
      [
        'en',
        [
          '— to c@example.com: returned as undeliverable (Technical detail: smtp; 550 5.1.1 User unknown)',
          '— to d@example.com: the receiving mail server asked to try later (Technical detail: 451 4.7.1 Try again later)',
          '— to e@example.com; the mail server said: 550 No such user',
        ],
      ],
    ] as const) {
      const w = mountWithI18n(ComplaintTimeline, { reference, timeline: failed }, locale);
      expect(w.findAll('[data-test=mail-failed]').map((x) => x.text().replace(/\s+/g, ' '))).toEqual(lines);
      expect(w.findAll('[data-test=mail-failed] code').map((x) => x.attributes('lang'))).toEqual(['en', 'en']);
      w.unmount();
    }
  });
});
