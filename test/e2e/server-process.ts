import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../packages/server/src/bench/topology.js';

export { freePort };

/** The built server, as `pnpm start` and the Docker image run it. */
export const serverDist = new URL('../../packages/server/dist/', import.meta.url).pathname;

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, and the exit code once it has exited. */
  stop(): Promise<number | null>;
}

/** Starts the built server (`script`: its entry under packages/server/dist, e.g. a test-only one from src/testing/). */
export async function startServerProcess(env: NodeJS.ProcessEnv, timeoutMs = 60_000, script = 'main.js'): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [serverDist + script], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: ServerProcess = {
    base,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return server;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not answer /healthz within ${timeoutMs / 1000} s:\n${output}`);
}

/** A GraphQL request over HTTP; the parsed body. */
export async function gql(base: string, path: string, query: string, variables?: object, token?: string) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

/** The data of a staff request (POST /graphql at a node or the balancer) that must succeed; its errors are thrown. */
export async function staffData(at: string | { base: string }, query: string, variables?: object, token?: string) {
  const body = await gql(typeof at === 'string' ? at : at.base, '/graphql', query, variables, token);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/**
 * The environment of the README's start command: embedded mode (no
 * DATABASE_URL, Redis or pub/sub settings of the test run) with the demo
 * data, plus `extra`.
 */
export function embeddedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.PUBSUB;
  delete env.DEMO_DATA;
  return { ...env, ...extra };
}

/** The built server as the README starts it (embeddedEnv), once it answers. */
export const startDemoServer = (extra: NodeJS.ProcessEnv = {}) => startServerProcess(embeddedEnv(extra), 90_000);

/** A demo staff member's token (`<login>@<tenant>.demo`, the demo password), signed in over the API. */
export async function demoToken(base: string, tenant: string, login: string): Promise<string> {
  const res = await gql(base, '/graphql', 'mutation($i: LoginInput!) { login(input: $i) { token } }', {
    i: { tenantSlug: tenant, email: `${login}@${tenant}.demo`, password: 'demo-password' },
  });
  return res.data.login.token;
}
