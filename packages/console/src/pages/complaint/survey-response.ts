import type { ComplaintSurveyResponsesQuery } from '@reclaim/client/staff';

export type SurveyResponseView = ComplaintSurveyResponsesQuery['complaintSurveyResponses'][number];
export type SurveyAnswerView = SurveyResponseView['answers'][number];
type Translate = (key: string, values?: Record<string, unknown>) => string;

/** The scales of the scored question types (docs/surveys.md). */
export const SCALES: Readonly<Record<string, { min: number; max: number }>> = {
  CSAT: { min: 1, max: 5 },
  NPS: { min: 0, max: 10 },
  CES: { min: 1, max: 7 },
};

/** The question's wording in the reader's language. */
export const questionText = (a: SurveyAnswerView, locale: string): string => (locale === 'en' ? a.question.textEn : a.question.textRu);

/** The answer in words: the score with its scale, the chosen options' labels in the reader's language, or the text. */
export function answerText(t: Translate, a: SurveyAnswerView, locale: string): string {
  const scale = SCALES[a.type];
  if (a.score !== null && a.score !== undefined && scale) return t('surveys.scoreOf', { score: a.score, type: a.type, ...scale });
  if (a.optionCodes?.length) {
    return a.optionCodes
      .map((code) => {
        const o = a.question.options.find((x) => x.code === code);
        return o ? (locale === 'en' ? o.labelEn : o.labelRu) : code;
      })
      .join(', ');
  }
  return a.text ?? '';
}

/** Why one answer makes its response a detractor's, as the server decides it: NPS 6 or less, CSAT 2 or less, an alerting option chosen. */
export function alertReason(a: SurveyAnswerView): string | null {
  if (a.type === 'NPS' && a.score !== null && a.score !== undefined && a.score <= 6) return `NPS ${a.score}`;
  if (a.type === 'CSAT' && a.score !== null && a.score !== undefined && a.score <= 2) return `CSAT ${a.score}`;
  const alerting = (a.optionCodes ?? []).find((code) => a.question.options.some((o) => o.code === code && o.alerting));
  return alerting ? `OPTION ${alerting}` : null;
}

/** How the answers came: the channel, and for PHONE who entered them. */
export function channelText(t: Translate, r: Pick<SurveyResponseView, 'channel' | 'enteredBy'>): string {
  return r.channel === 'PHONE' && r.enteredBy ? t('surveys.phoneBy', { name: r.enteredBy.name }) : t(`surveys.channel.${r.channel}`);
}
