import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The start command of the README, as a newcomer runs it: the built server
 * in embedded mode (no DATABASE_URL) with demo data, as a child process.
 */
const serverMain = new URL('../../packages/server/dist/main.js', import.meta.url).pathname;
let child: ChildProcess;
let base: string;
let output = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function gql(path: string, query: string, variables?: object, token?: string) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PORT: String(port) };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.PUBSUB;
  delete env.DEMO_DATA;
  child = spawn(process.execPath, [serverMain], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (up) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not answer /healthz within 90 s:\n${output}`);
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('the start command (embedded mode, demo data)', () => {
  it('serves the demo tenant to its admin', async () => {
    const login = await gql('/graphql', 'mutation { login(input: { tenantSlug: "acme", email: "admin@acme.demo", password: "demo-password" }) { token tenant { name } } }');
    expect(login.errors).toBeUndefined();
    const token = login.data.login.token as string;
    const list = await gql('/graphql', '{ complaints(first: 5) { totalCount edges { node { number stage } } } departments { name } }', {}, token);
    expect(list.errors).toBeUndefined();
    expect(list.data.complaints.totalCount).toBeGreaterThan(100);
    expect(list.data.complaints.edges[0].node.number).toMatch(/^ACME-\d{4}-\d{6}$/);
    expect(list.data.departments.length).toBeGreaterThanOrEqual(3);
  });

  it('answers the portal endpoint with its own schema', async () => {
    const res = await gql('/portal/graphql', '{ complaintStatus(number: "ACME-2026-000001", accessToken: "not-the-token-of-this-complaint") { stage } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.complaintStatus).toBeNull();
    const staffOnly = await gql('/portal/graphql', '{ complaints(first: 1) { totalCount } }');
    expect(staffOnly.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
