import 'reflect-metadata';
import pg from 'pg';
import { createDataSource, migrate } from '../src/db/data-source.js';

export const TEMPLATE_DB = 'reclaim_test_template';

/**
 * With DATABASE_URL (CI, developer machines with PostgreSQL): migrates a
 * template database once; each test file then gets its own copy
 * (CREATE DATABASE ... TEMPLATE), which takes milliseconds. Without it, each
 * test file starts its own in-memory PGlite and needs nothing here.
 */
export async function setup() {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const { dataSource, mode } = await createDataSource({ databaseUrl: withDatabase(url, TEMPLATE_DB), poolSize: 2 });
  await migrate(dataSource, mode);
  await dataSource.destroy();
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
