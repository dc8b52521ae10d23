import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companiesFrom } from '../src/db/companies.js';
import { createDataSource, migrate } from '../src/db/data-source.js';
import { Purge } from '../src/db/purge.js';
import { unconfirmedCompanyPurgeJob } from '../src/modules/tenant/tenant.purge.js';
import { adminQuery, withDatabase } from './global-setup.js';

/**
 * A database as production has it (docs/operations.md, "Database roles"):
 * owned and migrated by a role that is not a superuser, served by a node
 * logged in as a member of reclaim_node. The SECURITY DEFINER functions
 * through which a node finds each company's work run as that owner, so a
 * table they read must not force its policies on the owner: outside a unit
 * of work the policies name no company, and the functions would find
 * nothing (no mail sent, no webhook delivered, no API key recognised). The
 * other tests' owner is a superuser, which no policy holds.
 */
describe.runIf(process.env.DATABASE_URL)('a database owned by a role that is not a superuser', () => {
  const url = process.env.DATABASE_URL!;
  const run = `rd_${randomBytes(4).toString('hex')}`;
  const [owner, nodeRole] = [`${run}_owner`, `${run}_node`];
  const as = (user: string) => {
    const u = new URL(withDatabase(url, run));
    u.username = user;
    u.password = '';
    return u.toString();
  };
  let node: DataSource;
  /** The database's superuser, for writing the rows the node should find (as the companies' requests and workers would have). */
  let admin: pg.Client;

  beforeAll(async () => {
    await adminQuery(url, `CREATE ROLE ${owner} LOGIN IN ROLE reclaim_app`);
    await adminQuery(url, `CREATE ROLE ${nodeRole} LOGIN IN ROLE reclaim_node`);
    await adminQuery(url, `CREATE DATABASE ${run} OWNER ${owner}`);
    const migrator = await createDataSource({ databaseUrl: as(owner), dbPoolSize: 2 });
    await migrate(migrator.dataSource, migrator.mode);
    await migrator.dataSource.destroy();
    node = (await createDataSource({ databaseUrl: as(nodeRole), dbPoolSize: 2 })).dataSource;
    admin = new pg.Client({ connectionString: withDatabase(url, run) });
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    await node?.destroy();
    await admin?.end();
    await adminQuery(url, `DROP DATABASE IF EXISTS ${run} WITH (FORCE)`);
    await adminQuery(url, `DROP ROLE IF EXISTS ${nodeRole}`);
    await adminQuery(url, `DROP ROLE IF EXISTS ${owner}`);
  });

  it("has no SECURITY DEFINER function reading a table whose policies hold the owner, but those run in a company's unit of work", async () => {
    // delete_unconfirmed_tenant deletes the rows of the unit of work's own company, which the policies admit.
    const { rows } = await admin.query(`SELECT p.proname || ' reads ' || c.relname AS found FROM pg_proc p
        CROSS JOIN pg_class c
       WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef AND p.proname <> 'delete_unconfirmed_tenant'
         AND c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relforcerowsecurity
         AND p.prosrc ~ ('\\m' || c.relname || '\\M')
       ORDER BY 1`);
    expect(rows.map((r) => r.found)).toEqual([]);
  });

  it('lets the node find which companies have mail due and old logs, and which company an API key names', async () => {
    const tenantId = randomUUID();
    await admin.query(
      `INSERT INTO tenants (id, slug, number_prefix, name, locale, time_zone, country, branding, created_at, address_confirmed_at)
      VALUES ($1, 'owned-co', 'OWN', 'Owned Co', 'en', 'UTC', 'GB', '{}', now(), now())`,
      [tenantId],
    );
    await admin.query(
      `INSERT INTO outbound_mails (tenant_id, id, kind, to_address, subject, body_text, status, next_attempt_at, created_at)
      VALUES ($1, gen_random_uuid(), 'REGISTERED', 'anna@example.com', 'Received', 'Text', 'PENDING', now() - interval '1 minute', now()),
             ($1, gen_random_uuid(), 'REGISTERED', 'anna@example.com', 'Received', 'Text', 'SENT', NULL, now() - interval '200 days')`,
      [tenantId],
    );
    await admin.query(
      `INSERT INTO integrations (tenant_id, id, name, scopes, key_prefix, key_hash) VALUES ($1, gen_random_uuid(), 'ERP', '{}', $2, '\\x00')`,
      [tenantId, `rk_${run}`],
    );

    expect(await companiesFrom(node, 'mail_due_tenants', 10)).toEqual([tenantId]);
    // Only a function's name is put into the statement: anything more is refused before it is sent (this would find the company).
    await expect(companiesFrom(node, 'mail_due_tenants(10) --')).rejects.toThrow(/not a function's name/);
    expect(await companiesFrom(node, 'expired_log_tenants', new Date(Date.now() - 180 * 86_400_000), '-infinity')).toEqual([tenantId]);
    expect(await companiesFrom(node, 'expired_log_tenants', '-infinity', new Date(Date.now() - 180 * 86_400_000))).toEqual([]);
    expect((await node.query('SELECT tenant_id_by_api_key_prefix($1) AS id', [`rk_${run}`]))[0].id).toBe(tenantId);
    // Outside a unit of work the node itself still reads no company's rows.
    expect(
      (await node.query('SELECT (SELECT count(*) FROM outbound_mails)::int AS mails, (SELECT count(*) FROM integrations)::int AS keys'))[0],
    ).toEqual({ mails: 0, keys: 0 });
  });

  it('lets the node delete a company never confirmed, with its rows in tables of every kind of key, and retire its slug', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    await admin.query(
      `INSERT INTO tenants (id, slug, number_prefix, name, locale, time_zone, country, branding, created_at)
      VALUES ($1, 'never-confirmed', 'NEVERCONFIRMED', 'Never Co', 'en', 'UTC', 'GB', '{}', now() - interval '40 days')`,
      [tenantId],
    );
    await admin.query(
      `INSERT INTO users (tenant_id, id, email, name, roles, invited_at) VALUES ($1, $2, 'admin@never.test', 'Admin', '{ADMIN}', now())`,
      [tenantId, userId],
    );
    // A saved view is its owner's alone (the policies admit no company role without the user), and goes with the user;
    // the integration names its creator by a key that does not cascade.
    await admin.query(`INSERT INTO saved_views (tenant_id, id, user_id, name) VALUES ($1, gen_random_uuid(), $2, 'Mine')`, [
      tenantId,
      userId,
    ]);
    await admin.query(
      `INSERT INTO integrations (tenant_id, id, name, scopes, key_prefix, key_hash, created_by)
      VALUES ($1, gen_random_uuid(), 'ERP', '{}', 'rk_never', '\\x00', $2)`,
      [tenantId, userId],
    );
    const purge = new Purge(node, [unconfirmedCompanyPurgeJob(30)], { intervalMs: 60_000, batchSize: 200 });
    expect(await purge.purgeAll()).toBe(1);
    expect(purge.stats.errors).toBe(0);
    const {
      rows: [left],
    } = await admin.query(
      `SELECT (SELECT count(*) FROM tenants WHERE id = $1)::int AS tenants,
        (SELECT count(*) FROM users WHERE tenant_id = $1)::int AS users, (SELECT count(*) FROM saved_views WHERE tenant_id = $1)::int AS views,
        (SELECT count(*) FROM integrations WHERE tenant_id = $1)::int AS integrations,
        (SELECT count(*) FROM retired_slugs WHERE slug = 'never-confirmed')::int AS retired`,
      [tenantId],
    );
    expect(left).toEqual({ tenants: 0, users: 0, views: 0, integrations: 0, retired: 1 });
  });
});
