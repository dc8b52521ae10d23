import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Purge } from '../src/db/purge.js';
import { inTenant } from '../src/db/unit-of-work.js';
import { mailLogPurgeJob } from '../src/modules/mail/mail.purge.js';
import { webhookLogPurgeJob } from '../src/modules/webhook/webhook.purge.js';
import { outboxPurgeJob } from '../src/realtime/outbox.purge.js';
import { Role } from '../src/auth/roles.js';
import { holdShare, ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError } from './fixtures.js';

/**
 * The mail logs and the webhook deliveries are kept for their retention
 * (MAIL_LOG_RETENTION_DAYS 180, WEBHOOK_LOG_RETENTION_DAYS 30 by default)
 * and then deleted by the nodes' purge, company by company under row-level
 * security, a batch a transaction until none is left; nothing still to be
 * sent or tried goes, nor anything younger.
 */
let server: TestServer;
let fx: Fixtures;
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
});
afterAll(() => server?.close());

const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> => server.dataSource.query(text, params);
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** A company's log rows of every kind, `days` old, written straight into the tables (as the workers would have). */
async function logRows(tenantId: string, days: number, status: { mail: string; delivery: string }): Promise<void> {
  await sql(
    `INSERT INTO outbound_mails (tenant_id, id, kind, to_address, subject, body_text, status, created_at)
             VALUES ($1, gen_random_uuid(), 'REGISTERED', 'anna@example.com', 'Received', 'Text', $2, $3)`,
    [tenantId, status.mail, ago(days)],
  );
  await sql(
    `INSERT INTO inbound_mails (tenant_id, id, message_id, from_address, subject, outcome, received_at)
             VALUES ($1, gen_random_uuid(), $2, 'anna@example.com', 'Re: Received', 'THREADED', $3)`,
    [tenantId, `<${randomUUID()}@example.com>`, ago(days)],
  );
  const [endpoint] = await sql(`SELECT id FROM webhook_endpoints WHERE tenant_id = $1`, [tenantId]);
  const delivery = randomUUID();
  await sql(
    `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, complaint_id, seq, event_type, payload, status, created_at)
             VALUES ($1, $2, $3, 1, gen_random_uuid(), 1, 'complaint.received', '{}', $4, $5)`,
    [tenantId, delivery, endpoint.id, status.delivery, ago(days)],
  );
  await sql(
    `INSERT INTO webhook_attempts (tenant_id, id, delivery_id, at, duration_ms, status_code) VALUES ($1, gen_random_uuid(), $2, $3, 12, 200)`,
    [tenantId, delivery, ago(days)],
  );
}

/** What is left of a company's logs written here: per table, the ages in whole days (and the statuses where they have one). */
async function left(tenantId: string) {
  // Younger than a day: the company's own mails since it signed up, not this test's rows.
  const ages = (table: string, at: string, status = 'NULL') =>
    sql(
      `SELECT round(extract(epoch FROM now() - ${at}) / 86400)::int AS days, ${status} AS status FROM ${table}
      WHERE tenant_id = $1 AND ${at} < now() - interval '1 day' ORDER BY 1, 2`,
      [tenantId],
    );
  return {
    sent: await ages('outbound_mails', 'created_at', 'status'),
    received: await ages('inbound_mails', 'received_at'),
    deliveries: await ages('webhook_deliveries', 'created_at', 'status'),
    attempts: await ages('webhook_attempts', 'at'),
  };
}

