import { AppError } from '../graphql/errors.js';

/** Who a unit of work runs for: a company (or a job of the service) and, when known, a user. */
export interface Holder {
  company: string;
  user?: string;
}

export interface ShareLimits {
  /** Connections units of work may hold at once: the pool's size. */
  size: number;
  /** At most this many held by one company at once. */
  perCompany: number;
  /** At most this many held by one user at once. */
  perUser: number;
  /** How long a unit of work waits for its turn before RATE_LIMITED (BUSY). */
  waitMs: number;
}

/**
 * The defaults for a pool of `size`: a company may hold a fifth of it (at
 * least two), a user a tenth (at least one). Each connection a request holds
 * is also a request executing on the node's CPU; bench:neighbours showed a
 * company at half the pool (10 of 20) slowing another company's queue 4.3×,
 * at a fifth 2.1× (docs/benchmarks.md).
 */
export function sharesOf(size: number): Pick<ShareLimits, 'perCompany' | 'perUser'> {
  return { perCompany: Math.min(size, Math.max(2, Math.floor(size / 5))), perUser: Math.max(1, Math.floor(size / 10)) };
}

interface Waiter {
  holder: Holder;
  grant: (release: () => void) => void;
}

export const poolBusy = () => new AppError('RATE_LIMITED', 'the service is busy; retry shortly', { reason: 'BUSY' });

/**
 * Hands out the pool's connections to units of work. No company holds more
 * than its share (nor a user more than theirs), however many requests it
 * sends; when the pool is busy, whoever waits is served round-robin across
 * companies — one from each company in turn, not first come first served —
 * so a company sending twenty requests does not push another's one request
 * behind all twenty. A wait is bounded: after `waitMs` the caller gets
 * RATE_LIMITED and nothing was done.
 */
export class ConnectionShares {
  private held = 0;
  private readonly heldBy = new Map<string, number>();
  /** Waiters by company; the map's order is the ring that `next` walks. */
  private readonly queues = new Map<string, Waiter[]>();
  private next = 0;

  constructor(readonly limits: ShareLimits) {}

  get holding(): number {
    return this.held;
  }

  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves with the function that gives the connection back, once `holder` may take one. */
  acquire(holder: Holder): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        holder,
        grant: (release) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
      const queue = this.queues.get(holder.company);
      if (queue) queue.push(waiter);
      else this.queues.set(holder.company, [waiter]);
      this.dispatch();
      if (!this.isWaiting(waiter)) return;
      timer = setTimeout(() => {
        this.remove(waiter);
        reject(poolBusy());
      }, this.limits.waitMs);
      timer.unref?.();
    });
  }

  /** Grants connections while some are free, walking the companies that wait in turn. */
  private dispatch(): void {
    while (this.held < this.limits.size && this.queues.size) {
      const companies = [...this.queues.keys()];
      let granted = false;
      for (let i = 0; i < companies.length && !granted; i++) {
        const at = (this.next + i) % companies.length;
        const queue = this.queues.get(companies[at]!)!;
        const index = queue.findIndex((w) => this.fits(w.holder));
        if (index < 0) continue;
        const [waiter] = queue.splice(index, 1);
        if (!queue.length) {
          this.queues.delete(companies[at]!);
          this.next = at; // the company after it has moved into this place
        } else {
          this.next = at + 1;
        }
        this.take(waiter!);
        granted = true;
      }
      if (!granted) return;
    }
  }

  private take(waiter: Waiter): void {
    const keys = this.keysOf(waiter.holder);
    this.held++;
    for (const k of keys) this.heldBy.set(k, (this.heldBy.get(k) ?? 0) + 1);
    let released = false;
    waiter.grant(() => {
      if (released) return;
      released = true;
      this.held--;
      for (const k of keys) {
        const n = this.heldBy.get(k)! - 1;
        if (n) this.heldBy.set(k, n);
        else this.heldBy.delete(k);
      }
      this.dispatch();
    });
  }

  private fits(holder: Holder): boolean {
    const [company, user] = this.keysOf(holder);
    return (this.heldBy.get(company!) ?? 0) < this.limits.perCompany
      && (!user || (this.heldBy.get(user) ?? 0) < this.limits.perUser);
  }

  private keysOf(holder: Holder): string[] {
    const company = `c:${holder.company}`;
    return holder.user ? [company, `u:${holder.company}/${holder.user}`] : [company];
  }

  private isWaiting(waiter: Waiter): boolean {
    return this.queues.get(waiter.holder.company)?.includes(waiter) ?? false;
  }

  private remove(waiter: Waiter): void {
    const companies = [...this.queues.keys()];
    const at = companies.indexOf(waiter.holder.company);
    const queue = this.queues.get(waiter.holder.company);
    if (!queue) return;
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    if (!queue.length) {
      this.queues.delete(waiter.holder.company);
      if (at < this.next) this.next--;
    }
  }
}
