import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { transitionComplaint } from '../../src/modules/complaint/complaint.service.js';
import { QuestionType, SurveyParameter } from '../../src/modules/survey/survey.entity.js';
import { createSurvey, publishSurveyVersion, setAfterResolution } from '../../src/modules/survey/survey.service.js';
import { answerInvitation, enterPhoneResponse, readInvitation } from '../../src/modules/survey/survey.responses.js';
import { surveyResponseRates, surveyScores } from '../../src/modules/analysis/survey-figures.js';
import { SurveyBreakdown, type AnalysisFilterInput } from '../../src/modules/analysis/analysis.types.js';
import { ok } from '../harness.js';
import { expectError, stageFields } from '../fixtures.js';
import type { Member } from '../builders.js';
import { startServiceTier, type ComplaintRow, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * Survey figures of Analysis: response rates and scores by parameter across
 * two survey versions, checked against arithmetic on the answers given here
 * and counts taken straight from the tables; a HEAD's departments only; the
 * other company's answers never count.
 */
let tier: ServiceTier;
let w: ServiceWorld;
let other: ServiceWorld;
let secondCategory = '';
const q = (type: QuestionType, parameter: SurveyParameter, textEn: string) => ({
  type,
  parameter,
  textRu: `${textEn} (ru)`,
  textEn,
  required: true,
  multiple: false,
});
const f: AnalysisFilterInput = { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 3600_000) };

/** Every scored answer given in this file to company w, as the test gave it. */
interface Given {
  department: string;
  category: string;
  parameter: SurveyParameter;
  type: QuestionType;
  score: number;
}
const given: Given[] = [];

async function newSurvey(world: ServiceWorld, questions: ReturnType<typeof q>[]) {
  const survey = await tier.as(world.staff.QUALITY_MANAGER, 'createSurvey', (ctx) =>
    createSurvey(ctx, { nameRu: 'Опрос', nameEn: 'Survey', answerDays: 7, questions } as never),
  );
  await tier.as(world.staff.ADMIN, 'activateSurvey', (ctx) => setAfterResolution(ctx, survey.id, true));
  return survey.id;
}
const toFeedback = (world: ServiceWorld, c: ComplaintRow) =>
  tier.attempt(world.staff.HEAD, 'transitionComplaint', (ctx) =>
    transitionComplaint(ctx, {
      id: c.id,
      expectedVersion: c.version,
      to: Stage.FEEDBACK,
      ...stageFields(world, c, Stage.FEEDBACK),
    } as never),
  );
async function tokenOf(world: ServiceWorld, complaintId: string): Promise<string> {
  const [mail] = await tier.build.inTenant(world.t.tenantId, (m) =>
    m.query(`SELECT body_text FROM outbound_mails WHERE complaint_id = $1 AND kind = 'FEEDBACK'`, [complaintId]),
  );
  return /\/survey#(\S+)/.exec(mail.body_text)![1]!;
}
/** A complaint brought to FEEDBACK (its invitation written); answered through its link with `scores` in question order, unless none. */
async function invited(world: ServiceWorld, scores: number[] | null, record = true): Promise<void> {
  const c = await tier.build.newComplaint(world, Stage.IMPLEMENTATION);
  ok(await toFeedback(world, c));
  if (!scores) return;
  const token = await tokenOf(world, c.id);
  const survey = await tier.as(world.staff.OPERATOR, 'complaint', (ctx) => readInvitation(ctx, token, 'en'));
  await tier.as(world.staff.OPERATOR, 'complaint', (ctx) =>
    answerInvitation(
      ctx,
      token,
      survey.questions.map((x, i) => ({ questionId: x.id, score: scores[i]! })),
    ),
  );
  if (record)
    survey.questions.forEach((x, i) =>
      given.push({ department: world.dept, category: world.cat, parameter: x.parameter, type: x.type, score: scores[i]! }),
    );
}

