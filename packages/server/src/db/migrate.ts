import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { configureLog, log } from '../ops/log.js';
import { createDataSource, migrate } from './data-source.js';

/** `pnpm migrate`: applies pending migrations to DATABASE_URL (or a persistent PGLITE_DATA_DIR). */
const config = loadConfig();
configureLog({ level: config.logLevel, pretty: config.logPretty });
if (!config.databaseUrl && !config.pgliteDataDir) {
  log.error('set DATABASE_URL (or PGLITE_DATA_DIR for a persistent embedded database)');
  process.exit(2);
}
const { dataSource, mode } = await createDataSource(config);
try {
  const ran = await migrate(dataSource, mode);
  log.info(ran.length ? `applied: ${ran.join(', ')}` : 'nothing to apply');
} finally {
  await dataSource.destroy();
}
