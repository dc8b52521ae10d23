import type { DataSource } from 'typeorm';
import { UnitOfWork } from '../../db/unit-of-work.js';
import { RequestContext } from '../../graphql/context.js';
import { purgeExpiredUploads, purgeUnfinishedUploads } from './attachment.service.js';
import { log } from '../../ops/log.js';

export interface PurgeOptions {
  /** Pending uploads older than this are deleted. */
  pendingTtlMs: number;
  /** The parts of a body that never finished are deleted this long after it began (longer than an upload's deadline). */
  unfinishedAfterMs: number;
  /** How often each node looks. */
  intervalMs: number;
  /** Uploads claimed per transaction. */
  batchSize: number;
}

/**
 * Deletes uploads never linked to a complaint or message within their time,
 * on every node, the way the SLA scheduler fires clocks: the tenants with
 * work come from a SECURITY DEFINER function (ids only), and each tenant's
 * rows are claimed in its own transactions with FOR UPDATE SKIP LOCKED, so
 * each upload is deleted once whichever nodes run at the same moment.
 */
export class PendingUploadPurge {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = true;
  readonly stats = { purged: 0, passes: 0, errors: 0 };

  constructor(private readonly dataSource: DataSource, private readonly options: PurgeOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.purgeAll().finally(() => {
        this.running = undefined;
        this.schedule(this.options.intervalMs);
      });
    }, delay);
    this.timer.unref();
  }

  /** One pass over every tenant with expired uploads; answers how many uploads this node deleted. */
  async purgeAll(): Promise<number> {
    this.stats.passes++;
    const now = Date.now();
    const pendingBefore = new Date(now - this.options.pendingTtlMs);
    const unfinishedBefore = new Date(now - this.options.unfinishedAfterMs);
    let tenants: Array<{ tenant_id: string }>;
    try {
      tenants = await this.dataSource.query('SELECT tenant_id FROM expired_upload_tenants($1, $2)', [pendingBefore, unfinishedBefore]);
    } catch (err) {
      this.failed(null, err);
      return 0;
    }
    let total = 0;
    for (const { tenant_id: tenantId } of tenants) {
      for (let first = true; ; first = false) {
        const uow = new UnitOfWork(this.dataSource);
        let deleted: number;
        try {
          await uow.enterTenant(tenantId);
          const ctx = new RequestContext(tenantId, null, await uow.manager(), uow);
          if (first) await purgeUnfinishedUploads(ctx, unfinishedBefore);
          deleted = await purgeExpiredUploads(ctx, pendingBefore, this.options.batchSize);
          await uow.finish(true);
        } catch (err) {
          await uow.finish(false).catch(() => undefined);
          this.failed(tenantId, err);
          break;
        }
        total += deleted;
        if (deleted < this.options.batchSize || this.stopped) break;
      }
    }
    this.stats.purged += total;
    return total;
  }

  private failed(tenantId: string | null, err: unknown): void {
    this.stats.errors++;
    if (!this.stopped) log.error(`upload purge${tenantId ? `, tenant ${tenantId}` : ''}: ${(err as Error).message}`);
  }
}