describe('the log retention', () => {
  const RETENTION = '{ logRetention { mailDays webhookDays } }';

  it("is told to the company's admin as the service applies it (null: kept for good), and to no other role", async () => {
    const t = await fx.tenant();
    expect(ok(await server.staff(RETENTION, {}, t.adminToken)).logRetention).toEqual({ mailDays: 180, webhookDays: 30 });
    const operator = await fx.staff(t, [Role.OPERATOR]);
    expectError(await server.staff(RETENTION, {}, operator.token), 'FORBIDDEN');
    const other = await startTestServer({ mailLogRetentionDays: 90, webhookLogRetentionDays: 0 });
    try {
      const u = await new Fixtures(other).tenant();
      expect(ok(await other.staff(RETENTION, {}, u.adminToken)).logRetention).toEqual({ mailDays: 90, webhookDays: null });
    } finally {
      await other.close();
    }
  });

  it('deletes the mail log after 180 days and the webhook log after 30, never what is still to be sent, in every company', async () => {
    const companies = await Promise.all([fx.tenant(), fx.tenant()]);
    for (const t of companies) {
      await sql(
        `INSERT INTO webhook_endpoints (tenant_id, id, url, event_types, secret) VALUES ($1, gen_random_uuid(), 'https://hooks.example.com/in', '{}', 's')`,
        [t.tenantId],
      );
    }
    const seed = async () => {
      for (const t of companies) {
        await logRows(t.tenantId, 200, { mail: 'SENT', delivery: 'DELIVERED' });
        await logRows(t.tenantId, 190, { mail: 'FAILED', delivery: 'FAILED' });
        // Still to be sent or tried, however old: kept.
        await logRows(t.tenantId, 195, { mail: 'PENDING', delivery: 'PENDING' });
        // Past the webhook log's 30 days, within the mail log's 180.
        await logRows(t.tenantId, 40, { mail: 'SENT', delivery: 'DELIVERED' });
        await logRows(t.tenantId, 5, { mail: 'SENT', delivery: 'FAILED' });
      }
    };
    const kept = (times: number) => {
      const twice = <T>(rows: T[]) => rows.flatMap((r) => Array.from({ length: times }, () => r));
      return {
        sent: twice([
          { days: 5, status: 'SENT' },
          { days: 40, status: 'SENT' },
          { days: 195, status: 'PENDING' },
        ]),
        received: twice([
          { days: 5, status: null },
          { days: 40, status: null },
        ]),
        deliveries: twice([
          { days: 5, status: 'FAILED' },
          { days: 195, status: 'PENDING' },
        ]),
        attempts: twice([
          { days: 5, status: null },
          { days: 195, status: null },
        ]),
      };
    };
    // Per company: 2 mails sent and 3 received past 180 days (a received mail is never pending); 3 deliveries past 30 days
    // (their attempts go with them).
    const due = 2 * (5 + 3);

    // One node deleting two rows a transaction goes on until none is left.
    await seed();
    const other = new Purge(server.dataSource, [mailLogPurgeJob(180 * DAY), webhookLogPurgeJob(30 * DAY)], {
      intervalMs: 60_000,
      batchSize: 2,
    });
    expect(await other.purgeAll()).toBe(due);
    for (const t of companies) expect(await left(t.tenantId)).toEqual(kept(1));

    // Two nodes at once (the server's purge and the other) over as many rows again: together they delete exactly those, neither failing.
    await seed();
    const deleted = await Promise.all([server.app.purge.purgeAll(), other.purgeAll()]);
    expect(deleted[0] + deleted[1]).toBe(due);
    expect([server.app.purge.stats.errors, other.stats.errors]).toEqual([0, 0]);
    for (const t of companies) expect(await left(t.tenantId)).toEqual(kept(2));
    expect(await Promise.all([server.app.purge.purgeAll(), other.purgeAll()])).toEqual([0, 0]);
    expect(server.app.purge.stats.byJob['mail log']! + other.stats.byJob['mail log']!).toBe(2 * 10);
  });

  it('keeps everything with a retention of 0 days (the job is not run)', async () => {
    const keep = await startTestServer({ mailLogRetentionDays: 0, webhookLogRetentionDays: 0 });
    try {
      const t = await new Fixtures(keep).tenant();
      await keep.dataSource.query(
        `INSERT INTO outbound_mails (tenant_id, id, kind, to_address, subject, body_text, status, created_at)
        VALUES ($1, gen_random_uuid(), 'REGISTERED', 'anna@example.com', 'Received', 'Text', 'SENT', $2)`,
        [t.tenantId, ago(5000)],
      );
      expect(await keep.app.purge.purgeAll()).toBe(0);
      expect(Object.keys(keep.app.purge.stats.byJob)).toEqual(['upload', 'outbox', 'unconfirmed company', 'unconfirmed company reminder']);
      const [{ n }] = await keep.dataSource.query(
        `SELECT count(*)::int AS n FROM outbound_mails WHERE tenant_id = $1 AND created_at < now() - interval '1000 days'`,
        [t.tenantId],
      );
      expect(n).toBe(1);
    } finally {
      await keep.close();
    }
  });
});

