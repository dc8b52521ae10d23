import type { DataSource } from 'typeorm';

export interface StatementCounter {
  /** Round trips sent by units of work (from their START TRANSACTION to their COMMIT or ROLLBACK) since the last reset. */
  readonly count: number;
  /** Their SQL, first line each: shown when a count is off. */
  readonly texts: string[];
  reset(): void;
  stop(): void;
}

interface PgClient {
  query: (...args: unknown[]) => unknown;
}

/**
 * Counts what the pool's connections actually send to the database (PostgreSQL, or embedded PGlite) inside
 * units of work (the request's transaction), by wrapping each client's
 * `query` as the pool hands it out. Jobs that do not open a unit of work
 * (the outbox relay's polling) are not counted.
 */
export function countStatements(dataSource: DataSource): StatementCounter {
  const pool = (
    dataSource.driver as unknown as {
      master: { on(e: string, f: (c: PgClient) => void): void; off(e: string, f: (c: PgClient) => void): void };
    }
  ).master;
  let count = 0;
  let texts: string[] = [];
  const wrapped = new WeakSet<PgClient>();
  const inUnit = new WeakMap<PgClient, boolean>();
  const opening = new WeakMap<PgClient, string>();
  const onAcquire = (client: PgClient) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const original = client.query;
    client.query = function (this: unknown, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
      // A unit of work is a transaction whose first statement switches the role (other jobs open theirs through TypeORM too).
      const opened = opening.get(client);
      opening.delete(client);
      if (opened !== undefined && /^SET LOCAL ROLE/.test(text)) {
        inUnit.set(client, true);
        count++;
        texts.push(opened);
      }
      if (/^START TRANSACTION/.test(text)) opening.set(client, text);
      if (inUnit.get(client)) {
        count++;
        texts.push(text.replace(/\s+/g, ' ').slice(0, 160));
      }
      if (/^(COMMIT|ROLLBACK)$/.test(text)) inUnit.set(client, false);
      return original.apply(this, args);
    };
  };
  pool.on('acquire', onAcquire);
  return {
    get count() {
      return count;
    },
    get texts() {
      return texts;
    },
    reset() {
      count = 0;
      texts = [];
    },
    stop() {
      pool.off('acquire', onAcquire);
    },
  };
}
