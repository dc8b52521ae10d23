import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { transitionComplaint } from '../../src/modules/complaint/complaint.service.js';
import { QuestionType, SurveyParameter } from '../../src/modules/survey/survey.entity.js';
import { createSurvey, listSurveys, publishSurveyVersion, setAfterResolution } from '../../src/modules/survey/survey.service.js';
import {
  answerInvitation,
  complaintSurveyResponses,
  enterPhoneResponse,
  inviteAfterResolution,
  readInvitation,
} from '../../src/modules/survey/survey.responses.js';
import { ok } from '../harness.js';
import { expectError, stageFields } from '../fixtures.js';
import { startServiceTier, type ComplaintRow, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * Surveys in the services: the invitation is written with the FEEDBACK
 * transition (and rolled back with it), a company's surveys, invitations
 * and answers stay its own, and answers to two versions are counted by
 * parameter.
 */
let tier: ServiceTier;
let w: ServiceWorld;
let other: ServiceWorld;
let surveyId = '';
const q = (type: QuestionType, parameter: SurveyParameter, textEn: string) => ({
  type,
  parameter,
  textRu: `${textEn} (ru)`,
  textEn,
  required: true,
  multiple: false,
});

beforeAll(async () => {
  tier = await startServiceTier();
  [w, other] = await Promise.all([tier.build.world(), tier.build.world()]);
  const survey = await tier.as(w.staff.QUALITY_MANAGER, 'createSurvey', (ctx) =>
    createSurvey(ctx, {
      nameRu: 'Опрос',
      nameEn: 'Survey',
      answerDays: 7,
      questions: [q(QuestionType.CSAT, SurveyParameter.OVERALL, 'Satisfied?'), q(QuestionType.CSAT, SurveyParameter.STAFF, 'Staff?')],
    } as never),
  );
  surveyId = survey.id;
  await tier.as(w.staff.ADMIN, 'activateSurvey', (ctx) => setAfterResolution(ctx, surveyId, true));
});
afterAll(() => tier?.close());

const toFeedback = (c: ComplaintRow, extra: Record<string, unknown> = {}) =>
  tier.attempt(w.staff.HEAD, 'transitionComplaint', (ctx) =>
    transitionComplaint(ctx, {
      id: c.id,
      expectedVersion: c.version,
      to: Stage.FEEDBACK,
      ...stageFields(w, c, Stage.FEEDBACK),
      ...extra,
    } as never),
  );
const invitations = (tenantId: string, complaintId: string) =>
  tier.build.inTenant(tenantId, (m) =>
    m.query('SELECT id, version_id, (expires_at - created_at)::text AS window FROM survey_invitations WHERE complaint_id = $1', [
      complaintId,
    ]),
  );
/** The one-time token in the FEEDBACK mail written for the complaint (not yet sent: no worker runs here). */
async function tokenOf(complaintId: string): Promise<string> {
  const [mail] = await tier.build.inTenant(w.t.tenantId, (m) =>
    m.query(`SELECT body_text, body_secret FROM outbound_mails WHERE complaint_id = $1 AND kind = 'FEEDBACK'`, [complaintId]),
  );
  expect(mail.body_secret).toBe(true);
  return /\/survey#(\S+)/.exec(mail.body_text)![1]!;
}

describe('the invitation after resolution', () => {
  it("is written with the FEEDBACK transition, expiring after the survey's answer window; a refused transition writes none", async () => {
    const c = await tier.build.newComplaint(w, Stage.IMPLEMENTATION);
    const stale = await tier.expectNoWrites(() => toFeedback({ ...c, version: c.version - 1 }));
    expectError(stale, 'CONFLICT');
    expect(await invitations(w.t.tenantId, c.id)).toEqual([]);
    ok(await toFeedback(c));
    const [invitation] = await invitations(w.t.tenantId, c.id);
    expect(invitation.window).toBe('7 days');
    const token = await tokenOf(c.id);
    const read = await tier.as(w.staff.OPERATOR, 'complaint', (ctx) => readInvitation(ctx, token, 'en'));
    expect(read.questions.map((x) => x.text)).toEqual(['Satisfied?', 'Staff?']);
  });

  it('another company reads nothing with the token and sees none of the surveys or responses', async () => {
    const c = await tier.build.newComplaint(w, Stage.IMPLEMENTATION);
    ok(await toFeedback(c));
    const token = await tokenOf(c.id);
    const elsewhere = await tier.attempt(other.staff.OPERATOR, 'complaint', (ctx) => readInvitation(ctx, token, null));
    expectError(elsewhere, 'NOT_FOUND', 'SURVEY_LINK_INVALID');
    expect(await tier.as(other.staff.QUALITY_MANAGER, 'surveys', listSurveys)).toEqual([]);
    expectError(
      await tier.attempt(other.staff.OPERATOR, 'complaintSurveyResponses', (ctx) => complaintSurveyResponses(ctx, c.id)),
      'NOT_FOUND',
    );
    const phone = await tier.expectNoWrites(() =>
      tier.attempt(other.staff.OPERATOR, 'enterPhoneSurveyResponse', (ctx) =>
        enterPhoneResponse(ctx, { complaintId: c.id, answers: [] } as never),
      ),
    );
    expectError(phone, 'NOT_FOUND');
    // A company without an active survey: its transition writes no invitation, and phone answers have nothing to go to.
    const theirs = await tier.build.newComplaint(other, Stage.FEEDBACK);
    expectError(
      await tier.attempt(other.staff.OPERATOR, 'enterPhoneSurveyResponse', (ctx) =>
        enterPhoneResponse(ctx, { complaintId: theirs.id, answers: [] } as never),
      ),
      'BAD_USER_INPUT',
      'NO_SURVEY',
    );
  });

  it('asked again (a reopened complaint back at FEEDBACK), the earlier unanswered link ends', async () => {
    const c = await tier.build.newComplaint(w, Stage.IMPLEMENTATION);
    ok(await toFeedback(c));
    const first = await tokenOf(c.id);
    const second = await tier.as(w.staff.HEAD, 'transitionComplaint', (ctx) => inviteAfterResolution(ctx, c.id));
    expectError(
      await tier.attempt(w.staff.OPERATOR, 'complaint', (ctx) => readInvitation(ctx, first, null)),
      'NOT_FOUND',
      'SURVEY_LINK_EXPIRED',
    );
    expect((await tier.as(w.staff.OPERATOR, 'complaint', (ctx) => readInvitation(ctx, second!, null))).complaintNumber).toBe(c.number);
  });
});

describe('versions', () => {
  it('answers to v1 and v2 are counted by parameter, each response keeping its version', async () => {
    const before = await csatByParameter();
    const v1Complaint = await tier.build.newComplaint(w, Stage.IMPLEMENTATION);
    ok(await toFeedback(v1Complaint));
    const v1Token = await tokenOf(v1Complaint.id);
    await tier.as(w.staff.QUALITY_MANAGER, 'publishSurveyVersion', (ctx) =>
      publishSurveyVersion(ctx, {
        surveyId,
        questions: [
          q(QuestionType.CSAT, SurveyParameter.STAFF, 'How were you served?'),
          q(QuestionType.NPS, SurveyParameter.OVERALL, 'Recommend us?'),
          q(QuestionType.CSAT, SurveyParameter.OVERALL, 'Overall?'),
        ],
      } as never),
    );
    const v2Complaint = await tier.build.newComplaint(w, Stage.IMPLEMENTATION);
    ok(await toFeedback(v2Complaint));
    const v2Token = await tokenOf(v2Complaint.id);

    const v1 = await tier.as(w.staff.OPERATOR, 'complaint', (ctx) => readInvitation(ctx, v1Token, 'en'));
    const v2 = await tier.as(w.staff.OPERATOR, 'complaint', (ctx) => readInvitation(ctx, v2Token, 'en'));
    await tier.as(w.staff.OPERATOR, 'complaint', (ctx) =>
      answerInvitation(ctx, v1Token, [
        { questionId: v1.questions[0]!.id, score: 5 },
        { questionId: v1.questions[1]!.id, score: 3 },
      ]),
    );
    // v2 by phone, through the complaint's invitation.
    await tier.as(w.staff.SPECIALIST, 'enterPhoneSurveyResponse', (ctx) =>
      enterPhoneResponse(ctx, {
        complaintId: v2Complaint.id,
        answers: [
          { questionId: v2.questions[0]!.id, score: 1 },
          { questionId: v2.questions[1]!.id, score: 9 },
          { questionId: v2.questions[2]!.id, score: 4 },
        ],
      } as never),
    );

    expect(await csatByParameter()).toEqual({
      OVERALL: { n: (before.OVERALL?.n ?? 0) + 2, sum: (before.OVERALL?.sum ?? 0) + 9 },
      STAFF: { n: (before.STAFF?.n ?? 0) + 2, sum: (before.STAFF?.sum ?? 0) + 4 },
    });
    const versions = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        `SELECT r.complaint_id, v.number, r.channel FROM survey_responses r JOIN survey_versions v ON v.id = r.version_id WHERE r.complaint_id = ANY($1)`,
        [[v1Complaint.id, v2Complaint.id]],
      ),
    );
    expect(versions).toEqual(
      expect.arrayContaining([
        { complaint_id: v1Complaint.id, number: 1, channel: 'MAIL_LINK' },
        { complaint_id: v2Complaint.id, number: 2, channel: 'PHONE' },
      ]),
    );
    // v1's questions are kept as they were, beside v2's.
    const kept = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        'SELECT v.number, count(q.id)::int AS questions FROM survey_versions v JOIN survey_questions q ON q.version_id = v.id WHERE v.survey_id = $1 GROUP BY v.number ORDER BY v.number',
        [surveyId],
      ),
    );
    expect(kept).toEqual([
      { number: 1, questions: 2 },
      { number: 2, questions: 3 },
    ]);
  });
});

