/**
 * The production topology's middle pieces from Debian's packages, for the
 * end-to-end test (test/topology/topology.ts) and `pnpm bench:topology`:
 * PgBouncer in transaction mode in front of one database, and HAProxy in
 * front of nodes, checking /readyz, passing WebSocket upgrades, without
 * sticky sessions. docker/compose.yaml and docker/haproxy.cfg describe the
 * same for Docker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export const PGBOUNCER = '/usr/sbin/pgbouncer';
export const HAPROXY = '/usr/sbin/haproxy';

export interface Daemon {
  /** Where clients connect: a postgres:// URL for PgBouncer, http:// for HAProxy. */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * PgBouncer in transaction mode in front of `databaseUrl` (trust auth from
 * 127.0.0.1, `user` only), its files in `dir`. The pg client's startup
 * parameter for idle transactions is not one PgBouncer passes on.
 */
export async function startPgBouncer(dir: string, databaseUrl: string, user: string, poolSize = 20): Promise<Daemon> {
  const target = new URL(databaseUrl);
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `reclaim = host=${target.hostname} port=${target.port || 5432} dbname=${target.pathname.slice(1)}`,
      '[pgbouncer]',
      `listen_addr = 127.0.0.1`,
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 1000',
      'ignore_startup_parameters = extra_float_digits,idle_in_transaction_session_timeout',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
    ].join('\n'),
  );
  chmodSync(dir, 0o777);
  for (const f of ['users.txt', 'pgbouncer.ini']) chmodSync(join(dir, f), 0o644);
  // PgBouncer will not run as root: it drops to the PostgreSQL user then.
  const asRoot = process.getuid?.() === 0;
  const child = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  const url = `postgres://${user}@127.0.0.1:${port}/reclaim`;
  const daemon = { url, child, stop: () => stopChild(child) };
  await waitFor(
    async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.end();
    },
    'PgBouncer',
    () => readIf(join(dir, 'pgbouncer.log')),
  ).catch(async (err) => {
    await daemon.stop();
    throw err;
  });
  return daemon;
}

/**
 * HAProxy in front of `nodes` (http://host:port each): round robin over
 * ready nodes, /readyz every 200 ms, out after two failed checks (so a
 * SHUTDOWN_READY_DELAY_MS above 400 ms takes a stopping node out before it
 * drains), each check given 3 s (a busy node answers late but is not
 * unready: without `timeout check` HAProxy would give it `inter`); a
 * refused connection is retried on another node. As docker/haproxy.cfg.
 */
export async function startHaproxy(dir: string, nodes: string[]): Promise<Daemon> {
  const port = await freePort();
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    [
      'global',
      '  maxconn 4000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout tunnel 1h',
      '  option forwardfor',
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure empty-response 503',
      'frontend reclaim',
      `  bind 127.0.0.1:${port}`,
      '  default_backend nodes',
      'backend nodes',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      '  timeout check 3s',
      '  default-server inter 200ms fall 2 rise 2',
      ...nodes.map((n, i) => `  server node${i + 1} ${new URL(n).host} check`),
    ].join('\n') + '\n',
  );
  const child = spawn(HAPROXY, ['-f', join(dir, 'haproxy.cfg'), '-db'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const daemon = { url, child, stop: () => stopChild(child) };
  await waitFor(async () => {
    const r = await fetch(`${url}/readyz`);
    if (!r.ok) throw new Error(String(r.status));
  }, 'HAProxy').catch(async (err) => {
    await daemon.stop();
    throw err;
  });
  return daemon;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function readIf(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
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
