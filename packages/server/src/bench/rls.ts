/**
 * The cost of row-level security on the staff queue query, measured through
 * pg directly (no HTTP): the same SQL at the same concurrency in the same
 * transaction shape (BEGIN + settings in one round trip, the query, COMMIT),
 * once relying on RLS as `reclaim_app`, once as the superuser (RLS bypassed)
 * with an explicit `tenant_id = $n`. The difference is the policy.
 */
import pg from 'pg';
import type { QueueSql } from './baseline.js';
import { cpuMeter, type CpuSplit } from './cpu.js';

export interface Figures {
  /** Completed units (requests, transactions) per second. */
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  /** CPU ms per unit, when measured. */
  cpu?: CpuSplit;
}

/** The p-th percentile (0..100) of ascending `sorted` (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function figures(latencies: number[], seconds: number): Figures {
  const sorted = Float64Array.from(latencies).sort();
  return { perSecond: latencies.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: latencies.length };
}

/** One transaction; `sink` receives the queue query's rows. */
type Unit = (client: pg.Client, sink?: (rows: Array<{ id: string }>) => void) => Promise<unknown>;

/** Runs `unit` in a loop on each of `clients` for `seconds`; returns the latency of every unit in ms. */
async function loop(
  clients: pg.Client[],
  seconds: number,
  unit: Unit,
  database: string,
): Promise<{ latencies: number[]; seconds: number; cpu: CpuSplit }> {
  const latencies: number[] = [];
  const cpu = cpuMeter(undefined, database);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        const t = performance.now();
        await unit(client);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, cpu: cpu() };
}

export interface RlsResult {
  rls: Figures;
  explicit: Figures;
  /** How much lower the throughput is with RLS, in % of the explicit variant's. */
  overheadPercent: number;
  /** PostgreSQL's own planning + execution time of the query (median), without client and network. */
  serverMs?: { rls: number; explicit: number };
}

/**
 * `rls` is the queue SQL as listComplaints builds it; `explicit` the same
 * with `tenant_id = $n`. Each variant gets `warmup` seconds, then `seconds`
 * of measurement split into two alternating halves (ABAB), so that drift
 * (autovacuum, cache, the other processes on the machine) hits both alike.
 */
export async function measureRls(
  databaseUrl: string,
  database: string,
  tenantId: string,
  rls: QueueSql,
  explicit: QueueSql,
  concurrency: number,
  warmup: number,
  seconds: number,
): Promise<RlsResult> {
  const clients = Array.from({ length: concurrency }, () => new pg.Client({ connectionString: databaseUrl }));
  await Promise.all(clients.map((c) => c.connect()));
  const withRls: Unit = async (c, sink) => {
    await c.query(`BEGIN; SET LOCAL ROLE reclaim_app; SELECT set_config('app.tenant_id', '${tenantId}', true)`);
    const { rows } = await c.query(rls.sql, rls.params);
    sink?.(rows);
    await c.query('COMMIT');
  };
  const withWhere: Unit = async (c, sink) => {
    await c.query(`BEGIN; SELECT set_config('app.tenant_id', '${tenantId}', true)`);
    const { rows } = await c.query(explicit.sql, explicit.params);
    sink?.(rows);
    await c.query('COMMIT');
  };
  try {
    // Both must return the same rows, or the comparison means nothing.
    const ids = async (unit: Unit) => {
      let found: string[] = [];
      await unit(clients[0]!, (rows) => {
        found = rows.map((r) => r.id);
      });
      return found;
    };
    const [a, b] = [await ids(withRls), await ids(withWhere)];
    if (a.length === 0 || JSON.stringify(a) !== JSON.stringify(b)) throw new Error('RLS and explicit-tenant queries return different rows');
    await loop(clients, warmup, withRls, database);
    await loop(clients, warmup, withWhere, database);
    const empty = () => ({ latencies: [] as number[], seconds: 0, cpu: { server: 0, postgres: 0, client: 0 } });
    const samples = { rls: empty(), explicit: empty() };
    for (let round = 0; round < 2; round++) {
      for (const [key, unit] of [
        ['rls', withRls],
        ['explicit', withWhere],
      ] as const) {
        const r = await loop(clients, seconds / 2, unit, database);
        samples[key].latencies.push(...r.latencies);
        samples[key].seconds += r.seconds;
        samples[key].cpu.postgres += r.cpu.postgres;
        samples[key].cpu.client += r.cpu.client;
      }
    }
    const summary = (x: ReturnType<typeof empty>): Figures => {
      const f = figures(x.latencies, x.seconds);
      return { ...f, cpu: { server: 0, postgres: x.cpu.postgres / f.count, client: x.cpu.client / f.count } };
    };
    const result = { rls: summary(samples.rls), explicit: summary(samples.explicit) };
    return { ...result, overheadPercent: (1 - result.rls.perSecond / result.explicit.perSecond) * 100 };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of `q`, as reclaim_app with the tenant set (RLS) or as the superuser; run twice, the warm one returned. */
export async function explain(databaseUrl: string, tenantId: string, q: QueueSql, underRls: boolean): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let plan = '';
    for (let i = 0; i < 2; i++) {
      await client.query(`BEGIN; ${underRls ? 'SET LOCAL ROLE reclaim_app;' : ''} SELECT set_config('app.tenant_id', '${tenantId}', true)`);
      const r = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params);
      await client.query('COMMIT');
      plan = r.rows.map((row) => row['QUERY PLAN']).join('\n');
    }
    return plan;
  } finally {
    await client.end();
  }
}

/**
 * The median of PostgreSQL's planning + execution time of `q` over `n` runs
 * (EXPLAIN ANALYZE with TIMING OFF: no per-node clock overhead), as
 * reclaim_app under RLS or as the superuser.
 */
export async function serverTimes(databaseUrl: string, tenantId: string, q: QueueSql, underRls: boolean, n = 300): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      await client.query(`BEGIN; ${underRls ? 'SET LOCAL ROLE reclaim_app;' : ''} SELECT set_config('app.tenant_id', '${tenantId}', true)`);
      const r = await client.query<{ 'QUERY PLAN': Array<{ 'Planning Time': number; 'Execution Time': number }> }>(
        `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${q.sql}`,
        q.params,
      );
      await client.query('COMMIT');
      const [p] = r.rows[0]!['QUERY PLAN'];
      times.push(p!['Planning Time'] + p!['Execution Time']);
    }
    return percentile(Float64Array.from(times).sort(), 50);
  } finally {
    await client.end();
  }
}
