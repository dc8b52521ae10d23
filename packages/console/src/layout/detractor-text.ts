import type { SurveyDetractorAlertsSubscription } from '@reclaim/client/staff';

type Answer = SurveyDetractorAlertsSubscription['surveyDetractorAnswered']['response']['answers'][number];
type Translate = (key: string, values?: Record<string, unknown>) => string;

/** Why an answer alerts, in words: the server sends "NPS 3", "CSAT 1" or "OPTION RUDE". */
export function reasonLine(t: Translate, reason: string): string {
  const [kind, value] = reason.split(' ');
  return kind === 'OPTION' ? t('surveys.reasonOption', { code: value }) : `${kind} ${value ?? ''}`.trim();
}

/** One answer as a line: the parameter, then the score, the chosen codes or the text. */
export function answerLine(t: Translate, a: Answer): string {
  const value = a.score !== null ? `${a.type} ${a.score}` : a.optionCodes?.length ? a.optionCodes.join(', ') : `“${a.text ?? ''}”`;
  return `${t(`surveys.parameterName.${a.parameter}`)}: ${value}`;
}
