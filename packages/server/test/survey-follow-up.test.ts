import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError, type World } from './fixtures.js';

/**
 * The follow-up of a survey response over HTTP: a CORRECTION on the
 * complaint, opened by the quality manager or the department's head, once
 * per response (again, or at the same moment, gives the same action), on
 * the timeline; refused to the other roles, to a head of another
 * department, and out of reach of another company.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;

const CREATE = `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { id questions { id } } }`;
const ACTIVATE = `mutation($id: ID!) { activateSurvey(id: $id) { id } }`;
const PHONE = `mutation($input: EnterPhoneSurveyResponseInput!) { enterPhoneSurveyResponse(input: $input) { id detractor } }`;
const FOLLOW_UP = `mutation($input: OpenSurveyFollowUpInput!) { openSurveyFollowUp(input: $input) {
  id kind description dueDate doneAt ownerDepartment { id } complaint { id } } }`;
const RESPONSES = `query($id: ID!) { complaintSurveyResponses(id: $id) { id followUp { id kind }
  answers { score question { textRu textEn type } } } }`;

const QUESTIONS = [
  { type: 'CSAT', parameter: 'OVERALL', textRu: 'Насколько вы довольны решением?', textEn: 'How satisfied are you with the outcome?' },
  { type: 'NPS', parameter: 'OVERALL', textRu: 'Порекомендуете ли вы нас?', textEn: 'Would you recommend us?' },
];
let questions: Array<{ id: string }> = [];

/** A complaint of company A at FEEDBACK with a detractor's answers entered by phone. */
async function answered() {
  const c = await fx.complaintAt(a, Stage.FEEDBACK);
  const response = ok(
    await server.staff(
      PHONE,
      {
        input: {
          complaintId: c.id,
          answers: [
            { questionId: questions[0]!.id, score: 1 },
            { questionId: questions[1]!.id, score: 3 },
          ],
        },
      },
      a.staff.OPERATOR.token,
    ),
  ).enterPhoneSurveyResponse;
  expect(response.detractor).toBe(true);
  return { c, responseId: response.id as string };
}
const open = (token: string, responseId: string, description = 'Call the customer back about their answers') =>
  server.staff(FOLLOW_UP, { input: { responseId, description } }, token);

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
  const survey = ok(
    await server.staff(CREATE, { input: { nameRu: 'Опрос', nameEn: 'Survey', questions: QUESTIONS } }, a.staff.QUALITY_MANAGER.token),
  ).createSurvey;
  questions = survey.questions;
  ok(await server.staff(ACTIVATE, { id: survey.id }, a.staff.QUALITY_MANAGER.token));
});
afterAll(async () => {
  await server?.close();
});

describe('the follow-up of a survey response', () => {
  it("the quality manager opens a CORRECTION owned by the complaint's department, on the timeline; once per response", async () => {
    const { c, responseId } = await answered();
    const action = ok(await open(a.staff.QUALITY_MANAGER.token, responseId)).openSurveyFollowUp;
    expect(action).toMatchObject({
      kind: 'CORRECTION',
      description: 'Call the customer back about their answers',
      doneAt: null,
      ownerDepartment: { id: a.dept },
      complaint: { id: c.id },
    });
    expect(action.dueDate > new Date().toISOString().slice(0, 10)).toBe(true);

    // A second click, by anyone allowed, finds the same follow-up and writes nothing.
    const again = await fx.expectNoWrites(() => open(a.staff.HEAD.token, responseId, 'Something else'));
    expect(ok(again).openSurveyFollowUp).toMatchObject({ id: action.id, description: 'Call the customer back about their answers' });

    const after = await fx.get(a.staff.QUALITY_MANAGER.token, c.id);
    expect(after.correctiveActions.filter((x) => x.id === action.id)).toHaveLength(1);
    const entries = after.timeline.filter((e) => e.type === 'CORRECTIVE_ACTION_ADDED' && e.data.surveyResponseId === responseId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { id: a.staff.QUALITY_MANAGER.id },
      data: { correctiveActionId: action.id, kind: 'CORRECTION' },
    });

    const [response] = ok(await server.staff(RESPONSES, { id: c.id }, a.staff.OPERATOR.token)).complaintSurveyResponses;
    expect(response).toMatchObject({ id: responseId, followUp: { id: action.id, kind: 'CORRECTION' } });
    expect(response.answers.map((x: { question: { textEn: string } }) => x.question.textEn)).toEqual(QUESTIONS.map((q) => q.textEn));
  });

  it('two requests at the same moment open one follow-up', async () => {
    const { c, responseId } = await answered();
    const [one, two] = await Promise.all([open(a.staff.QUALITY_MANAGER.token, responseId), open(a.staff.HEAD.token, responseId)]);
    expect(ok(one).openSurveyFollowUp.id).toBe(ok(two).openSurveyFollowUp.id);
    const count = await fx.asTenant(a.t.tenantId, (m) =>
      m.query('SELECT count(*)::int AS n FROM corrective_actions WHERE complaint_id = $1 AND survey_response_id = $2', [c.id, responseId]),
    );
    expect(count[0].n).toBe(1);
  });

  it("the department's head opens it; the other roles and a head of another department are refused and nothing is written", async () => {
    const { responseId } = await answered();
    const otherHead = await fx.staff(a.t, [Role.HEAD], [a.otherDept]);
    for (const token of [a.staff.OPERATOR.token, a.staff.SPECIALIST.token, a.staff.ADMIN.token, otherHead.token]) {
      expectError(await fx.expectNoWrites(() => open(token, responseId)), 'FORBIDDEN');
    }
    expect(ok(await open(a.staff.HEAD.token, responseId)).openSurveyFollowUp.kind).toBe('CORRECTION');
  });

  it("another company's quality manager cannot reach the response; bad input changes nothing", async () => {
    const { c, responseId } = await answered();
    expectError(await fx.expectNoWrites(() => open(b.staff.QUALITY_MANAGER.token, responseId)), 'NOT_FOUND');
    expectError(await fx.expectNoWrites(() => open(a.staff.QUALITY_MANAGER.token, responseId, '  ')), 'BAD_USER_INPUT');
    expectError(await fx.expectNoWrites(() => open(a.staff.QUALITY_MANAGER.token, 'not-an-id')), 'BAD_USER_INPUT');
    const [response] = ok(await server.staff(RESPONSES, { id: c.id }, a.staff.QUALITY_MANAGER.token)).complaintSurveyResponses;
    expect(response.followUp).toBeNull();
  });
});
