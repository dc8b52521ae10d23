import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../src/db/data-source.js';
import { createTestApp, ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, expectError, type TenantFixture } from './fixtures.js';

/** Bytes that pass as a PNG; random, so that each upload differs. */
function png(size: number): Buffer {
  const data = randomBytes(size);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(data);
  return data;
}

const upload = (server: TestServer, slug: string, size: number, from?: string) => {
  let req = request(server.url).post(`/portal/uploads?tenant=${slug}`).set('x-file-name', 'photo.png');
  if (from) req = req.set('x-forwarded-for', from);
  return req.send(png(size));
};

const submission = (slug: string, attachmentIds: string[]) => ({
  slug,
  input: {
    kind: 'COMPLAINT',
    subject: 'Late delivery',
    description: 'Two weeks late',
    customer: { name: 'Ann', phone: '+44 20 7946 0000' },
    attachmentIds,
  },
});

describe.runIf(process.env.DATABASE_URL)('uploads never linked', () => {
  let server: TestServer;
  let fx: Fixtures;
  let t: TenantFixture;
  beforeAll(async () => {
    server = await startTestServer();
    fx = new Fixtures(server);
    t = await fx.tenant();
  });
  afterAll(() => server?.close());

  it('are purged once by two nodes purging at the same moment; linked and recent ones stay', async () => {
    const linked = (await upload(server, t.slug, 3000)).body;
    const recent = (await upload(server, t.slug, 3000)).body;
    const expiring = (await upload(server, t.slug, 3000)).body;
    ok(await server.portal(Q.submit, submission(t.slug, [linked.id])));
    // 400 more pending uploads of an earlier hour, each with two parts, and the parts of a body that never finished.
    await server.dataSource.query(
      `
      WITH made AS (
        INSERT INTO attachments (tenant_id, id, file_name, content_type, size_bytes, sha256, author_kind, created_at)
        SELECT $1, gen_random_uuid(), 'old.png', 'image/png', 2, '\\x00', 'CUSTOMER', now() - interval '2 hours' FROM generate_series(1, 400)
        RETURNING id)
      INSERT INTO attachment_blobs (tenant_id, attachment_id, byte_offset, data)
      SELECT $1, id, o, '\\x01' FROM made, generate_series(0, 1) o`,
      [t.tenantId],
    );
    await server.dataSource.query(
      `
      WITH receipt AS (INSERT INTO upload_receipts (tenant_id, attachment_id, started_at) VALUES ($1, $2, now() - interval '2 hours'))
      INSERT INTO attachment_blobs (tenant_id, attachment_id, byte_offset, data) VALUES ($1, $2, 0, '\\x01'), ($1, $2, 1, '\\x02')`,
      [t.tenantId, randomUUID()],
    );
    await server.dataSource.query(`UPDATE attachments SET created_at = now() - interval '2 hours' WHERE id = ANY($1::uuid[])`, [
      [linked.id, expiring.id],
    ]);

    const second = await secondNode(server);
    try {
      const purged = await Promise.all([server.app.purge.purgeAll(), second.app.purge.purgeAll()]);
      expect(purged[0] + purged[1]).toBe(401);
      expect(await Promise.all([server.app.purge.purgeAll(), second.app.purge.purgeAll()])).toEqual([0, 0]);
    } finally {
      await second.close();
    }
    const left = await server.dataSource.query('SELECT id FROM attachments ORDER BY id');
    expect(left.map((r: { id: string }) => r.id).sort()).toEqual([linked.id, recent.id].sort());
    const [{ parts, receipts }] = await server.dataSource.query(`SELECT (SELECT count(*)::int FROM attachment_blobs b
      WHERE NOT EXISTS (SELECT FROM attachments a WHERE a.tenant_id = b.tenant_id AND a.id = b.attachment_id)) AS parts,
      (SELECT count(*)::int FROM upload_receipts) AS receipts`);
    expect({ parts, receipts }).toEqual({ parts: 0, receipts: 0 });
    // The expired one cannot be attached any more; the recent one can.
    expectError(await server.portal(Q.submit, submission(t.slug, [expiring.id])), 'BAD_USER_INPUT');
    ok(await server.portal(Q.submit, submission(t.slug, [recent.id])));
  });
});

/** Another node on the same database, not listening: its jobs are what is tested. */
async function secondNode(server: TestServer) {
  const { dataSource } = await createDataSource({ databaseUrl: (server.dataSource.options as { url: string }).url, dbPoolSize: 5 });
  const app = await createTestApp(dataSource, { slaScheduler: false });
  return {
    app,
    async close() {
      await app.close();
      await dataSource.destroy();
    },
  };
}

describe('the quota of pending bytes', () => {
  let server: TestServer;
  let fx: Fixtures;
  let t1: TenantFixture;
  let t2: TenantFixture;
  beforeAll(async () => {
    server = await startTestServer({ trustedProxies: 1, uploadPendingBytesPerAddress: 5000, uploadPendingBytesPerTenant: 7000 });
    fx = new Fixtures(server);
    [t1, t2] = await Promise.all([fx.tenant(), fx.tenant()]);
  });
  afterAll(() => server?.close());

  const refusedForPending = (res: { status: number; body: any }) => {
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'PENDING_UPLOADS' });
  };

  it('per client address, over all companies, until its uploads are linked', async () => {
    const first = await upload(server, t1.slug, 2000, '203.0.113.7');
    expect(first.status).toBe(201);
    expect((await upload(server, t2.slug, 2000, '203.0.113.7')).status).toBe(201);
    refusedForPending(await fx.expectNoWrites(() => upload(server, t1.slug, 2000, '203.0.113.7')));
    // A body that declares more than is left is refused before it is read.
    const { port } = new URL(server.url);
    const declared = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/portal/uploads?tenant=${t1.slug}`,
          headers: { 'content-length': '1500', 'x-file-name': 'p.png', 'x-forwarded-for': '203.0.113.7' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write(png(16));
    });
    expect(declared).toBe(429);
    // Another address is not affected; once the first upload is part of a complaint, there is room again.
    expect((await upload(server, t1.slug, 2000, '203.0.113.8')).status).toBe(201);
    ok(await server.portal(Q.submit, submission(t1.slug, [first.body.id])));
    expect((await upload(server, t1.slug, 2000, '203.0.113.7')).status).toBe(201);
  });

  it('per company, from any address; other companies are not affected', async () => {
    // t1 holds 4000 pending bytes now (from .7 and .8).
    expect((await upload(server, t1.slug, 2000, '203.0.113.20')).status).toBe(201);
    refusedForPending(await fx.expectNoWrites(() => upload(server, t1.slug, 2000, '203.0.113.21')));
    expect((await upload(server, t2.slug, 2000, '203.0.113.21')).status).toBe(201);
  });
});
