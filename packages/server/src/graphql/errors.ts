import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

/** An expected failure: its code and message reach the client as they are. */
export class AppError extends GraphQLError {
  constructor(readonly code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message, { extensions: { code, ...details } });
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const badInput = (message: string, details?: Record<string, unknown>) =>
  new AppError('BAD_USER_INPUT', message, details);
/** Over a limit; `retryAfterMs` becomes `extensions.retryAfterSeconds` (at least 1). */
export const rateLimited = (retryAfterMs = 1000) => new AppError('RATE_LIMITED', 'too many requests; slow down and retry shortly',
  { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });

const PASS_THROUGH = new Set<string>(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED']);
/** Codes that graphql-js and Apollo give to malformed requests: the caller's input is wrong. */
const INPUT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Maps every error to one of the contract's codes. Unexpected errors become
 * INTERNAL_SERVER_ERROR with a generic message; their detail goes to the log only.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: (e: unknown) => void = console.error): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? '');
  if (code === 'BAD_USER_INPUT' && Array.isArray(formatted.extensions?.validationErrors)) return validationSummary(formatted);
  if (PASS_THROUGH.has(code)) return withoutStack(formatted);
  if (INPUT_CODES.has(code) || isRequestError(error)) {
    // A rule's own reason (e.g. QUERY_LIMIT from the limits rule) is more precise than graphql-js's code.
    const reason = typeof formatted.extensions?.reason === 'string' ? formatted.extensions.reason : INPUT_CODES.has(code) ? code : 'BAD_REQUEST';
    return { ...withoutStack(formatted), extensions: { code: 'BAD_USER_INPUT', reason } };
  }
  const original = error instanceof GraphQLError ? error.originalError ?? error : error;
  const pgCode = (original as { driverError?: { code?: string }; code?: string } | undefined)?.driverError?.code
    ?? (original as { code?: string } | undefined)?.code;
  if (pgCode?.startsWith('22')) {
    // Class 22, data exception (invalid text representation, too long, bad date/time, out of range, a NUL
    // or invalid byte...): input that slipped past validation, not a fault of the server.
    return { message: 'invalid input value', path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
  }
  if (pgCode === '40001' || pgCode === '40P01') {
    return { message: 'a concurrent change got in the way; retry', path: formatted.path, extensions: { code: 'CONFLICT', reason: 'RETRY' } };
  }
  // The unit of work's statement_timeout and lock_timeout (docs/security.md): the transaction is rolled back.
  if (pgCode === '57014') {
    return { message: 'the request took longer than the service allows; ask for fewer rows or retry later', path: formatted.path, extensions: { code: 'RATE_LIMITED', reason: 'QUERY_TIMEOUT' } };
  }
  if (pgCode === '55P03') {
    return { message: 'a record is being changed by someone else; retry shortly', path: formatted.path, extensions: { code: 'RATE_LIMITED', reason: 'LOCK_TIMEOUT' } };
  }
  if (pgCode === '23505') return { message: 'a record with this value already exists', path: formatted.path, extensions: { code: 'BAD_USER_INPUT', reason: 'DUPLICATE' } };
  if (pgCode === '23503') return { message: 'the record is referenced elsewhere or references one that does not exist', path: formatted.path, extensions: { code: 'BAD_USER_INPUT', reason: 'REFERENCE' } };
  log(original);
  return { message: 'internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * Any error as a GraphQLError carrying the same code and message a client
 * would get over HTTP (formatError): for errors that graphql-ws serialises.
 */
export function codedError(err: unknown): GraphQLError {
  const error = err instanceof GraphQLError ? err : new GraphQLError((err as Error)?.message ?? String(err), { originalError: err as Error });
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

/** class-validator's nested errors as `fields: [{ field: 'customer.email', messages }]`, without echoing the values. */
function validationSummary(f: GraphQLFormattedError): GraphQLFormattedError {
  const fields: Array<{ field: string; messages: string[] }> = [];
  const walk = (errors: ValidationErrorLike[], prefix: string) => {
    for (const e of errors) {
      const field = prefix + e.property;
      if (e.constraints) fields.push({ field, messages: Object.values(e.constraints) });
      if (e.children?.length) walk(e.children, `${field}.`);
    }
  };
  walk(f.extensions!.validationErrors as ValidationErrorLike[], '');
  const message = fields.map((x) => x.messages.join(', ')).join('; ') || 'invalid input';
  return { message, path: f.path, locations: f.locations, extensions: { code: 'BAD_USER_INPUT', fields } };
}
