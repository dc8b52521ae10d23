/**
 * `pnpm bench:sla`: how late do breaches reach subscribers, and what does the
 * scheduler cost in memory?
 *
 * 1. 100,000 open deadlines spread over the next hours, plus a burst of
 *    10,000 falling due within one minute. A quality manager subscribed to
 *    `slaBreached` timestamps every alert; the lag is its arrival minus the
 *    deadline, for isolated deadlines (before the burst), for the burst, and
 *    for isolated deadlines during the burst. The server's RSS is sampled.
 *    Baseline in the same run: a plain `setTimeout` per deadline in this
 *    process, for the same instants (the floor any Node scheduler sits on).
 * 2. 1,000,000 open deadlines: the server's RSS with the scheduler on, and
 *    in the same run with it off (SLA_SCHEDULER=0) and, as the design
 *    avoided, one `setTimeout` per deadline in a bare Node process.
 *
 *   pnpm bench:sla [--isolated 100000] [--burst 10000] [--hours 2] [--window 40] [--total 1000000] [--no-docs]
 *
 * The server runs as the product runs (dist/main.js, PostgreSQL, PUBSUB=postgres).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import { withDatabase } from './fill.js';
import {
  adminQuery,
  confirmCompany,
  dist,
  gql,
  health,
  machineLine,
  rssOf,
  SERVER_MAIN,
  spawnServer,
  stopProc,
  writeDocsBlock,
  type Dist,
  type Proc,
} from './bench-kit.js';

const { values: args } = parseArgs({
  options: {
    isolated: { type: 'string', default: '100000' },
    burst: { type: 'string', default: '10000' },
    hours: { type: 'string', default: '2' },
    window: { type: 'string', default: '40' },
    total: { type: 'string', default: '1000000' },
    'no-docs': { type: 'boolean', default: false },
  },
});
const ISOLATED = Number(args.isolated);
const BURST = Number(args.burst);
const HOURS = Number(args.hours);
const WINDOW_S = Number(args.window);
const TOTAL = Number(args.total);
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'reclaim_bench_sla';
const dbUrl = withDatabase(adminUrl, DB);
const PORT = 4731;
const log = (s: string) => console.log(s);
const MB = 2 ** 20;
const TARGET = { isolatedP99Ms: 250, burstP99Ms: 2000, rssMb: 150 };
/** Seconds from the fill to the first deadline: the server starts and subscribers connect. */
const LEAD_S = 20;
/** A gap between the isolated window and the burst minute. */
const GAP_S = 10;

const SLA_SUB = 'subscription { slaBreached { kind dueAt complaint { id } } }';

interface Tenant {
  tenantId: string;
  departmentId: string;
  categoryId: string;
  customerId: string;
  watcher: string;
}

