/**
 * What the benchmark scripts share: the built server in its own process,
 * its memory, GraphQL over HTTP, percentiles, the machine line, and the
 * section of docs/benchmarks.md each script replaces in place.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export interface Proc {
  child: ChildProcess;
  base: string;
}

/** The built server, as the product runs it. */
export const SERVER_MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

export async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const OPERATOR_TOKEN = 'bench-operator-token';

/** Starts `script` on `port` with `env` and waits until /healthz answers. */
export async function spawnServer(script: string, env: Record<string, string>, port: number, flags: string[] = []): Promise<Proc> {
  const child = spawn(process.execPath, [...flags, script], {
    env: { ...process.env, OPERATOR_TOKEN, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(out);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, base };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`did not start: ${out}`);
}

export async function stopProc(p: Proc): Promise<void> {
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await exited;
}

/** Resident memory of a child process (Linux), in bytes. */
export const rssOf = (p: Proc) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.child.pid}/status`, 'utf8'))![1]) * 1024;
/** The operators' figures of a server that spawnServer started (sockets, subscriptions, SLA counters, RSS). */
export const health = async (p: Pick<Proc, 'base'>) =>
  (await fetch(`${p.base}/healthz/details`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).json() as Promise<
    Record<string, any>
  >;

/**
 * Marks a bench company's admin address confirmed, as the link in its
 * confirmation mail does (the benches read no mail): only then may it invite
 * staff and receive mail. Setup, not measured.
 */
export async function confirmCompany(databaseUrl: string, slug: string): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('UPDATE tenants SET address_confirmed_at = now() WHERE slug = $1 AND address_confirmed_at IS NULL', [slug]);
  } finally {
    await db.end();
  }
}

export async function gql(base: string, query: string, variables: object, token?: string) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export interface Dist {
  p50: number;
  p99: number;
  max: number;
  samples: number;
  lost: number;
}
export function dist(values: number[], lost: number): Dist {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1]!, samples: s.length, lost };
}

/** "CPU × cores, memory, Node, PostgreSQL": where the figures were measured. */
export async function machineLine(adminUrl: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  const pgVersion = (await c.query('SHOW server_version')).rows[0].server_version;
  await c.end();
  return `${cpus()[0]?.model.trim()} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${pgVersion}`;
}

/** Replaces this script's section of docs/benchmarks.md (between its markers), or appends it. */
export function writeDocsBlock(name: string, table: string): void {
  const path = fileURLToPath(new URL('../../../../docs/benchmarks.md', import.meta.url));
  const doc = readFileSync(path, 'utf8');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${table}\n${end}`;
  writeFileSync(
    path,
    doc.includes(start) ? doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), () => block) : `${doc}\n## bench:${name}\n\n${block}\n`,
  );
}
