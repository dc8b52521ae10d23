import type { DataSource } from 'typeorm';
import { log } from '../ops/log.js';
import { UnitOfWork } from './unit-of-work.js';

/** How long a wake waits to gather others: commits and finished sends come in bursts. */
const WAKE_DELAY_MS = 10;

export interface ClaimingSlots {
  /** How often it looks for due rows (besides being woken by this node's commits). */
  pollMs: number;
  /** Sends in flight on this node: for one company, and in all. */
  perTenant: number;
  perNode: number;
  /** Sends in flight on this node for one key (a webhook endpoint); unlimited when absent. */
  perKey?: number;
}

/** The longest a failing row waits for its next try (backoffMs). */
const MAX_BACKOFF_MS = 3_600_000;

/**
 * How long a row that failed `failuresInARow` times in a row (1 for the
 * first) waits before it is tried again: `baseMs`, twice as long after each
 * failure in a row, up to an hour. The mailboxes' reads and the survey
 * schedules' runs back off this way; outbound mail and webhook deliveries
 * follow their fixed schedules of retries instead (MAIL_RETRY_DELAYS_MS,
 * RETRY_DELAYS_MS), as a sender's receiver expects.
 */
export function backoffMs(baseMs: number, failuresInARow: number): number {
  return Math.min(baseMs * 2 ** Math.min(Math.max(failuresInARow - 1, 0), 20), MAX_BACKOFF_MS);
}

/** What a send came to: recorded as delivered or failed (for now or for good), or nothing recorded (its lease was lost). */
export type SendOutcome = 'delivered' | 'failed' | null;

/**
 * The machinery of an outbox worker that runs on every node (webhook
 * deliveries, outbound mail): each look asks which companies have rows
 * due (the longest waiting first) and gives each a turn; the subclass
 * claims what the company may send now in one short transaction of that
 * company (FOR UPDATE SKIP LOCKED, leasing the rows, so no two nodes take
 * the same row and a dead node's rows come back when the lease runs out),
 * then sends each outside any transaction and records its outcome. A
 * company, and a key, has a bounded number of sends in flight on a node, so
 * a hanging receiver holds only its own slots.
 */
export abstract class ClaimingWorker<Row> {
  private timer?: NodeJS.Timeout;
  private looking?: Promise<void>;
  private again = false;
  /** A look is due within WAKE_DELAY_MS. */
  private soon = false;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly byTenant = new Map<string, number>();
  private readonly byKey = new Map<string, number>();
  readonly stats = { claimed: 0, delivered: 0, failed: 0, errors: 0 };

  constructor(
    private readonly name: string,
    private readonly slots: ClaimingSlots,
  ) {}

  /** The companies with rows due now, the longest waiting first. */
  protected abstract dueTenants(): Promise<string[]>;
  /** Claims and leases at most `limit` due rows of the company, in a transaction of its own. */
  protected abstract claim(tenantId: string, limit: number): Promise<Row[]>;
  /** Sends one claimed row and records the outcome; `release` frees its slot as soon as the receiver has answered. */
  protected abstract send(tenantId: string, row: Row, release: () => void): Promise<SendOutcome>;
  /** The key whose slots a row takes (perKey); none by default. */
  protected keyOf(_row: Row): string | undefined {
    return undefined;
  }
  /** A name for a row in the log. */
  protected abstract describe(row: Row): string;

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops looking and waits for the sends in flight (each ends within its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.looking;
    await Promise.all([...this.inFlight]);
  }

  /** Sends in flight on this node (or waiting to be recorded). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Something was committed on this node (perhaps rows to send), or a send
   * ended: look in a moment rather than at the next poll. Wakes within a few
   * milliseconds make one look.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.looking) this.again = true;
    else if (!this.soon) {
      this.soon = true;
      this.schedule(WAKE_DELAY_MS);
    }
  }

  /** The keys that have no room for another send on this node. */
  protected busyKeys(): string[] {
    const perKey = this.slots.perKey;
    return perKey === undefined ? [] : [...this.byKey].filter(([, n]) => n >= perKey).map(([key]) => key);
  }

  /** Sends in flight on this node per key. */
  protected keysInUse(): Array<[string, number]> {
    return [...this.byKey];
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.soon = delay <= WAKE_DELAY_MS;
    if (this.stopped) return;
    this.timer = setTimeout(() => this.look(), delay);
    this.timer.unref();
  }

  private look(): void {
    if (this.looking) {
      this.again = true;
      return;
    }
    this.looking = (async () => {
      do {
        this.again = false;
        await this.claimAll();
      } while (this.again && !this.stopped);
    })()
      .catch((err) => {
        this.stats.errors++;
        if (!this.stopped) log.error(`${this.name}: ${(err as Error).message}`);
      })
      .finally(() => {
        this.looking = undefined;
        this.schedule(this.slots.pollMs);
      });
  }

  /** One turn for every company with due rows. */
  private async claimAll(): Promise<void> {
    this.soon = false;
    for (const tenantId of await this.dueTenants()) {
      if (this.stopped || this.inFlight.size >= this.slots.perNode) return;
      const room = Math.min(this.slots.perTenant - (this.byTenant.get(tenantId) ?? 0), this.slots.perNode - this.inFlight.size);
      if (room <= 0) continue;
      for (const row of await this.claim(tenantId, room)) this.run(tenantId, row);
    }
  }

  private run(tenantId: string, row: Row): void {
    this.stats.claimed++;
    const key = this.keyOf(row);
    const count = (map: Map<string, number>, k: string, by: number) => {
      const n = (map.get(k) ?? 0) + by;
      if (n) map.set(k, n);
      else map.delete(k);
    };
    count(this.byTenant, tenantId, 1);
    if (key !== undefined) count(this.byKey, key, 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      count(this.byTenant, tenantId, -1);
      if (key !== undefined) count(this.byKey, key, -1);
    };
    const sending = this.send(tenantId, row, release)
      .then((outcome) => {
        if (outcome === 'delivered') this.stats.delivered++;
        else if (outcome === 'failed') this.stats.failed++;
      })
      .catch((err) => {
        this.stats.errors++;
        log.error(`${this.name}: ${this.describe(row)}: ${(err as Error).message}`);
      })
      .finally(() => {
        release();
        this.inFlight.delete(sending);
        this.wake();
      });
    this.inFlight.add(sending);
  }
}

/**
 * Runs one statement in a transaction of the company, sent in the round
 * trip that sets the tenant (three round trips in all): a worker's claim.
 */
export async function claimInTenant<T>(dataSource: DataSource, tenantId: string, job: string, statement: string): Promise<T[]> {
  const uow = new UnitOfWork(dataSource, undefined, { job });
  try {
    const rows = await uow.enterTenant<T>(tenantId, { then: statement });
    await uow.finish(true);
    return rows;
  } catch (err) {
    await uow.finish(false).catch(() => undefined);
    throw err;
  }
}
