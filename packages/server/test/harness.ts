import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createDataSource, migrate, type DatabaseOptions } from '../src/db/data-source.js';
import { inUnit } from '../src/db/unit-of-work.js';
import { createApp, type App, type AppConfig } from '../src/app.js';
import { buildSchemas, type Schemas } from '../src/graphql/schema.js';
import { adminQuery, copyPrefix, EMPTY_TABLES, SCHEMA_FINGERPRINT, templateDb, templateFingerprint, withDatabase } from './global-setup.js';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown } }>;
}

export interface TestServer {
  url: string;
  /** The SMTP receiver's port, when the server was given `smtpPort`. */
  smtpPort?: number;
  app: App;
  dataSource: DataSource;
  /** 'postgres' when DATABASE_URL is set, 'embedded' (PGlite) otherwise. */
  mode: 'postgres' | 'embedded';
  /** The server's own database (PostgreSQL mode), for a second node on it. */
  databaseUrl?: string;
  staff<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  portal<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

/**
 * The cost (scrypt's N = 2^cost) at which test servers, the service tier and the builders hash passwords: 2^10, a
 * thirty-second of the production cost's work, as test runners commonly use a fast hasher; at 2^15 the hashes
 * took a fifteenth of the suite's CPU. The test of the hashing slots sets the production cost.
 */
export const TEST_HASH_COST = 10;

/** The endpoints' schemas, built once for every server this worker starts: they hold no server's state. */
let built: Promise<Schemas> | undefined;
const schemas = () => (built ??= buildSchemas());

/**
 * A real server on a random port over a fresh database of its own: a copy
 * of the migrated template on PostgreSQL, or an in-memory PGlite;
 * `database` sets the pool and its limits.
 */
export async function startTestServer(options: Partial<AppConfig> = {}, database: DatabaseOptions = {}): Promise<TestServer> {
  const { dataSource, mode, databaseUrl, drop } = await testDatabase(database);
  // As in production: LISTEN/NOTIFY on PostgreSQL, in-process when embedded.
  const app = await createTestApp(dataSource, { pubsub: mode === 'postgres' ? 'postgres' : 'memory', databaseUrl, ...options });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // As a node starts it: a port it cannot have is logged, and the server serves the rest (smtpPort undefined).
  const smtpPort = (await app.mailReceiver?.start()) ?? undefined;

  const post = async (path: string, query: string, variables?: Record<string, unknown>, token?: string) => {
    let req = request(base).post(path).set('content-type', 'application/json');
    if (token) req = req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body?.data, errors: res.body?.errors };
  };
  return {
    url: base,
    smtpPort,
    app,
    dataSource,
    mode,
    databaseUrl,
    staff: (query, variables, token) => post('/graphql', query, variables, token),
    portal: (query, variables) => post('/portal/graphql', query, variables),
    async close() {
      await app.close();
      await drop();
    },
  };
}

/**
 * A node's app over `dataSource` as the tests run one (a test server's, or a second node's on the same database): rate
 * limits off unless a test asks for them (test traffic all comes from 127.0.0.1), the tests' hash cost, the worker's
 * one build of the schemas, and `options` over that. Not listening.
 */
export function createTestApp(dataSource: DataSource, options: Partial<AppConfig> = {}): Promise<App> {
  return createApp(
    dataSource,
    {
      jwtSecret: randomBytes(32).toString('hex'),
      tokenTtlSeconds: 3600,
      production: false,
      rateLimitPerMinute: 0,
      anonymousRateLimitPerMinute: 0,
      passwordHashCost: TEST_HASH_COST,
      ...options,
    },
    schemas(),
  );
}

export interface TestDatabase {
  dataSource: DataSource;
  mode: 'postgres' | 'embedded';
  databaseUrl?: string;
  /** Closes the data source and drops the database. */
  drop(): Promise<void>;
}

/**
 * A migrated database as the template left it: on PostgreSQL (DATABASE_URL) one this worker used and emptied
 * before (`giveBack`), or else a copy of the template; an in-memory PGlite otherwise.
 */
export async function testDatabase(database: DatabaseOptions = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  let databaseUrl: string | undefined;
  let name: string | undefined;
  if (url) {
    name = emptied.pop() ?? (await copyTemplate(url));
    databaseUrl = withDatabase(url, name);
  }
  // A request waits up to 30 s for its share of the pool (5 s in production): on a loaded 2-core machine a fixture's
  // requests (five users created at once, each holding its connection while its password is hashed) outwait 5 s.
  // Tests of the wait itself set their own.
  const { dataSource, mode } = await createDataSource({ dbPoolSize: 40, dbPoolWaitMs: 30_000, ...database, databaseUrl });
  if (mode === 'embedded') await migrate(dataSource, mode);
  return {
    dataSource,
    mode,
    databaseUrl,
    async drop() {
      await dataSource.destroy();
      if (url && name) await giveBack(url, name);
    },
  };
}

