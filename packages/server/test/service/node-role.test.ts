import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../src/db/data-source.js';
import { UnitOfWork, inTenant } from '../../src/db/unit-of-work.js';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { transitionComplaint } from '../../src/modules/complaint/complaint.service.js';
import { Health } from '../../src/ops/health.js';
import { MemoryPubSub } from '../../src/realtime/pubsub-memory.js';
import { OutboxRelay } from '../../src/realtime/outbox.js';
import { outboxPurgeJob } from '../../src/realtime/outbox.purge.js';
import { Purge } from '../../src/db/purge.js';
import { topicOf } from '../../src/realtime/events.js';
import { stageFields } from '../fixtures.js';
import { asStaff, startServiceTier, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * A node connected as a login role that is only a member of `reclaim_node`
 * (docs/operations.md, "Database roles"): it owns nothing, sees no
 * company's rows outside a unit of work, cannot change the schema or
 * escape to the owner, and still does all a node does: serve a company in
 * a unit of work, publish the outbox and purge its published events (as
 * each company), run the SLA scheduler's and the upload purge's queries,
 * answer readiness.
 */
describe.runIf(process.env.DATABASE_URL)('a node connected as a role that owns nothing', () => {
  let tier: ServiceTier;
  let w: ServiceWorld;
  let node: DataSource;
  const role = `reclaim_node_test_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const refusal = (sql: string) =>
    node.query(sql).then(
      () => 'allowed',
      (err: Error) => err.message,
    );

  beforeAll(async () => {
    tier = await startServiceTier();
    w = await tier.build.world();
    await tier.build.newComplaint(w, Stage.RECEIVED);
    await admin(`CREATE ROLE ${role} LOGIN IN ROLE reclaim_node`);
    const url = new URL(tier.db.databaseUrl!);
    url.username = role;
    url.password = '';
    node = (await createDataSource({ databaseUrl: url.toString(), dbPoolSize: 4 })).dataSource;
  });
  afterAll(async () => {
    await node?.destroy();
    await tier?.close();
    await admin(`DROP ROLE IF EXISTS ${role}`);
  });

  it('owns nothing and is neither a superuser nor exempt from row-level security', async () => {
    const [me] = await node.query(
      `SELECT current_user AS name, r.rolsuper AS super, r.rolbypassrls AS bypass,
              (SELECT count(*) FROM pg_class WHERE relowner = r.oid)::int AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(me).toEqual({ name: role, super: false, bypass: false, owned: 0 });
  });

  it("sees no company's rows outside a unit of work", async () => {
    const [rows] = await node.query(
      `SELECT (SELECT count(*) FROM complaints)::int AS complaints, (SELECT count(*) FROM tenants)::int AS tenants,
              (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM messages)::int AS messages`,
    );
    expect(rows).toEqual({ complaints: 0, tenants: 0, users: 0, messages: 0 });
    const [owner] = await tier.dataSource.query('SELECT (SELECT count(*) FROM tenants)::int AS tenants');
    expect(owner.tenants).toBeGreaterThan(0);
  });

  it('cannot change the schema, lift row-level security or become the owner', async () => {
    expect(await refusal('CREATE TABLE intruder (i int)')).toMatch(/permission denied/);
    expect(await refusal('DROP TABLE complaints')).toMatch(/must be owner/);
    expect(await refusal('ALTER TABLE complaints DISABLE ROW LEVEL SECURITY')).toMatch(/must be owner/);
    expect(await refusal('ALTER TABLE outbox_events DISABLE ROW LEVEL SECURITY')).toMatch(/must be owner/);
    expect(await refusal('DROP POLICY node_reads ON outbox_events')).toMatch(/must be owner/);
    expect(await refusal('SET ROLE postgres')).toMatch(/permission denied/);
    expect(
      await refusal(
        "INSERT INTO outbox_events (tenant_id, complaint_id, seq, type, stage, public, actor_kind, created_at) VALUES (gen_random_uuid(), gen_random_uuid(), 1, 'X', 'RECEIVED', true, 'SYSTEM', now())",
      ),
    ).toMatch(/row-level security/);
  });

  it('serves a company in a unit of work; the outbox relay publishes its events, and the purge deletes them as that company alone', async () => {
    const c = await tier.build.newComplaint(w, Stage.RECEIVED);
    await asStaff(node, w.staff.HEAD, 'transitionComplaint', (ctx) =>
      transitionComplaint(ctx, {
        id: c.id,
        expectedVersion: c.version,
        to: Stage.REGISTERED,
        ...stageFields(w, c, Stage.REGISTERED),
      } as never),
    );
    const heard: string[] = [];
    const pubsub = new MemoryPubSub({ message: (_topic, payload) => heard.push(payload), gap: () => undefined });
    await pubsub.listen(topicOf(w.t.tenantId));
    const relay = new OutboxRelay(node, pubsub, { graceMs: 0, intervalMs: 1000, batchSize: 500 });
    expect(await relay.runOnce()).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heard.some((p) => p.includes(c.id))).toBe(true);
    const [left] = await tier.dataSource.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
    expect(left.n).toBe(0);
    // Outside a company the node reads and marks every company's events, but deletes none of them.
    const [bare] = await node.query('WITH gone AS (DELETE FROM outbox_events RETURNING 1) SELECT count(*)::int AS n FROM gone');
    expect(bare.n).toBe(0);
    const purge = new Purge(node, [outboxPurgeJob(0)], { intervalMs: 60_000, batchSize: 500 });
    expect(await purge.purgeAll()).toBeGreaterThan(0);
    expect(purge.stats.errors).toBe(0);
    const [kept] = await tier.dataSource.query('SELECT count(*)::int AS n FROM outbox_events');
    expect(kept.n).toBe(0);
  });

  it("runs the scheduler's, the webhook and mail workers' and the mailbox reader's, the upload purge's and the demo data's queries across companies", async () => {
    await expect(node.query('SELECT * FROM webhook_due_tenants(10, $1)', [[]])).resolves.toBeDefined();
    await expect(node.query('SELECT * FROM mail_due_tenants(10)')).resolves.toBeDefined();
    await expect(node.query('SELECT * FROM mailbox_due_tenants(10)')).resolves.toBeDefined();
    await expect(node.query('SELECT * FROM survey_schedule_due_tenants(10)')).resolves.toBeDefined();
    await expect(node.query("SELECT * FROM sla_fire_times(now() + interval '1 year', 10)")).resolves.not.toHaveLength(0);
    await expect(node.query('SELECT * FROM sla_due_tenants(10)')).resolves.toBeDefined();
    await expect(node.query('SELECT * FROM expired_upload_tenants(now(), now())')).resolves.toBeDefined();
    const [row] = await node.query('SELECT any_tenant_exists() AS any');
    expect(row.any).toBe(true);
  });

  it('answers readiness with the migrations read', async () => {
    const pubsub = new MemoryPubSub({ message: () => undefined, gap: () => undefined });
    const readiness = await new Health(node, () => pubsub).readiness();
    expect(readiness).toEqual({ ready: true, checks: { shutdown: 'ok', database: 'ok', migrations: 'ok', pubsub: 'ok' } });
  });

  it('is still held to one company inside a unit of work', async () => {
    const other = await tier.build.world();
    await tier.build.newComplaint(other, Stage.RECEIVED);
    const uow = new UnitOfWork(node);
    try {
      await uow.enterTenant(w.t.tenantId);
      const [row] = await (await uow.manager()).query('SELECT count(DISTINCT tenant_id)::int AS companies FROM complaints');
      expect(row.companies).toBe(1);
    } finally {
      await uow.finish(false);
    }
  });

  it('is refused RATE_LIMITED (BUSY), not an internal error, when the database refuses it a connection (too many clients)', async () => {
    // A role allowed one connection: the data source's first is it, a second unit of work at once needs another.
    const limited = `${role}_one`;
    await admin(`CREATE ROLE ${limited} LOGIN IN ROLE reclaim_node CONNECTION LIMIT 1`);
    const url = new URL(tier.db.databaseUrl!);
    url.username = limited;
    const one = (await createDataSource({ databaseUrl: url.toString(), dbPoolSize: 4 })).dataSource;
    try {
      let entered = () => undefined as void;
      let leave = () => undefined as void;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const gate = new Promise<void>((resolve) => {
        leave = resolve;
      });
      const first = inTenant(one, w.t.tenantId, async () => {
        entered();
        await gate;
      });
      await inside;
      await expect(inTenant(one, w.t.tenantId, async () => 'served')).rejects.toMatchObject({
        extensions: { code: 'RATE_LIMITED', reason: 'BUSY' },
      });
      leave();
      await first;
    } finally {
      await one.destroy();
      await admin(`DROP ROLE IF EXISTS ${limited}`);
    }
  });
});