describe('the outbox', () => {
  it("loses a company's events a day after they were published, by the same purge, never one still to be published", async () => {
    // The deletions below are counted: the server's own purge (a pass a minute) must not take some of them.
    await server.app.purge.stop();
    const companies = await Promise.all([fx.tenant(), fx.tenant()]);
    const HOUR = 3_600_000;
    const event = (tenantId: string, label: string, createdAgo: number, publishedAgo: number | null) =>
      sql(
        `INSERT INTO outbox_events (tenant_id, complaint_id, seq, type, stage, public, actor_kind, detail, created_at, published_at)
       VALUES ($1, gen_random_uuid(), 1, 'COMPLAINT_UPDATED', 'RECEIVED', true, 'SYSTEM', $2, $3, $4)`,
        [tenantId, { label }, new Date(Date.now() - createdAgo), publishedAgo === null ? null : new Date(Date.now() - publishedAgo)],
      );
    const seed = async () => {
      for (const t of companies) {
        await event(t.tenantId, 'old', 50 * HOUR, 49 * HOUR);
        await event(t.tenantId, 'older', 80 * HOUR, 79 * HOUR);
        await event(t.tenantId, 'recent', 3 * HOUR, 2 * HOUR);
        // Written three days ago and not published yet (its node died): the relay's to publish, not the purge's to delete.
        await event(t.tenantId, 'unpublished', 72 * HOUR, null);
      }
    };
    await seed();
    // A company's own unit of work may delete its published events, never one still to be published (the relay's).
    for (const t of companies) {
      const [{ n }] = await fx.asTenant(t.tenantId, (m) =>
        m.query(
          `WITH gone AS (DELETE FROM outbox_events WHERE published_at IS NULL AND detail ? 'label' RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        ),
      );
      expect(n).toBe(0);
    }
    const left = async (tenantId: string) =>
      (
        await sql<{ label: string }>(
          `SELECT detail->>'label' AS label FROM outbox_events WHERE tenant_id = $1 AND detail ? 'label' ORDER BY 1`,
          [tenantId],
        )
      ).map((r) => r.label);

    // One event a transaction, until none past its day is left, company by company.
    const purge = new Purge(server.dataSource, [outboxPurgeJob()], { intervalMs: 60_000, batchSize: 1 });
    expect(await purge.purgeAll()).toBe(2 * 2);
    expect(purge.stats.errors).toBe(0);
    for (const t of companies) expect(await left(t.tenantId)).toEqual(['recent', 'unpublished']);
    expect(await purge.purgeAll()).toBe(0);

    // Two nodes at once over as many again: together they delete exactly those, neither failing.
    await seed();
    const other = new Purge(server.dataSource, [outboxPurgeJob()], { intervalMs: 60_000, batchSize: 1 });
    const deleted = await Promise.all([purge.purgeAll(), other.purgeAll()]);
    expect(deleted[0] + deleted[1]).toBe(2 * 2);
    expect([purge.stats.errors, other.stats.errors]).toEqual([0, 0]);
    for (const t of companies) expect(await left(t.tenantId)).toEqual(['recent', 'recent', 'unpublished', 'unpublished']);
    // The server's own purge runs the same job.
    expect(Object.keys(server.app.purge.stats.byJob)).toContain('outbox');
  });
});

describe.runIf(process.env.DATABASE_URL)("the purge's turn for a connection", () => {
  it('comes from a share of its own: a company holding its whole share of the pool does not hold up the deleting of its old rows', async () => {
    // Each company may hold two of the pool's connections; a unit of work waits a second at most for its turn.
    const busy = await startTestServer({}, { dbPoolSize: 10, dbCompanyConnections: 2, dbPoolWaitMs: 1000 });
    let held: { release: () => Promise<void> } | undefined;
    try {
      const t = await new Fixtures(busy).tenant();
      await busy.dataSource.query(
        `INSERT INTO outbound_mails (tenant_id, id, kind, to_address, subject, body_text, status, created_at)
        VALUES ($1, gen_random_uuid(), 'REGISTERED', 'anna@example.com', 'Received', 'Text', 'SENT', $2)`,
        [t.tenantId, ago(200)],
      );
      // Two of the company's own units of work (its requests, say) hold its share until the test lets them go.
      held = await holdShare(busy.dataSource, t.tenantId, 2);
      // The company itself waits for its turn, and is refused when the wait runs out…
      await expect(inTenant(busy.dataSource, t.tenantId, () => Promise.resolve())).rejects.toMatchObject({
        extensions: { reason: 'BUSY' },
      });
      // …while the purge, taking the purge's turn, deletes the company's old mail meanwhile.
      expect(await busy.app.purge.purgeAll()).toBe(1);
      expect(busy.app.purge.stats.errors).toBe(0);
    } finally {
      await held?.release();
      await busy.close();
    }
  });
});
