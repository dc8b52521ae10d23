import { AppError } from '../graphql/errors.js';

/** Who a unit of work runs for: a company (or a job of the service) and, when known, a user. */
export interface Holder {
  company: string;
  user?: string;
  /** What the work is estimated to cost (a GraphQL request's cost, see graphql/limits.ts); 0 when unknown. */
  weight?: number;
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
  /**
   * At most this much estimated cost held by one company at once (0: no
   * bound); a company holding nothing may always start one unit, however
   * costly. Cheap requests are bound by the connections, costly ones by this.
   */
  costPerCompany?: number;
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
  /** Still in its queue: neither granted nor timed out. */
  waiting: boolean;
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
  /** Estimated cost held, per company. */
  private readonly costBy = new Map<string, number>();
  /**
   * Waiters by company, and within a company by user (key '' for none). The
   * outer map's order is the ring that `next` walks; a user just served
   * moves to the end of their company's map. A dispatch looks at each
   * company and each waiting user once, never at each waiter: a company
   * with thousands of requests waiting costs no more than one with one.
   */
  private readonly queues = new Map<string, Map<string, Waiter[]>>();
  private next = 0;
  private count = 0;

  constructor(readonly limits: ShareLimits) {}

  get holding(): number {
    return this.held;
  }

  get waiting(): number {
    return this.count;
  }

  /** Resolves with the function that gives the connection back, once `holder` may take one. */
  acquire(holder: Holder): Promise<() => void> {
    return new Promise((resolve, reject) => {
      // eslint-disable-next-line prefer-const -- grant() may run inside dispatch() below, before the timer is set; a const would still be in its temporal dead zone.
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        holder,
        waiting: true,
        grant: (release) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
      let users = this.queues.get(holder.company);
      if (!users) this.queues.set(holder.company, (users = new Map()));
      const user = holder.user ?? '';
      const queue = users.get(user);
      if (queue) queue.push(waiter);
      else users.set(user, [waiter]);
      this.count++;
      this.dispatch();
      if (!waiter.waiting) return;
      timer = setTimeout(() => {
        this.remove(waiter);
        reject(poolBusy());
        // It may have been a costly request that held its company's lighter ones back.
        this.dispatch();
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
        const company = companies[at]!;
        if ((this.heldBy.get(companyKey(company)) ?? 0) >= this.limits.perCompany) continue;
        const users = this.queues.get(company)!;
        const user = [...users.keys()].find((u) => !u || (this.heldBy.get(userKey(company, u)) ?? 0) < this.limits.perUser);
        // Past its cost share the company waits, its lighter work included: a costly request is not overtaken for ever.
        if (user === undefined || !this.affordable(company, users.get(user)![0]!.holder.weight ?? 0)) continue;
        const queue = users.get(user)!;
        const waiter = queue.shift()!;
        users.delete(user);
        if (queue.length) users.set(user, queue); // to the end: the company's next turn serves another user first
        if (!users.size) {
          this.queues.delete(company);
          this.next = at; // the company after it has moved into this place
        } else {
          this.next = (at + 1) % companies.length;
        }
        this.take(waiter);
        granted = true;
      }
      if (!granted) return;
    }
  }

  /** Whether `company` may start work of `weight` now: within its cost share, or holding nothing. */
  private affordable(company: string, weight: number): boolean {
    const cap = this.limits.costPerCompany ?? 0;
    const held = this.costBy.get(company) ?? 0;
    return cap <= 0 || held === 0 || held + weight <= cap;
  }

  private take(waiter: Waiter): void {
    const keys = keysOf(waiter.holder);
    const { company } = waiter.holder;
    const weight = waiter.holder.weight ?? 0;
    waiter.waiting = false;
    this.count--;
    this.held++;
    for (const k of keys) this.heldBy.set(k, (this.heldBy.get(k) ?? 0) + 1);
    if (weight) this.costBy.set(company, (this.costBy.get(company) ?? 0) + weight);
    let released = false;
    waiter.grant(() => {
      if (released) return;
      released = true;
      this.held--;
      if (weight) {
        const left = this.costBy.get(company)! - weight;
        if (left > 0) this.costBy.set(company, left);
        else this.costBy.delete(company);
      }
      for (const k of keys) {
        const n = this.heldBy.get(k)! - 1;
        if (n) this.heldBy.set(k, n);
        else this.heldBy.delete(k);
      }
      this.dispatch();
    });
  }

  private remove(waiter: Waiter): void {
    if (!waiter.waiting) return;
    waiter.waiting = false;
    this.count--;
    const { company } = waiter.holder;
    const user = waiter.holder.user ?? '';
    const users = this.queues.get(company)!;
    const queue = users.get(user)!;
    queue.splice(queue.indexOf(waiter), 1);
    if (queue.length) return;
    users.delete(user);
    if (users.size) return;
    const at = [...this.queues.keys()].indexOf(company);
    this.queues.delete(company);
    if (at < this.next) this.next--;
  }
}

const companyKey = (company: string) => `c:${company}`;
const userKey = (company: string, user: string) => `u:${company}/${user}`;
const keysOf = (holder: Holder) =>
  holder.user ? [companyKey(holder.company), userKey(holder.company, holder.user)] : [companyKey(holder.company)];
