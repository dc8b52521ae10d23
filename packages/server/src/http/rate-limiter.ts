/**
 * Token buckets per key (a staff user, a client address, a company), in
 * this node's memory: each key may spend `limit` requests in a burst and
 * regains them at `limit` per window (a minute unless said). With several
 * nodes behind a load balancer the effective limit is per node. `limit = 0`
 * disables it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private sweeps = 0;

  constructor(private readonly limit: number, private readonly now: () => number = Date.now, private readonly windowMs = 60_000) {}

  /** True when `key` may make one more request now. */
  take(key: string): boolean {
    if (this.limit <= 0) return true;
    const now = this.now();
    const rate = this.limit / this.windowMs;
    const bucket = this.refilled(key, now);
    if (++this.sweeps % 10_000 === 0) this.sweep(now, rate);
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return true;
  }

  /** True when `key` has a request left, without spending it. */
  allows(key: string): boolean {
    return this.limit <= 0 || this.refilled(key, this.now()).tokens >= 1;
  }

  private refilled(key: string, now: number): { tokens: number; at: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.limit, at: now };
    bucket.tokens = Math.min(this.limit, bucket.tokens + (now - bucket.at) * (this.limit / this.windowMs));
    bucket.at = now;
    return bucket;
  }

  /** Forgets buckets that have refilled, so idle keys do not accumulate. */
  private sweep(now: number, rate: number) {
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) * rate >= this.limit) this.buckets.delete(key);
  }
}

const HOUR_MS = 3600_000;

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

  constructor(limits: { submissionsPerHour: number; submissionsPerHourPerTenant: number; uploadsPerHour: number }, now: () => number = Date.now) {
    this.submissionsByAddress = new RateLimiter(limits.submissionsPerHour, now, HOUR_MS);
    this.submissionsByTenant = new RateLimiter(limits.submissionsPerHourPerTenant, now, HOUR_MS);
    this.uploadsByAddress = new RateLimiter(limits.uploadsPerHour, now, HOUR_MS);
    this.uploadsByTenant = new RateLimiter(limits.submissionsPerHourPerTenant * 5, now, HOUR_MS);
  }

  submission(address: string, tenantId: string): boolean {
    return this.submissionsByAddress.take(address) && this.submissionsByTenant.take(tenantId);
  }

  upload(address: string, tenantId: string): boolean {
    return this.uploadsByAddress.take(address) && this.uploadsByTenant.take(tenantId);
  }
}
