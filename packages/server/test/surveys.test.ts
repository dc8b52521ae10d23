import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, expectError, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink, type SunkMail } from './smtp-sink.js';
import { WsClient, closeAndWait } from './ws-client.js';

/**
 * Satisfaction surveys over HTTP and WebSocket: the FEEDBACK mail carries a
 * one-time link (read from the mail the SMTP sink received), the portal
 * reads and answers it once, a detractor's answer reaches the quality
 * manager live, and nothing of company A reaches company B.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
let sink: SmtpSink;
const PUBLIC_URL = 'https://reclaim.example.com';

const CREATE = `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { id currentVersion afterResolution } }`;
const PUBLISH = `mutation($input: PublishSurveyVersionInput!) { publishSurveyVersion(input: $input) { id currentVersion } }`;
const ACTIVATE = `mutation($id: ID!) { activateSurvey(id: $id) { id afterResolution } }`;
const READ = `query($slug: String!, $token: String!, $locale: String) { surveyInvitation(slug: $slug, token: $token, locale: $locale) {
  locale title complaintNumber tenant { slug name } questions { id type parameter text required multiple min max options { code label } } } }`;
const ANSWER = `mutation($slug: String!, $token: String!, $answers: [SurveyAnswerInput!]!) { answerSurvey(slug: $slug, token: $token, answers: $answers) { answeredAt } }`;
const PAGE = `query($number: String!, $accessToken: String!, $locale: String) { complaintSurvey(number: $number, accessToken: $accessToken, locale: $locale) {
  answered locale title complaintNumber questions { id type } } }`;
const ON_PAGE = `mutation($number: String!, $accessToken: String!, $answers: [SurveyAnswerInput!]!) {
  answerComplaintSurvey(number: $number, accessToken: $accessToken, answers: $answers) { answeredAt } }`;
const RESPONSES = `query($id: ID!) { complaintSurveyResponses(id: $id) { id channel detractor version enteredBy { id }
  answers { questionId type parameter score optionCodes text } } }`;
const PHONE = `mutation($input: EnterPhoneSurveyResponseInput!) { enterPhoneSurveyResponse(input: $input) { id channel detractor enteredBy { id } } }`;
const DETRACTOR_SUB = `subscription($d: ID) { surveyDetractorAnswered(departmentId: $d) { reasons at complaint { id number }
  response { id channel answers { parameter score optionCodes } } } }`;

const QUESTIONS = [
  { type: 'CSAT', parameter: 'OVERALL', textRu: 'Насколько вы довольны решением?', textEn: 'How satisfied are you with the outcome?' },
  { type: 'NPS', parameter: 'OVERALL', textRu: 'Порекомендуете ли вы нас?', textEn: 'Would you recommend us?' },
  { type: 'CSAT', parameter: 'STAFF', textRu: 'Как вас обслужили?', textEn: 'How were you served?', required: false },
  {
    type: 'CHOICE',
    parameter: 'DELIVERY',
    textRu: 'Что не так с доставкой?',
    textEn: 'What went wrong with delivery?',
    required: false,
    multiple: true,
    options: [
      { code: 'LATE', labelRu: 'Опоздали', labelEn: 'Late' },
      { code: 'RUDE', labelRu: 'Грубый курьер', labelEn: 'Rude courier', alerting: true },
    ],
  },
  { type: 'TEXT', parameter: 'OVERALL', textRu: 'Что ещё?', textEn: 'Anything else?', required: false },
];

const customer = () => `c-${randomBytes(4).toString('hex')}@example.com`;
/** The survey link in a mail's text: the company's slug and the one-time token (the fragment). */
function surveyLinkIn(m: SunkMail): { slug: string; token: string } {
  const url = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/p/[^\\s]+/survey#[^\\s]+`).exec(m.parsed.text ?? '')?.[0];
  expect(url, m.parsed.text).toBeDefined();
  const parsed = new URL(url!);
  return { slug: decodeURIComponent(parsed.pathname.split('/')[2]!), token: decodeURIComponent(parsed.hash.slice(1)) };
}
/** A complaint of `w` brought to FEEDBACK for a new address, and the rating mail it got. */
async function atFeedback(w: World) {
  const to = customer();
  const c = await fx.complaintAt(w, Stage.FEEDBACK, { input: { customer: { name: 'Ivan Petrov', email: to } } });
  const mail = await eventually(() => sink.to(to).find((m) => m.parsed.subject?.includes('How did we do?')), 10_000, 'the rating mail');
  return { c, to, mail };
}
async function questionsOf(slug: string, token: string) {
  return ok(await server.portal(READ, { slug, token })).surveyInvitation.questions as Array<{
    id: string;
    type: string;
    parameter: string;
  }>;
}
/** Answers by question position (1-based) to the questions of an invitation. */
const answers = (qs: Array<{ id: string }>, byPosition: Record<number, Record<string, unknown>>) =>
  Object.entries(byPosition).map(([p, a]) => ({ questionId: qs[Number(p) - 1]!.id, ...a }));

