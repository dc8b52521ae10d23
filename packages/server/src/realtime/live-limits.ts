import { AppError } from '../graphql/errors.js';

/**
 * The budgets of live delivery (docs/security.md, "Live delivery"). Every
 * cap is a whole number; 0 turns that cap off.
 */
export interface LiveLimits {
  socketsPerAddress: number;
  socketsPerUser: number;
  socketsPerTenant: number;
  subscriptionsPerSocket: number;
  subscriptionsPerUser: number;
  subscriptionsPerAddress: number;
  subscriptionsPerTenant: number;
  /** Distinct groups (one execution per event each) of one company on one node. */
  groupsPerTenant: number;
  /** Distinct groups that the subscriptions of one client address belong to. */
  groupsPerAddress: number;
  /** Executions waiting for a delivery slot, per company. */
  pendingExecutionsPerTenant: number;
  /** Executions one company may start per second on one node; beyond, they wait in its queue. */
  executionsPerSecondPerTenant: number;
  /** Bytes written to sockets and not yet taken by the peer. */
  unsentBytesPerSocket: number;
  unsentBytesPerAddress: number;
  unsentBytesTotal: number;
  /**
   * Bytes written per second to the sockets of one client address (portal)
   * or user (staff). Unsent bytes are counted only once they pile up in the
   * node; before that, each socket's kernel buffer takes megabytes that a
   * peer which stops reading never takes, so a budget of writes is what
   * bounds them.
   */
  sentBytesPerSecondPerAddress: number;
  /** A socket with unsent bytes that takes none of them for this long is closed. */
  stallMs: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  socketsPerAddress: 20,
  socketsPerUser: 20,
  socketsPerTenant: 500,
  subscriptionsPerSocket: 50,
  subscriptionsPerUser: 200,
  subscriptionsPerAddress: 200,
  subscriptionsPerTenant: 2000,
  groupsPerTenant: 200,
  groupsPerAddress: 50,
  pendingExecutionsPerTenant: 1000,
  executionsPerSecondPerTenant: 50,
  unsentBytesPerSocket: 1024 * 1024,
  unsentBytesPerAddress: 4 * 1024 * 1024,
  unsentBytesTotal: 64 * 1024 * 1024,
  sentBytesPerSecondPerAddress: 2 * 1024 * 1024,
  stallMs: 15_000,
};

/** WebSocket close codes of live delivery, besides graphql-ws's own (4400, 4401, 4403 for a refused token…). */
export const CloseCode = {
  /** The token expired, or the user's credentials changed (password, roles, departments, deactivation). */
  SessionEnded: 4403,
  /** The peer takes its data too slowly: unsent bytes over a budget, writes over the per-second budget of its address, or none taken for WS_STALL_MS. */
  TooSlow: 4408,
  /** Too many sockets from this address, of this user or of this company. */
  TooManySockets: 4429,
} as const;

export const tooMany = (what: string, cap: number, whose: string) =>
  new AppError('RATE_LIMITED', `at most ${cap} ${what} ${whose}; close some first`, { reason: 'LIVE_LIMIT' });
