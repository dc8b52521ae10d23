import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { adminQuery } from '../../packages/server/src/bench/bench-kit.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../../packages/server/test/ws-client.js';
import { startServerProcess, type ServerProcess, staffData as gql } from './server-process.js';

/**
 * Several server processes on one PostgreSQL database, as in production:
 * a change made through one node reaches subscribers on another, through
 * each pub/sub that spans processes; and a node killed between COMMIT and
 * publishing loses nothing (another node's outbox relay publishes it).
 * Needs DATABASE_URL (and REDIS_URL for Redis); skipped without them.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
const JWT_SECRET = randomBytes(32).toString('hex');

const nodes: ServerProcess[] = [];
const sockets: WsClient[] = [];
let databaseUrl: string;
let database: string;

const admin = (sql: string) => adminQuery(DATABASE_URL!, sql);

/** With Redis the nodes share their limits: under a prefix of this run's own, so that runs never count against each other. */
const limitsPrefix = `test-${randomBytes(6).toString('hex')}`;

async function startNode(env: Record<string, string>, script?: string): Promise<ServerProcess> {
  const node = await startServerProcess(
    {
      ...process.env,
      DATABASE_URL: databaseUrl,
      JWT_SECRET,
      DEMO_DATA: '0',
      OUTBOX_GRACE_MS: '500',
      OUTBOX_RELAY_INTERVAL_MS: '200',
      REDIS_URL: '',
      RATE_LIMIT_PREFIX: limitsPrefix,
      ...env,
    },
    undefined,
    script,
  );
  nodes.push(node);
  return node;
}

const REGISTER = `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id number } }`;
const STAGE_SUB = 'subscription { complaintStageChanged { from to complaint { id number stage } } }';
const complaint = (subject: string) => ({
  kind: 'CLAIM',
  channel: 'API',
  subject,
  description: 'It broke on the second day',
  customer: { name: 'Ivan Petrov', email: 'ivan@example.com' },
});

async function signUp(node: ServerProcess) {
  const slug = `mn-${randomBytes(4).toString('hex')}`;
  const data = await gql(node, `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }`, {
    input: { slug, name: 'Multi Node Ltd', adminEmail: `admin@${slug}.test`, adminPassword: 'correct horse battery', adminName: 'Admin' },
  });
  return data.signUpTenant.token as string;
}

async function subscribe(node: ServerProcess, token: string) {
  const socket = await WsClient.staff(node.base, token);
  sockets.push(socket);
  const id = socket.subscribe(STAGE_SUB);
  await socket.settle();
  return { socket, id };
}

describe.skipIf(!DATABASE_URL)('several server processes on one database', () => {
  beforeAll(async () => {
    database = `reclaim_multinode_${randomBytes(5).toString('hex')}`;
    await admin(`CREATE DATABASE ${database}`);
    const u = new URL(DATABASE_URL!);
    u.pathname = `/${database}`;
    databaseUrl = u.toString();
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(nodes.map((n) => n.stop()));
    if (database) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const transports = [{ pubsub: 'postgres', env: {} }, ...(REDIS_URL ? [{ pubsub: 'redis', env: { REDIS_URL } }] : [])];

  for (const { pubsub, env } of transports) {
    it(`carries a change made on node A to a subscriber on node B (${pubsub})`, async () => {
      const a = await startNode({ PUBSUB: pubsub, ...env });
      const b = await startNode({ PUBSUB: pubsub, ...env });
      const token = await signUp(a);
      const { socket, id } = await subscribe(b, token);
      const started = Date.now();
      const made = (await gql(a, REGISTER, { input: complaint(`via ${pubsub}`) }, token)).registerComplaint;
      const [change] = await socket.waitForResults(id, 1, 5000);
      expect(change.data.complaintStageChanged).toEqual({
        from: null,
        to: 'RECEIVED',
        complaint: { id: made.id, number: made.number, stage: 'RECEIVED' },
      });
      // Well inside the relay's grace period: this came through pub/sub, not through the relay.
      expect(Date.now() - started).toBeLessThan(500);
      expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    });
  }

  it('publishes through another node, and delivers its webhook once, what a node killed (SIGKILL) right after COMMIT never published', async () => {
    // Webhooks to a receiver on this machine (loopback and http allowed for the test).
    const survivor = await startNode({ PUBSUB: 'postgres', WEBHOOKS_ALLOW_INSECURE: '1' });
    const doomed = await startNode({ PUBSUB: 'postgres', WEBHOOKS_ALLOW_INSECURE: '1' }, 'testing/crash-after-commit.js');
    const token = await signUp(survivor);
    const { socket, id } = await subscribe(survivor, token);
    const hooks: Array<{ id: string; body: any }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        hooks.push({ id: String(req.headers['webhook-id']), body: JSON.parse(body) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    await gql(
      survivor,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }',
      { input: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, eventTypes: ['COMPLAINT_RECEIVED'] } },
      token,
    );

    const exited = new Promise((resolve) => doomed.child.once('exit', (code, signal) => resolve(signal)));
    const response = await gql(doomed, REGISTER, { input: complaint('lost in a crash?') }, token).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    expect(await exited).toBe('SIGKILL');
    expect(response).not.toBe('answered'); // it died before answering…

    const [change] = await socket.waitForResults(id, 1, 10_000); // …but the change was committed and is announced
    expect(change.data.complaintStageChanged).toMatchObject({ from: null, to: 'RECEIVED', complaint: { stage: 'RECEIVED' } });
    const number = change.data.complaintStageChanged.complaint.number;
    const listed = await gql(survivor, '{ complaints(first: 10) { edges { node { number } } } }', {}, token);
    expect(listed.complaints.edges.map((e: any) => e.node.number)).toContain(number);

    // Exactly once: the relay marked it published, and nothing else arrives.
    await new Promise((r) => setTimeout(r, 1500));
    expect(socket.results(id)).toHaveLength(1);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query('SELECT count(*) FILTER (WHERE published_at IS NULL) AS unpublished FROM outbox_events');
    await client.end();
    expect(Number(rows[0].unpublished)).toBe(0);

    // The webhook delivery was written in the same transaction: the survivor's worker sends it, once.
    const listedId = (await gql(survivor, '{ complaints(first: 1) { edges { node { id } } } }', {}, token)).complaints.edges[0].node.id;
    for (let i = 0; i < 100 && !hooks.length; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    receiver.close();
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.body).toMatchObject({ type: 'complaint.received' });
    expect(JSON.stringify(hooks[0]!.body)).toContain(listedId);
  });
});
