import { CombinedGraphQLErrors } from '@apollo/client/errors';

/**
 * The codes the server sends (its `ERROR_CODES`, in packages/server/src/graphql/errors.ts;
 * test/contracts/error-reasons.test.ts keeps the two lists equal).
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
] as const;

/** A server's code, or NETWORK: the request got no answer from the server. */
export type ErrorCode = (typeof ERROR_CODES)[number] | 'NETWORK';

export interface FieldProblem {
  field: string;
  /** Either `messages` and `constraints` (validation) or `reason` (stage requirements, invisible characters) is given by the server. */
  messages?: string[];
  /** The validation rules it broke, by name (`maxLength`, `isEmail`, …): put into words by `fieldText`. */
  constraints?: string[];
  reason?: string;
}

/** What the UI needs to know about a failed request. */
export interface RequestProblem {
  code: ErrorCode;
  message: string;
  /** One of the server's reasons (`REASON_TEXTS` has a text for each), when it gave one. */
  reason?: string;
  fields: FieldProblem[];
  /** For CONFLICT on a stale version. */
  currentVersion?: number;
  /** For RATE_LIMITED: how long to wait before trying again. */
  retryAfterSeconds?: number;
  /** How many records stand in the way (OPEN_COMPLAINTS: the department's open complaints). */
  count?: number;
}

const isServerCode = (code: string): code is (typeof ERROR_CODES)[number] => (ERROR_CODES as readonly string[]).includes(code);

/**
 * A problem from what the server gives beside its message (GraphQL's
 * `extensions`, or the `error` of the routes beside GraphQL): its code,
 * `fallback` where it gave none this client knows.
 */
function problemOf(details: Record<string, unknown>, message: string, fallback: ErrorCode): RequestProblem {
  const code = String(details.code ?? '');
  return {
    code: isServerCode(code) ? code : fallback,
    message,
    reason: typeof details.reason === 'string' ? details.reason : undefined,
    fields: Array.isArray(details.fields) ? (details.fields as FieldProblem[]) : [],
    currentVersion: typeof details.currentVersion === 'number' ? details.currentVersion : undefined,
    retryAfterSeconds: typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : undefined,
    count: typeof details.openComplaints === 'number' ? details.openComplaints : undefined,
  };
}

/** A request that got no answer (the server down, the connection cut). */
export const networkProblem = (error: unknown): RequestProblem => ({
  code: 'NETWORK',
  message: error instanceof Error ? error.message : String(error),
  fields: [],
});

/** A failed GraphQL request: its first error, or a network problem. */
export function describeError(error: unknown): RequestProblem {
  if (CombinedGraphQLErrors.is(error) && error.errors.length > 0) {
    const first = error.errors[0]!;
    return problemOf(first.extensions ?? {}, first.message, 'INTERNAL_SERVER_ERROR');
  }
  return networkProblem(error);
}

/** What a status says where the body does not (a proxy's own page, say). */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'BAD_USER_INPUT',
  415: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
};
/** The statuses the server gives these reasons (packages/server/src/http/http-util.ts), for a proxy that answers them alone. */
const REASON_BY_STATUS: Record<number, string> = { 413: 'FILE_TOO_LARGE', 415: 'UNSUPPORTED_TYPE' };

/**
 * A refusal by one of the routes beside GraphQL (uploads, exports): its
 * status and its body, `{ error: { code, message, reason?, fields?, retryAfterSeconds? } }`
 * (docs/api.md), or whatever a proxy on the way answered instead.
 */
export function routeProblem(status: number, body: unknown): RequestProblem {
  const error = (body as { error?: Record<string, unknown> } | null)?.error ?? {};
  const problem = problemOf(
    error,
    typeof error.message === 'string' ? error.message : `HTTP ${status}`,
    CODE_BY_STATUS[status] ?? 'INTERNAL_SERVER_ERROR',
  );
  return problem.reason || !REASON_BY_STATUS[status] ? problem : { ...problem, reason: REASON_BY_STATUS[status] };
}
