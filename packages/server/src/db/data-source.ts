import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { PGlite } from '@electric-sql/pglite';
import { PGlitePool, pgCompatibleParsers } from './pglite-pool.js';
import { entities } from './entities.js';
import { migrations } from './migrations/index.js';
import { SnakeNamingStrategy } from './naming.js';

// `date` columns stay 'YYYY-MM-DD' strings (pg would make local-midnight Dates).
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface DatabaseOptions {
  databaseUrl?: string;
  pgliteDataDir?: string;
  poolSize?: number;
  /** Only for throw-away test databases. */
  synchronize?: false;
}

export type DatabaseMode = 'postgres' | 'embedded';

export async function createDataSource(options: DatabaseOptions): Promise<{ dataSource: DataSource; mode: DatabaseMode }> {
  const common = {
    type: 'postgres' as const, entities, migrations, synchronize: false,
    migrationsTransactionMode: 'each' as const, namingStrategy: new SnakeNamingStrategy(),
  };
  if (options.databaseUrl) {
    const dataSource = new DataSource({ ...common, url: options.databaseUrl, poolSize: options.poolSize ?? 20 });
    return { dataSource: await dataSource.initialize(), mode: 'postgres' };
  }
  const db = await PGlite.create({ dataDir: options.pgliteDataDir, parsers: pgCompatibleParsers });
  class EmbeddedPool extends PGlitePool {
    constructor() {
      super(db);
    }
  }
  const dataSource = new DataSource({ ...common, driver: { Pool: EmbeddedPool } });
  return { dataSource: await dataSource.initialize(), mode: 'embedded' };
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
