import type { DataSource } from 'typeorm';
import { RequestContext } from '../graphql/context.js';
import type { MailLinks } from '../modules/mail/mail-links.js';
import { log } from '../ops/log.js';
import { inTenant } from './unit-of-work.js';

/** One kind of row that is deleted once its time is past (docs/operations.md, "What is deleted, and when"). */
export interface PurgeJob {
  /** Its name in the log and in the counters. */
  name: string;
  /** How often a node looks for its rows. */
  everyMs: number;
  /** The companies with rows past their time: ids only, from a SECURITY DEFINER function (the node reads no company's rows). */
  tenants(dataSource: DataSource, now: number): Promise<string[]>;
  /**
   * Deletes up to `limit` of the company's rows past their time, in the caller's transaction (claimed SKIP LOCKED where it can); how
   * many. The deletion's reminder (deletion-reminder.ts) sends a mail instead, and counts it.
   */
  purge(ctx: RequestContext, now: number, limit: number): Promise<number>;
}

export interface PurgeOptions {
  /** How often the node wakes to see which jobs are due. */
  intervalMs: number;
  /** Rows deleted per transaction. */
  batchSize: number;
  /** For jobs that write mail with links (deletion-reminder.ts). */
  mailLinks?: MailLinks;
}

/**
 * Deletes what has outlived its time (uploads never linked, old mail and
 * webhook logs, published outbox events, companies never confirmed, whose
 * admins it reminds a week before), on
 * every node, the way the SLA scheduler fires clocks: each job names the
 * companies with work, and each company's rows are deleted in its own
 * transactions under row-level security, claimed with FOR UPDATE SKIP
 * LOCKED where the job can (outbox.purge.ts, tenant.purge.ts say how the
 * others keep to once), so each row is deleted once whichever nodes run at
 * the same moment, and one company's backlog is worked off a batch at a
 * time.
 */
export class Purge {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = true;
  /** Set by stop(): a pass in progress ends after its current batch. */
  private closing = false;
  private readonly lastRun = new Map<string, number>();
  readonly stats = { purged: 0, passes: 0, errors: 0, byJob: {} as Record<string, number> };

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: readonly PurgeJob[],
    private readonly options: PurgeOptions,
  ) {
    for (const job of jobs) this.stats.byJob[job.name] = 0;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.closing = false;
    this.schedule(this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.purgeAll({ due: true }).finally(() => {
        this.running = undefined;
        this.schedule(this.options.intervalMs);
      });
    }, delay);
    this.timer.unref();
  }

  /** One pass of every job (only those whose time has come, with `due`); answers how many rows this node deleted. */
  async purgeAll({ due = false }: { due?: boolean } = {}): Promise<number> {
    this.stats.passes++;
    let total = 0;
    for (const job of this.jobs) {
      const now = Date.now();
      if (due && now - (this.lastRun.get(job.name) ?? -Infinity) < job.everyMs) continue;
      this.lastRun.set(job.name, now);
      const deleted = await this.run(job, now);
      this.stats.byJob[job.name] = (this.stats.byJob[job.name] ?? 0) + deleted;
      total += deleted;
    }
    this.stats.purged += total;
    return total;
  }

  private async run(job: PurgeJob, now: number): Promise<number> {
    let tenants: string[];
    try {
      tenants = await job.tenants(this.dataSource, now);
    } catch (err) {
      this.failed(job, null, err);
      return 0;
    }
    let total = 0;
    for (const tenantId of tenants) {
      for (;;) {
        let deleted: number;
        try {
          // The purge's own turn for a connection: a company using its whole share does not hold it up for every other.
          deleted = await inTenant(
            this.dataSource,
            tenantId,
            (manager, uow) =>
              job.purge(new RequestContext(tenantId, null, manager, uow, undefined, this.options.mailLinks), now, this.options.batchSize),
            { job: 'purge' },
          );
        } catch (err) {
          this.failed(job, tenantId, err);
          break;
        }
        total += deleted;
        if (deleted < this.options.batchSize || this.closing) break;
      }
    }
    return total;
  }

  private failed(job: PurgeJob, tenantId: string | null, err: unknown): void {
    this.stats.errors++;
    if (!this.closing) log.error(`${job.name} purge${tenantId ? `, tenant ${tenantId}` : ''}: ${(err as Error).message}`);
  }
}
