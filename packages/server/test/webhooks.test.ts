import type { LookupAddress } from 'node:dns';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, expectError, type World } from './fixtures.js';
import { WebhookReceiver, eventually, type Received } from './webhook-receiver.js';
import { DEFAULT_WEBHOOK_WORKER, WebhookWorker } from '../src/modules/webhook/webhook.worker.js';

/**
 * Webhooks end to end: a real receiver on 127.0.0.1 (the server allows
 * http and loopback here, WEBHOOKS_ALLOW_INSECURE, with a shortened retry
 * clock); the SSRF guard on a second server that allows neither.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
let receiver: WebhookReceiver;
const RETRY_MS = 400;

const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes enabled disabledReason } } }`;
const LOG = `query($id: ID!) { webhookDeliveries(endpointId: $id) {
  id eventType status attempts seq replayOf payload attemptLog { statusCode errorCode errorDetail responseBody durationMs at } } }`;
const DELETE = 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }';
const ALL = ['COMPLAINT_RECEIVED', 'STAGE_CHANGED', 'ASSIGNED', 'PUBLIC_MESSAGE', 'SLA_AT_RISK', 'SLA_BREACHED', 'LEGAL_DEADLINE_BREACHED'];

async function endpoint(w: World, url: string, eventTypes = ALL): Promise<{ id: string; secret: string }> {
  const made = ok(await server.staff(CREATE, { input: { url, eventTypes } }, w.t.adminToken)).createWebhookEndpoint;
  return { id: made.endpoint.id, secret: made.secret };
}

const headersOf = (r: Received) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});
const dataOf = (r: Received) => JSON.parse(r.body).data;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  server = await startTestServer({
    webhooksAllowInsecure: true,
    webhooks: { pollMs: 100, retryDelaysMs: [RETRY_MS, RETRY_MS, RETRY_MS], timeoutMs: 3000, disableAfterMs: 3600_000 },
  });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('webhook deliveries', () => {
  it('are signed per Standard Webhooks and verify with the official library; thin payloads with the sequence', async () => {
    const hook = await endpoint(a, receiver.path('signed'));
    expect(hook.secret).toMatch(/^whsec_/);
    const c = await fx.register(a.staff.OPERATOR.token);
    const [got] = await eventually(() => receiver.at('signed').length >= 1 && receiver.at('signed'), 5000, 'the delivery');
    const verified = new Webhook(hook.secret).verify(got!.body, headersOf(got!)) as { type: string; data: Record<string, unknown> };
    expect(verified.type).toBe('complaint.received');
    expect(verified.data).toEqual({
      eventId: expect.any(String),
      complaintId: c.id,
      number: c.number,
      sequence: 1,
      stage: 'RECEIVED',
      actorKind: 'STAFF',
    });
    expect(got!.headers['webhook-id']).toBe(`evt_${verified.data.eventId}`);
    expect(() => new Webhook(`whsec_${Buffer.from('another secret!!').toString('base64')}`).verify(got!.body, headersOf(got!))).toThrow();
    // Nothing of the complaint's text travels.
    expect(got!.body).not.toContain('Cracked');
  });

  it('during a rotation carry two signatures, each verifying with its secret', async () => {
    const hook = await endpoint(a, receiver.path('rotated'));
    const rotated = ok(
      await server.staff(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, { id: hook.id }, a.t.adminToken),
    ).rotateWebhookSecret.secret;
    await fx.register(a.staff.OPERATOR.token);
    const [got] = await eventually(() => receiver.at('rotated').length >= 1 && receiver.at('rotated'), 5000, 'the delivery');
    expect(String(got!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [hook.secret, rotated]) expect(() => new Webhook(secret).verify(got!.body, headersOf(got!))).not.toThrow();
  });

  it('are retried after a 500 on the schedule, delivered once, with every attempt in the log', async () => {
    const hook = await endpoint(
      a,
      receiver.path('flaky', (n) => (n <= 2 ? 500 : 200)),
      ['COMPLAINT_RECEIVED'],
    );
    await fx.register(a.staff.OPERATOR.token);
    const got = await eventually(() => receiver.at('flaky').length >= 3 && receiver.at('flaky'), 10_000, 'three attempts');
    await new Promise((r) => setTimeout(r, RETRY_MS * 2)); // time for a wrong fourth attempt to show
    expect(receiver.at('flaky')).toHaveLength(3);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1); // one id: the receiver can de-duplicate
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (let i = 1; i < 3; i++) expect(got[i]!.at - got[i - 1]!.at).toBeGreaterThanOrEqual(RETRY_MS - 50);
    const [delivery] = await eventually(
      async () => {
        const log = ok(await server.staff(LOG, { id: hook.id }, a.t.adminToken)).webhookDeliveries;
        return log[0]?.status === 'DELIVERED' && log;
      },
      5000,
      'the log',
    );
    expect(delivery.attempts).toBe(3);
    expect(delivery.attemptLog.map((t: { statusCode: number }) => t.statusCode)).toEqual([500, 500, 200]);
    // A failed answer is an HTTP_STATUS error; the delivered one has none.
    expect(delivery.attemptLog.map((t: { errorCode: string | null }) => t.errorCode)).toEqual(['HTTP_STATUS', 'HTTP_STATUS', null]);
    expect(delivery.attemptLog[0].responseBody).toBe('failed with 500');
  });

  it('give up after the last retry (FAILED), and a replay sends the same event again', async () => {
    const hook = await endpoint(
      a,
      receiver.path('down', (n) => (n <= 4 ? 503 : 200)),
      ['COMPLAINT_RECEIVED'],
    );
    await fx.register(a.staff.OPERATOR.token);
    const [failed] = await eventually(
      async () => {
        const log = ok(await server.staff(LOG, { id: hook.id }, a.t.adminToken)).webhookDeliveries;
        return log[0]?.status === 'FAILED' && log;
      },
      10_000,
      'the delivery to fail',
    );
    expect(failed.attempts).toBe(4);
    const replay = ok(
      await server.staff(`mutation($id: ID!) { replayWebhookDelivery(id: $id) { id replayOf status } }`, { id: failed.id }, a.t.adminToken),
    ).replayWebhookDelivery;
    expect(replay).toMatchObject({ replayOf: failed.id, status: 'PENDING' });
    const got = await eventually(() => receiver.at('down').length >= 5 && receiver.at('down'), 5000, 'the replay');
    expect(got[4]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
    expect(got[4]!.body).toBe(got[0]!.body);
  });

  it('of one complaint arrive in its sequence, also when one of them is retried', async () => {
    await endpoint(
      a,
      receiver.path('ordered', (n) => (n === 1 ? 500 : 200)),
      ['COMPLAINT_RECEIVED', 'STAGE_CHANGED', 'ASSIGNED', 'PUBLIC_MESSAGE'],
    );
    let c = await fx.register(a.staff.OPERATOR.token);
    for (const to of [Stage.REGISTERED, Stage.ANALYSIS]) c = await fx.advance(a, c, to);
    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: c.id, body: 'We are on it', visibility: 'PUBLIC' } },
        a.staff.SPECIALIST.token,
      ),
    );
    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: c.id, body: 'internal', visibility: 'INTERNAL' } },
        a.staff.SPECIALIST.token,
      ),
    );
    const got = await eventually(
      () => {
        const delivered = receiver.at('ordered').filter((_, i) => i > 0);
        return delivered.length >= 4 && delivered;
      },
      10_000,
      'four deliveries',
    );
    const seen = got.map((r) => [JSON.parse(r.body).type, dataOf(r).sequence]);
    expect(seen.map(([, s]) => s)).toEqual([...seen.map(([, s]) => s)].sort((x, y) => x - y));
    expect(seen.map(([t]) => t)).toEqual([
      'complaint.received',
      'complaint.stage_changed',
      'complaint.stage_changed',
      'complaint.public_message',
    ]);
    expect(receiver.at('ordered')[0]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
  });

  it('are not written for a change that was refused, nor sent to another company', async () => {
    await endpoint(b, receiver.path('company-b'));
    const before = (await server.dataSource.query('SELECT count(*)::int AS n FROM webhook_deliveries'))[0].n;
    const c = await fx.register(a.staff.OPERATOR.token);
    expectError(await fx.transition(a.staff.OPERATOR.token, c, Stage.ANALYSIS), 'BAD_USER_INPUT');
    await eventually(async () => (await server.dataSource.query('SELECT count(*)::int AS n FROM webhook_deliveries'))[0].n > before, 5000);
    const rows = await server.dataSource.query('SELECT tenant_id, event_type FROM webhook_deliveries WHERE complaint_id = $1', [c.id]);
    expect(
      rows.every((r: { tenant_id: string; event_type: string }) => r.tenant_id === a.t.tenantId && r.event_type === 'complaint.received'),
    ).toBe(true);
    expect(receiver.at('company-b')).toHaveLength(0);
    // Row-level security: B sees its own endpoints only.
    const seen = await fx.asTenant(b.t.tenantId, (m) => m.query('SELECT DISTINCT tenant_id FROM webhook_endpoints'));
    expect(seen).toEqual([{ tenant_id: b.t.tenantId }]);
    expectError(await server.staff(LOG, { id: (await endpoint(a, receiver.path('a-only'))).id }, b.t.adminToken), 'NOT_FOUND');
  });

  it('that fail without an answer are logged with a typed error code and the technical detail', async () => {
    // A port nobody listens on: the connection is refused.
    const closed = await new WebhookReceiver().start();
    const url = closed.path('gone');
    await closed.close();
    const hook = await endpoint(a, url, ['COMPLAINT_RECEIVED']);
    await fx.register(a.staff.OPERATOR.token);
    const [delivery] = await eventually(
      async () => {
        const log = ok(await server.staff(LOG, { id: hook.id }, a.t.adminToken)).webhookDeliveries;
        return log[0]?.attemptLog.length >= 1 && log;
      },
      10_000,
      'an attempt',
    );
    expect(delivery.attemptLog[0]).toMatchObject({
      statusCode: null,
      errorCode: 'CONNECTION_REFUSED',
      errorDetail: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('do not follow redirects', async () => {
    const hook = await endpoint(
      a,
      receiver.path('moved', () => ({ redirect: `${receiver.base}/elsewhere` })),
      ['COMPLAINT_RECEIVED'],
    );
    await fx.register(a.staff.OPERATOR.token);
    const [delivery] = await eventually(
      async () => {
        const log = ok(await server.staff(LOG, { id: hook.id }, a.t.adminToken)).webhookDeliveries;
        return log[0]?.attemptLog.length >= 1 && log;
      },
      5000,
      'an attempt',
    );
    expect(delivery.attemptLog[0].statusCode).toBe(302);
    expect(delivery.status).not.toBe('DELIVERED');
    expect(receiver.at('elsewhere')).toHaveLength(0);
  });

  it("of a company whose endpoint hangs do not wait: another company's arrive at once", async () => {
    const hanging = await endpoint(
      a,
      receiver.path('hanging', () => 'hang'),
      ['COMPLAINT_RECEIVED'],
    );
    onTestFinished(async () => {
      // Its deliveries would go on hanging (and being retried) through the next tests, which stop the workers.
      ok(await server.staff(DELETE, { id: hanging.id }, a.t.adminToken));
    });
    for (let i = 0; i < 10; i++) await fx.register(a.staff.OPERATOR.token);
    await eventually(() => receiver.at('hanging').length >= 2, 5000, 'the hanging endpoint to be called');
    await endpoint(b, receiver.path('prompt'), ['COMPLAINT_RECEIVED']);
    const started = Date.now();
    await fx.register(b.staff.OPERATOR.token);
    await eventually(() => receiver.at('prompt').length >= 1, 5000, "B's delivery");
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('webhook workers on several nodes', () => {
  it('never send one delivery twice, and a node that died holding one loses nothing', async () => {
    const second = new WebhookWorker(server.dataSource, {
      ...DEFAULT_WEBHOOK_WORKER,
      pollMs: 50,
      retryDelaysMs: [RETRY_MS],
      rules: { allowInsecure: true },
    });
    second.start();
    try {
      const hook = await endpoint(a, receiver.path('two-nodes'), ['COMPLAINT_RECEIVED']);
      for (let i = 0; i < 15; i++) await fx.register(a.staff.OPERATOR.token);
      await eventually(() => new Set(receiver.at('two-nodes').map((r) => r.headers['webhook-id'])).size >= 15, 10_000, '15 deliveries');
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.at('two-nodes')).toHaveLength(15);
      expect(second.stats.delivered).toBeGreaterThan(0);

      // A node claimed a delivery (its lease: 800 ms) and died before sending it: committed, claimed, never sent.
      await Promise.all([server.app.webhooks.stop(), second.stop()]);
      const c = await fx.register(a.staff.OPERATOR.token);
      await server.dataSource.query(
        `UPDATE webhook_deliveries SET attempts = 1, next_attempt_at = now() + interval '800 milliseconds' WHERE complaint_id = $1`,
        [c.id],
      );
      const claimedAt = Date.now();
      server.app.webhooks.start();
      const [got] = await eventually(
        () => receiver.at('two-nodes').length >= 16 && receiver.at('two-nodes').slice(15),
        5000,
        'the lost delivery',
      );
      expect(got!.at - claimedAt).toBeGreaterThanOrEqual(700);
      expect(dataOf(got!).complaintId).toBe(c.id);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.at('two-nodes')).toHaveLength(16);
      const [delivery] = ok(await server.staff(LOG, { id: hook.id }, a.t.adminToken)).webhookDeliveries;
      expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 2 });
    } finally {
      await second.stop();
      server.app.webhooks.start();
    }
  });
});

describe('webhook endpoints', () => {
  it('are managed by the admin only, with valid event types', async () => {
    expectError(await server.staff(CREATE, { input: { url: receiver.path('x'), eventTypes: ALL } }, a.staff.HEAD.token), 'FORBIDDEN');
    expectError(await server.staff(CREATE, { input: { url: receiver.path('x'), eventTypes: [] } }, a.t.adminToken), 'BAD_USER_INPUT');
    expectError(
      await server.staff(CREATE, { input: { url: 'ftp://example.com/x', eventTypes: ALL } }, a.t.adminToken),
      'BAD_USER_INPUT',
      'UNSAFE_URL',
    );
  });

  it('are at most 20 a company: the next one is ENDPOINT_LIMIT and nothing is written', async () => {
    const w = await fx.world();
    for (let i = 0; i < 20; i++) await endpoint(w, receiver.path(`cap-${i}`));
    expectError(
      await server.staff(CREATE, { input: { url: receiver.path('cap-20'), eventTypes: ALL } }, w.t.adminToken),
      'BAD_USER_INPUT',
      'ENDPOINT_LIMIT',
    );
    expect(ok(await server.staff('{ webhookEndpoints { id } }', {}, w.t.adminToken)).webhookEndpoints).toHaveLength(20);
  });
});

describe('the SSRF guard (loopback and http not allowed)', () => {
  let guarded: TestServer;
  let gfx: Fixtures;
  let g: World;
  /** Names the test resolves: `rebind.test` is public when saved and loopback afterwards. */
  const names: Record<string, string[]> = {
    'loopback.test': ['127.0.0.1'],
    'private.test': ['10.1.2.3'],
    'metadata.test': ['169.254.169.254'],
    'v6-loopback.test': ['::1'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'mixed.test': ['93.184.216.34', '192.168.1.5'],
    'public.test': ['93.184.216.34'],
  };
  let rebindLookups = 0;
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    const list = host === 'rebind.test' ? [rebindLookups++ === 0 ? '93.184.216.34' : '127.0.0.1'] : names[host];
    if (!list) throw Object.assign(new Error(`${host} not found`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  beforeAll(async () => {
    guarded = await startTestServer({
      webhooksAllowInsecure: false,
      webhooks: { pollMs: 100, retryDelaysMs: [200, 200, 200, 200, 200, 200, 200, 200], timeoutMs: 2000, disableAfterMs: 600, resolve },
    });
    gfx = new Fixtures(guarded);
    g = await gfx.world();
  });
  afterAll(() => guarded?.close());

  const create = (url: string) => guarded.staff(CREATE, { input: { url, eventTypes: ['COMPLAINT_RECEIVED'] } }, g.t.adminToken);

  it.each([
    'https://127.0.0.1/hook',
    'https://10.0.0.7/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:a00:1]/hook',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
    'https://loopback.test/hook',
    'https://private.test/hook',
    'https://metadata.test/hook',
    'https://v6-loopback.test/hook',
    'https://mapped.test/hook',
    'https://mixed.test/hook',
    'https://nowhere.test/hook',
    'http://public.test/hook',
    'https://user:pw@public.test/hook',
  ])('refuses %s when saved', async (url) => {
    expectError(await create(url), 'BAD_USER_INPUT', 'UNSAFE_URL');
    expect((await guarded.dataSource.query('SELECT count(*)::int AS n FROM webhook_endpoints'))[0].n).toBe(0);
  });

  it('refuses at connect time a name that resolves to a loopback address when sent, and disables an endpoint that keeps failing', async () => {
    const trap = await new WebhookReceiver().start();
    try {
      const port = new URL(trap.base).port;
      const made = ok(await create(`https://rebind.test:${port}/hook`)).createWebhookEndpoint;
      await gfx.register(g.staff.OPERATOR.token);
      const [delivery] = await eventually(
        async () => {
          const log = ok(await guarded.staff(LOG, { id: made.endpoint.id }, g.t.adminToken)).webhookDeliveries;
          return log[0]?.attemptLog.length >= 1 && log;
        },
        5000,
        'an attempt',
      );
      expect(delivery.attemptLog[0]).toMatchObject({
        statusCode: null,
        errorCode: 'ADDRESS_NOT_ALLOWED',
        errorDetail: expect.stringMatching(/127\.0\.0\.1.*may not reach/),
      });
      // Still failing past disableAfterMs: disabled, and the admin sees why.
      const disabled = await eventually(
        async () => {
          const [e] = ok(await guarded.staff('{ webhookEndpoints { id enabled disabledReason } }', {}, g.t.adminToken)).webhookEndpoints;
          return !e.enabled && e;
        },
        10_000,
        'the endpoint to be disabled',
      );
      expect(disabled.disabledReason).toBe('FAILING');
      expect(trap.received).toHaveLength(0);
    } finally {
      await trap.close();
    }
  });
});
