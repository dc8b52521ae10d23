/**
 * Token buckets per key (a company, a client address): each refills at
 * `rate` a second and holds at most one second's worth. Pacing what one key
 * may do on this node (executions started, bytes written to sockets); idle
 * keys are forgotten once there are many.
 */
export class RateBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes up to `want` whole units now and returns how many it took (0 when the bucket holds less than one). */
  takeUpTo(key: string, want: number): number {
    const bucket = this.refilled(key);
    const n = Math.min(want, Math.floor(bucket.tokens));
    bucket.tokens -= n;
    return n;
  }

  /**
   * Takes `amount` if the bucket holds it, all or nothing. An amount larger
   * than a whole second's worth goes from a full bucket (which it empties
   * past zero, so that what follows waits accordingly).
   */
  take(key: string, amount: number): boolean {
    const bucket = this.refilled(key);
    if (bucket.tokens < amount && bucket.tokens < this.rate) return false;
    bucket.tokens -= amount;
    return true;
  }

  private refilled(key: string): { tokens: number; at: number } {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.forgetFull(now);
      this.buckets.set(key, (bucket = { tokens: this.rate, at: now }));
    }
    bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.at) * this.rate) / 1000);
    bucket.at = now;
    return bucket;
  }

  /** Forgets the buckets that have refilled: a key that comes back starts full, as it would be. */
  private forgetFull(now: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) * this.rate) / 1000 >= this.rate) this.buckets.delete(key);
  }
}
