import 'reflect-metadata';
import pg from 'pg';
import { createDataSource, migrate } from '../src/db/data-source.js';

/** Per test run, so that concurrent runs on one PostgreSQL never share (or drop) each other's template. */
export const templateDb = () => process.env.RECLAIM_TEST_TEMPLATE ?? 'reclaim_test_template';

/**
 * With DATABASE_URL (CI, developer machines with PostgreSQL): migrates a
 * template database once; each test file then gets its own copy
 * (CREATE DATABASE ... TEMPLATE), which takes milliseconds. Without it, each
 * test file starts its own in-memory PGlite and needs nothing here.
 */
export async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) await migrateTemplate(url);
}

async function migrateTemplate(url: string): Promise<void> {
  // Test workers are forked after this runs and inherit the variable.
  process.env.RECLAIM_TEST_TEMPLATE = `reclaim_test_template_${process.pid}`;
  await adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`);
  await adminQuery(url, `CREATE DATABASE ${templateDb()}`);
  const { dataSource, mode } = await createDataSource({ databaseUrl: withDatabase(url, templateDb()), dbPoolSize: 2 });
  await migrate(dataSource, mode);
  await dataSource.destroy();
}

export async function teardown() {
  const url = process.env.DATABASE_URL;
  if (url) await adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`);
}

/** One statement on its own connection, as the suite's owner (creating and dropping databases); its rows. */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