let surveyA = '';
beforeAll(async () => {
  sink = await new SmtpSink().start();
  server = await startTestServer({
    smtpUrl: sink.url,
    publicUrl: PUBLIC_URL,
    mail: { pollMs: 100, retryDelaysMs: [300], timeoutMs: 5000, leaseMs: 5000 },
  });
  fx = new Fixtures(server);
  const english = async () => fx.world(await fx.tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
  [a, b] = await Promise.all([english(), english()]);
  surveyA = ok(
    await server.staff(
      CREATE,
      { input: { nameRu: 'После решения', nameEn: 'After resolution', questions: QUESTIONS } },
      a.staff.QUALITY_MANAGER.token,
    ),
  ).createSurvey.id;
  ok(await server.staff(ACTIVATE, { id: surveyA }, a.staff.QUALITY_MANAGER.token));
});
afterAll(async () => {
  await server?.close();
  await sink?.close();
});

describe('a survey after resolution', () => {
  it('the FEEDBACK mail links to the survey; answered once, the link then refuses; satisfaction comes from the OVERALL CSAT', async () => {
    const { c, mail } = await atFeedback(a);
    const { slug, token } = surveyLinkIn(mail);
    expect(slug).toBe(a.t.slug);
    const read = ok(await server.portal(READ, { slug, token, locale: 'ru' })).surveyInvitation;
    expect(read).toMatchObject({ locale: 'ru', title: 'После решения', complaintNumber: c.number, tenant: { slug: a.t.slug } });
    expect(read.questions.map((q: { text: string }) => q.text)).toEqual(QUESTIONS.map((q) => q.textRu));
    expect(read.questions[1]).toMatchObject({ type: 'NPS', min: 0, max: 10 });
    expect(read.questions[3].options).toEqual([
      { code: 'LATE', label: 'Опоздали' },
      { code: 'RUDE', label: 'Грубый курьер' },
    ]);

    ok(
      await server.portal(ANSWER, {
        slug,
        token,
        answers: answers(read.questions, { 1: { score: 4 }, 2: { score: 9 }, 3: { score: 2 }, 5: { text: 'Fine' } }),
      }),
    );
    const again = await fx.expectNoWrites(() =>
      server.portal(ANSWER, { slug, token, answers: answers(read.questions, { 1: { score: 1 }, 2: { score: 0 } }) }),
    );
    expectError(again, 'CONFLICT', 'SURVEY_ANSWERED');
    expectError(await server.portal(READ, { slug, token }), 'CONFLICT', 'SURVEY_ANSWERED');

    // The OVERALL CSAT (4), not the first CSAT answered lower (STAFF, 2).
    expect((await fx.get(a.staff.QUALITY_MANAGER.token, c.id)).satisfaction).toBe(4);
    const [response] = ok(await server.staff(RESPONSES, { id: c.id }, a.staff.OPERATOR.token)).complaintSurveyResponses;
    expect(response).toMatchObject({ channel: 'MAIL_LINK', detractor: true, version: 1, enteredBy: null });
    expect(response.answers).toEqual([
      { questionId: read.questions[0].id, type: 'CSAT', parameter: 'OVERALL', score: 4, optionCodes: null, text: null },
      { questionId: read.questions[1].id, type: 'NPS', parameter: 'OVERALL', score: 9, optionCodes: null, text: null },
      { questionId: read.questions[2].id, type: 'CSAT', parameter: 'STAFF', score: 2, optionCodes: null, text: null },
      { questionId: read.questions[4].id, type: 'TEXT', parameter: 'OVERALL', score: null, optionCodes: null, text: 'Fine' },
    ]);
    // The one-time link does not stay in the mail log once sent.
    const [row] = await eventually(
      async () => {
        const rows = await fx.asTenant(a.t.tenantId, (m) =>
          m.query(`SELECT body_text FROM outbound_mails WHERE complaint_id = $1 AND kind = 'FEEDBACK' AND status = 'SENT'`, [c.id]),
        );
        return rows.length ? rows : undefined;
      },
      10_000,
      'the sent FEEDBACK mail',
    );
    expect(row.body_text).toBe('');
  });

  it("a wrong token, another company's slug and an expired link read nothing and answer nothing", async () => {
    const { c, mail } = await atFeedback(a);
    const { slug, token } = surveyLinkIn(mail);
    const qs = await questionsOf(slug, token);
    const wrong = randomBytes(32).toString('base64url');
    expectError(await server.portal(READ, { slug, token: wrong }), 'NOT_FOUND', 'SURVEY_LINK_INVALID');
    expectError(await server.portal(READ, { slug: b.t.slug, token }), 'NOT_FOUND', 'SURVEY_LINK_INVALID');
    expectError(await server.portal(READ, { slug: 'no-such-company', token }), 'NOT_FOUND', 'SURVEY_LINK_INVALID');
    const elsewhere = await fx.expectNoWrites(() =>
      server.portal(ANSWER, { slug: b.t.slug, token, answers: answers(qs, { 1: { score: 5 }, 2: { score: 10 } }) }),
    );
    expectError(elsewhere, 'NOT_FOUND', 'SURVEY_LINK_INVALID');

    // Bad answers change nothing: out of the scale, a missing required one, an option the question lacks.
    const bads: Array<Record<number, Record<string, unknown>>> = [
      { 1: { score: 6 }, 2: { score: 10 } },
      { 1: { score: 5 } },
      { 1: { score: 5 }, 2: { score: 10 }, 4: { optionCodes: ['LOST'] } },
    ];
    for (const bad of bads) {
      expectError(await fx.expectNoWrites(() => server.portal(ANSWER, { slug, token, answers: answers(qs, bad) })), 'BAD_USER_INPUT');
    }

    await fx.asTenant(a.t.tenantId, (m) =>
      m.query(`UPDATE survey_invitations SET expires_at = now() - interval '1 second' WHERE complaint_id = $1`, [c.id]),
    );
    expectError(await server.portal(READ, { slug, token }), 'NOT_FOUND', 'SURVEY_LINK_EXPIRED');
    const late = await fx.expectNoWrites(() =>
      server.portal(ANSWER, { slug, token, answers: answers(qs, { 1: { score: 5 }, 2: { score: 10 } }) }),
    );
    expectError(late, 'NOT_FOUND', 'SURVEY_LINK_EXPIRED');
    expect((await fx.get(a.staff.QUALITY_MANAGER.token, c.id)).satisfaction).toBeNull();
  });

  it('without an active survey the FEEDBACK mail keeps the tracking link and rateComplaint rates', async () => {
    const { c, mail } = await atFeedback(b);
    const url = /https:\/\/reclaim\.example\.com\/p\/\S+/.exec(mail.parsed.text ?? '')![0];
    expect(url).toContain(`/track/${c.number}#`);
    ok(await server.portal(Q.rate, { number: c.number, token: decodeURIComponent(new URL(url).hash.slice(1)), score: 3, comment: null }));
    expect((await fx.get(b.staff.QUALITY_MANAGER.token, c.id)).satisfaction).toBe(3);
    expect(await fx.asTenant(b.t.tenantId, (m) => m.query('SELECT count(*)::int AS n FROM survey_invitations'))).toEqual([{ n: 0 }]);
  });

  it("on the complaint's page the survey replaces the rating: answered once (PORTAL), and the invitation's link then refuses", async () => {
    const { c, to, mail } = await atFeedback(a);
    const link = surveyLinkIn(mail);
    const tracked = sink
      .to(to)
      .map((m) => /https:\/\/reclaim\.example\.com\/p\/[^\s]+\/track\/[^\s]+/.exec(m.parsed.text ?? '')?.[0])
      .find(Boolean)!;
    const key = { number: c.number, accessToken: decodeURIComponent(new URL(tracked).hash.slice(1)) };
    const page = ok(await server.portal(PAGE, { ...key, locale: 'en' })).complaintSurvey;
    expect(page).toMatchObject({ answered: false, locale: 'en', title: 'After resolution', complaintNumber: c.number });
    const wrongPair = ok(await server.portal(PAGE, { ...key, accessToken: randomBytes(32).toString('base64url') })).complaintSurvey;
    expect(wrongPair).toBeNull();
    ok(await server.portal(ON_PAGE, { ...key, answers: answers(page.questions, { 1: { score: 5 }, 2: { score: 10 } }) }));
    expectError(
      await fx.expectNoWrites(() =>
        server.portal(ON_PAGE, { ...key, answers: answers(page.questions, { 1: { score: 1 }, 2: { score: 1 } }) }),
      ),
      'CONFLICT',
      'SURVEY_ANSWERED',
    );
    expect(ok(await server.portal(PAGE, key)).complaintSurvey).toMatchObject({ answered: true });
    expectError(await server.portal(READ, link), 'CONFLICT', 'SURVEY_ANSWERED');
    const [response] = ok(await server.staff(RESPONSES, { id: c.id }, a.staff.OPERATOR.token)).complaintSurveyResponses;
    expect(response).toMatchObject({ channel: 'PORTAL', detractor: false });
    // Company B has no survey: its FEEDBACK page keeps the rating.
    const other = await atFeedback(b);
    const otherTracked = sink
      .to(other.to)
      .map((m) => /https:\/\/reclaim\.example\.com\/p\/[^\s]+/.exec(m.parsed.text ?? '')?.[0])
      .find(Boolean)!;
    expect(
      ok(await server.portal(PAGE, { number: other.c.number, accessToken: decodeURIComponent(new URL(otherTracked).hash.slice(1)) }))
        .complaintSurvey,
    ).toBeNull();
  });

  it("a detractor's answer reaches the company's quality manager and the department head within 5 s; company B's QM gets nothing", async () => {
    const qmA = await WsClient.staff(server.url, a.staff.QUALITY_MANAGER.token);
    const headA = await WsClient.staff(server.url, a.staff.HEAD.token);
    const qmB = await WsClient.staff(server.url, b.staff.QUALITY_MANAGER.token);
    const operator = await WsClient.staff(server.url, a.staff.OPERATOR.token);
    try {
      const [subA, subHead, subB] = [qmA.subscribe(DETRACTOR_SUB), headA.subscribe(DETRACTOR_SUB), qmB.subscribe(DETRACTOR_SUB)];
      const refused = operator.subscribe(DETRACTOR_SUB);
      const error = await operator.waitFor((m) => m.id === refused && m.type === 'error');
      expect(JSON.stringify(error.payload)).toContain('FORBIDDEN');
      await Promise.all([qmA.settle(), headA.settle(), qmB.settle()]);

      const { c, mail } = await atFeedback(a);
      const { slug, token } = surveyLinkIn(mail);
      const qs = await questionsOf(slug, token);
      const answeredAt = Date.now();
      ok(
        await server.portal(ANSWER, {
          slug,
          token,
          answers: answers(qs, { 1: { score: 3 }, 2: { score: 3 }, 4: { optionCodes: ['rude'] } }),
        }),
      );
      const [alert] = await qmA.waitForResults(subA, 1, 5000);
      expect(qmA.resultTimes(subA)[0]! - answeredAt).toBeLessThan(5000);
      expect(alert.data.surveyDetractorAnswered).toMatchObject({
        reasons: ['NPS 3', 'OPTION RUDE'],
        complaint: { id: c.id, number: c.number },
        response: { channel: 'MAIL_LINK' },
      });
      expect(alert.data.surveyDetractorAnswered.response.answers).toContainEqual({
        parameter: 'DELIVERY',
        score: null,
        optionCodes: ['RUDE'],
      });
      await headA.waitForResults(subHead, 1, 5000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(qmB.results(subB)).toEqual([]);
    } finally {
      await closeAndWait([qmA, headA, qmB, operator]);
    }
  });

  it('answers by phone are marked PHONE with who entered them, and use up the link', async () => {
    const { c, mail } = await atFeedback(a);
    const { slug, token } = surveyLinkIn(mail);
    const qs = await questionsOf(slug, token);
    const entered = ok(
      await server.staff(
        PHONE,
        { input: { complaintId: c.id, answers: answers(qs, { 1: { score: 5 }, 2: { score: 10 } }) } },
        a.staff.OPERATOR.token,
      ),
    ).enterPhoneSurveyResponse;
    expect(entered).toMatchObject({ channel: 'PHONE', detractor: false, enteredBy: { id: a.staff.OPERATOR.id } });
    expectError(await server.portal(READ, { slug, token }), 'CONFLICT', 'SURVEY_ANSWERED');
    expectError(
      await fx.expectNoWrites(() =>
        server.staff(
          PHONE,
          { input: { complaintId: c.id, answers: answers(qs, { 1: { score: 5 }, 2: { score: 10 } }) } },
          a.staff.SPECIALIST.token,
        ),
      ),
      'CONFLICT',
      'SURVEY_ANSWERED',
    );
    expect((await fx.get(a.staff.OPERATOR.token, c.id)).satisfaction).toBe(5);
    // Company B has no survey to enter answers to, and cannot reach A's complaint.
    expectError(await server.staff(PHONE, { input: { complaintId: c.id, answers: [] } }, b.staff.OPERATOR.token), 'NOT_FOUND');
    expectError(await server.staff(RESPONSES, { id: c.id }, b.staff.OPERATOR.token), 'NOT_FOUND');
    expect(ok(await server.staff(`{ surveys { id } }`, {}, b.staff.QUALITY_MANAGER.token)).surveys).toEqual([]);
  });

  it('a new version keeps earlier invitations on theirs; answers to v1 and v2 are both counted by parameter', async () => {
    const first = await atFeedback(a);
    const v1 = surveyLinkIn(first.mail);
    const v1Questions = await questionsOf(v1.slug, v1.token);
    // v2: the OVERALL CSAT reworded and moved second, STAFF dropped, a DELIVERY CES added.
    ok(
      await server.staff(
        PUBLISH,
        {
          input: {
            surveyId: surveyA,
            questions: [
              {
                type: 'NPS',
                parameter: 'OVERALL',
                textRu: 'Порекомендуете ли вы нас друзьям?',
                textEn: 'Would you recommend us to a friend?',
              },
              { type: 'CSAT', parameter: 'OVERALL', textRu: 'Оцените решение', textEn: 'Rate the outcome' },
              {
                type: 'CES',
                parameter: 'DELIVERY',
                textRu: 'Легко ли было получить замену?',
                textEn: 'How easy was it to get the replacement?',
              },
            ],
          },
        },
        a.staff.ADMIN.token,
      ),
    );
    const second = await atFeedback(a);
    const v2 = surveyLinkIn(second.mail);
    const v2Questions = await questionsOf(v2.slug, v2.token);
    expect(v1Questions).toHaveLength(5);
    expect(v2Questions.map((q) => q.type)).toEqual(['NPS', 'CSAT', 'CES']);

    const before = await overallCsat(a.t.tenantId);
    ok(await server.portal(ANSWER, { ...v1, answers: answers(v1Questions, { 1: { score: 2 }, 2: { score: 7 } }) }));
    ok(await server.portal(ANSWER, { ...v2, answers: answers(v2Questions, { 1: { score: 10 }, 2: { score: 5 }, 3: { score: 6 } }) }));
    const versions = await Promise.all(
      [first.c, second.c].map(
        async (c) => ok(await server.staff(RESPONSES, { id: c.id }, a.staff.QUALITY_MANAGER.token)).complaintSurveyResponses[0].version,
      ),
    );
    expect(versions).toEqual([1, 2]);
    // Counted independently: the two new OVERALL CSAT answers, 2 (v1) and 5 (v2), join what was there.
    const after = await overallCsat(a.t.tenantId);
    expect(after).toEqual({ n: before.n + 2, sum: before.sum + 7 });
    expect((await fx.get(a.staff.OPERATOR.token, first.c.id)).satisfaction).toBe(2);
    expect((await fx.get(a.staff.OPERATOR.token, second.c.id)).satisfaction).toBe(5);
    const surveys = ok(
      await server.staff(
        `{ surveys { id currentVersion versions { number questions { position type parameter } } } }`,
        {},
        a.staff.QUALITY_MANAGER.token,
      ),
    ).surveys;
    expect(surveys).toEqual([expect.objectContaining({ id: surveyA, currentVersion: 2 })]);
    expect(surveys[0].versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    const current = ok(
      await server.staff(
        `query($id: ID!) { survey(id: $id) { currentVersion questions { type parameter } } }`,
        { id: surveyA },
        a.staff.ADMIN.token,
      ),
    ).survey;
    expect(current.questions).toEqual([
      { type: 'NPS', parameter: 'OVERALL' },
      { type: 'CSAT', parameter: 'OVERALL' },
      { type: 'CES', parameter: 'DELIVERY' },
    ]);
    expect(ok(await server.staff(`query($id: ID!) { survey(id: $id) { id } }`, { id: surveyA }, b.staff.ADMIN.token)).survey).toBeNull();
  });

  it('only quality managers and admins manage surveys; bad questions are refused and change nothing', async () => {
    const refused = await fx.expectNoWrites(() =>
      server.staff(CREATE, { input: { nameRu: 'x', nameEn: 'x', questions: QUESTIONS } }, a.staff.HEAD.token),
    );
    expect(expectError(refused, 'FORBIDDEN').message).toContain('MANAGE_SURVEYS');
    const noOptions = await fx.expectNoWrites(() =>
      server.staff(
        CREATE,
        { input: { nameRu: 'x', nameEn: 'x', questions: [{ type: 'CHOICE', parameter: 'DELIVERY', textRu: 'Что?', textEn: 'What?' }] } },
        a.staff.QUALITY_MANAGER.token,
      ),
    );
    expectError(noOptions, 'BAD_USER_INPUT');
    const noEnglish = await fx.expectNoWrites(() =>
      server.staff(
        CREATE,
        { input: { nameRu: 'x', nameEn: 'x', questions: [{ type: 'CSAT', parameter: 'OVERALL', textRu: 'Что?', textEn: '' }] } },
        a.staff.QUALITY_MANAGER.token,
      ),
    );
    expectError(noEnglish, 'BAD_USER_INPUT');
    const foreignCause = await fx.expectNoWrites(() =>
      server.staff(
        CREATE,
        {
          input: {
            nameRu: 'x',
            nameEn: 'x',
            questions: [
              {
                type: 'CHOICE',
                parameter: 'PRODUCT_QUALITY',
                textRu: 'Что?',
                textEn: 'What?',
                options: [
                  { code: 'A', labelRu: 'А', labelEn: 'A', causeId: b.cause },
                  { code: 'B', labelRu: 'Б', labelEn: 'B' },
                ],
              },
            ],
          },
        },
        a.staff.QUALITY_MANAGER.token,
      ),
    );
    expectError(foreignCause, 'BAD_USER_INPUT');
    expect(Role.ADMIN).toBe('ADMIN');
  });
});

/** The OVERALL CSAT answers of a company, counted straight from the table. */
async function overallCsat(tenantId: string): Promise<{ n: number; sum: number }> {
  const [row] = await fx.asTenant(tenantId, (m) =>
    m.query(
      `SELECT count(*)::int AS n, coalesce(sum(score), 0)::int AS sum FROM survey_answers WHERE parameter = 'OVERALL' AND type = 'CSAT'`,
    ),
  );
  return row;
}
