import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from '../graphql/errors.js';

/** What spending from a budget gave: whether it was allowed, how much the key has spent, and when its window ends. */
export interface Spent {
  allowed: boolean;
  consumed: number;
  retryAfterMs: number;
}

/**
 * Where the counters of every limit live: this node's memory, or Redis when
 * REDIS_URL is set, so that a limit holds across all nodes behind the load
 * balancer. While Redis cannot be reached each node falls back to a
 * memory counter of its own (rate-limiter-flexible's insurance limiter)
 * rather than failing or waiting.
 */
export class RateLimitStore {
  private redis?: Redis;

  constructor(private readonly options: { redisUrl?: string; prefix?: string } = {}) {}

  /** `points` per `durationSeconds` per key, counted in fixed windows from a key's first use; `points = 0` turns it off. */
  limiter(name: string, points: number, durationSeconds: number): RateLimiter {
    if (points <= 0) return RateLimiter.off;
    const memory = new RateLimiterMemory({ points, duration: durationSeconds });
    if (!this.options.redisUrl) return new RateLimiter(memory);
    return new RateLimiter(
      new RateLimiterRedis({
        storeClient: this.client(),
        keyPrefix: `${this.options.prefix ?? 'reclaim'}:${name}`,
        points,
        duration: durationSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      }),
    );
  }

  /** Waits (briefly) for Redis, so that the first requests are counted across nodes too. */
  async ready(timeoutMs = 2000): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      redis.on('ready', done);
    });
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }

  private client(): Redis {
    if (!this.redis) {
      // Without an offline queue a command fails at once while Redis is away, and the insurance limiter answers.
      this.redis = new Redis(this.options.redisUrl!, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectionName: 'reclaim-limits',
      });
      this.redis.on('error', () => undefined); // reconnects by itself; counted in memory meanwhile
    }
    return this.redis;
  }
}

/** One budget per key (a staff user, a client address, a company, an account). */
export class RateLimiter {
  /** A limit that is turned off: everything is allowed, nothing is counted. */
  static readonly off = new RateLimiter(null);

  constructor(private readonly counter: RateLimiterAbstract | null) {}

  /** Spends `points` of `key`'s budget; RATE_LIMITED, with the seconds to wait, when it is spent. */
  async take(key: string, points = 1): Promise<void> {
    const spent = await this.spend(key, points);
    if (!spent.allowed) throw rateLimited(spent.retryAfterMs);
  }

  /**
   * Spends like `take` and tells the outcome instead of throwing.
   * `durationSeconds` sets the window of a key that has none yet.
   */
  async spend(key: string, points = 1, durationSeconds?: number): Promise<Spent> {
    if (!this.counter) return { allowed: true, consumed: 0, retryAfterMs: 0 };
    try {
      return this.spent(await this.counter.consume(key, points, durationSeconds ? { customDuration: durationSeconds } : {}));
    } catch (res) {
      if (res instanceof RateLimiterRes) return this.spent(res);
      throw res;
    }
  }

  /** Where `key` stands, spending nothing: `allowed` when one more point is left. */
  async peek(key: string): Promise<Spent> {
    const res = await this.counter?.get(key);
    if (!res) return { allowed: true, consumed: 0, retryAfterMs: 0 };
    return { allowed: res.consumedPoints < this.counter!.points, consumed: res.consumedPoints, retryAfterMs: res.msBeforeNext };
  }

  /** Gives back points spent for something that did not happen after all. */
  async refund(key: string, points = 1): Promise<void> {
    await this.counter?.reward(key, points);
  }

  /** Forgets `key`'s spending. */
  async reset(key: string): Promise<void> {
    await this.counter?.delete(key);
  }

  private spent(res: RateLimiterRes): Spent {
    return {
      allowed: res.consumedPoints <= this.counter!.points,
      consumed: res.consumedPoints,
      retryAfterMs: Math.max(0, res.msBeforeNext),
    };
  }
}

const HOUR = 3600;

/**
 * The public portal's write limits, on top of the per-address request
 * limit: accepted submissions and uploads per client address and per
 * company, per hour. A bot that floods one company's form is stopped by
 * the company's limit even from many addresses.
 */
export class PortalLimits {
  private readonly submissionsByAddress: RateLimiter;
  private readonly submissionsByTenant: RateLimiter;
  private readonly uploadsByAddress: RateLimiter;
  private readonly uploadsByTenant: RateLimiter;

  constructor(store: RateLimitStore, limits: { submissionsPerHour: number; submissionsPerHourPerTenant: number; uploadsPerHour: number }) {
    this.submissionsByAddress = store.limiter('portal-submissions-address', limits.submissionsPerHour, HOUR);
    this.submissionsByTenant = store.limiter('portal-submissions-tenant', limits.submissionsPerHourPerTenant, HOUR);
    this.uploadsByAddress = store.limiter('portal-uploads-address', limits.uploadsPerHour, HOUR);
    this.uploadsByTenant = store.limiter('portal-uploads-tenant', limits.submissionsPerHourPerTenant * 5, HOUR);
  }

  /** Counts one accepted submission; RATE_LIMITED over either limit. */
  async submission(address: string, tenantId: string): Promise<void> {
    await this.submissionsByAddress.take(address);
    await this.submissionsByTenant.take(tenantId);
  }

  /** Counts one accepted upload; RATE_LIMITED over either limit. */
  async upload(address: string, tenantId: string): Promise<void> {
    await this.uploadsByAddress.take(address);
    await this.uploadsByTenant.take(tenantId);
  }
}
