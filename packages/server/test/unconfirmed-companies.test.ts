import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Purge } from '../src/db/purge.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { unconfirmedCompanyPurgeJob } from '../src/modules/tenant/tenant.purge.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError, type World } from './fixtures.js';

/**
 * A company whose first admin never confirmed the address is deleted, with
 * everything it holds, UNCONFIRMED_COMPANY_DAYS (30) after signing up, by
 * the nodes' purge; a confirmed company, however old, and a younger
 * unconfirmed one are kept. The admin is told when, beside the request to
 * confirm.
 */
const DAY = 86_400_000;
let server: TestServer;
let fx: Fixtures;

beforeAll(async () => {
  // The server's own purge leaves the companies alone (0 days): the tests run the job themselves, when they choose.
  server = await startTestServer({ unconfirmedCompanyDays: 0 });
  fx = new Fixtures(server);
});
afterAll(() => server?.close());

const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> => server.dataSource.query(text, params);

/** Rows of the company in each table that holds companies' data (every table with a tenant_id, from the catalogue), the empty ones left out. */
async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  const tables = (await sql<{ name: string }>(`SELECT c.relname AS name FROM pg_class c
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1`)).map((r) => r.name);
  const [row] = await sql(`SELECT (SELECT count(*) FROM tenants WHERE id = $1)::int AS tenants, `
    + tables.map((t) => `(SELECT count(*) FROM ${t} WHERE tenant_id = $1)::int AS ${t}`).join(', '), [tenantId]);
  return Object.fromEntries(Object.entries(row as Record<string, number>).filter(([, n]) => n > 0));
}

/** A company signed up `daysAgo`, with staff of every role and complaints that went some way (messages, clocks, timelines, the outbox). */
async function company(options: { unconfirmed: boolean; daysAgo: number }): Promise<World> {
  const w = await fx.world(await fx.tenant(undefined, undefined, undefined, {}, { unconfirmed: options.unconfirmed }));
  await fx.complaintAt(w, Stage.DECISION);
  await fx.complaintAt(w, Stage.CLOSED);
  await sql('UPDATE tenants SET created_at = $2 WHERE id = $1', [w.t.tenantId, new Date(Date.now() - options.daysAgo * DAY)]);
  return w;
}

const job = () => new Purge(server.dataSource, [unconfirmedCompanyPurgeJob(30 * DAY)], { intervalMs: 60_000, batchSize: 200 });

describe('a company that never confirmed its address', () => {
  it('is deleted with every row it holds 30 days after signing up; a confirmed one and a younger one keep all of theirs', async () => {
    const doomed = await company({ unconfirmed: true, daysAgo: 31 });
    const confirmed = await company({ unconfirmed: false, daysAgo: 400 });
    const young = await company({ unconfirmed: true, daysAgo: 29 });
    const held = await rowsOf(doomed.t.tenantId);
    // Signing up, staff and complaints fill most tables: what the deletion must reach.
    expect(Object.keys(held).length).toBeGreaterThan(20);
    const kept = { confirmed: await rowsOf(confirmed.t.tenantId), young: await rowsOf(young.t.tenantId) };

    const purge = job();
    expect(await purge.purgeAll()).toBe(1);
    expect(purge.stats.errors).toBe(0);
    expect(await rowsOf(doomed.t.tenantId)).toEqual({});
    expect({ confirmed: await rowsOf(confirmed.t.tenantId), young: await rowsOf(young.t.tenantId) }).toEqual(kept);
    expect(await purge.purgeAll()).toBe(0);

    // Its staff are signed out for good, and its address on the web is free for a new sign-up.
    expectError(await server.staff('{ tenant { id } }', {}, doomed.t.adminToken), 'UNAUTHENTICATED');
    const again = await fx.tenant(doomed.t.slug);
    expect(again.tenantId).not.toBe(doomed.t.tenantId);
  });

  it('is deleted once when two nodes look at the same moment', async () => {
    const doomed = await company({ unconfirmed: true, daysAgo: 45 });
    const nodes = [job(), job()];
    const deleted = await Promise.all(nodes.map((n) => n.purgeAll()));
    expect(deleted[0]! + deleted[1]!).toBe(1);
    expect(nodes.map((n) => n.stats.errors)).toEqual([0, 0]);
    expect(await rowsOf(doomed.t.tenantId)).toEqual({});
  });

  it('is kept when its admin confirms before the purge looks, however old', async () => {
    const late = await company({ unconfirmed: true, daysAgo: 60 });
    await fx.build.confirmAddress(late.t.tenantId);
    const before = await rowsOf(late.t.tenantId);
    expect(await job().purgeAll()).toBe(0);
    expect(await rowsOf(late.t.tenantId)).toEqual(before);
  });
});

describe('the admin of an unconfirmed company', () => {
  const TENANT = '{ tenant { createdAt addressConfirmed deletionIfUnconfirmedAt } }';

  it('reads when it will be deleted (null once confirmed, or where the service keeps them)', async () => {
    const other = await startTestServer();
    try {
      const ofOther = new Fixtures(other);
      const t = await ofOther.tenant(undefined, undefined, undefined, {}, { unconfirmed: true });
      const { tenant } = ok(await other.staff(TENANT, {}, t.adminToken));
      expect(tenant.addressConfirmed).toBe(false);
      expect(Date.parse(tenant.deletionIfUnconfirmedAt) - Date.parse(tenant.createdAt)).toBe(30 * DAY);
      await ofOther.build.confirmAddress(t.tenantId);
      expect(ok(await other.staff(TENANT, {}, t.adminToken)).tenant).toMatchObject({ addressConfirmed: true, deletionIfUnconfirmedAt: null });
      // The server's own purge looks for such companies.
      expect(Object.keys(other.app.purge.stats.byJob)).toContain('unconfirmed company');
    } finally {
      await other.close();
    }
    const kept = await fx.tenant(undefined, undefined, undefined, {}, { unconfirmed: true });
    expect(ok(await server.staff(TENANT, {}, kept.adminToken)).tenant).toMatchObject({ addressConfirmed: false, deletionIfUnconfirmedAt: null });
    expect(Object.keys(server.app.purge.stats.byJob)).not.toContain('unconfirmed company');
  });
});
