import { registerEnumType } from 'type-graphql';

/**
 * Why an outbound mail failed, as a code the console words in the reader's
 * language; the technical detail (the mail server's or the system's own
 * text, in English) is kept beside it for whoever looks into the delivery.
 */
export enum MailError {
  /** The receiving server refused the mail for good (an SMTP 5xx answer). */
  REFUSED = 'REFUSED',
  /** The server asked to try later (an SMTP 4xx answer). */
  DEFERRED = 'DEFERRED',
  /** No working connection to the mail server: refused, timed out, no such host, or TLS failed. */
  CONNECTION = 'CONNECTION',
  /** The mail server refused this service's sign-in (SMTP_URL's user name or password). */
  AUTH = 'AUTH',
  /** Sent, then reported undeliverable by a delivery report (a bounce). */
  BOUNCED = 'BOUNCED',
  /** Anything else. */
  OTHER = 'OTHER',
}
registerEnumType(MailError, { name: 'MailError', description: 'Why an outbound mail failed' });

/** The technical detail kept with a failure (a mail's, a mailbox's), at most. */
export const ERROR_DETAIL_CHARS = 500;

const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EPROXY',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
]);
const AUTH_CODES = new Set(['EAUTH', 'ENOAUTH']);

export interface MailFailure {
  code: MailError;
  /** The text the server or the system gave (English), at most ERROR_DETAIL_CHARS characters. */
  detail: string;
  /** Trying again will not help (the server said so with a 5xx). */
  permanent: boolean;
}

/** What an error thrown by nodemailer's sendMail says, as a code, its detail, and whether it is final. */
export function mailFailure(err: unknown): MailFailure {
  const e = err as Error & { responseCode?: number; code?: string };
  const detail = (e?.message || String(err)).slice(0, ERROR_DETAIL_CHARS);
  const status = typeof e?.responseCode === 'number' ? e.responseCode : 0;
  const permanent = status >= 500;
  if (AUTH_CODES.has(e?.code ?? '')) return { code: MailError.AUTH, detail, permanent };
  if (status >= 400) return { code: permanent ? MailError.REFUSED : MailError.DEFERRED, detail, permanent };
  return { code: CONNECTION_CODES.has(e?.code ?? '') ? MailError.CONNECTION : MailError.OTHER, detail, permanent };
}
