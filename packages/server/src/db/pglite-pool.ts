import { EventEmitter } from 'node:events';
import { PGlite, types, type Results } from '@electric-sql/pglite';

/**
 * A `pg`-compatible pool over one embedded PGlite instance, for TypeORM's
 * postgres driver (`driver` option).
 *
 * PGlite is a single session, so a checked-out client holds the instance
 * exclusively until it is released: concurrent transactions queue instead of
 * interleaving their statements on the one session. Code must therefore never
 * hold a client while waiting for a second one. It emits pg's pool events
 * `acquire` and `release`, which tests use to watch a client's statements.
 */
export class PGlitePool extends EventEmitter {
  private queue: Array<() => void> = [];
  private busy = false;

  constructor(readonly db: PGlite) {
    super();
  }

  connect(callback?: (err: Error | null, client?: PGliteClient, release?: () => void) => void): Promise<PGliteClient> | void {
    const acquired = this.acquire().then(() => {
      const client: PGliteClient = new PGliteClient(this.db, () => {
        try {
          this.emit('release', undefined, client);
        } finally {
          this.releaseLock();
        }
      });
      // As pg's pool does on each checkout. Not `connect`: there, a new session; here, one session for good.
      try {
        this.emit('acquire', client);
      } catch (err) {
        client.release();
        throw err;
      }
      return client;
    });
    if (!callback) return acquired;
    acquired.then(
      (client) => callback(null, client, () => client.release()),
      (err: Error) => callback(err),
    );
  }

  async query(text: string, params?: unknown[] | ((err: Error | null, res?: unknown) => void)) {
    const client = (await this.connect()) as PGliteClient;
    try {
      return await client.query(text, Array.isArray(params) ? params : undefined);
    } finally {
      client.release();
    }
  }

  end(callback?: (err: Error | null) => void) {
    const done = this.db.close();
    if (callback)
      done.then(
        () => callback(null),
        (err: Error) => callback(err),
      );
    return done;
  }

  private acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private releaseLock() {
    const next = this.queue.shift();
    if (next) next();
    else this.busy = false;
  }
}

/** The subset of `pg.Client` that TypeORM and Reclaim use. */
export class PGliteClient extends EventEmitter {
  private released = false;

  constructor(
    private readonly db: PGlite,
    private readonly unlock: () => void,
  ) {
    super();
  }

  async query(text: string, params?: unknown[] | ((err: Error | null, res?: unknown) => void)): Promise<unknown> {
    if (this.released) throw new Error('query on a released PGlite client');
    const callback = typeof params === 'function' ? params : undefined;
    const values = Array.isArray(params) ? params : undefined;
    const run =
      values && values.length > 0
        ? this.db.query(text, values).then((r) => toPgResult(text, r))
        : this.db.exec(text).then((all) => {
            const results = all.map((r) => toPgResult(text, r));
            return results.length === 1 ? results[0] : results;
          });
    if (!callback) return run;
    run.then(
      (r) => callback(null, r),
      (err: Error) => callback(err),
    );
    return undefined;
  }

  release() {
    if (this.released) return;
    this.released = true;
    this.unlock();
  }
}

function toPgResult(text: string, r: Results<unknown>) {
  const command = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? '';
  return { command, rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, fields: r.fields };
}

/**
 * Parsers that make PGlite return what `pg` returns: int8 and numeric as
 * strings, dates as 'YYYY-MM-DD', bytea as a Buffer (PGlite's own Uint8Array
 * has no `equals`, which the idempotency check calls).
 */
export const pgCompatibleParsers = {
  [types.INT8]: (v: string) => v,
  [types.NUMERIC]: (v: string) => v,
  [types.DATE]: (v: string) => v,
  [types.BYTEA]: (v: string) => Buffer.from(v.slice(2), 'hex'),
};