beforeAll(async () => {
  tier = await startServiceTier();
  [w, other] = await Promise.all([tier.build.world(), tier.build.world()]);
  secondCategory = await tier.build.newCategory(w.t.tenantId);
  const surveyId = await newSurvey(w, [
    q(QuestionType.CSAT, SurveyParameter.OVERALL, 'Satisfied?'),
    q(QuestionType.NPS, SurveyParameter.OVERALL, 'Recommend?'),
    q(QuestionType.CES, SurveyParameter.SUPPORT_LINE, 'Easy?'),
  ]);
  // Version 1: three invitations, two answered.
  await invited(w, [5, 10, 6]);
  await invited(w, [2, 6, 3]);
  await invited(w, null);
  // Version 2: other questions in another order; OVERALL CSAT and NPS compare with v1's by parameter.
  await tier.as(w.staff.QUALITY_MANAGER, 'publishSurveyVersion', (ctx) =>
    publishSurveyVersion(ctx, {
      surveyId,
      questions: [
        q(QuestionType.NPS, SurveyParameter.OVERALL, 'Recommend us?'),
        q(QuestionType.CSAT, SurveyParameter.OVERALL, 'Overall?'),
        q(QuestionType.CSAT, SurveyParameter.STAFF, 'Staff?'),
      ],
    } as never),
  );
  await invited(w, [8, 4, 3]);
  // By phone, without an invitation: a complaint of the other department and another category.
  const phoned = await tier.build.newComplaint(w, Stage.FEEDBACK, { departmentId: w.otherDept });
  await tier.build.inTenant(w.t.tenantId, (m) =>
    m.query('UPDATE complaints SET category_id = $1 WHERE id = $2', [secondCategory, phoned.id]),
  );
  const response = await tier.as(w.staff.QUALITY_MANAGER, 'enterPhoneSurveyResponse', async (ctx) => {
    const questions = await ctx.query<{ id: string; type: QuestionType; parameter: SurveyParameter }>(
      `SELECT q.id, q.type, q.parameter FROM survey_questions q JOIN surveys s ON s.id = $1 JOIN survey_versions v ON v.survey_id = s.id AND v.number = s.current_version
        WHERE q.version_id = v.id ORDER BY q.position`,
      [surveyId],
    );
    const scores = [9, 5, 1];
    questions.forEach((x, i) =>
      given.push({ department: w.otherDept, category: secondCategory, parameter: x.parameter, type: x.type, score: scores[i]! }),
    );
    return enterPhoneResponse(ctx, {
      complaintId: phoned.id,
      answers: questions.map((x, i) => ({ questionId: x.id, score: scores[i]! })),
    } as never);
  });
  expect(response.channel).toBe('PHONE');
  // The other company: its own survey, answered very badly; none of it may reach w's figures.
  await newSurvey(other, [
    q(QuestionType.CSAT, SurveyParameter.OVERALL, 'Satisfied?'),
    q(QuestionType.NPS, SurveyParameter.OVERALL, 'Recommend?'),
  ]);
  await invited(other, [1, 0], false);
  await invited(other, null, false);
});
afterAll(() => tier?.close());

