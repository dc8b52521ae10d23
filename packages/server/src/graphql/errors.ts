import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { log } from '../ops/log.js';

/** Every `extensions.code` the server sends (packages/client/src/errors.ts holds the same list; test/contracts/error-reasons.test.ts keeps them equal). */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Every `extensions.reason` the server sends, each with the one code it
 * comes under. The clients hold a text in Russian and in English for each
 * (packages/client/src/error-text.ts; test/error-reasons.test.ts keeps the
 * two lists equal), so that a person reads the reason in their language
 * rather than the server's English message.
 */
export const ERROR_REASONS = {
  // The lifecycle and the forms.
  TRANSITION_NOT_ALLOWED: 'BAD_USER_INPUT',
  STAGE_REQUIREMENTS: 'BAD_USER_INPUT',
  WEAK_PASSWORD: 'BAD_USER_INPUT',
  SLUG_RESERVED: 'BAD_USER_INPUT',
  INVISIBLE_CHARACTERS: 'BAD_USER_INPUT',
  TARGET_TOO_SHORT: 'BAD_USER_INPUT',
  DEFAULT_POLICY: 'BAD_USER_INPUT',
  IN_USE: 'BAD_USER_INPUT',
  REFERENCE: 'BAD_USER_INPUT',
  ASSIGNEE_UNAVAILABLE: 'BAD_USER_INPUT',
  AUTOMATED: 'BAD_USER_INPUT',
  // Corrective actions: effectiveness is checked once, after completion; a failed one is followed up.
  ACTION_NOT_DONE: 'BAD_USER_INPUT',
  FOLLOW_UP_REQUIRED: 'BAD_USER_INPUT',
  DEPARTMENT_ARCHIVED: 'BAD_USER_INPUT',
  CODE_ARCHIVED: 'BAD_USER_INPUT',
  OPEN_COMPLAINTS: 'BAD_USER_INPUT',
  SELF_LINK: 'BAD_USER_INPUT',
  VIEW_LIMIT: 'BAD_USER_INPUT',
  ENDPOINT_LIMIT: 'BAD_USER_INPUT',
  // Files.
  FILE_TOO_LARGE: 'BAD_USER_INPUT',
  UNSUPPORTED_TYPE: 'BAD_USER_INPUT',
  EMPTY_FILE: 'BAD_USER_INPUT',
  // Requests that are malformed or over the query limits.
  QUERY_LIMIT: 'BAD_USER_INPUT',
  GRAPHQL_PARSE_FAILED: 'BAD_USER_INPUT',
  GRAPHQL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_FOUND: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_SUPPORTED: 'BAD_USER_INPUT',
  OPERATION_RESOLUTION_FAILURE: 'BAD_USER_INPUT',
  // Someone or something else got there first.
  DUPLICATE: 'CONFLICT',
  RETRY: 'CONFLICT',
  IDEMPOTENCY_KEY_REUSED: 'CONFLICT',
  ALREADY_CHECKED: 'CONFLICT',
  ALREADY_LINKED: 'CONFLICT',
  // Satisfaction surveys (docs/surveys.md): a link that is wrong, expired or already answered; no survey to enter answers to.
  SURVEY_ANSWERED: 'CONFLICT',
  SURVEY_LINK_INVALID: 'NOT_FOUND',
  SURVEY_LINK_EXPIRED: 'NOT_FOUND',
  NO_SURVEY: 'BAD_USER_INPUT',
  // Integrations (docs/integrations.md).
  SCOPE_MISSING: 'FORBIDDEN',
  ADDRESS_NOT_ALLOWED: 'FORBIDDEN',
  KEY_EXPIRED: 'UNAUTHENTICATED',
  KEY_REVOKED: 'UNAUTHENTICATED',
  UNSAFE_URL: 'BAD_USER_INPUT',
  // The company's own mailbox (docs/email.md): why it cannot be read.
  MAILBOX_UNREACHABLE: 'BAD_USER_INPUT',
  MAILBOX_ADDRESS_NOT_ALLOWED: 'BAD_USER_INPUT',
  MAILBOX_TLS: 'BAD_USER_INPUT',
  MAILBOX_LOGIN_FAILED: 'BAD_USER_INPUT',
  MAILBOX_FOLDER_MISSING: 'BAD_USER_INPUT',
  // Shared resources (docs/security.md).
  CONCURRENT_UPLOADS: 'RATE_LIMITED',
  PENDING_UPLOADS: 'RATE_LIMITED',
  CONCURRENT_EXPORTS: 'RATE_LIMITED',
  QUERY_TIMEOUT: 'RATE_LIMITED',
  LOCK_TIMEOUT: 'RATE_LIMITED',
  LIVE_QUEUE_FULL: 'RATE_LIMITED',
  LIVE_LIMIT: 'RATE_LIMITED',
  BUSY: 'RATE_LIMITED',
  // Accounts by mail (docs/security.md, "One-time account links").
  LINK_INVALID: 'BAD_USER_INPUT',
  LINK_EXPIRED: 'BAD_USER_INPUT',
  LINK_USED: 'BAD_USER_INPUT',
  LINK_REVOKED: 'BAD_USER_INPUT',
  ADDRESS_UNCONFIRMED: 'FORBIDDEN',
  NOT_INVITED: 'BAD_USER_INPUT',
  INVITATION_LIMIT: 'RATE_LIMITED',
} as const satisfies Record<string, ErrorCode>;

