/**
 * Token buckets per key (a staff user, a client address), in this node's
 * memory: each key may spend `perMinute` requests in a burst and regains
 * them at perMinute/60 per second. With several nodes behind a load
 * balancer the effective limit is per node. `perMinute = 0` disables it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private sweeps = 0;

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** True when `key` may make one more request now. */
  take(key: string): boolean {
    if (this.perMinute <= 0) return true;
    const now = this.now();
    const rate = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    if (++this.sweeps % 10_000 === 0) this.sweep(now, rate);
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return true;
  }

  /** Forgets buckets that have refilled, so idle keys do not accumulate. */
  private sweep(now: number, rate: number) {
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) * rate >= this.perMinute) this.buckets.delete(key);
  }
}