/** What the scores must be, by arithmetic on the answers given (grouped by `keyOf`). */
function expectedScores(answers: Given[], keyOf: (g: Given) => string | null) {
  const groups = new Map<string, Given[]>();
  for (const g of answers) {
    const k = `${keyOf(g)}|${g.parameter}|${g.type}`;
    groups.set(k, [...(groups.get(k) ?? []), g]);
  }
  return [...groups.entries()].map(([k, list]) => {
    const n = list.length;
    const scores = list.map((g) => g.score);
    const count = (p: (s: number) => boolean) => scores.filter(p).length;
    const type = list[0]!.type;
    return {
      key: keyOf(list[0]!),
      parameter: list[0]!.parameter,
      type,
      answers: n,
      average: Math.round((scores.reduce((a, b) => a + b, 0) / n) * 100) / 100,
      satisfiedShare: type === QuestionType.CSAT ? count((s) => s >= 4) / n : null,
      promoterShare: type === QuestionType.NPS ? count((s) => s >= 9) / n : null,
      passiveShare: type === QuestionType.NPS ? count((s) => s === 7 || s === 8) / n : null,
      detractorShare: type === QuestionType.NPS ? count((s) => s <= 6) / n : null,
      nps: type === QuestionType.NPS ? Math.round((((count((s) => s >= 9) - count((s) => s <= 6)) * 100) / n) * 100) / 100 : null,
      lowSample: n < 30,
      k,
    };
  });
}
const strip = (rows: Array<Record<string, unknown>>) => rows.map(({ period: _p, label: _l, ...r }) => r);
const sortKey = (r: { key: string | null; parameter: string; type: string }) => `${r.key}|${r.parameter}|${r.type}`;
const sorted = <T extends { key: string | null; parameter: string; type: string }>(rows: T[]) =>
  [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
const scores = (u: Member, by: SurveyBreakdown, filter: AnalysisFilterInput = f) =>
  tier.as(u, 'surveyScores', (ctx) => surveyScores(ctx, filter, by));
const rates = (u: Member, by: SurveyBreakdown, filter: AnalysisFilterInput = f) =>
  tier.as(u, 'surveyResponseRates', (ctx) => surveyResponseRates(ctx, filter, by));

describe('survey scores', () => {
  it('for the company: each parameter and type across both versions, as the answers given add up', async () => {
    const rows = await scores(w.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY);
    expect(sorted(strip(rows as never) as never)).toEqual(sorted(expectedScores(given, () => null).map(({ k: _k, ...r }) => r)));
    // OVERALL CSAT: v1's first question, v2's second and the phone answer's, alike.
    const overall = rows.find((r) => r.parameter === SurveyParameter.OVERALL && r.type === QuestionType.CSAT)!;
    expect(overall).toMatchObject({ answers: 4, average: 4, satisfiedShare: 0.75, lowSample: true, period: null, key: null });
    const nps = rows.find((r) => r.type === QuestionType.NPS)!;
    expect(nps).toMatchObject({ answers: 4, promoterShare: 0.5, passiveShare: 0.25, detractorShare: 0.25, nps: 25 });
  });

  it('equal counts taken straight from the answers table', async () => {
    const straight = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        `SELECT parameter, type, count(*)::int AS n, avg(score)::float8 AS average FROM survey_answers WHERE type IN ('CSAT', 'NPS', 'CES') GROUP BY 1, 2`,
      ),
    );
    const rows = await scores(w.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY);
    expect(
      rows
        .map((r) => ({ parameter: r.parameter, type: r.type, n: r.answers, average: r.average }))
        .sort((a, b) => sortKey(a as never).localeCompare(sortKey(b as never))),
    ).toEqual(
      straight
        .map((r: any) => ({ ...r, average: Math.round(r.average * 100) / 100 }))
        .sort((a: any, b: any) => sortKey(a).localeCompare(sortKey(b))),
    );
  });

  it('by department and by category, with their names', async () => {
    const byDept = await scores(w.staff.QUALITY_MANAGER, SurveyBreakdown.DEPARTMENT);
    expect(sorted(strip(byDept as never) as never)).toEqual(sorted(expectedScores(given, (g) => g.department).map(({ k: _k, ...r }) => r)));
    expect(new Set(byDept.map((r) => r.label)).size).toBe(2);
    const byCategory = await scores(w.staff.QUALITY_MANAGER, SurveyBreakdown.CATEGORY);
    expect(sorted(strip(byCategory as never) as never)).toEqual(
      sorted(expectedScores(given, (g) => g.category).map(({ k: _k, ...r }) => r)),
    );
    // Filtered to one category, only its answers.
    const filtered = await scores(w.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY, { ...f, categoryId: secondCategory });
    expect(sorted(strip(filtered as never) as never)).toEqual(
      sorted(
        expectedScores(
          given.filter((g) => g.category === secondCategory),
          () => null,
        ).map(({ k: _k, ...r }) => r),
      ),
    );
  });

  it('by month: one period, the same figures', async () => {
    const rows = await scores(w.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY, { ...f, grouping: 'MONTH' as never });
    expect(new Set(rows.map((r) => r.period?.getTime())).size).toBeLessThanOrEqual(2);
    expect(rows.every((r) => r.period instanceof Date)).toBe(true);
    expect(
      rows.filter((r) => r.parameter === SurveyParameter.OVERALL && r.type === QuestionType.CSAT).reduce((n, r) => n + r.answers, 0),
    ).toBe(4);
  });

  it('a HEAD sees their departments only, and may not name another', async () => {
    const rows = await scores(w.staff.HEAD, SurveyBreakdown.DEPARTMENT);
    expect(sorted(strip(rows as never) as never)).toEqual(
      sorted(
        expectedScores(
          given.filter((g) => g.department === w.dept),
          (g) => g.department,
        ).map(({ k: _k, ...r }) => r),
      ),
    );
    const company = await scores(w.staff.HEAD, SurveyBreakdown.COMPANY);
    expect(company.find((r) => r.parameter === SurveyParameter.STAFF)).toMatchObject({ answers: 1, average: 3 });
    expectError(
      await tier.attempt(w.staff.HEAD, 'surveyScores', (ctx) =>
        surveyScores(ctx, { ...f, departmentId: w.otherDept }, SurveyBreakdown.COMPANY),
      ),
      'FORBIDDEN',
    );
    expectError(
      await tier.attempt(w.staff.HEAD, 'surveyResponseRates', (ctx) =>
        surveyResponseRates(ctx, { ...f, departmentId: w.otherDept }, SurveyBreakdown.COMPANY),
      ),
      'FORBIDDEN',
    );
  });

  it('the other company sees only its own answers', async () => {
    const rows = await scores(other.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY);
    expect(rows.map((r) => [r.parameter, r.type, r.answers, r.average])).toEqual([
      [SurveyParameter.OVERALL, QuestionType.CSAT, 1, 1],
      [SurveyParameter.OVERALL, QuestionType.NPS, 1, 0],
    ]);
    expect(await rates(other.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY)).toEqual([
      { period: null, key: null, label: null, invited: 2, answered: 1, responses: 1, responseRate: 0.5, lowSample: true },
    ]);
  });
});