/** CSAT answers of the company by parameter, counted straight from the table. */
async function csatByParameter(): Promise<Record<string, { n: number; sum: number }>> {
  const rows = await tier.build.inTenant(w.t.tenantId, (m) =>
    m.query(`SELECT parameter, count(*)::int AS n, sum(score)::int AS sum FROM survey_answers WHERE type = 'CSAT' GROUP BY parameter`),
  );
  return Object.fromEntries(rows.map((r: { parameter: string; n: number; sum: number }) => [r.parameter, { n: r.n, sum: r.sum }]));
}

describe('answers entered at the same moment', () => {
  it('are stored once for a complaint without an invitation: the second waits for the first and is refused as answered', async () => {
    const c = await tier.build.newComplaint(w, Stage.FEEDBACK);
    const questions: Array<{ id: string }> = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        `SELECT q.id FROM survey_questions q JOIN survey_versions v ON v.id = q.version_id JOIN surveys s ON s.id = v.survey_id
        WHERE s.id = $1 AND v.number = s.current_version`,
        [surveyId],
      ),
    );
    const input = { complaintId: c.id, answers: questions.map((x) => ({ questionId: x.id, score: 4 })) } as never;
    let stored!: () => void;
    let commit!: () => void;
    const firstStored = new Promise<void>((resolve) => (stored = resolve));
    const firstMayCommit = new Promise<void>((resolve) => (commit = resolve));
    // The first entry stores its answers and holds its transaction open; the second comes meanwhile, by another member.
    const first = tier.as(w.staff.SPECIALIST, 'enterPhoneSurveyResponse', async (ctx) => {
      const response = await enterPhoneResponse(ctx, input);
      stored();
      await firstMayCommit;
      return response;
    });
    await firstStored;
    const second = tier.attempt(w.staff.OPERATOR, 'enterPhoneSurveyResponse', (ctx) => enterPhoneResponse(ctx, input));
    await new Promise((resolve) => setTimeout(resolve, 300));
    commit();
    await first;
    expectError(await second, 'CONFLICT', 'SURVEY_ANSWERED');
    const responses = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query('SELECT channel FROM survey_responses WHERE complaint_id = $1', [c.id]),
    );
    expect(responses).toEqual([{ channel: 'PHONE' }]);
  });

  // PostgreSQL only: a second transaction needs a second connection (PGlite has one).
  it.runIf(Boolean(process.env.DATABASE_URL))(
    'wait for a re-resolution that holds the complaint, rather than deadlocking with it',
    async () => {
      const c = await tier.build.newComplaint(w, Stage.IMPLEMENTATION);
      ok(await toFeedback(c));
      const token = await tokenOf(c.id);
      const read = await tier.as(w.staff.OPERATOR, 'complaint', (ctx) => readInvitation(ctx, token, 'en'));
      // As a FEEDBACK transition does: the complaint first, then the earlier invitations.
      const transition = tier.dataSource.createQueryRunner();
      await transition.connect();
      try {
        await transition.startTransaction();
        await transition.query('UPDATE complaints SET updated_at = now() WHERE id = $1', [c.id]);
        const answered = tier.as(w.staff.OPERATOR, 'complaint', (ctx) =>
          answerInvitation(
            ctx,
            token,
            read.questions.map((x) => ({ questionId: x.id, score: 4 })),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        // Before: the answer held the invitation and waited for the complaint, and this waited for the answer (a deadlock).
        await transition.query('UPDATE survey_invitations SET expires_at = expires_at WHERE complaint_id = $1', [c.id]);
        await transition.commitTransaction();
        expect((await answered).answeredAt).toBeInstanceOf(Date);
      } finally {
        if (transition.isTransactionActive) await transition.rollbackTransaction();
        await transition.release();
      }
    },
  );

  // PostgreSQL only, as above.
  it.runIf(Boolean(process.env.DATABASE_URL))(
    'hold the complaint only against other answers and changes: rows referring to it are written meanwhile',
    async () => {
      const c = await tier.build.newComplaint(w, Stage.FEEDBACK);
      const questions: Array<{ id: string }> = await tier.build.inTenant(w.t.tenantId, (m) =>
        m.query(
          `SELECT q.id FROM survey_questions q JOIN survey_versions v ON v.id = q.version_id JOIN surveys s ON s.id = v.survey_id
        WHERE s.id = $1 AND v.number = s.current_version`,
          [surveyId],
        ),
      );
      let stored!: () => void;
      let commit!: () => void;
      const firstStored = new Promise<void>((resolve) => (stored = resolve));
      const mayCommit = new Promise<void>((resolve) => (commit = resolve));
      const entry = tier.as(w.staff.SPECIALIST, 'enterPhoneSurveyResponse', async (ctx) => {
        const response = await enterPhoneResponse(ctx, {
          complaintId: c.id,
          answers: questions.map((x) => ({ questionId: x.id, score: 4 })),
        } as never);
        stored();
        await mayCommit;
        return response;
      });
      await firstStored;
      // What a foreign key takes to insert a row referring to the complaint (a note, a timeline entry): not held up.
      const other = tier.dataSource.createQueryRunner();
      await other.connect();
      try {
        await other.startTransaction();
        await other.query(`SET LOCAL lock_timeout = '500ms'`);
        expect(await other.query('SELECT 1 AS held FROM complaints WHERE id = $1 FOR KEY SHARE', [c.id])).toEqual([{ held: 1 }]);
        await other.commitTransaction();
      } finally {
        if (other.isTransactionActive) await other.rollbackTransaction();
        await other.release();
        commit();
        await entry;
      }
    },
  );
});
