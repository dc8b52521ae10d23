import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, serverDist, startServerProcess, type ServerProcess } from '../e2e/server-process.js';

/**
 * The production topology, from Debian's packages, on one machine: a new
 * database on the local PostgreSQL, migrated once by a one-off job
 * (`node dist/db/migrate.js`, directly); PgBouncer in transaction mode in
 * front of it; two Reclaim nodes that reach the database through PgBouncer
 * and LISTEN on a direct connection (DATABASE_LISTEN_URL), as a login role
 * that is a member of reclaim_node and owns nothing; HAProxy in front
 * of the nodes, checking /readyz, passing WebSocket upgrades, without
 * sticky sessions. docker/compose.yaml describes the same for Docker.
 *
 * Run alone (`node --experimental-strip-types test/topology/topology.ts`
 * is not needed: the end-to-end test imports it) or from
 * test/e2e/topology.test.ts.
 */
export const PGBOUNCER = '/usr/sbin/pgbouncer';
export const HAPROXY = '/usr/sbin/haproxy';
export const available = () => Boolean(process.env.DATABASE_URL) && existsSync(PGBOUNCER) && existsSync(HAPROXY);

export interface Topology {
  /** The balancer's address: what clients use. */
  base: string;
  nodes: ServerProcess[];
  /** Direct connection string of the database, as its owner (for checks). */
  databaseUrl: string;
  /** The login role the nodes connect as: a member of reclaim_node that owns nothing. */
  nodeRole: string;
  /** Stops everything and drops the database. */
  stop(): Promise<void>;
}

const JWT_SECRET = randomBytes(32).toString('hex');

export async function startTopology(options: { nodeEnv?: Record<string, string> } = {}): Promise<Topology> {
  const adminUrl = process.env.DATABASE_URL!;
  const database = `reclaim_topology_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${database}`);
  const direct = new URL(adminUrl);
  direct.pathname = `/${database}`;
  const databaseUrl = direct.toString();
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'reclaim-topology-'));
  chmodSync(dir, 0o777);
  const nodes: ServerProcess[] = [];
  // The nodes' login role: a member of reclaim_node, owning nothing (docs/operations.md, "Database roles").
  const nodeRole = `${database}_node`;
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin(`DROP ROLE IF EXISTS ${nodeRole}`);
  };
  try {
    // Migrations: a one-off job as the owner, straight to PostgreSQL (their advisory lock needs a session).
    await run(process.execPath, [`${serverDist}db/migrate.js`], { ...process.env, DATABASE_URL: databaseUrl, LOG_PRETTY: '0' });
    await admin(`CREATE ROLE ${nodeRole} LOGIN IN ROLE reclaim_node`);
    const asNode = new URL(databaseUrl);
    asNode.username = nodeRole;
    asNode.password = '';

    // PgBouncer, transaction mode. The pg client's startup parameter for idle transactions is not one PgBouncer passes on.
    const bouncerPort = await freePort();
    writeFileSync(join(dir, 'users.txt'), `"${nodeRole}" ""\n`);
    writeFileSync(join(dir, 'pgbouncer.ini'), [
      '[databases]',
      `reclaim = host=${direct.hostname} port=${direct.port || 5432} dbname=${database}`,
      '[pgbouncer]',
      `listen_addr = 127.0.0.1`, `listen_port = ${bouncerPort}`, 'unix_socket_dir =',
      'auth_type = trust', `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction', 'default_pool_size = 20', 'max_client_conn = 1000',
      'ignore_startup_parameters = extra_float_digits,idle_in_transaction_session_timeout',
      `logfile = ${join(dir, 'pgbouncer.log')}`, `pidfile = ${join(dir, 'pgbouncer.pid')}`,
    ].join('\n'));
    for (const f of ['users.txt', 'pgbouncer.ini']) chmodSync(join(dir, f), 0o644);
    // PgBouncer will not run as root: it drops to the PostgreSQL user then.
    const asRoot = process.getuid?.() === 0;
    children.push(spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: 'ignore' }));
    await waitFor(async () => {
      const c = new pg.Client({ connectionString: `postgres://${nodeRole}@127.0.0.1:${bouncerPort}/reclaim` });
      await c.connect();
      await c.end();
    }, 'PgBouncer', () => readIf(join(dir, 'pgbouncer.log')));
    const pooled = `postgres://${nodeRole}@127.0.0.1:${bouncerPort}/reclaim`;

    // Two nodes through PgBouncer; LISTEN directly; both as the role that owns nothing.
    for (let i = 0; i < 2; i++) {
      nodes.push(await startServerProcess({
        ...process.env, DATABASE_URL: pooled, DATABASE_LISTEN_URL: asNode.toString(), PUBSUB: 'postgres', REDIS_URL: '',
        MIGRATE_ON_START: '0', DEMO_DATA: '0', JWT_SECRET, TRUSTED_PROXIES: '1', LOG_PRETTY: '0',
        RATE_LIMIT_PREFIX: `topology-${randomBytes(4).toString('hex')}`, ...options.nodeEnv,
      }));
    }

    // HAProxy: round robin over ready nodes, checking /readyz every 200 ms; a connection refused is retried on the other.
    const port = await freePort();
    writeFileSync(join(dir, 'haproxy.cfg'), [
      'global', '  maxconn 4000',
      'defaults', '  mode http', '  timeout connect 2s', '  timeout client 60s', '  timeout server 60s', '  timeout tunnel 1h',
      '  option forwardfor', '  retries 3', '  option redispatch 1', '  retry-on conn-failure empty-response 503',
      'frontend reclaim', `  bind 127.0.0.1:${port}`, '  default_backend nodes',
      'backend nodes', '  balance roundrobin', '  option httpchk GET /readyz', '  http-check expect status 200',
      '  default-server inter 200ms fall 1 rise 2',
      ...nodes.map((n, i) => `  server node${i + 1} ${new URL(n.base).host} check`),
    ].join('\n') + '\n');
    children.push(spawn(HAPROXY, ['-f', join(dir, 'haproxy.cfg'), '-db'], { stdio: 'ignore' }));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => {
      const r = await fetch(`${base}/readyz`);
      if (!r.ok) throw new Error(String(r.status));
    }, 'HAProxy');
    return { base, nodes, databaseUrl, nodeRole, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

function readIf(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}:\n${out}`);
}

async function waitFor(check: () => Promise<void>, what: string, detail: () => string = () => ''): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    try {
      await check();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} did not come up: ${(last as Error)?.message}\n${detail()}`);
}
