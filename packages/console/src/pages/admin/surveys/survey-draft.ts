import type { SurveyParameter, SurveyQuestionInput, SurveyQuestionType, SurveyQuestionViewFragment } from '@reclaim/client/staff';

/** The builder's working copy of a survey's questions (docs/surveys.md). */
export interface OptionDraft {
  code: string;
  labelRu: string;
  labelEn: string;
  causeId: string | null;
  alerting: boolean;
}
export interface QuestionDraft {
  /** Stable across edits, for the list's keys and the inputs' ids. */
  key: number;
  type: SurveyQuestionType;
  parameter: SurveyParameter;
  textRu: string;
  textEn: string;
  required: boolean;
  multiple: boolean;
  options: OptionDraft[];
}

export const QUESTION_TYPES: readonly SurveyQuestionType[] = ['CSAT', 'NPS', 'CES', 'CHOICE', 'TEXT'];
export const PARAMETERS: readonly SurveyParameter[] = [
  'OVERALL',
  'PRODUCT_QUALITY',
  'STAFF',
  'DELIVERY',
  'SUPPORT_LINE',
  'RESOLUTION_SPEED',
  'COMMUNICATION',
];

let nextKey = 1;
const emptyOption = (): OptionDraft => ({ code: '', labelRu: '', labelEn: '', causeId: null, alerting: false });

export function newQuestion(type: SurveyQuestionType = 'CSAT'): QuestionDraft {
  return {
    key: nextKey++,
    type,
    parameter: 'OVERALL',
    textRu: '',
    textEn: '',
    required: type !== 'TEXT',
    multiple: false,
    options: type === 'CHOICE' ? [emptyOption(), emptyOption()] : [],
  };
}

/** A published version's questions as a draft to change (publishing it makes the next version). */
export function fromVersion(questions: readonly SurveyQuestionViewFragment[]): QuestionDraft[] {
  return [...questions]
    .sort((a, b) => a.position - b.position)
    .map((q) => ({
      key: nextKey++,
      type: q.type,
      parameter: q.parameter,
      textRu: q.textRu,
      textEn: q.textEn,
      required: q.required,
      multiple: q.multiple,
      options: q.options.map((o) => ({ ...o })),
    }));
}

/** A type change keeps the wording; a CHOICE gets two empty options to fill, other types lose theirs. */
export function withType(q: QuestionDraft, type: SurveyQuestionType): QuestionDraft {
  const options = type === 'CHOICE' ? (q.options.length ? q.options : [emptyOption(), emptyOption()]) : [];
  return { ...q, type, options, multiple: type === 'CHOICE' && q.multiple };
}

export const addOption = (q: QuestionDraft): QuestionDraft => ({ ...q, options: [...q.options, emptyOption()] });

/** Moves the question at `index` by `by` places (-1 up, 1 down); the same list when it cannot move. */
export function moved<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (to < 0 || to >= list.length) return [...list];
  const copy = [...list];
  [copy[index], copy[to]] = [copy[to]!, copy[index]!];
  return copy;
}

/** What the server takes: trimmed texts, codes in upper case, options only on a CHOICE. */
export function toInput(questions: readonly QuestionDraft[]): SurveyQuestionInput[] {
  return questions.map((q) => ({
    type: q.type,
    parameter: q.parameter,
    textRu: q.textRu.trim(),
    textEn: q.textEn.trim(),
    required: q.required,
    multiple: q.type === 'CHOICE' && q.multiple,
    ...(q.type === 'CHOICE' && {
      options: q.options.map((o) => ({
        code: o.code.trim().toUpperCase(),
        labelRu: o.labelRu.trim(),
        labelEn: o.labelEn.trim(),
        causeId: o.causeId,
        alerting: o.alerting,
      })),
    }),
  }));
}

/** What keeps the draft from being sent, as keys of the builder's texts (the server checks again). */
export function draftProblems(questions: readonly QuestionDraft[]): string[] {
  const problems = new Set<string>();
  if (!questions.length) problems.add('surveys.needQuestion');
  for (const q of questions) {
    if (!q.textRu.trim() || !q.textEn.trim()) problems.add('surveys.needWording');
    if (q.type === 'CHOICE') {
      if (q.options.length < 2) problems.add('surveys.needOptions');
      if (q.options.some((o) => !o.code.trim() || !o.labelRu.trim() || !o.labelEn.trim())) problems.add('surveys.needOptionTexts');
      const codes = q.options.map((o) => o.code.trim().toUpperCase());
      if (new Set(codes).size !== codes.length) problems.add('surveys.optionCodesUnique');
    }
  }
  return [...problems];
}