export type ErrorReason = keyof typeof ERROR_REASONS;

/** What a field of the input got wrong: `messages` (validation) or a `reason` of its own. */
export interface FieldProblem {
  field: string;
  messages?: string[];
  /** The names of the validation rules it broke (`maxLength`, `isEmail`, …). */
  constraints?: string[];
  reason?: string;
}

export interface ErrorDetails {
  reason?: ErrorReason;
  fields?: FieldProblem[];
  [detail: string]: unknown;
}

/** A reason's extensions: the code comes from the reason. */
export const reasoned = (reason: ErrorReason) => ({ code: ERROR_REASONS[reason], reason });

/** An expected failure: its code and message reach the client as they are. */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: ErrorDetails,
  ) {
    if (details?.reason && ERROR_REASONS[details.reason] !== code) {
      throw new Error(`reason ${details.reason} comes under ${ERROR_REASONS[details.reason]}, not ${code}`);
    }
    super(message, { extensions: { code, ...details } });
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
/** A value that must be unique in the company (a slug, an e-mail, a name) is taken: CONFLICT, reason DUPLICATE, on the field too. */
export const taken = (field: string, message: string) =>
  new AppError('CONFLICT', message, { reason: 'DUPLICATE', fields: [{ field, messages: ['is taken'], reason: 'DUPLICATE' }] });

/**
 * Runs a write that a unique index guards (also between concurrent writes):
 * a unique violation becomes `taken(field, message)` instead of a generic error.
 */
export async function unlessTaken<T>(field: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const e = error as { driverError?: { code?: string }; code?: string };
    if ((e.driverError?.code ?? e.code) === '23505') throw taken(field, message);
    throw error;
  }
}
export const badInput = (message: string, details?: ErrorDetails) => new AppError('BAD_USER_INPUT', message, details);
/** Over a limit; `retryAfterMs` becomes `extensions.retryAfterSeconds` (at least 1). */
export const rateLimited = (retryAfterMs = 1000) =>
  new AppError('RATE_LIMITED', 'too many requests; slow down and retry shortly', {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });

