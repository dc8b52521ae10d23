import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimiter, RateLimitStore } from '../../http/rate-limiter.js';

export interface ResetLimits {
  /** Reset requests per account (company and e-mail) per hour, whether it exists or not; 0 turns it off. */
  perAccountPerHour: number;
  /** Reset requests per client address per hour; 0 turns it off. */
  perAddressPerHour: number;
  /** Every answer takes at least this long, so that an address with an account and one without answer alike. */
  minAnswerMs: number;
}

export const RESET_DEFAULTS: ResetLimits = { perAccountPerHour: 3, perAddressPerHour: 20, minAnswerMs: 400 };

/**
 * Invitation mails (new ones and ones sent again) a company may send per hour (INVITATIONS_PER_HOUR): enough to
 * bring a team of fifty in within the hour, too few for an admin's account to be used to mail strangers at scale.
 */
export const INVITATIONS_PER_HOUR = 50;

/**
 * "Forgot password?" requests, counted with the limits' store (Redis with
 * REDIS_URL: every node counts together) before any look-up, per address
 * and per account, whether the account exists or not: a refusal says
 * nothing about it either.
 */
export class PasswordResetLimits {
  private readonly byAccount: RateLimiter;
  private readonly byAddress: RateLimiter;

  constructor(
    store: RateLimitStore,
    readonly limits: ResetLimits,
  ) {
    this.byAccount = store.limiter('reset-account', limits.perAccountPerHour, 3600);
    this.byAddress = store.limiter('reset-address', limits.perAddressPerHour, 3600);
  }

  /** Counts one request; RATE_LIMITED (with the seconds to wait) over either limit. */
  async take(address: string, account: string): Promise<void> {
    await this.byAddress.take(address);
    await this.byAccount.take(account);
  }

  /** Runs `work` and answers no sooner than `minAnswerMs` after the start. */
  async padded<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const left = this.limits.minAnswerMs - (performance.now() - started);
      if (left > 0) await sleep(left);
    }
  }
}
