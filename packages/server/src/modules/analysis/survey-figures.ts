/**
 * Survey figures of Analysis (docs/surveys.md, "Figures"): invitations and
 * their answers, and the scored answers by parameter. Answers carry their
 * question's parameter and type, so the figures add up answers to every
 * version (and survey) alike. Scoped as every analysis query by
 * `analysisScope` over the complaint the survey is about.
 */
import type { RequestContext } from '../../graphql/context.js';
import { QuestionType, SurveyParameter } from '../survey/survey.entity.js';
import { analysisScope } from './analysis.scope.js';
import {
  SURVEY_LOW_SAMPLE,
  SurveyBreakdown,
  type AnalysisFilterInput,
  type SurveyResponseRow,
  type SurveyScoreRow,
} from './analysis.types.js';

/** A breakdown's key over `complaints c`, and the join and name of its label (over `x`). */
const BREAKDOWNS: Record<SurveyBreakdown, { key: string; join: string; label: string }> = {
  [SurveyBreakdown.COMPANY]: { key: 'NULL::uuid', join: '', label: 'NULL::text' },
  [SurveyBreakdown.DEPARTMENT]: { key: 'c.department_id', join: 'LEFT JOIN departments x ON x.id = c.department_id', label: 'x.name' },
  [SurveyBreakdown.CATEGORY]: { key: 'c.category_id', join: 'LEFT JOIN categories x ON x.id = c.category_id', label: 'x.name' },
};
const SCORED = [QuestionType.CSAT, QuestionType.NPS, QuestionType.CES];
const PARAMETERS = Object.values(SurveyParameter);
const periodKey = (d: Date | null) => (d ? d.getTime() : 0);
const byLabel = (a: { label: string | null; key: string | null }, b: { label: string | null; key: string | null }) =>
  (a.label ?? '\uffff').localeCompare(b.label ?? '\uffff') || (a.key ?? '').localeCompare(b.key ?? '');

/**
 * Invitations written in the period and how many of them were answered (the
 * response rate), beside the responses received in the period by any channel.
 */
export async function surveyResponseRates(
  ctx: RequestContext,
  filter: AnalysisFilterInput,
  by: SurveyBreakdown,
): Promise<SurveyResponseRow[]> {
  const s = await analysisScope(ctx, filter);
  const b = BREAKDOWNS[by];
  const rows = await ctx.query<{
    period: Date | null;
    key: string | null;
    label: string | null;
    invited: number;
    answered: number;
    responses: number;
  }>(
    `SELECT f.period, f.key::text AS key, min(f.label) AS label, sum(f.invited)::int AS invited, sum(f.answered)::int AS answered,
            sum(f.responses)::int AS responses
       FROM (SELECT ${s.bucket('i.created_at')} AS period, ${b.key} AS key, ${b.label} AS label,
                    1 AS invited, CASE WHEN i.answered_at IS NULL THEN 0 ELSE 1 END AS answered, 0 AS responses
               FROM survey_invitations i JOIN complaints c ON c.id = i.complaint_id ${b.join}
              WHERE i.created_at >= ${s.from} AND i.created_at < ${s.to} AND ${s.where}
             UNION ALL
             SELECT ${s.bucket('r.created_at')}, ${b.key}, ${b.label}, 0, 0, 1
               FROM survey_responses r JOIN complaints c ON c.id = r.complaint_id ${b.join}
              WHERE r.created_at >= ${s.from} AND r.created_at < ${s.to} AND ${s.where}) f
      GROUP BY 1, 2`,
    s.params.values,
  );
  return rows
    .sort((x, y) => periodKey(x.period) - periodKey(y.period) || byLabel(x, y))
    .map((r) => ({
      ...r,
      responseRate: r.invited ? r.answered / r.invited : null,
      lowSample: r.invited < SURVEY_LOW_SAMPLE,
    }));
}

/**
 * Scored answers (CSAT, NPS, CES) of responses received in the period, by
 * parameter and type: the average, CSAT's share of 4–5, NPS with its
 * promoters (9–10), passives (7–8) and detractors (0–6).
 */
export async function surveyScores(ctx: RequestContext, filter: AnalysisFilterInput, by: SurveyBreakdown): Promise<SurveyScoreRow[]> {
  const s = await analysisScope(ctx, filter);
  const b = BREAKDOWNS[by];
  const rows = await ctx.query<{
    period: Date | null;
    key: string | null;
    label: string | null;
    parameter: SurveyParameter;
    type: QuestionType;
    answers: number;
    average: number;
    high: number;
    low: number;
  }>(
    `SELECT ${s.bucket('r.created_at')} AS period, ${b.key}::text AS key, min(${b.label}) AS label, a.parameter, a.type,
            count(*)::int AS answers, avg(a.score)::float8 AS average,
            count(*) FILTER (WHERE (a.type = 'CSAT' AND a.score >= 4) OR (a.type = 'NPS' AND a.score >= 9))::int AS high,
            count(*) FILTER (WHERE a.type = 'NPS' AND a.score <= 6)::int AS low
       FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id JOIN complaints c ON c.id = r.complaint_id ${b.join}
      WHERE r.created_at >= ${s.from} AND r.created_at < ${s.to} AND a.type = ANY(${s.params.add(SCORED)}::text[])
        AND a.score IS NOT NULL AND ${s.where}
      GROUP BY 1, 2, 4, 5`,
    s.params.values,
  );
  return rows
    .sort(
      (x, y) =>
        periodKey(x.period) - periodKey(y.period) ||
        byLabel(x, y) ||
        PARAMETERS.indexOf(x.parameter) - PARAMETERS.indexOf(y.parameter) ||
        SCORED.indexOf(x.type) - SCORED.indexOf(y.type),
    )
    .map((r) => {
      const nps = r.type === QuestionType.NPS;
      return {
        period: r.period,
        key: r.key,
        label: r.label,
        parameter: r.parameter,
        type: r.type,
        answers: r.answers,
        average: round(r.average),
        satisfiedShare: r.type === QuestionType.CSAT ? r.high / r.answers : null,
        promoterShare: nps ? r.high / r.answers : null,
        passiveShare: nps ? (r.answers - r.high - r.low) / r.answers : null,
        detractorShare: nps ? r.low / r.answers : null,
        nps: nps ? round(((r.high - r.low) * 100) / r.answers) : null,
        lowSample: r.answers < SURVEY_LOW_SAMPLE,
      };
    });
}

const round = (x: number) => Math.round(x * 100) / 100;
