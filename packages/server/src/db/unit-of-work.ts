import type pg from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AppError } from '../graphql/errors.js';
import type { ComplaintEvent } from '../realtime/events.js';
import { log, outsideRequest, requestScope } from '../ops/log.js';
import { poolBusy, type ConnectionShares, type Holder } from './connection-shares.js';
import { oneStatementAtATime } from './one-at-a-time.js';
import { CANONICAL_UUID } from '../ids.js';

/** What a unit of work tells its node once it has committed. */
export interface CommittedEvents {
  /** The events it wrote to the outbox. */
  committed(events: readonly ComplaintEvent[]): void;
  /** The nearest SLA deadline it wrote (ms since the epoch), so that this node's scheduler fires it on time. */
  deadlineWritten?(at: number): void;
}

export const APP_ROLE = 'reclaim_app';

/** What every unit of work over a data source is held to (docs/security.md, "Queries and the connection pool"). */
export interface UnitLimits {
  /** Who may take a pooled connection now; none: no gate (a data source made outside createDataSource). */
  shares?: ConnectionShares;
  /** SET LOCAL statement_timeout and lock_timeout of every transaction; 0 leaves PostgreSQL's (none). */
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

const limitsOf = new WeakMap<DataSource, UnitLimits>();

/** The limits of the units of work over `dataSource` (the pool's figures for metrics), if set. */
export function unitLimitsOf(dataSource: DataSource): UnitLimits | undefined {
  return limitsOf.get(dataSource);
}

/** Sets the limits of the units of work over `dataSource` (createDataSource does, from the configuration). */
export function limitUnitsOfWork(dataSource: DataSource, limits: UnitLimits): void {
  limitsOf.set(dataSource, limits);
}

/**
 * One transaction for one unit of work (a GraphQL request, a job step),
 * opened lazily. Inside it the session runs as the unprivileged role
 * `reclaim_app`, so row-level security applies even when the connection is
 * a superuser's, and `app.tenant_id` names the one tenant whose rows are
 * visible. The tenant can be set once and never changed.
 *
 * Its connection is taken from the company's share of the pool (or the
 * user's, or the job's), and every statement runs under the statement and
 * lock timeouts; one that runs out is cancelled and the transaction rolled back.
 */
export class UnitOfWork {
  private runner?: QueryRunner;
  private opening?: Promise<QueryRunner>;
  private tenant?: string;
  private user?: string;
  private giveBack?: () => void;
  /** The estimated cost of the request this unit serves (graphql/limits.ts), counted against its company's cost share; 0 (not counted) unless set. */
  weight = 0;
  /** Set when the request produced an error: its handler then rolls it back. */
  failed = false;
  private finished = false;
  private readonly recorded: ComplaintEvent[] = [];
  private readonly afterCommitHooks: Array<() => void> = [];
  private nearestDeadline?: number;

  /**
   * Whose turn it takes for a connection: `job` names work the service does
   * for every company (the SLA scheduler, live delivery), so that a company
   * using its whole share never holds up a job that serves all;
   * `clientAddress`, the caller of a request whose company is not known yet
   * (the portal, sign-in), so that anonymous callers share one company's
   * share and each address a user's.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher?: CommittedEvents,
    private readonly turn: { job?: string; clientAddress?: string } = {},
  ) {}

  /** An event this transaction wrote to the outbox: handed to the publisher after COMMIT, dropped on ROLLBACK. */
  record(event: ComplaintEvent): void {
    if (this.finished) throw new Error('unit of work already finished');
    this.recorded.push(event);
  }

  /** A clock this transaction wrote fires at `at`: told to the publisher's node after COMMIT (the nearest one), dropped on ROLLBACK. */
  deadline(at: number): void {
    if (this.finished) throw new Error('unit of work already finished');
    this.nearestDeadline = Math.min(this.nearestDeadline ?? Infinity, at);
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
   * `then` is an optional statement run in the same round trip (e.g. loading
   * the actor); `userId`, the user it works for, whose share of the pool it takes.
   */
  async enterTenant<T = Record<string, unknown>>(
    tenantId: string,
    { then, userId }: { then?: string; userId?: string } = {},
  ): Promise<T[]> {
    if (!CANONICAL_UUID.test(tenantId)) throw new AppError('UNAUTHENTICATED', 'invalid tenant');
    if (this.tenant && this.tenant !== tenantId) throw new AppError('BAD_USER_INPUT', 'one request can address only one company');
    // Already set in this transaction (or being set, by the statement that opens it): nothing to send.
    if (this.tenant === tenantId && !then) {
      await this.open();
      return [];
    }
    const scope = requestScope();
    if (scope) {
      scope.company ??= tenantId;
      if (userId) scope.user ??= userId;
    }
    if (userId !== undefined && !CANONICAL_UUID.test(userId)) throw new AppError('UNAUTHENTICATED', 'invalid user');
    // The staff member it works for: row-level security keeps their own rows (saved views) to them.
    const setTenant = `SELECT set_config('app.tenant_id', '${tenantId}', true)${userId ? `, set_config('app.user_id', '${userId}', true)` : ''}`;
    if (this.runner || this.opening) {
      await this.open();
      this.tenant = tenantId;
      return this.raw<T>(then ? `${setTenant}; ${then}` : setTenant);
    }
    this.tenant = tenantId;
    this.user = userId;
    return this.rawOpen<T>(`${setTenant}${then ? `; ${then}` : ''}`);
  }

  /** Commits (or rolls back) whatever this unit of work opened. Safe to call more than once. */
  async finish(commit: boolean): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const runner = this.runner ?? (this.opening ? await this.opening.catch(() => undefined) : undefined);
    if (!runner) return;
    try {
      if (commit) await runner.commitTransaction();
      else await runner.rollbackTransaction();
    } catch (err) {
      if (commit) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      this.runner = undefined;
      await this.release(runner);
    }
    // Only now is the change visible to others; publishing never fails the request (the relay is the fallback).
    if (commit) outsideRequest(() => this.committed());
  }