async function setUp(server: Proc): Promise<Tenant> {
  const signUp = (
    await gql(server.base, `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token tenant { id } } }`, {
      input: {
        slug: 'bench-sla',
        name: 'Bench SLA',
        adminEmail: 'admin@bench-sla.test',
        adminPassword: 'bench-password-1',
        adminName: 'Admin',
      },
    })
  ).signUpTenant;
  const token = signUp.token;
  await confirmCompany(dbUrl, 'bench-sla');
  const departmentId = (await gql(server.base, 'mutation { createDepartment(input: { name: "Quality" }) { id } }', {}, token))
    .createDepartment.id;
  const categoryId = (await gql(server.base, 'mutation { createCategory(input: { name: "Defects" }) { id } }', {}, token)).createCategory
    .id;
  await gql(
    server.base,
    `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    {
      input: { email: 'qm@bench-sla.test', name: 'Quality Manager', password: 'bench-password-1', roles: ['QUALITY_MANAGER'] },
    },
    token,
  );
  const watcher = (
    await gql(server.base, `mutation($input: LoginInput!) { login(input: $input) { token } }`, {
      input: { tenantSlug: 'bench-sla', email: 'qm@bench-sla.test', password: 'bench-password-1' },
    })
  ).login.token;
  const customerId = randomUUID();
  await query(`INSERT INTO customers (tenant_id, id, name, email) VALUES ($1, $2, 'Bench Customer', 'bench@example.com')`, [
    signUp.tenant.id,
    customerId,
  ]);
  return { tenantId: signUp.tenant.id, departmentId, categoryId, customerId, watcher };
}

async function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/**
 * `count` open complaints in REGISTERED, each with one running STAGE clock
 * due at `from + random() * spanMs` (database time), written directly (as
 * the connecting superuser) in batches; returns the ids with their deadlines.
 */
async function fill(t: Tenant, tag: string, count: number, fromMs: number, spanMs: number, keep: boolean): Promise<Map<string, number>> {
  const due = new Map<string, number>();
  for (let done = 0; done < count; done += 100_000) {
    const n = Math.min(100_000, count - done);
    const rows = await query<{ id: string; due: string }>(
      `
      WITH c AS (
        INSERT INTO complaints (tenant_id, id, number, kind, channel, stage, priority, demand, subject, description,
                                customer_id, customer_name, category_id, department_id, sla_state, sla_due_at, version,
                                received_at, stage_entered_at, created_at, updated_at)
        SELECT $1, gen_random_uuid(), 'BENCH-' || $2 || '-' || ($3 + i), 'CLAIM', 'PHONE', 'REGISTERED', 'NORMAL', 'OTHER',
               'Bench complaint', 'A deadline to watch', $4, 'Bench Customer', $5, $6, 'ON_TRACK',
               to_timestamp(($7 + random() * $8) / 1000), 1, now(), now(), now(), now()
          FROM generate_series(1, $9) i
        RETURNING id, sla_due_at
      )
      INSERT INTO sla_deadlines (tenant_id, complaint_id, clock, stage, started_at, budget_ms, consumed_ms, running_since, due_at)
      SELECT $1, id, 'STAGE', 'REGISTERED', now(), 3600000, 0, now(), sla_due_at FROM c
      RETURNING complaint_id AS id, ${keep ? '(extract(epoch FROM due_at) * 1000)::float8' : 'NULL'} AS due`,
      [t.tenantId, tag, done, t.customerId, t.categoryId, t.departmentId, fromMs, spanMs, n],
    );
    if (keep) for (const r of rows) due.set(r.id, Number(r.due));
  }
  return due;
}

async function dbNow(): Promise<number> {
  return Number((await query('SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now'))[0].now);
}

/** A subscriber that timestamps each alert: complaint id → arrival (Date.now()). */
async function subscriber(base: string, token: string): Promise<{ ws: WebSocket; arrivals: Map<string, number>; duplicates: number[] }> {
  const ws = new WebSocket(base.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const arrivals = new Map<string, number>();
  const duplicates: number[] = [];
  const acked = new Promise<void>((resolve) => ws.once('message', () => resolve()));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await acked;
  ws.on('message', (data) => {
    const now = Date.now();
    const m = JSON.parse(String(data));
    if (m.type !== 'next') return;
    const id = m.payload.data.slaBreached.complaint.id;
    if (arrivals.has(id)) duplicates.push(now);
    else arrivals.set(id, now);
  });
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SLA_SUB } }));
  await new Promise((r) => setTimeout(r, 300));
  return { ws, arrivals, duplicates };
}

/** Plain `setTimeout` per instant in this process: how late Node itself fires them. */
function timerFloor(instants: number[], offsetMs: number): Promise<number[]> {
  return new Promise((resolve) => {
    const late: number[] = [];
    if (!instants.length) resolve(late);
    for (const at of instants) {
      const local = at - offsetMs;
      setTimeout(
        () => {
          late.push(Date.now() - local);
          if (late.length === instants.length) resolve(late);
        },
        Math.max(0, local - Date.now()),
      );
    }
  });
}

function lags(due: Map<string, number>, arrivals: Map<string, number>, offsetMs: number, from: number, to: number): Dist {
  const values: number[] = [];
  let lost = 0;
  for (const [id, at] of due) {
    if (at < from || at >= to) continue;
    const arrived = arrivals.get(id);
    if (arrived === undefined) lost++;
    else values.push(arrived - (at - offsetMs));
  }
  return dist(values, lost);
}

async function latency(t: Tenant, server: Proc) {
  const offset = (await dbNow()) - Date.now(); // database clock minus this process's
  const t0 = (await dbNow()) + LEAD_S * 1000;
  const isolatedEnd = t0 + WINDOW_S * 1000;
  const burstStart = isolatedEnd + GAP_S * 1000;
  const burstEnd = burstStart + 60_000;
  log(`filling ${ISOLATED.toLocaleString('en')} deadlines over ${HOURS} h and a burst of ${BURST.toLocaleString('en')} in one minute`);
  const started = Date.now();
  const isolated = await fill(t, 'i', ISOLATED, t0, HOURS * 3600_000, true);
  const burst = await fill(t, 'b', BURST, burstStart, 60_000, true);
  log(`  filled in ${((Date.now() - started) / 1000).toFixed(1)} s; first deadline in ${((t0 - (await dbNow())) / 1000).toFixed(1)} s`);
  if ((await dbNow()) > t0 - 2000) throw new Error('the fill took longer than the lead time; lower --isolated or raise LEAD_S');

  const sub = await subscriber(server.base, t.watcher);
  const floorInstants = [...isolated.values()].filter((d) => d >= t0 && d < isolatedEnd);
  const floor = timerFloor(floorInstants, offset);
  let maxRss = 0;
  let maxHeld = 0;
  const sampler = setInterval(async () => {
    maxRss = Math.max(maxRss, rssOf(server));
    maxHeld = Math.max(maxHeld, (await health(server).catch(() => ({ sla: { held: 0 } }))).sla?.held ?? 0);
  }, 500);
  const waitUntil = async (dbMs: number) => new Promise((r) => setTimeout(r, Math.max(0, dbMs - offset - Date.now())));
  log(`  isolated window: ${WINDOW_S} s; then the burst minute`);
  await waitUntil(burstEnd + 5000);
  clearInterval(sampler);
  sub.ws.close();
  const floorLate = await floor;
  // Of the lag, the part until the scheduler claimed the clock (the database's clock at the claim).
  const [claim] =
    await query(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
    FROM (SELECT extract(epoch FROM fired_at - due_at) * 1000 AS ms FROM sla_breaches) x`);
  return {
    claimP50: Number(claim.p50),
    claimP99: Number(claim.p99),
    isolated: lags(isolated, sub.arrivals, offset, t0, isolatedEnd),
    burst: lags(burst, sub.arrivals, offset, burstStart, burstEnd),
    isolatedDuringBurst: lags(isolated, sub.arrivals, offset, burstStart, burstEnd),
    floor: dist(floorLate, 0),
    duplicates: sub.duplicates.length,
    maxRssMb: maxRss / MB,
    maxHeld,
  };
}

