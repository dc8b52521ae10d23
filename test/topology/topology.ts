import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminQuery } from '../../packages/server/src/bench/bench-kit.js';
import { HAPROXY, PGBOUNCER, startHaproxy, startPgBouncer, type Daemon } from '../../packages/server/src/bench/topology.js';
import { serverDist, startServerProcess, type ServerProcess } from '../e2e/server-process.js';

/**
 * The production topology, from Debian's packages, on one machine: a new
 * database on the local PostgreSQL, migrated once by a one-off job
 * (`node dist/db/migrate.js`, directly); PgBouncer in transaction mode in
 * front of it; two Reclaim nodes that reach the database through PgBouncer
 * and LISTEN on a direct connection (DATABASE_LISTEN_URL), as a login role
 * that is a member of reclaim_node and owns nothing; HAProxy in front of
 * the nodes (packages/server/src/bench/topology.ts starts both daemons).
 * docker/compose.yaml describes the same for Docker.
 */
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
  const admin = (sql: string) => adminQuery(adminUrl, sql);
  await admin(`CREATE DATABASE ${database}`);
  const direct = new URL(adminUrl);
  direct.pathname = `/${database}`;
  const databaseUrl = direct.toString();
  const daemons: Daemon[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'reclaim-topology-'));
  const nodes: ServerProcess[] = [];
  // The nodes' login role: a member of reclaim_node, owning nothing (docs/operations.md, "Database roles").
  const nodeRole = `${database}_node`;
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(daemons.map((d) => d.stop()));
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

    const bouncer = await startPgBouncer(dir, databaseUrl, nodeRole);
    daemons.push(bouncer);

    // Two nodes through PgBouncer; LISTEN directly; both as the role that owns nothing.
    for (let i = 0; i < 2; i++) {
      nodes.push(
        await startServerProcess({
          ...process.env,
          DATABASE_URL: bouncer.url,
          DATABASE_LISTEN_URL: asNode.toString(),
          PUBSUB: 'postgres',
          REDIS_URL: '',
          MIGRATE_ON_START: '0',
          DEMO_DATA: '0',
          JWT_SECRET,
          TRUSTED_PROXIES: '1',
          LOG_PRETTY: '0',
          RATE_LIMIT_PREFIX: `topology-${randomBytes(4).toString('hex')}`,
          ...options.nodeEnv,
        }),
      );
    }

    const balancer = await startHaproxy(
      dir,
      nodes.map((n) => n.base),
    );
    daemons.push(balancer);
    const base = balancer.url;
    return { base, nodes, databaseUrl, nodeRole, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}:\n${out}`);
}