const PASS_THROUGH = new Set<string>(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED']);
/** Codes that graphql-js and Apollo give to malformed requests: the caller's input is wrong. */
const INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** An unexpected error goes to the log once, with the request's id, company and operation (its scope). */
const unexpected = (err: unknown) => log.error({ err }, 'unexpected error');

/**
 * Maps every error to one of the contract's codes. Unexpected errors become
 * INTERNAL_SERVER_ERROR with a generic message; their detail goes to the log only.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  report: (e: unknown) => void = unexpected,
): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? '');
  if (code === 'BAD_USER_INPUT' && Array.isArray(formatted.extensions?.validationErrors)) return validationSummary(formatted);
  if (PASS_THROUGH.has(code)) return withoutStack(formatted);
  if (INPUT_CODES.has(code) || isRequestError(error)) {
    // A rule's own reason (e.g. QUERY_LIMIT from the limits rule) is more precise than graphql-js's code.
    const reason =
      typeof formatted.extensions?.reason === 'string' ? formatted.extensions.reason : INPUT_CODES.has(code) ? code : 'BAD_REQUEST';
    return { ...withoutStack(formatted), extensions: { code: 'BAD_USER_INPUT', reason } };
  }
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const pgCode =
    (original as { driverError?: { code?: string }; code?: string } | undefined)?.driverError?.code ??
    (original as { code?: string } | undefined)?.code;
  if (pgCode?.startsWith('22')) {
    // Class 22, data exception (invalid text representation, too long, bad date/time, out of range, a NUL
    // or invalid byte...): input that slipped past validation, not a fault of the server.
    return { message: 'invalid input value', path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
  }
  if (pgCode === '40001' || pgCode === '40P01') {
    return { message: 'a concurrent change got in the way; retry', path: formatted.path, extensions: reasoned('RETRY') };
  }
  // The unit of work's statement_timeout and lock_timeout (docs/security.md): the transaction is rolled back.
  if (pgCode === '57014') {
    return {
      message: 'the request took longer than the service allows; ask for fewer rows or retry later',
      path: formatted.path,
      extensions: reasoned('QUERY_TIMEOUT'),
    };
  }
  if (pgCode === '55P03') {
    return {
      message: 'a record is being changed by someone else; retry shortly',
      path: formatted.path,
      extensions: reasoned('LOCK_TIMEOUT'),
    };
  }
  if (pgCode === '23505')
    return { message: 'a record with this value already exists', path: formatted.path, extensions: reasoned('DUPLICATE') };
  if (pgCode === '23503')
    return {
      message: 'the record is referenced elsewhere or references one that does not exist',
      path: formatted.path,
      extensions: reasoned('REFERENCE'),
    };
  report(original);
  return { message: 'internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * Any error as a GraphQLError carrying the same code and message a client
 * would get over HTTP (formatError): for errors that graphql-ws serialises.
 */
export function codedError(err: unknown): GraphQLError {
  const error =
    err instanceof GraphQLError ? err : new GraphQLError((err as Error)?.message ?? String(err), { originalError: err as Error });
  const f = formatError(error.toJSON(), error);
  return new GraphQLError(f.message, { path: f.path, extensions: f.extensions });
}

/**
 * An error Apollo raised about the request itself, before running it (a
 * persisted query's hash that does not match its text, a malformed body):
 * it carries a 4xx HTTP status but no code of its own.
 */
function isRequestError(error: unknown): boolean {
  const status = (error instanceof GraphQLError ? (error.extensions?.http as { status?: number } | undefined)?.status : undefined) ?? 0;
  return status >= 400 && status < 500;
}

function withoutStack(f: GraphQLFormattedError): GraphQLFormattedError {
  if (!f.extensions || !('stacktrace' in f.extensions)) return f;
  const { stacktrace: _ignored, ...extensions } = f.extensions;
  return { ...f, extensions };
}

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/**
 * class-validator's nested errors as `fields: [{ field: 'customer.email',
 * messages, constraints }]`, without echoing the values: `constraints` are
 * the rules' names (`maxLength`, `isEmail`, `plainText`, …), which the
 * clients put in the reader's language; `messages` are the server's English.
 */
function validationSummary(f: GraphQLFormattedError): GraphQLFormattedError {
  const fields: Array<{ field: string; messages: string[]; constraints: string[] }> = [];
  const walk = (errors: ValidationErrorLike[], prefix: string) => {
    for (const e of errors) {
      const field = prefix + e.property;
      if (e.constraints) fields.push({ field, messages: Object.values(e.constraints), constraints: Object.keys(e.constraints) });
      if (e.children?.length) walk(e.children, `${field}.`);
    }
  };
  walk(f.extensions!.validationErrors as ValidationErrorLike[], '');
  const message = fields.map((x) => x.messages.join(', ')).join('; ') || 'invalid input';
  return { message, path: f.path, locations: f.locations, extensions: { code: 'BAD_USER_INPUT', fields } };
}
