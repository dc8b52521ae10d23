import { registerEnumType } from 'type-graphql';

/**
 * Why a webhook attempt failed, as a code the console words in the reader's
 * language; the technical detail (the system's own text, in English) is kept
 * beside it for whoever debugs the receiving end.
 */
export enum WebhookAttemptError {
  /** No complete answer within the attempt's time limit. */
  TIMEOUT = 'TIMEOUT',
  /** Nothing listens at the address and port. */
  CONNECTION_REFUSED = 'CONNECTION_REFUSED',
  /** The receiver closed the connection before answering. */
  CONNECTION_RESET = 'CONNECTION_RESET',
  /** No route to the host or its network. */
  UNREACHABLE = 'UNREACHABLE',
  /** The host name does not resolve. */
  DNS = 'DNS',
  /** The TLS handshake failed: an expired, self-signed or mismatched certificate, or no TLS at all. */
  TLS = 'TLS',
  /** The SSRF guard refused the address (docs/integrations.md#ssrf). */
  ADDRESS_NOT_ALLOWED = 'ADDRESS_NOT_ALLOWED',
  /** The receiver answered with a status other than 2xx (redirects included). */
  HTTP_STATUS = 'HTTP_STATUS',
  /** Anything else; the detail says what. */
  OTHER = 'OTHER',
}
registerEnumType(WebhookAttemptError, { name: 'WebhookAttemptError', description: 'Why a webhook attempt failed (docs/integrations.md)' });

/** The detail kept with an attempt's error, at most. */
export const ERROR_DETAIL_CHARS = 500;

const BY_CODE: Record<string, WebhookAttemptError> = {
  ETIMEDOUT: WebhookAttemptError.TIMEOUT,
  ESOCKETTIMEDOUT: WebhookAttemptError.TIMEOUT,
  ECONNREFUSED: WebhookAttemptError.CONNECTION_REFUSED,
  ECONNRESET: WebhookAttemptError.CONNECTION_RESET,
  EPIPE: WebhookAttemptError.CONNECTION_RESET,
  ECONNABORTED: WebhookAttemptError.CONNECTION_RESET,
  EHOSTUNREACH: WebhookAttemptError.UNREACHABLE,
  ENETUNREACH: WebhookAttemptError.UNREACHABLE,
  EHOSTDOWN: WebhookAttemptError.UNREACHABLE,
  ENOTFOUND: WebhookAttemptError.DNS,
  EAI_AGAIN: WebhookAttemptError.DNS,
  EAI_FAIL: WebhookAttemptError.DNS,
  ENODATA: WebhookAttemptError.DNS,
  EPROTO: WebhookAttemptError.TLS,
  EFORBIDDENADDRESS: WebhookAttemptError.ADDRESS_NOT_ALLOWED,
};

/** Node's codes of certificate and TLS failures (ERR_TLS_*, ERR_SSL_*, and OpenSSL's verification codes). */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** The code and detail of the error that stopped an attempt before an answer came. */
export function attemptError(err: Error & { code?: unknown }): { code: WebhookAttemptError; detail: string } {
  const code = typeof err.code === 'string' ? err.code : '';
  return {
    code: BY_CODE[code] ?? (TLS_CODE.test(code) ? WebhookAttemptError.TLS : WebhookAttemptError.OTHER),
    detail: err.message.slice(0, ERROR_DETAIL_CHARS),
  };
}
