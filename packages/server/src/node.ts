import 'reflect-metadata';
import { loadConfig, SettingsError, type Config } from './config.js';
import { configureLog, log } from './ops/log.js';
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
  configureLog({ level: config.logLevel, pretty: config.logPretty });
  const { dataSource, mode } = await createDataSource(config);
  log.info(`database: ${mode === 'embedded' ? `embedded PGlite (${config.pgliteDataDir ?? 'in memory'})` : 'PostgreSQL'}`);
  if (config.migrateOnStart) {
    const ran = await migrate(dataSource, mode);
    if (ran.length) log.info(`migrations applied: ${ran.join(', ')}`);
  } else if (await dataSource.showMigrations()) {
    throw new Error('the database has pending migrations: run `pnpm migrate` first (or start with MIGRATE_ON_START=1)');
  }
  if (config.demoData) {
    const seeded = await seedDemoData(dataSource);
    if (seeded) log.info(`demo data: ${seeded}`);
  }
  const app = await createApp(dataSource, config);
  prepare?.(app);
  await new Promise<void>((resolve) => app.server.listen(config.port, resolve));
  log.info(
    `Reclaim listening on http://localhost:${config.port}  (staff API /graphql, portal API /portal/graphql, subscriptions on both over graphql-ws; pub/sub: ${config.pubsub})`,
  );
  await app.mailReceiver?.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    await shutDown(app, config, signal);
    await dataSource.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * A node's shutdown: readiness goes red first and stays red for
 * SHUTDOWN_READY_DELAY_MS, so that the load balancer stops sending work
 * here; then the drain (sockets closed with 1001, requests finished,
 * committed events published). Past SHUTDOWN_DEADLINE_MS the process exits
 * anyway, with status 1.
 */
async function shutDown(app: App, config: Config, signal: string): Promise<void> {
  const deadline = setTimeout(() => {
    log.error(`${signal}: not drained within ${config.shutdownDeadlineMs} ms; exiting`);
    process.exit(1);
  }, config.shutdownDeadlineMs);
  deadline.unref();
  app.health.beginShutdown();
  log.info(`${signal}: not ready; draining in ${config.shutdownReadyDelayMs} ms`);
  await new Promise((resolve) => setTimeout(resolve, config.shutdownReadyDelayMs));
  await app.close();
  log.info(`${signal}: drained`);
}

/** Runs `run` as the process's main work: a failure to start ends the process. */
export function runAsMain(prepare?: (app: App) => void): void {
  run(prepare).catch((err) => {
    // A wrong setting is told plainly, variable by variable; anything else with its stack.
    if (err instanceof SettingsError) process.stderr.write(`${err.message}\n`);
    else log.fatal({ err }, 'could not start');
    process.exit(err instanceof SettingsError ? 2 : 1);
  });
}
