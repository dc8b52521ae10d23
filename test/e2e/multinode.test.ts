import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../../packages/server/test/ws-client.js';

/**
 * Several server processes on one PostgreSQL database, as in production:
 * a change made through one node reaches subscribers on another, through
 * each pub/sub that spans processes; and a node killed between COMMIT and
 * publishing loses nothing (another node's outbox relay publishes it).
 * Needs DATABASE_URL (and REDIS_URL for Redis); skipped without them.
 */
const serverMain = new URL('../../packages/server/dist/main.js', import.meta.url).pathname;
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
const JWT_SECRET = randomBytes(32).toString('hex');

interface Node {
  base: string;
  child: ChildProcess;
  output: () => string;
}

const nodes: Node[] = [];
const sockets: WsClient[] = [];
let databaseUrl: string;
let database: string;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startNode(env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [serverMain], {
    env: {
      ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, JWT_SECRET, DEMO_DATA: '0',
      OUTBOX_GRACE_MS: '500', OUTBOX_RELAY_INTERVAL_MS: '200', REDIS_URL: '', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const node = { base, child, output: () => output };
  nodes.push(node);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node exited early:\n${output}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return node;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node did not start:\n${output}`);
}

async function gql(node: Node, query: string, variables?: object, token?: string) {
  const res = await fetch(`${node.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: any[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const REGISTER = `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id number } }`;
const STAGE_SUB = 'subscription { complaintStageChanged { from to complaint { id number stage } } }';
const complaint = (subject: string) => ({
  kind: 'CLAIM', channel: 'API', subject, description: 'It broke on the second day',
  customer: { name: 'Ivan Petrov', email: 'ivan@example.com' },
});

async function signUp(node: Node) {
  const slug = `mn-${randomBytes(4).toString('hex')}`;
  const data = await gql(node, `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }`,
    { input: { slug, name: 'Multi Node Ltd', adminEmail: `admin@${slug}.test`, adminPassword: 'correct horse battery', adminName: 'Admin' } });
  return data.signUpTenant.token as string;
}

async function subscribe(node: Node, token: string) {
  const socket = await WsClient.staff(node.base, token);
  sockets.push(socket);
  const id = socket.subscribe(STAGE_SUB);
  await socket.settle();
  return { socket, id };
}

async function stop(node: Node): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill('SIGTERM');
  await exited;
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
    await Promise.all(nodes.map(stop));
    if (database) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const transports = [
    { pubsub: 'postgres', env: {} },
    ...(REDIS_URL ? [{ pubsub: 'redis', env: { REDIS_URL } }] : []),
  ];

  for (const { pubsub, env } of transports) {
    it(`carries a change made on node A to a subscriber on node B (${pubsub})`, async () => {
      const a = await startNode({ PUBSUB: pubsub, ...env });
      const b = await startNode({ PUBSUB: pubsub, ...env });
      const token = await signUp(a);
      const { socket, id } = await subscribe(b, token);
      const started = Date.now();
      const made = (await gql(a, REGISTER, { input: complaint(`via ${pubsub}`) }, token)).registerComplaint;
      const [change] = await socket.waitForResults(id, 1, 5000);
      expect(change.data.complaintStageChanged).toEqual({ from: null, to: 'RECEIVED', complaint: { id: made.id, number: made.number, stage: 'RECEIVED' } });
      // Well inside the relay's grace period: this came through pub/sub, not through the relay.
      expect(Date.now() - started).toBeLessThan(500);
      await Promise.all([stop(a), stop(b)]);
      expect(a.child.exitCode).toBe(0);
      expect(b.child.exitCode).toBe(0);
    });
  }

  it('publishes through another node what a node killed (SIGKILL) right after COMMIT never published', async () => {
    const survivor = await startNode({ PUBSUB: 'postgres' });
    const doomed = await startNode({ PUBSUB: 'postgres', RECLAIM_FAULT: 'sigkill-after-commit' });
    const token = await signUp(survivor);
    const { socket, id } = await subscribe(survivor, token);

    const exited = new Promise((resolve) => doomed.child.once('exit', (code, signal) => resolve(signal)));
    const response = await gql(doomed, REGISTER, { input: complaint('lost in a crash?') }, token).then(() => 'answered', (e: Error) => e.message);
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
  });
});
