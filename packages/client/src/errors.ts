import { CombinedGraphQLErrors } from '@apollo/client/errors';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK';

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

const KNOWN = new Set<ErrorCode>(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR']);

export function describeError(error: unknown): RequestProblem {
  if (CombinedGraphQLErrors.is(error) && error.errors.length > 0) {
    const first = error.errors[0]!;
    const ext = (first.extensions ?? {}) as Record<string, unknown>;
    const raw = String(ext.code ?? 'INTERNAL_SERVER_ERROR') as ErrorCode;
    return {
      code: KNOWN.has(raw) ? raw : 'INTERNAL_SERVER_ERROR',
      message: first.message,
      reason: typeof ext.reason === 'string' ? ext.reason : undefined,
      fields: Array.isArray(ext.fields) ? (ext.fields as FieldProblem[]) : [],
      currentVersion: typeof ext.currentVersion === 'number' ? ext.currentVersion : undefined,
      retryAfterSeconds: typeof ext.retryAfterSeconds === 'number' ? ext.retryAfterSeconds : undefined,
      count: typeof ext.openComplaints === 'number' ? ext.openComplaints : undefined,
    };
  }
  return { code: 'NETWORK', message: error instanceof Error ? error.message : String(error), fields: [] };
}