describe('survey response rates', () => {
  it('invitations written, answered and responses received, as counted straight from the tables', async () => {
    const [straight] = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        `SELECT (SELECT count(*)::int FROM survey_invitations) AS invited, (SELECT count(*)::int FROM survey_invitations WHERE answered_at IS NOT NULL) AS answered,
              (SELECT count(*)::int FROM survey_responses) AS responses`,
      ),
    );
    expect(straight).toEqual({ invited: 4, answered: 3, responses: 4 });
    expect(await rates(w.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY)).toEqual([
      { period: null, key: null, label: null, ...straight, responseRate: 0.75, lowSample: true },
    ]);
    const byDept = await rates(w.staff.QUALITY_MANAGER, SurveyBreakdown.DEPARTMENT);
    expect(byDept.map((r) => [r.key, r.invited, r.answered, r.responses]).sort()).toEqual(
      [
        [w.dept, 4, 3, 3],
        [w.otherDept, 0, 0, 1],
      ].sort(),
    );
    const head = await rates(w.staff.HEAD, SurveyBreakdown.DEPARTMENT);
    expect(head.map((r) => [r.key, r.invited, r.answered, r.responses])).toEqual([[w.dept, 4, 3, 3]]);
  });

  it('a period before the answers has none', async () => {
    const earlier = { from: new Date(Date.now() - 86_400_000), to: f.from };
    expect(await rates(w.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY, earlier)).toEqual([]);
    expect(await scores(w.staff.QUALITY_MANAGER, SurveyBreakdown.COMPANY, earlier)).toEqual([]);
  });
});
