import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { PGlite } from '@electric-sql/pglite';
import { PGlitePool, pgCompatibleParsers } from './pglite-pool.js';
import { entities } from './entities.js';
import { migrations } from './migrations/index.js';
import { SnakeNamingStrategy } from './naming.js';
import { ConnectionShares, sharesOf } from './connection-shares.js';
import { limitUnitsOfWork } from './unit-of-work.js';
import { DB_DEFAULTS, type Config } from '../config.js';

/**
 * The pool's type parsers: pg's, except that `date` columns stay
 * 'YYYY-MM-DD' strings (pg would make local-midnight Dates). Given to this
 * pool only, not set on pg for the whole process.
 */
const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return oid === pg.types.builtins.DATE && format !== 'binary' ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text');
  },
};

export type DatabaseOptions = Partial<
  Pick<
    Config,
    | 'databaseUrl'
    | 'pgliteDataDir'
    | 'dbPoolSize'
    | 'dbStatementTimeoutMs'
    | 'dbLockTimeoutMs'
    | 'dbIdleInTransactionTimeoutMs'
    | 'dbPoolWaitMs'
    | 'dbCompanyConnections'
    | 'dbUserConnections'
    | 'dbCompanyCost'
  >
>;

export type DatabaseMode = 'postgres' | 'embedded';

export async function createDataSource(options: DatabaseOptions): Promise<{ dataSource: DataSource; mode: DatabaseMode }> {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations,
    synchronize: false,
    migrationsTransactionMode: 'each' as const,
    namingStrategy: new SnakeNamingStrategy(),
  };
  const size = options.dbPoolSize ?? DB_DEFAULTS.dbPoolSize;
  const waitMs = options.dbPoolWaitMs ?? DB_DEFAULTS.dbPoolWaitMs;
  const idleMs = options.dbIdleInTransactionTimeoutMs ?? DB_DEFAULTS.dbIdleInTransactionTimeoutMs;
  if (options.databaseUrl) {
    const dataSource = new DataSource({
      ...common,
      url: options.databaseUrl,
      poolSize: size,
      // Sent when each connection starts: SET LOCAL ROLE does not apply a role's own settings.
      extra: { types: PG_TYPES, connectionTimeoutMillis: waitMs, ...(idleMs > 0 && { idle_in_transaction_session_timeout: idleMs }) },
    });
    limitUnitsOfWork(dataSource, unitLimits(options, size, waitMs));
    return { dataSource: await dataSource.initialize(), mode: 'postgres' };
  }
  const db = await PGlite.create({ dataDir: options.pgliteDataDir, parsers: pgCompatibleParsers });
  class EmbeddedPool extends PGlitePool {
    constructor() {
      super(db);
    }
  }
  const dataSource = new DataSource({ ...common, driver: { Pool: EmbeddedPool } });
  // PGlite is one session that serves one transaction at a time: units of work take turns on it, round-robin across companies.
  limitUnitsOfWork(dataSource, unitLimits(options, 1, waitMs));
  return { dataSource: await dataSource.initialize(), mode: 'embedded' };
}

function unitLimits(options: DatabaseOptions, size: number, waitMs: number) {
  const shares = sharesOf(size);
  return {
    shares: new ConnectionShares({
      size,
      waitMs,
      perCompany: Math.min(size, options.dbCompanyConnections || shares.perCompany),
      perUser: Math.min(size, options.dbUserConnections || shares.perUser),
      costPerCompany: options.dbCompanyCost ?? DB_DEFAULTS.dbCompanyCost,
    }),
    statementTimeoutMs: options.dbStatementTimeoutMs ?? DB_DEFAULTS.dbStatementTimeoutMs,
    lockTimeoutMs: options.dbLockTimeoutMs ?? DB_DEFAULTS.dbLockTimeoutMs,
  };
}

/** Runs pending migrations; an advisory lock keeps nodes that start together from racing. */
export async function migrate(dataSource: DataSource, mode: DatabaseMode): Promise<string[]> {
  if (mode === 'embedded') {
    // One process owns the embedded database; holding a lock client would block the migration itself.
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock(7311)');
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(7311)').catch(() => undefined);
    await runner.release();
  }
}
