import { randomBytes } from 'node:crypto';
import request from 'supertest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../src/db/data-source.js';
import { inTenant } from '../src/db/unit-of-work.js';
import { RequestContext } from '../src/graphql/context.js';
import { LinkPurpose, issueLink } from '../src/modules/account/account-links.js';
import { Purge } from '../src/db/purge.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { unconfirmedCompanyPurgeJob } from '../src/modules/tenant/tenant.purge.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, TENANT_TABLES, expectError, type World } from './fixtures.js';
import { OpenSockets, WsClient } from './ws-client.js';

/**
 * A company whose first admin never confirmed the address is deleted, with
 * everything it holds, UNCONFIRMED_COMPANY_DAYS (30) after signing up, by
 * the nodes' purge; a confirmed company, however old, and a younger
 * unconfirmed one are kept. Its slug is never signed up again (a
 * customer's reply to its old mail is addressed by slug and number). The
 * admin is told when, beside the request to confirm.
 */
const DAY = 86_400_000;
let server: TestServer;
let fx: Fixtures;

beforeAll(async () => {
  // The server's own purge leaves the companies alone (0 days): the tests run the job themselves, when they choose.
  server = await startTestServer({ unconfirmedCompanyDays: 0 });
  fx = new Fixtures(server);
});
const sockets = new OpenSockets();
afterAll(async () => {
  sockets.closeAll();
  await server?.close();
});

const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> => server.dataSource.query(text, params);

/** Rows of the company in each table that holds companies' data (TENANT_TABLES, which the isolation tests hold to the catalogue), the empty ones left out. */
async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  const [row] = await sql(
    `SELECT ${TENANT_TABLES.map((t) => `(SELECT count(*) FROM ${t} WHERE ${t === 'tenants' ? 'id' : 'tenant_id'} = $1)::int AS ${t}`).join(', ')}`,
    [tenantId],
  );
  return Object.fromEntries(Object.entries(row as Record<string, number>).filter(([, n]) => n > 0));
}

const gql = async (query: string, input: Record<string, unknown>, token: string) => ok(await server.staff(query, { input }, token));

/**
 * A company signed up `daysAgo` with a row in every table: staff of every role, complaints that went some way (messages
 * with a file, clocks, a breach, timelines, the outbox, mail, a link between them), what its staff set up
 * (fx.companyRows), a survey answered, and what the workers write (fx.workerRows).
 */
async function company(options: { unconfirmed: boolean; daysAgo: number }): Promise<World> {
  const w = await fx.world(await fx.tenant(undefined, undefined, undefined, {}, { unconfirmed: options.unconfirmed }));
  const open = await fx.complaintAt(w, Stage.DECISION);
  const closed = await fx.complaintAt(w, Stage.CLOSED);
  const upload = await request(server.url)
    .post('/uploads')
    .set('x-file-name', 'photo.jpg')
    .set('authorization', `Bearer ${w.staff.HEAD.token}`)
    .send(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]));
  await gql(
    Q.addMessage,
    { complaintId: open.id, body: 'We will replace it', visibility: 'PUBLIC', attachmentIds: [upload.body.id] },
    w.staff.HEAD.token,
  );
  await gql(
    'mutation($input: LinkComplaintsInput!) { linkComplaints(input: $input) { id } }',
    { complaintId: open.id, otherComplaintId: closed.id, kind: 'DUPLICATE' },
    w.staff.HEAD.token,
  );
  await fx.companyRows(w, open.id);
  await fx.surveyAnswered(w, closed.id);
  await fx.workerRows(w, open.id);
  await sql('UPDATE tenants SET created_at = $2 WHERE id = $1', [w.t.tenantId, new Date(Date.now() - options.daysAgo * DAY)]);
  return w;
}

/** The job as a node runs it (30 days; the sockets of a deleted company's staff closed through the server's sessions). */
const job = (dataSource = server.dataSource) =>
  new Purge(dataSource, [unconfirmedCompanyPurgeJob(30, server.app.realtime)], { intervalMs: 60_000, batchSize: 200 });

