import { rateLimited } from '../graphql/errors.js';
import type { RateLimiter, RateLimitStore } from '../http/rate-limiter.js';

export interface LoginLimits {
  /** Failed sign-ins of one account (company and e-mail) before each further try must wait; 0 turns it off. */
  failuresPerAccount: number;
  /** The first wait; each further failure doubles it, up to `maxLockoutSeconds`. */
  lockoutSeconds: number;
  maxLockoutSeconds: number;
  /** Failed sign-ins per client address per hour, whatever the account; 0 turns it off. */
  failuresPerAddressPerHour: number;
}

const DAY = 24 * 3600;

/**
 * Slows password guessing down, on every node at once when the counters
 * are in Redis. Per account: the first `failuresPerAccount` tries are
 * free; from then on each try opens a lockout before the next one
 * (lockoutSeconds, doubling with each further try, up to the maximum),
 * whichever address it comes from; a successful sign-in forgets them.
 * Per address: failures beyond the hourly budget are refused. A refused
 * try costs no password hash and is not counted.
 */
export class LoginThrottle {
  private readonly tries: RateLimiter;
  private readonly lockouts: RateLimiter;
  private readonly failuresByAddress: RateLimiter;

  constructor(
    store: RateLimitStore,
    private readonly limits: LoginLimits,
  ) {
    const perAccount = limits.failuresPerAccount > 0;
    // Tries of an account are counted for a day from the first one (never refused by this counter itself).
    this.tries = store.limiter('login-tries', perAccount ? Number.MAX_SAFE_INTEGER : 0, DAY);
    this.lockouts = store.limiter('login-lockout', perAccount ? 1 : 0, limits.maxLockoutSeconds);
    this.failuresByAddress = store.limiter('login-failures-address', limits.failuresPerAddressPerHour, 3600);
  }

  /**
   * Runs `verify` (the password check: what signing in gives, or null for
   * a failure) unless the account or the address must wait (RATE_LIMITED
   * with the seconds to wait), and counts its outcome.
   */
  async attempt<T>(address: string, account: string, verify: () => Promise<T | null>): Promise<T | null> {
    const byAddress = await this.failuresByAddress.peek(address);
    if (!byAddress.allowed) throw rateLimited(byAddress.retryAfterMs);
    const tried = (await this.tries.spend(account)).consumed;
    if (tried >= this.limits.failuresPerAccount && this.limits.failuresPerAccount > 0) {
      const lockout = Math.min(this.limits.maxLockoutSeconds, this.limits.lockoutSeconds * 2 ** (tried - this.limits.failuresPerAccount));
      // Atomic: of the tries that find no lockout only one opens it; the others wait for it.
      const opened = await this.lockouts.spend(account, 1, Math.max(1, Math.round(lockout)));
      if (!opened.allowed) {
        await this.tries.refund(account);
        throw rateLimited(opened.retryAfterMs);
      }
    }
    let result: T | null;
    try {
      result = await verify();
    } catch (err) {
      await this.tries.refund(account); // no password was checked (hashing refused)
      throw err;
    }
    if (result !== null) await Promise.all([this.tries.reset(account), this.lockouts.reset(account)]);
    else await this.failuresByAddress.spend(address);
    return result;
  }
}