  /** Tells the node what committed: its events, its nearest deadline, its hooks (outside the request's log scope: they outlive it). */
  private committed(): void {
    if (this.recorded.length && this.publisher) {
      try {
        this.publisher.committed(this.recorded);
      } catch (err) {
        log.error({ err }, 'publishing committed events failed; the outbox relay will retry');
      }
    }
    if (this.nearestDeadline !== undefined) {
      try {
        this.publisher?.deadlineWritten?.(this.nearestDeadline);
      } catch (err) {
        log.error({ err }, 'telling the scheduler of a deadline failed; its next look at the database finds it');
      }
    }
    for (const hook of this.afterCommitHooks) {
      try {
        hook();
      } catch (err) {
        log.error({ err }, 'an after-commit hook failed');
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
   * Waits for this unit of work's turn (its company's or job's share of the
   * pool), opens the transaction through TypeORM (so that its own operations,
   * insert and save, join it instead of opening another), then sends the role
   * switch, the timeouts and `extra` in one round trip.
   */
  private async begin(extra: string): Promise<{ runner: QueryRunner; rows: unknown[] }> {
    if (this.finished) throw new Error('unit of work already finished');
    const limits = limitsOf.get(this.dataSource);
    const holder: Holder = this.turn.job
      ? { company: `job:${this.turn.job}` }
      : this.tenant
        ? { company: this.tenant, user: this.user, weight: this.weight }
        : // Not weighed: callers not yet known to a company share it, and one address's costly request must not hold up every other's.
          { company: 'anonymous', user: this.turn.clientAddress };
    this.giveBack = await limits?.shares?.acquire(holder);
    const runner = this.dataSource.createQueryRunner();
    try {
      await connect(runner);
    } catch (err) {
      await this.release(runner);
      throw err;
    }
    try {
      const timeouts = limits
        ? `; SET LOCAL statement_timeout = ${limits.statementTimeoutMs}; SET LOCAL lock_timeout = ${limits.lockTimeoutMs}`
        : '';
      await runner.startTransaction();
      const rows = await this.rawOn(runner, `SET LOCAL ROLE ${APP_ROLE}${timeouts}${extra ? `; ${extra}` : ''}`);
      this.runner = runner;
      return { runner, rows };
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await this.release(runner);
      throw err;
    }
  }

  private async release(runner: QueryRunner): Promise<void> {
    try {
      unserialize(runner);
      await runner.release();
    } finally {
      this.giveBack?.();
      this.giveBack = undefined;
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

/** Whose turn a unit of work takes for a connection (see UnitOfWork's constructor), and where its events go after COMMIT. */
export interface UnitTurn {
  job?: string;
  clientAddress?: string;
  publisher?: CommittedEvents;
}

/**
 * Runs `work` in its own unit of work and commits it, unless `work` marked
 * it failed (`uow.failed`: rolled back, its result still returned); rolls
 * back if `work` throws. Where the company is not known yet (an API key's
 * lookup) or is entered by `work` itself (as staff, as an integration).
 */
export async function inUnit<T>(
  dataSource: DataSource,
  work: (uow: UnitOfWork) => Promise<T>,
  { publisher, ...turn }: UnitTurn = {},
): Promise<T> {
  const uow = new UnitOfWork(dataSource, publisher, turn);
  try {
    const result = await work(uow);
    await uow.finish(!uow.failed);
    return result;
  } catch (err) {
    await uow.finish(false).catch(() => undefined);
    throw err;
  }
}

/**
 * `inUnit` in the company `tenantId`: the one way code outside a GraphQL
 * request works in a company (jobs, seeding, tests); `job` names whose turn
 * it takes for a connection, `publisher` hands its events on after COMMIT.
 */
export function inTenant<T>(
  dataSource: DataSource,
  tenantId: string,
  work: (manager: EntityManager, uow: UnitOfWork) => Promise<T>,
  turn: Pick<UnitTurn, 'job' | 'publisher'> = {},
): Promise<T> {
  return inUnit(
    dataSource,
    async (uow) => {
      await uow.enterTenant(tenantId);
      return work(await uow.manager(), uow);
    },
    turn,
  );
}

const undoSerial = new WeakMap<QueryRunner, () => void>();

/**
 * Takes the runner's connection from the pool (RATE_LIMITED, reason BUSY,
 * if none comes in time, or if the database refuses a new one: too many
 * clients, or starting or stopping; logged, as the pools' sizes or
 * `max_connections` need looking at) and makes its statements run one after another:
 * resolvers running side by side (data loaders of one level of a query) share
 * the connection, and pg no longer queues for them.
 */
async function connect(runner: QueryRunner): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = (await runner.connect()) as pg.PoolClient;
  } catch (err) {
    if (/timeout exceeded when trying to connect|connection timeout/i.test((err as Error).message)) throw poolBusy();
    const code = (err as { code?: string }).code;
    if (code === '53300' || code === '57P03') {
      log.error({ err }, 'the database refused a connection');
      throw poolBusy();
    }
    throw err;
  }
  undoSerial.set(runner, oneStatementAtATime(client));
}

function unserialize(runner: QueryRunner): void {
  undoSerial.get(runner)?.();
  undoSerial.delete(runner);
}
