import { OpenSurveyFollowUpDocument, type OpenSurveyFollowUpMutation } from '@reclaim/client/staff';
import type { ReclaimClient } from '@reclaim/client';
import { reasonLine } from './detractor-text.js';

type Translate = (key: string, values?: Record<string, unknown>) => string;
export type FollowUp = OpenSurveyFollowUpMutation['openSurveyFollowUp'];

/** What the follow-up asks for, in the words of the one opening it: get back to the customer, and why. */
export function followUpDescription(t: Translate, reasons: readonly string[]): string {
  return t('surveys.followUpDescription', { reasons: reasons.map((r) => reasonLine(t, r)).join(', ') });
}

/**
 * Opens the follow-up of a detractor's response (docs/surveys.md#follow-up).
 * The server opens one per response: a second click gets the same action.
 */
export async function openFollowUp(
  apollo: ReclaimClient['apollo'],
  t: Translate,
  responseId: string,
  reasons: readonly string[],
): Promise<FollowUp> {
  const { data } = await apollo.mutate({
    mutation: OpenSurveyFollowUpDocument,
    variables: { input: { responseId, description: followUpDescription(t, reasons) } },
  });
  return data!.openSurveyFollowUp;
}