describe('a company that never confirmed its address', () => {
  it('is deleted with every row it holds 30 days after signing up; a confirmed one and a younger one keep all of theirs', async () => {
    const doomed = await company({ unconfirmed: true, daysAgo: 31 });
    const confirmed = await company({ unconfirmed: false, daysAgo: 400 });
    const young = await company({ unconfirmed: true, daysAgo: 29 });
    // A row in every table: what the deletion must reach, keys that cascade and keys that do not.
    expect(Object.keys(await rowsOf(doomed.t.tenantId)).sort()).toEqual([...TENANT_TABLES].sort());
    const kept = { confirmed: await rowsOf(confirmed.t.tenantId), young: await rowsOf(young.t.tenantId) };

    const purge = job();
    expect(await purge.purgeAll()).toBe(1);
    expect(purge.stats.errors).toBe(0);
    expect(await rowsOf(doomed.t.tenantId)).toEqual({});
    expect({ confirmed: await rowsOf(confirmed.t.tenantId), young: await rowsOf(young.t.tenantId) }).toEqual(kept);
    expect(await purge.purgeAll()).toBe(0);

    // Its staff are signed out for good, and its slug is never signed up again: a customer's reply to its mail names it.
    expectError(await server.staff('{ tenant { id } }', {}, doomed.t.adminToken), 'UNAUTHENTICATED');
    const again = await server.staff('mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }', {
      input: {
        slug: doomed.t.slug,
        name: 'Newcomer',
        adminEmail: 'new@example.com',
        adminPassword: 'a long new password 7',
        adminName: 'New',
      },
    });
    expectError(again, 'CONFLICT', 'DUPLICATE');
    expect(await rowsOf(doomed.t.tenantId)).toEqual({});
  });

  it.runIf(process.env.DATABASE_URL)(
    "is deleted however many rows it holds: the deletion is not held to a request's statement timeout",
    async () => {
      const doomed = await company({ unconfirmed: true, daysAgo: 40 });
      // 200,000 events take longer to delete (about 60 ms) than the 20 ms every unit of work of this node may run a statement.
      await sql(
        `INSERT INTO outbox_events (tenant_id, complaint_id, seq, type, stage, public, actor_kind, created_at, published_at)
      SELECT $1, gen_random_uuid(), 1, 'COMPLAINT_UPDATED', 'RECEIVED', true, 'SYSTEM', now(), now() FROM generate_series(1, 200000)`,
        [doomed.t.tenantId],
      );
      const strict = (await createDataSource({ databaseUrl: server.databaseUrl, dbPoolSize: 2, dbStatementTimeoutMs: 20 })).dataSource;
      try {
        await expect(inTenant(strict, doomed.t.tenantId, (m) => m.query('SELECT pg_sleep(0.1)'))).rejects.toThrow(/statement timeout/);
        const purge = job(strict);
        expect(await purge.purgeAll()).toBe(1);
        expect(purge.stats.errors).toBe(0);
      } finally {
        await strict.destroy();
      }
      expect(await rowsOf(doomed.t.tenantId)).toEqual({});
    },
  );

  it.runIf(process.env.DATABASE_URL)(
    "waits for an admin confirming at that moment, and the confirmation keeps the company: the company's row is locked first by both",
    async () => {
      const late = await company({ unconfirmed: true, daysAgo: 45 });
      const { token } = await inTenant(server.dataSource, late.t.tenantId, (manager, uow) =>
        issueLink(new RequestContext(late.t.tenantId, null, manager, uow), LinkPurpose.ADDRESS_CONFIRMATION, late.t.adminId, 3600),
      );
      const [link] = await sql(
        `SELECT id FROM account_links WHERE tenant_id = $1 AND purpose = 'ADDRESS_CONFIRMATION' AND revoked_at IS NULL`,
        [late.t.tenantId],
      );
      // The purge's order: the company's row, then (deleting) its links. While it holds the row, a confirmation must not take the link.
      const purgeSide = new pg.Client({ connectionString: server.databaseUrl });
      await purgeSide.connect();
      try {
        await purgeSide.query('BEGIN');
        await purgeSide.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [late.t.tenantId]);
        const confirming = server.staff('mutation($input: AccountLinkInput!) { confirmAddress(input: $input) }', {
          input: { tenantSlug: late.t.slug, token },
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        await expect(purgeSide.query('SELECT 1 FROM account_links WHERE id = $1 FOR UPDATE NOWAIT', [link.id])).resolves.toBeDefined();
        await purgeSide.query('ROLLBACK');
        ok(await confirming);
      } finally {
        await purgeSide.end();
      }
      expect(await job().purgeAll()).toBe(0);
      expect(
        (await sql('SELECT address_confirmed_at IS NOT NULL AS confirmed FROM tenants WHERE id = $1', [late.t.tenantId]))[0].confirmed,
      ).toBe(true);
    },
  );

  it("closes its staff's open sockets once it is gone (4403), and no one else's", async () => {
    const doomed = await company({ unconfirmed: true, daysAgo: 35 });
    const kept = await company({ unconfirmed: false, daysAgo: 35 });
    const [gone, bystander] = await Promise.all([
      sockets.track(WsClient.staff(server.url, doomed.staff.HEAD.token)),
      sockets.track(WsClient.staff(server.url, kept.staff.HEAD.token)),
    ]);
    gone.subscribe('subscription { complaintStageChanged { to complaint { id } } }');
    await gone.settle();
    expect(await job().purgeAll()).toBe(1);
    expect((await gone.closed).code).toBe(4403);
    await bystander.settle(50);
    expect(bystander.socket.readyState).toBe(bystander.socket.OPEN);
  });

  it('is deleted once when two nodes look at the same moment', async () => {
    const doomed = await company({ unconfirmed: true, daysAgo: 45 });
    const nodes = [job(), job()];
    const deleted = await Promise.all(nodes.map((n) => n.purgeAll()));
    expect(deleted[0]! + deleted[1]!).toBe(1);
    expect(nodes.map((n) => n.stats.errors)).toEqual([0, 0]);
    expect(await rowsOf(doomed.t.tenantId)).toEqual({});
  });

  it('gets, sent again a day before its deletion, a link that works no longer than the company lives', async () => {
    // A server that deletes such companies (30 days), unlike this file's.
    const other = await startTestServer();
    try {
      const late = await new Fixtures(other).tenant(undefined, undefined, undefined, {}, { unconfirmed: true });
      await other.dataSource.query(`UPDATE tenants SET created_at = now() - interval '29 days' WHERE id = $1`, [late.tenantId]);
      expect(ok(await other.staff('mutation { resendAddressConfirmation }', {}, late.adminToken)).resendAddressConfirmation).toBe(true);
      const [link] = await other.dataSource.query(
        `SELECT l.expires_at <= t.created_at + interval '30 days' AS capped,
          l.expires_at > now() + interval '23 hours' AS usable
          FROM account_links l JOIN tenants t ON t.id = l.tenant_id
         WHERE l.tenant_id = $1 AND l.purpose = 'ADDRESS_CONFIRMATION' AND l.revoked_at IS NULL`,
        [late.tenantId],
      );
      expect(link).toEqual({ capped: true, usable: true });
    } finally {
      await other.close();
    }
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
      expect(ok(await other.staff(TENANT, {}, t.adminToken)).tenant).toMatchObject({
        addressConfirmed: true,
        deletionIfUnconfirmedAt: null,
      });
      // The server's own purge looks for such companies, and reminds them a week before.
      expect(Object.keys(other.app.purge.stats.byJob)).toEqual(
        expect.arrayContaining(['unconfirmed company', 'unconfirmed company reminder']),
      );
    } finally {
      await other.close();
    }
    const kept = await fx.tenant(undefined, undefined, undefined, {}, { unconfirmed: true });
    expect(ok(await server.staff(TENANT, {}, kept.adminToken)).tenant).toMatchObject({
      addressConfirmed: false,
      deletionIfUnconfirmedAt: null,
    });
    expect(Object.keys(server.app.purge.stats.byJob).filter((job) => job.startsWith('unconfirmed company'))).toEqual([]);
  });
});
