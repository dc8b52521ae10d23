import { errorText, isReason, type RequestProblem } from '@reclaim/client';
import type { MessageKey, PortalI18n } from './i18n/index.js';

/**
 * Why a visitor's send (a complaint, a reply, a rating, survey answers, a file) was not taken, in their
 * language when it is shown (a change of language changes it too): the server's reason when it gave one (the
 * service busy, a request that took too long, a file limit, a text with invisible characters), a rate limit as
 * such, and otherwise the page's own words (`fallback`: could not be sent, please try again).
 */
export function failureText(problem: RequestProblem, i18n: Pick<PortalI18n, 't' | 'locale'>, fallback: MessageKey): string {
  if (isReason(problem.reason)) return errorText(problem, i18n.locale.value);
  return i18n.t(problem.code === 'RATE_LIMITED' ? 'form.rateLimited' : fallback);
}

/** A form's notice above its button: one of the portal's own texts (files still uploading), or a failed send. */
export type Notice = MessageKey | RequestProblem;

export const noticeText = (notice: Notice, i18n: Pick<PortalI18n, 't' | 'locale'>, fallback: MessageKey): string =>
  typeof notice === 'string' ? i18n.t(notice) : failureText(notice, i18n, fallback);
