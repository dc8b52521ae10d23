import 'reflect-metadata';
import { loadConfig } from './config.js';
import { createDataSource, migrate } from './db/data-source.js';
import { createApp, type App } from './app.js';
import { seedDemoData } from './demo/seed.js';

/**
 * Starts a node: the database (migrated or checked), demo data if asked,
 * the app listening on its port, and a clean shutdown on SIGTERM/SIGINT.
 * `prepare` sees the app before it listens (test-only entries use it, see
 * src/testing/).
 */
export async function run(prepare?: (app: App) => void): Promise<void> {
  const config = loadConfig();
  const { dataSource, mode } = await createDataSource(config);
  console.log(`database: ${mode === 'embedded' ? `embedded PGlite (${config.pgliteDataDir ?? 'in memory'})` : 'PostgreSQL'}`);
  if (config.migrateOnStart) {
    const ran = await migrate(dataSource, mode);
    if (ran.length) console.log(`migrations applied: ${ran.join(', ')}`);
  } else if (await dataSource.showMigrations()) {
    throw new Error('the database has pending migrations: run `pnpm migrate` first (or start with MIGRATE_ON_START=1)');
  }
  if (config.demoData) {
    const seeded = await seedDemoData(dataSource);
    if (seeded) console.log(`demo data: ${seeded}`);
  }
  const app = await createApp(dataSource, config);
  prepare?.(app);
  await new Promise<void>((resolve) => app.server.listen(config.port, resolve));
  console.log(`Reclaim listening on http://localhost:${config.port}  (staff API /graphql, portal API /portal/graphql, subscriptions on both over graphql-ws; pub/sub: ${config.pubsub})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await app.close();
    await dataSource.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Runs `run` as the process's main work: a failure to start ends the process. */
export function runAsMain(prepare?: (app: App) => void): void {
  run(prepare).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

