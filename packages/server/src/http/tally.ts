/**
 * Counting what is held at once per key (sockets, subscriptions, uploads by
 * address, user or company), for the caps of live delivery and uploads.
 */

/** Whether `count` more would pass `cap` (0: no cap). */
export const over = (cap: number, count: number) => cap > 0 && count >= cap;

/** Counts of something per key (address, user, company), forgetting keys that reach zero. */
export class Tally {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** The keys counted (above zero). */
  keys(): IterableIterator<string> {
    return this.counts.keys();
  }

  /** Keys counted (above zero). */
  get size(): number {
    return this.counts.size;
  }

  add(key: string, n = 1): void {
    const next = this.get(key) + n;
    if (next > 0) this.counts.set(key, next);
    else this.counts.delete(key);
  }
}
