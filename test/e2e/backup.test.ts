import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { adminQuery } from '../../packages/server/src/bench/bench-kit.js';
import { afterAll, describe, expect, it } from 'vitest';
import { demoToken, serverDist, startServerProcess, type ServerProcess, staffData as gql } from './server-process.js';

/**
 * The backup and restore of docs/operations.md ("Backups and restore"), as
 * an operator runs them: a database owned and migrated by an owner that is
 * not a superuser, served by a node logged in as a member of reclaim_node;
 * `pg_dump --format=custom` as a backup role (BYPASSRLS, pg_read_all_data:
 * the owner is held by the forced policies); `pg_restore --no-owner` as the
 * owner into a new database; a node on the restored database serves the
 * same data and numbers new complaints after the old ones. Needs
 * DATABASE_URL and PostgreSQL's client programs; skipped without.
 */
const ADMIN_URL = process.env.DATABASE_URL;
const exec = promisify(execFile);
const run = `rb_${randomBytes(4).toString('hex')}`;
const owner = `${run}_owner`;
const nodeRole = `${run}_node`;
const backupRole = `${run}_backup`;
const databases = [run, `${run}_restored`];
const dir = mkdtempSync(join(tmpdir(), 'reclaim-backup-'));
const nodes: ServerProcess[] = [];
const available = () => Boolean(ADMIN_URL) && existsSync('/usr/bin/pg_dump') && existsSync('/usr/bin/pg_restore');

const admin = (sql: string) => adminQuery(ADMIN_URL!, sql);

function urlOf(database: string, user: string): string {
  const url = new URL(ADMIN_URL!);
  url.pathname = `/${database}`;
  url.username = user;
  url.password = '';
  return url.toString();
}

async function startNode(database: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const node = await startServerProcess(
    {
      ...process.env,
      DATABASE_URL: urlOf(database, nodeRole),
      REDIS_URL: '',
      PUBSUB: 'postgres',
      MIGRATE_ON_START: '0',
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_PRETTY: '0',
      RATE_LIMIT_PREFIX: run,
      ...env,
    },
    120_000,
  );
  nodes.push(node);
  return node;
}

const REGISTER = `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id number } }`;
const complaint = (subject: string) => ({
  kind: 'CLAIM',
  channel: 'PHONE',
  subject,
  description: 'The seam came apart',
  customer: { name: 'Anna Smirnova', email: 'anna@example.com' },
});
const COUNTS = '{ complaints(first: 1) { totalCount } correctiveActions(first: 1) { totalCount } }';

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  rmSync(dir, { recursive: true, force: true });
  if (!available()) return;
  for (const db of databases) await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin(`DROP ROLE IF EXISTS ${nodeRole}`);
  await admin(`DROP ROLE IF EXISTS ${backupRole}`);
  await admin(`DROP ROLE IF EXISTS ${owner}`);
});

describe.skipIf(!available())('backup and restore', () => {
  it('restores a pg_dump into a new database that a node serves as before, numbering on after the old complaints', async () => {
    await admin(`CREATE ROLE ${owner} LOGIN IN ROLE reclaim_app`);
    await admin(`CREATE ROLE ${nodeRole} LOGIN IN ROLE reclaim_node`);
    await admin(`CREATE ROLE ${backupRole} LOGIN BYPASSRLS IN ROLE pg_read_all_data`);
    await admin(`CREATE DATABASE ${run} OWNER ${owner}`);
    await exec(process.execPath, [`${serverDist}db/migrate.js`], {
      env: { ...process.env, DATABASE_URL: urlOf(run, owner), LOG_PRETTY: '0' },
    });

    const before = await startNode(run, { DEMO_DATA: '1' });
    const token = await demoToken(before.base, 'acme', 'quality.manager');
    const last = (await gql(before, REGISTER, { input: complaint('Before the backup') }, await demoToken(before.base, 'acme', 'operator')))
      .registerComplaint;
    const counts = await gql(before, COUNTS, {}, token);
    expect(counts.complaints.totalCount).toBeGreaterThan(100);
    await before.stop();

    const dump = join(dir, 'reclaim.dump');
    // The owner cannot read past the forced policies: backups take a role that reads everything and bypasses them.
    await expect(exec('pg_dump', ['--format=custom', `--file=${dump}`, `--dbname=${urlOf(run, owner)}`])).rejects.toThrow(
      /row-level security/,
    );
    await exec('pg_dump', ['--format=custom', `--file=${dump}`, `--dbname=${urlOf(run, backupRole)}`]);
    await admin(`CREATE DATABASE ${run}_restored OWNER ${owner}`);
    await exec('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${urlOf(`${run}_restored`, owner)}`, dump]);

    const after = await startNode(`${run}_restored`, { DEMO_DATA: '1' });
    const again = await demoToken(after.base, 'acme', 'quality.manager');
    expect(await gql(after, COUNTS, {}, again)).toEqual(counts);
    const found = await gql(after, 'query($id: ID!) { complaint(id: $id) { number subject } }', { id: last.id }, again);
    expect(found.complaint).toEqual({ number: last.number, subject: 'Before the backup' });
    const next = (await gql(after, REGISTER, { input: complaint('After the restore') }, await demoToken(after.base, 'acme', 'operator')))
      .registerComplaint;
    const serial = (n: string) => Number(/(\d+)$/.exec(n)![1]);
    expect(serial(next.number)).toBe(serial(last.number) + 1);
    // The restored tables are owned by the owner, and row-level security is forced again.
    const client = new pg.Client({ connectionString: urlOf(`${run}_restored`, owner) });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT relname, relforcerowsecurity AS forced, pg_get_userbyid(relowner) AS owner
        FROM pg_class WHERE relname IN ('complaints', 'messages', 'users') ORDER BY relname`);
      expect(rows).toEqual(['complaints', 'messages', 'users'].map((relname) => ({ relname, forced: true, owner })));
    } finally {
      await client.end();
    }
  }, 240_000);
});
