import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AppError } from '../graphql/errors.js';
import type { ComplaintEvent } from '../realtime/events.js';

/** Receives the events a unit of work wrote to the outbox, once it has committed. */
export interface CommittedEvents {
  committed(events: readonly ComplaintEvent[]): void;
}

export const APP_ROLE = 'reclaim_app';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One transaction for one unit of work (a GraphQL request, a job step),
 * opened lazily. Inside it the session runs as the unprivileged role
 * `reclaim_app`, so row-level security applies even when the connection is
 * a superuser's, and `app.tenant_id` names the one tenant whose rows are
 * visible. The tenant can be set once and never changed.
 */
export class UnitOfWork {
  private runner?: QueryRunner;
  private opening?: Promise<QueryRunner>;
  private tenant?: string;
  private finished = false;
  private readonly recorded: ComplaintEvent[] = [];
  private readonly afterCommitHooks: Array<() => void> = [];

  constructor(private readonly dataSource: DataSource, private readonly publisher?: CommittedEvents) {}

  /** An event this transaction wrote to the outbox: handed to the publisher after COMMIT, dropped on ROLLBACK. */
  record(event: ComplaintEvent): void {
    if (this.finished) throw new Error('unit of work already finished');
    this.recorded.push(event);
  }

  /** Runs `hook` once this unit of work has committed (never after a rollback). */
  afterCommit(hook: () => void): void {
    if (this.finished) throw new Error('unit of work already finished');
    this.afterCommitHooks.push(hook);
  }

  get tenantId(): string | undefined {
    return this.tenant;
  }

  /** The transaction's manager, opening the transaction (without a tenant) if needed. */
  async manager(): Promise<EntityManager> {
    return (await this.open()).manager;
  }

  /**
   * Sets the tenant of this unit of work, opening the transaction if needed.
   * `then` is an optional statement run in the same round trip (e.g. loading the actor).
   */
  async enterTenant<T = Record<string, unknown>>(tenantId: string, then?: string): Promise<T[]> {
    if (!UUID.test(tenantId)) throw new AppError('UNAUTHENTICATED', 'invalid tenant');
    if (this.tenant && this.tenant !== tenantId) throw new AppError('BAD_USER_INPUT', 'one request can address only one company');
    // Already set in this transaction (or being set, by the statement that opens it): nothing to send.
    if (this.tenant === tenantId && !then) {
      await this.open();
      return [];
    }
    const setTenant = `SELECT set_config('app.tenant_id', '${tenantId}', true)`;
    if (this.runner || this.opening) {
      await this.open();
      this.tenant = tenantId;
      return this.raw<T>(then ? `${setTenant}; ${then}` : setTenant);
    }
    this.tenant = tenantId;
    return this.rawOpen<T>(`${setTenant}${then ? `; ${then}` : ''}`);
  }

  /** Commits (or rolls back) whatever this unit of work opened. Safe to call more than once. */
  async finish(commit: boolean): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const runner = this.runner ?? (this.opening ? await this.opening.catch(() => undefined) : undefined);
    if (!runner) return;
    try {
      await this.rawOn(runner, commit ? 'COMMIT' : 'ROLLBACK');
    } catch (err) {
      if (commit) await this.rawOn(runner, 'ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      markTransaction(runner, false);
      this.runner = undefined;
      await runner.release();
    }
    // Only now is the change visible to others; publishing never fails the request (the relay is the fallback).
    if (commit && this.recorded.length && this.publisher) {
      try {
        this.publisher.committed(this.recorded);
      } catch (err) {
        console.error('publishing committed events failed; the outbox relay will retry', err);
      }
    }
    if (commit) {
      for (const hook of this.afterCommitHooks) {
        try {
          hook();
        } catch (err) {
          console.error('an after-commit hook failed', err);
        }
      }
    }
  }

  private open(): Promise<QueryRunner> {
    // A straggling resolver must never reach a connection that went back to the pool.
    if (this.finished) return Promise.reject(new Error('unit of work already finished'));
    if (this.runner) return Promise.resolve(this.runner);
    if (!this.opening) this.opening = this.begin('').then((r) => r.runner);
    return this.opening;
  }

  private async rawOpen<T>(extra: string): Promise<T[]> {
    let rows: T[] = [];
    this.opening = this.begin(extra).then((r) => {
      rows = r.rows as T[];
      return r.runner;
    });
    await this.opening;
    return rows;
  }

  /**
   * BEGIN, the role switch and `extra` go in one round trip. TypeORM is told
   * that a transaction is active, so that its own operations (insert, save)
   * join this one instead of opening another.
   */
  private async begin(extra: string): Promise<{ runner: QueryRunner; rows: unknown[] }> {
    if (this.finished) throw new Error('unit of work already finished');
    const runner = this.dataSource.createQueryRunner();
    try {
      const rows = await this.rawOn(runner, `BEGIN; SET LOCAL ROLE ${APP_ROLE}${extra ? `; ${extra}` : ''}`);
      markTransaction(runner, true);
      this.runner = runner;
      return { runner, rows };
    } catch (err) {
      await this.rawOn(runner, 'ROLLBACK').catch(() => undefined);
      await runner.release();
      throw err;
    }
  }

  private async raw<T>(sql: string): Promise<T[]> {
    return (await this.rawOn(await this.open(), sql)) as T[];
  }

  /** Runs several statements in one round trip (simple protocol) and returns the last one's rows. */
  private async rawOn(runner: QueryRunner, sql: string): Promise<unknown[]> {
    const client = (await runner.connect()) as { query(sql: string): Promise<unknown> };
    const result = await client.query(sql);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return (last as { rows?: unknown[] } | undefined)?.rows ?? [];
  }
}

/**
 * Runs `work` in its own unit of work for `tenantId` and commits it; rolls
 * back if `work` throws. For code outside a GraphQL request (seeding, jobs, tests).
 */
export async function inTenant<T>(dataSource: DataSource, tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const uow = new UnitOfWork(dataSource);
  try {
    await uow.enterTenant(tenantId);
    const result = await work(await uow.manager());
    await uow.finish(true);
    return result;
  } catch (err) {
    await uow.finish(false).catch(() => undefined);
    throw err;
  }
}

function markTransaction(runner: QueryRunner, active: boolean): void {
  (runner as { isTransactionActive: boolean }).isTransactionActive = active;
}