/**
 * Databases this worker's earlier test files used and emptied, for its next ones. Copying the template creates
 * about a thousand files and, as a file copy, forces two checkpoints; dropping the copy removes them again: under
 * a full run that was 0.5–1.5 s a file and a tenth of the machine's CPU (docs/benchmarks.md). Emptying the tables
 * a file wrote takes a tenth of that. Global teardown drops what is left.
 */
const emptied: string[] = [];

const copyTemplate = async (url: string): Promise<string> => {
  const name = `${copyPrefix()}${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE ${name} TEMPLATE ${templateDb()}${await fileCopy(url)}`);
  return name;
};

/**
 * Empties database `name` for this worker's next file, or drops it if its schema is no longer the template's
 * (a test undid a migration, added a table). It is renamed first, so that anything a test left connected to
 * it, or reconnecting (a server not closed), finds it gone, as it would a dropped one.
 */
async function giveBack(url: string, name: string): Promise<void> {
  const renamed = `${copyPrefix()}${randomBytes(6).toString('hex')}`;
  try {
    await adminQuery(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
    await adminQuery(url, `ALTER DATABASE ${name} RENAME TO ${renamed}`);
  } catch {
    await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    return;
  }
  const client = new pg.Client({ connectionString: withDatabase(url, renamed) });
  const same = await client
    .connect()
    .then(() => client.query(EMPTY_TABLES))
    .then(() => client.query<{ fingerprint: string }>(`SELECT ${SCHEMA_FINGERPRINT} AS fingerprint`))
    .then(
      (result) => result.rows[0]?.fingerprint === templateFingerprint(),
      () => false,
    )
    .finally(() => client.end());
  if (same) emptied.push(renamed);
  else await adminQuery(url, `DROP DATABASE IF EXISTS ${renamed} WITH (FORCE)`);
}

/**
 * What a migration makes of rows written before it: a fresh database with
 * `migration` undone, where `test` writes the old rows through `runner`,
 * runs `migration.up(runner)` and checks; the database is dropped after.
 */
/** A company row written straight through `runner` (a migration test's old data), with the columns every migration since has; its id. */
export async function insertOldTenant(runner: QueryRunner): Promise<string> {
  const tenant = randomUUID();
  await runner.query(
    `INSERT INTO tenants (id, slug, number_prefix, name, locale, time_zone, country, currency, branding, created_at)
    VALUES ($1, $2, $3, 'Old Co', 'en', 'UTC', 'GB', 'GBP', '{}', now())`,
    [tenant, `old-${tenant.slice(0, 8)}`, `OLD${tenant.slice(0, 4)}`],
  );
  return tenant;
}

export async function withMigrationUndone(migration: MigrationInterface, test: (runner: QueryRunner) => Promise<void>): Promise<void> {
  const db = await testDatabase();
  const runner = db.dataSource.createQueryRunner();
  try {
    await migration.down(runner);
    await test(runner);
  } finally {
    await runner.release();
    await db.drop();
  }
}

/**
 * PostgreSQL 15 copies a template block by block through the WAL by default; copying its files
 * (with a checkpoint) takes a third of the time for a database this small.
 */
let strategy: Promise<string> | undefined;
const fileCopy = (url: string) =>
  (strategy ??= adminQuery<{ v: number }>(url, `SELECT current_setting('server_version_num')::int AS v`).then(([row]) =>
    row!.v >= 150000 ? ' STRATEGY FILE_COPY' : '',
  ));

/**
 * `count` units of work of the company (its staff's requests, say; of one user or key with `userId`) inside
 * their transactions, holding connections of its share of the pool until `release` is called; resolves once
 * all are inside, and fails (letting go of those that got in) when one is refused or they are not all inside
 * within `withinMs`.
 */
export async function holdShare(
  dataSource: DataSource,
  tenantId: string,
  count: number,
  { userId, withinMs = 5000 }: { userId?: string; withinMs?: number } = {},
): Promise<{ release: () => Promise<void> }> {
  let open = () => undefined as void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let entered = 0;
  const holding = Array.from({ length: count }, () =>
    inUnit(dataSource, async (uow) => {
      await uow.enterTenant(tenantId, { userId });
      entered++;
      await gate;
    }),
  );
  const release = async () => {
    open();
    await Promise.allSettled(holding);
  };
  // A unit settles before the gate opens only when it was refused.
  let settled = false;
  for (const h of holding)
    h.catch(() => {
      settled = true;
    });
  const deadline = Date.now() + withinMs;
  while (entered < count) {
    if (settled || Date.now() > deadline) {
      await release();
      throw new Error(`holdShare: ${entered} of ${count} units of work got in`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { release };
}

/** The data of a result that must have succeeded; fails with the errors otherwise. */
export function ok<T>(result: GqlResult<T>): T {
  if (result.errors?.length || !result.data) {
    throw new Error(`expected success, got ${result.status}: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

/** The error code of a result that must have failed. */
export function errorCode(result: GqlResult): string | undefined {
  if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
  return result.errors[0]!.extensions?.code;
}
