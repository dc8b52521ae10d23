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
  // Test workers are forked after this runs and inherit the variables.
  process.env.RECLAIM_TEST_TEMPLATE = `reclaim_test_template_${process.pid}`;
  process.env.RECLAIM_TEST_COPIES = `reclaim_test_${process.pid}_`;
  await adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`);
  await adminQuery(url, `CREATE DATABASE ${templateDb()}`);
  const { dataSource, mode } = await createDataSource({ databaseUrl: withDatabase(url, templateDb()), dbPoolSize: 2 });
  await migrate(dataSource, mode);
  const [row] = await dataSource.query(`SELECT ${SCHEMA_FINGERPRINT} AS fingerprint`);
  process.env.RECLAIM_TEST_SCHEMA = row.fingerprint;
  await dataSource.destroy();
}

export async function teardown() {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const copies = await adminQuery<{ name: string }>(
    url,
    `SELECT datname AS name FROM pg_database WHERE starts_with(datname, '${copyPrefix()}')`,
  );
  for (const { name } of copies) await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`);
}

/** How this run's copies of the template are named: the prefix, then random. */
export const copyPrefix = () => process.env.RECLAIM_TEST_COPIES ?? 'reclaim_test_';

/** The template's SCHEMA_FINGERPRINT, read once it is migrated. */
export const templateFingerprint = () => process.env.RECLAIM_TEST_SCHEMA;

/**
 * A digest of what a test database holds besides its rows: tables, columns and their defaults, indexes,
 * constraints, grants, row-level security and its policies, functions, triggers, the migrations applied, and
 * the database's own settings. Equal to the template's: the database can be emptied and used again.
 */
export const SCHEMA_FINGERPRINT = `md5(concat_ws('|',
  (SELECT string_agg(concat_ws(':', c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.relacl::text,
      (SELECT string_agg(concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated,
          pg_get_expr(d.adbin, d.adrelid)), ',' ORDER BY a.attnum)
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
      CASE WHEN c.relkind = 'i' THEN pg_get_indexdef(c.oid) END), ';' ORDER BY c.relname)
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace),
  (SELECT string_agg(concat_ws(':', conrelid::regclass::text, conname, pg_get_constraintdef(oid)), ';' ORDER BY conrelid::regclass::text, conname)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
  (SELECT string_agg(concat_ws(':', polrelid::regclass::text, polname, polcmd, polpermissive, polroles::text,
      pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid)), ';' ORDER BY polrelid::regclass::text, polname) FROM pg_policy),
  (SELECT string_agg(concat_ws(':', proname, pg_get_function_identity_arguments(oid), md5(prosrc), proconfig::text, proacl::text), ';'
      ORDER BY proname, pg_get_function_identity_arguments(oid))
    FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
  (SELECT string_agg(pg_get_triggerdef(oid), ';' ORDER BY tgrelid::regclass::text, tgname) FROM pg_trigger WHERE NOT tgisinternal),
  (SELECT string_agg(name, ';' ORDER BY id) FROM migrations),
  (SELECT concat_ws(':', datallowconn, datconnlimit, datacl::text) FROM pg_database WHERE datname = current_database()),
  (SELECT string_agg(setconfig::text, ';' ORDER BY setrole) FROM pg_db_role_setting
    WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()))))`;

/**
 * Empties every table but the migrations' and sets their sequences back to their start, as in the template. A table
 * of a few pages is emptied by DELETE (its dead rows stay until autovacuum, where it runs, or until the table passes
 * 256 kB), a larger one by TRUNCATE, which gives it and its indexes new files: together 17 ms a database on average
 * in a full run, against 148 ms for truncating every table that holds rows (4 December). Foreign keys
 * are not checked meanwhile (session_replication_role), as every table that holds rows is emptied.
 */
export const EMPTY_TABLES = `DO $$
DECLARE
  t regclass;
  large text[] := '{}';
  found boolean;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR t IN SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> 'migrations' LOOP
    IF pg_relation_size(t) > 256 * 1024 THEN
      large := large || t::text;
    ELSE
      EXECUTE format('SELECT EXISTS (SELECT FROM %s)', t) INTO found;
      IF found THEN EXECUTE format('DELETE FROM %s', t); END IF;
    END IF;
  END LOOP;
  IF cardinality(large) > 0 THEN EXECUTE 'TRUNCATE ' || array_to_string(large, ', '); END IF;
  PERFORM setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
    WHERE c.relnamespace = 'public'::regnamespace AND pg_sequence_last_value(s.seqrelid) IS NOT NULL
      AND s.seqrelid <> pg_get_serial_sequence('migrations', 'id')::regclass;
END $$`;

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
