import type { PortalSurvey, SurveyAnswer } from '../../api.js';

type Question = PortalSurvey['questions'][number];

/** What the customer has marked so far, by question id. */
export type Draft = Record<string, { score: number | null; code: string | null; codes: string[]; text: string }>;

export function emptyAnswers(questions: readonly Question[]): Draft {
  return Object.fromEntries(questions.map((q) => [q.id, { score: null, code: null, codes: [], text: '' }]));
}

function given(q: Question, d: Draft[string]): SurveyAnswer | null {
  if (q.type === 'CHOICE') {
    const codes = q.multiple ? d.codes : d.code ? [d.code] : [];
    return codes.length ? { questionId: q.id, optionCodes: codes } : null;
  }
  if (q.type === 'TEXT') return d.text.trim() ? { questionId: q.id, text: d.text.trim() } : null;
  return d.score === null ? null : { questionId: q.id, score: d.score };
}

/** The answers to send: the questions answered, in order. */
export function toAnswers(questions: readonly Question[], draft: Draft): SurveyAnswer[] {
  return questions.flatMap((q) => {
    const a = given(q, draft[q.id]!);
    return a ? [a] : [];
  });
}

/** The ids of required questions still without an answer. */
export function missingQuestions(questions: readonly Question[], draft: Draft): string[] {
  return questions.filter((q) => q.required && !given(q, draft[q.id]!)).map((q) => q.id);
}
