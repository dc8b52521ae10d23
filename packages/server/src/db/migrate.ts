import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { createDataSource, migrate } from './data-source.js';

/** `pnpm migrate`: applies pending migrations to DATABASE_URL (or a persistent PGLITE_DATA_DIR). */
const config = loadConfig();
if (!config.databaseUrl && !config.pgliteDataDir) {
  console.error('set DATABASE_URL (or PGLITE_DATA_DIR for a persistent embedded database)');
  process.exit(2);
}
const { dataSource, mode } = await createDataSource(config);
try {
  const ran = await migrate(dataSource, mode);
  console.log(ran.length ? `applied: ${ran.join(', ')}` : 'nothing to apply');
} finally {
  await dataSource.destroy();
}