/** Max RSS over `seconds` after `settle` seconds. */
async function steadyRss(p: Proc, settle: number, seconds: number): Promise<number> {
  await new Promise((r) => setTimeout(r, settle * 1000));
  let max = 0;
  for (let i = 0; i < seconds * 2; i++) {
    max = Math.max(max, rssOf(p));
    await new Promise((r) => setTimeout(r, 500));
  }
  return max / MB;
}

/** RSS of a bare Node process holding one setTimeout per deadline (the design avoided). */
function timersRss(n: number): Promise<number> {
  const script = `
    const timers = [];
    for (let i = 0; i < ${n}; i++) { const id = 'c' + i; timers.push(setTimeout(() => console.log(id), 86400000 + i)); }
    setTimeout(() => { const rss = process.memoryUsage.rss(); console.log(JSON.stringify({ rss })); process.exit(0); }, 2000);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!).rss / MB);
      } catch (e) {
        reject(e);
      }
    });
  });
}

async function memory(t: Tenant) {
  const [{ n }] = await query(`SELECT count(*)::int AS n FROM sla_deadlines WHERE next_fire_at IS NOT NULL`);
  const more = Math.max(0, TOTAL - n);
  log(`adding ${more.toLocaleString('en')} deadlines over the next 7 days (${TOTAL.toLocaleString('en')} open in all)`);
  await fill(t, 'm', more, (await dbNow()) + 60_000, 7 * 24 * 3600_000, false);
  await query('VACUUM ANALYZE sla_deadlines');
  const [{ open }] = await query(`SELECT count(*)::int AS open FROM sla_deadlines WHERE next_fire_at IS NOT NULL`);
  const env = { DATABASE_URL: dbUrl, PUBSUB: 'postgres', DEMO_DATA: '0', JWT_SECRET: 'bench-sla-secret-0123456789abcdef' };
  const on = await spawnServer(SERVER_MAIN, env, PORT);
  const withScheduler = await steadyRss(on, 10, 10);
  const held = (await health(on)).sla?.held ?? 0;
  await stopProc(on);
  const off = await spawnServer(SERVER_MAIN, { ...env, SLA_SCHEDULER: '0' }, PORT);
  const without = await steadyRss(off, 10, 10);
  await stopProc(off);
  const timers = await timersRss(open);
  return { open, withScheduler, without, timers, held };
}

async function run() {
  const machine = await machineLine(adminUrl);
  log(`machine: ${machine}`);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${DB}`);
  const env = { DATABASE_URL: dbUrl, PUBSUB: 'postgres', DEMO_DATA: '0', JWT_SECRET: 'bench-sla-secret-0123456789abcdef' };
  const server = await spawnServer(SERVER_MAIN, env, PORT);
  const t = await setUp(server);
  const lat = await latency(t, server);
  await stopProc(server);
  const mem = await memory(t);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);

  const ms = (x: number) => (Math.round(x) || 0).toFixed(0);
  const row = (name: string, d: Dist, target: string, ok: boolean | null) =>
    `| ${name} | ${d.samples.toLocaleString('en')} | ${ms(d.p50)} | ${ms(d.p99)} | ${ms(d.max)} | ${d.lost} | ${target}${ok === null ? '' : `: **${ok ? 'PASS' : 'FAIL'}**`} |`;
  const lines = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.`,
    '',
    `${ISOLATED.toLocaleString('en')} open deadlines spread over ${HOURS} h and a burst of ${BURST.toLocaleString('en')} due within one minute; the lag is an alert's arrival at a \`slaBreached\` subscriber minus its deadline. Isolated: the deadlines of a ${WINDOW_S} s window before the burst.`,
    '',
    '| deadlines | alerts | p50 ms | p99 ms | max ms | lost | target |',
    '|---|--:|--:|--:|--:|--:|---|',
    row('isolated', lat.isolated, `p99 ≤ ${TARGET.isolatedP99Ms} ms`, lat.isolated.p99 <= TARGET.isolatedP99Ms && lat.isolated.lost === 0),
    row(
      `the burst (${BURST.toLocaleString('en')} in one minute)`,
      lat.burst,
      `p99 ≤ ${TARGET.burstP99Ms} ms`,
      lat.burst.p99 <= TARGET.burstP99Ms && lat.burst.lost === 0,
    ),
    row('isolated, during the burst minute', lat.isolatedDuringBurst, '–', null),
    row('baseline: a bare setTimeout per isolated deadline, this process', lat.floor, 'the floor', null),
    '',
    `Of the lag, until the scheduler claimed the clock (all alerts): p50 ${lat.claimP50.toFixed(0)} ms, p99 ${lat.claimP99.toFixed(0)} ms; the rest is firing, commit, pub/sub and delivery. Alerts delivered twice: ${lat.duplicates}. Server RSS during the run: at most ${lat.maxRssMb.toFixed(0)} MB; instants held in memory: at most ${lat.maxHeld.toLocaleString('en')}.`,
    '',
    `| ${mem.open.toLocaleString('en')} open deadlines | RSS MB | target |`,
    '|---|--:|---|',
    `| server, scheduler on | ${mem.withScheduler.toFixed(0)} | < ${TARGET.rssMb} MB: **${mem.withScheduler < TARGET.rssMb ? 'PASS' : 'FAIL'}** (holds ${mem.held.toLocaleString('en')} instants) |`,
    `| server, scheduler off (SLA_SCHEDULER=0), same database | ${mem.without.toFixed(0)} | on/off: ${(mem.withScheduler / mem.without).toFixed(2)}× |`,
    `| a bare Node process with one setTimeout per deadline (the design avoided) | ${mem.timers.toFixed(0)} | ${(mem.timers / mem.withScheduler).toFixed(1)}× the server |`,
  ];
  const table = lines.join('\n');
  log(`\n${table}`);
  if (!args['no-docs']) {
    writeDocsBlock('sla', table);
    log('\nwritten to docs/benchmarks.md');
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
