import { QuestionType, SCALES, SurveyParameter, type ChoiceOption, type SurveyQuestion } from './survey.entity.js';
import type { FieldProblem } from '../../graphql/errors.js';

/**
 * The rules of answers, as plain functions (no database): which answers a
 * version accepts, what makes a detractor, which score stands for the
 * complaint's `satisfaction`.
 */

export interface GivenAnswer {
  questionId: string;
  score?: number | null;
  optionCodes?: string[] | null;
  text?: string | null;
}

export interface CheckedAnswer {
  question: SurveyQuestion;
  score: number | null;
  optionCodes: string[] | null;
  text: string | null;
}

/** The answers as stored, or the problems with them by field (`answers.<i>`); unanswered optional questions are left out. */
export function checkAnswers(
  questions: readonly SurveyQuestion[],
  given: readonly GivenAnswer[],
): { answers: CheckedAnswer[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const answers: CheckedAnswer[] = [];
  const byId = new Map(questions.map((q) => [q.id, q]));
  const seen = new Set<string>();
  /** Answered wrongly: told once, under the answer, not again as missing. */
  const refused = new Set<string>();
  for (const [i, a] of given.entries()) {
    const field = `answers.${i}`;
    const q = byId.get(a.questionId.toLowerCase());
    const problem = !q ? 'is not a question of this survey' : seen.has(q.id) ? 'answers a question already answered' : answerProblem(q, a);
    if (q) seen.add(q.id);
    if (problem) {
      problems.push({ field, messages: [problem] });
      if (q) refused.add(q.id);
      continue;
    }
    const answer = normalised(q!, a);
    if (answer) answers.push(answer);
  }
  for (const q of questions) {
    if (q.required && !refused.has(q.id) && !answers.some((a) => a.question.id === q.id)) {
      problems.push({ field: `answers`, messages: [`question ${q.position} is required`] });
    }
  }
  return { answers, problems };
}

function answerProblem(q: SurveyQuestion, a: GivenAnswer): string | null {
  const scale = SCALES[q.type];
  if (scale) {
    if (a.optionCodes?.length || a.text) return `takes a score from ${scale.min} to ${scale.max} only`;
    if (a.score === null || a.score === undefined) return null;
    return a.score >= scale.min && a.score <= scale.max ? null : `score must be ${scale.min} to ${scale.max}`;
  }
  if (q.type === QuestionType.CHOICE) {
    if ((a.score !== null && a.score !== undefined) || a.text) return 'takes chosen options only';
    const codes = (a.optionCodes ?? []).map((c) => c.toUpperCase());
    if (codes.some((c) => !q.options.some((o) => o.code === c))) return 'names an option the question does not have';
    if (new Set(codes).size !== codes.length) return 'names an option twice';
    return !q.multiple && codes.length > 1 ? 'takes one option' : null;
  }
  return (a.score !== null && a.score !== undefined) || a.optionCodes?.length ? 'takes text only' : null;
}

/** The answer as stored, or null for an empty one (a question left unanswered). */
function normalised(q: SurveyQuestion, a: GivenAnswer): CheckedAnswer | null {
  const score = SCALES[q.type] ? (a.score ?? null) : null;
  const optionCodes = q.type === QuestionType.CHOICE && a.optionCodes?.length ? a.optionCodes.map((c) => c.toUpperCase()) : null;
  const text = q.type === QuestionType.TEXT ? a.text?.trim() || null : null;
  return score === null && !optionCodes && !text ? null : { question: q, score, optionCodes, text };
}

/** NPS 6 or less, CSAT 2 or less, or an option marked alerting: why these answers are a detractor's (empty: they are not). */
export function detractorReasons(answers: readonly CheckedAnswer[]): string[] {
  const reasons: string[] = [];
  for (const a of answers) {
    const { type } = a.question;
    if (type === QuestionType.NPS && a.score !== null && a.score <= 6) reasons.push(`NPS ${a.score}`);
    if (type === QuestionType.CSAT && a.score !== null && a.score <= 2) reasons.push(`CSAT ${a.score}`);
    const alerting = (a.optionCodes ?? []).filter((c) => a.question.options.find((o: ChoiceOption) => o.code === c)?.alerting);
    for (const code of alerting) reasons.push(`OPTION ${code}`);
  }
  return reasons;
}

/**
 * The complaint's `satisfaction` (1-5, as the single rating gave it): the
 * CSAT answer on OVERALL, else the first CSAT answered; null without one.
 */
export function satisfactionOf(answers: readonly CheckedAnswer[]): number | null {
  const csat = answers
    .filter((a) => a.question.type === QuestionType.CSAT && a.score !== null)
    .sort((x, y) => x.question.position - y.question.position);
  return (csat.find((a) => a.question.parameter === SurveyParameter.OVERALL) ?? csat[0])?.score ?? null;
}
