/**
 * `pnpm bench:analytics`: every query of the console's Analysis page for the
 * largest company of the bench:queue fill (about 193,000 complaints, with
 * causes, stage visits and clock outcomes added by analysis-fill.ts) over the
 * last 12 months, through the real server at N concurrent clients, against
 * a baseline in the same run: the same figure computed by a plain GROUP BY
 * over the raw tables through pg (no GraphQL, no row-level security, the
 * tenant named in the WHERE clause). Each query twice: all clients asking
 * the same (as a company's open Analysis pages do; answers are shared, see
 * SHARED_RESULTS_SECONDS), and each request its own period end, a
 * millisecond apart (nothing shared: every answer computed). Then how soon
 * a new complaint shows in the funnel. See docs/benchmarks.md.
 *
 *   pnpm bench:analytics [--fresh] [--clients 8] [--duration 10] [--warmup 2] [--rounds 5]
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BENCH_DB, BENCH_PASSWORD, ensureBenchDatabase, withDatabase } from './fill.js';
import { ensureAnalysisFill } from './analysis-fill.js';
import { machine, machineLine } from './report.js';
import { startTarget, waitForIdle } from './http-load.js';
import { writeDocsBlock } from './bench-kit.js';

const { values: args } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    clients: { type: 'string', default: '8' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    only: { type: 'string' },
    'wait-idle': { type: 'string', default: '60' },
  },
});
const CLIENTS = Number(args.clients);
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (s: string) => console.log(s);
process.env.LOG_LEVEL ??= 'warn'; // the server under test logs each request at info
const TARGET_P95_MS = 200;
const TARGET_FRESH_MS = 5000;

/** One query of the Analysis page, as the console asks it, and the plain GROUP BY that computes the same figure. */
interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  baseline: string;
}

const FILTER = 'filter: $f';
function cases(): Case[] {
  // Over the tenant named as $1, the period [$2, $3), in the company's zone $4.
  const received = `c.tenant_id = $1 AND c.received_at >= $2 AND c.received_at < $3`;
  const month = (col: string) => `date_trunc('month', ${col} AT TIME ZONE $4)`;
  return [
    {
      name: 'funnel',
      query: `query($f: AnalysisFilterInput!) { funnel(${FILTER}) { period stage entered rejected rejectedBy { count } } }`,
      variables: { grouping: 'MONTH' },
      baseline: `SELECT ${month('c.received_at')} AS period, v.stage, count(DISTINCT c.id) AS entered,
                        count(DISTINCT c.id) FILTER (WHERE v.next_stage = 'REJECTED') AS rejected
                   FROM complaints c JOIN stage_visits v ON v.tenant_id = c.tenant_id AND v.complaint_id = c.id
                  WHERE ${received} GROUP BY 1, 2`,
    },
    {
      name: 'pareto (cause, count)',
      query: `query($f: AnalysisFilterInput!) { pareto(${FILTER}, by: CAUSE, measure: COUNT) { total bars { key label value cumulativeShare } } }`,
      variables: {},
      baseline: `SELECT c.cause_id, count(*) FROM complaints c WHERE ${received} AND c.cause_id IS NOT NULL AND $4::text IS NOT NULL
                  GROUP BY 1 ORDER BY 2 DESC`,
    },
    {
      name: 'causeEffect',
      query: `query($f: AnalysisFilterInput!) { causeEffect(${FILTER}) { group count causes { count } } }`,
      variables: {},
      baseline: `SELECT k.cause_group, c.cause_id, count(*) FROM complaints c JOIN causes k ON k.tenant_id = c.tenant_id AND k.id = c.cause_id
                  WHERE ${received} AND $4::text IS NOT NULL GROUP BY 1, 2`,
    },
    {
      name: 'slaCompliance',
      query: `query($f: AnalysisFilterInput!) { slaCompliance(${FILTER}) { clock departmentId total met } }`,
      variables: {},
      baseline: `SELECT o.clock, c.department_id, count(*), count(*) FILTER (WHERE o.met)
                   FROM clock_outcomes o JOIN complaints c ON c.tenant_id = o.tenant_id AND c.id = o.complaint_id
                  WHERE o.tenant_id = $1 AND o.clock <> 'LEGAL' AND o.ended_at >= $2 AND o.ended_at < $3 AND $4::text IS NOT NULL GROUP BY 1, 2`,
    },
    {
      name: 'stageDurations',
      query: `query($f: AnalysisFilterInput!) { stageDurations(${FILTER}) { stage visits medianWorkingSeconds p90WorkingSeconds medianCalendarSeconds p90CalendarSeconds } }`,
      variables: {},
      baseline: `SELECT v.stage, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY v.working_ms), percentile_cont(0.9) WITHIN GROUP (ORDER BY v.working_ms),
                        percentile_cont(0.5) WITHIN GROUP (ORDER BY v.calendar_ms), percentile_cont(0.9) WITHIN GROUP (ORDER BY v.calendar_ms)
                   FROM stage_visits v WHERE v.tenant_id = $1 AND v.left_at >= $2 AND v.left_at < $3 AND $4::text IS NOT NULL GROUP BY 1`,
    },
    {
      name: 'satisfactionTrend',
      query: `query($f: AnalysisFilterInput!) { satisfactionTrend(${FILTER}) { period closed rated average satisfiedShare responseRate } }`,
      variables: { grouping: 'MONTH' },
      baseline: `SELECT ${month('c.closed_at')}, count(*), count(c.satisfaction), avg(c.satisfaction), count(*) FILTER (WHERE c.satisfaction >= 4)
                   FROM complaints c WHERE c.tenant_id = $1 AND c.stage = 'CLOSED' AND c.closed_at >= $2 AND c.closed_at < $3 GROUP BY 1`,
    },
    {
      name: 'legalCompliance',
      query: `query($f: AnalysisFilterInput!) { legalCompliance(${FILTER}) { period total met late penaltyAccrued } }`,
      variables: { grouping: 'MONTH' },
      baseline: `SELECT ${month('o.ended_at')}, count(*), count(*) FILTER (WHERE o.met), sum(o.penalty)
                   FROM clock_outcomes o WHERE o.tenant_id = $1 AND o.clock = 'LEGAL' AND o.ended_at >= $2 AND o.ended_at < $3 GROUP BY 1`,
    },
    {
      name: 'repeats (customer, 90 days)',
      query: `query($f: AnalysisFilterInput!) { repeats(${FILTER}, by: CUSTOMER, withinDays: 90) { complaints repeats top { key repeats } } }`,
      variables: {},
      baseline: `SELECT c.customer_id, count(*) FROM complaints c
                  WHERE c.tenant_id = $1 AND c.received_at >= $2::timestamptz - interval '90 days' AND c.received_at < $3 AND $4::text IS NOT NULL
                  GROUP BY 1 HAVING count(*) > 1`,
    },
  ];
}

interface Figures {
  p50: number;
  p95: number;
  n: number;
  failed: number;
  perSecond: number;
}
const at = (s: number[], q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
function figures(ms: number[], failed: number, seconds: number): Figures {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: at(s, 0.5), p95: at(s, 0.95), n: s.length, failed, perSecond: s.length / seconds };
}
const median = (xs: number[]) =>
  at(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/**
 * `clients` loops, each sending its next request when the last one is answered, for `seconds` after `warmup`.
 * A refused or failed request counts as failed (its time is not a latency).
 */
async function closedLoop(clients: number, warmup: number, seconds: number, once: () => Promise<void>): Promise<Figures> {
  const times: number[] = [];
  let failed = 0;
  let firstError: unknown;
  const start = performance.now();
  const measureFrom = start + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const ok = await once().then(
          () => true,
          (err: unknown) => {
            firstError ??= err;
            return false;
          },
        );
        if (t < measureFrom) continue;
        if (ok) times.push(performance.now() - t);
        else failed += 1;
      }
    }),
  );
  if (firstError) log(`  failed ${failed} times, first: ${String(firstError).slice(0, 300)}`);
  return figures(times, failed, (performance.now() - measureFrom) / 1000);
}

async function graphql(url: string, token: string, query: string, variables: object): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown };
  if (body.errors || !res.ok) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return body.data;
}

async function login(url: string, slug: string, email: string): Promise<string> {
  const data = await graphql(url, '', 'mutation($i: LoginInput!) { login(input: $i) { token } }', {
    i: { tenantSlug: slug, email, password: BENCH_PASSWORD },
  }).catch((e) => {
    throw new Error(`login ${email}: ${e}`);
  });
  return data.login.token as string;
}

async function main(): Promise<void> {
  log(`bench:analytics — ${CLIENTS} concurrent clients, ${args.warmup} s warm-up + ${args.duration} s per query`);
  const fill = await ensureBenchDatabase(adminUrl, args.fresh, log);
  const benchUrl = withDatabase(adminUrl, BENCH_DB);
  const added = await ensureAnalysisFill(benchUrl, log);
  log(added ? `added causes, stage visits and clock outcomes in ${added.toFixed(1)} s` : 'reusing the analysis data of an earlier run');
  const admin = new pg.Client({ connectionString: benchUrl });
  await admin.connect();
  const m = await machine(admin);
  const tenant = fill.largest;
  const to = new Date();
  const from = new Date(to.getTime() - 365 * 86_400_000);
  const {
    rows: [size],
  } = await admin.query<{ complaints: number; visits: number; outcomes: number; zone: string }>(
    `
    SELECT (SELECT count(*) FROM complaints WHERE tenant_id = $1 AND received_at >= $2 AND received_at < $3)::int AS complaints,
           (SELECT count(*) FROM stage_visits WHERE tenant_id = $1 AND left_at >= $2 AND left_at < $3)::int AS visits,
           (SELECT count(*) FROM clock_outcomes WHERE tenant_id = $1 AND ended_at >= $2 AND ended_at < $3)::int AS outcomes,
           (SELECT time_zone FROM tenants WHERE id = $1) AS zone`,
    [tenant.id, from, to],
  );
  await admin.end();
  log(`machine: ${machineLine(m)}`);
  log(
    `largest company ${tenant.slug}: ${tenant.complaints} complaints; in the 12 months: ${size!.complaints} received, ` +
      `${size!.visits} stage visits ended, ${size!.outcomes} clock outcomes`,
  );

  const reclaim = await startTarget({ mode: 'reclaim', databaseUrl: benchUrl, poolSize: 20 });
  const pool = new pg.Pool({ connectionString: benchUrl, max: CLIENTS });
  const rows: Array<{ name: string; reclaim: Figures; own: Figures; baseline: Figures }> = [];
  let fresh: number[] = [];
  try {
    const manager = await login(reclaim.url, tenant.slug, `user2@${tenant.slug}.example`); // QUALITY_MANAGER (fill.ts)
    const operator = await login(reclaim.url, tenant.slug, `user3@${tenant.slug}.example`); // OPERATOR
    const filter = { from: from.toISOString(), to: to.toISOString() };
    for (const c of cases().filter((k) => !args.only || k.name.startsWith(args.only))) {
      const variables = { f: { ...filter, ...c.variables } };
      await graphql(reclaim.url, manager, c.query, variables); // fails loudly on a wrong query
      const params = [tenant.id, from, to, size!.zone];
      await pool.query(c.baseline, params);
      await waitForIdle(0.85, Number(args['wait-idle']), log);
      const r = await closedLoop(CLIENTS, Number(args.warmup), Number(args.duration), () =>
        graphql(reclaim.url, manager, c.query, variables),
      );
      let offset = 0;
      const own = () => ({ f: { ...variables.f, to: new Date(to.getTime() - (offset += 1)).toISOString() } });
      const o = await closedLoop(CLIENTS, Number(args.warmup), Number(args.duration), () => graphql(reclaim.url, manager, c.query, own()));
      const b = await closedLoop(CLIENTS, Number(args.warmup), Number(args.duration), async () => {
        await pool.query(c.baseline, params);
      });
      rows.push({ name: c.name, reclaim: r, own: o, baseline: b });
      log(
        `  ${c.name.padEnd(28)} shared p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms (${r.n} answered, ${r.failed} failed) | ` +
          `own p50 ${o.p50.toFixed(0)} ms, p95 ${o.p95.toFixed(0)} ms (${o.n}, ${o.failed} failed) | ` +
          `GROUP BY p50 ${b.p50.toFixed(0)} ms, p95 ${b.p95.toFixed(0)} ms (${b.n}) | own p95 / baseline ${(o.p95 / b.p95).toFixed(2)}`,
      );
    }
    if (!args.only) fresh = await freshness(reclaim.url, manager, operator, filter, Number(args.rounds));
  } finally {
    await pool.end();
    await reclaim.stop();
  }
  if (args.only) return;
  const table = report(m, tenant, size!, rows, fresh);
  log(`\n${table}`);
  writeDocsBlock('analytics', table);
  log('\nwritten to docs/benchmarks.md');
}

/** A complaint registered by an operator, then the manager's funnel asked again until its RECEIVED count shows it: milliseconds per round. */
async function freshness(
  url: string,
  manager: string,
  operator: string,
  filter: { from: string; to: string },
  rounds: number,
): Promise<number[]> {
  // The same arguments every time, as a page's refetch sends them: a shared answer must not hide the change.
  const f = { ...filter, to: new Date(Date.now() + 3600_000).toISOString() };
  const received = async () => {
    const data = await graphql(url, manager, `query($f: AnalysisFilterInput!) { funnel(filter: $f) { stage entered } }`, { f });
    return (data.funnel as Array<{ stage: string; entered: number }>).find((s) => s.stage === 'RECEIVED')!.entered;
  };
  const seen: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = await received();
    const t = performance.now();
    await graphql(url, operator, `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { id } }`, {
      i: {
        kind: 'COMPLAINT',
        channel: 'PHONE',
        subject: `Freshness ${i}`,
        description: 'Registered by bench:analytics',
        customer: { name: 'Bench customer' },
      },
    });
    while ((await received()) === before) {
      if (performance.now() - t > 60_000) throw new Error('the funnel did not show the new complaint within 60 s');
    }
    seen.push(performance.now() - t);
  }
  log(`  a new complaint in the funnel after: ${seen.map((x) => `${x.toFixed(0)} ms`).join(', ')}`);
  return seen;
}

function report(
  m: Awaited<ReturnType<typeof machine>>,
  tenant: { slug: string; complaints: number },
  size: { complaints: number; visits: number; outcomes: number },
  rows: Array<{ name: string; reclaim: Figures; own: Figures; baseline: Figures }>,
  fresh: number[],
): string {
  const ok = (good: boolean) => (good ? 'met' : '**missed**');
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine(m)}; load average at the end ${loadavg()
      .map((x) => x.toFixed(1))
      .join(', ')}.`,
    `Company ${tenant.slug}: ${tenant.complaints.toLocaleString('en')} complaints; the last 12 months hold ${size.complaints.toLocaleString('en')} received, ` +
      `${size.visits.toLocaleString('en')} stage visits ended and ${size.outcomes.toLocaleString('en')} clock outcomes. ` +
      `${CLIENTS} clients in closed loops, ${args.warmup} s warm-up + ${args.duration} s per query; the baseline is the same figure by a plain GROUP BY ` +
      'over the raw tables through pg (no GraphQL, no row-level security).',
    '',
    'Shared: all clients ask the same, as the open Analysis pages of one company do (answers shared between callers who see the same history). ' +
      'Own: each request a different period end, so every answer is computed.',
    '',
    `| query | shared p50 | shared p95 | own p50 | own p95 | GROUP BY p50 | GROUP BY p95 | own p95 / baseline | p95 ≤ ${TARGET_P95_MS} ms (shared / own) |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.reclaim.p50.toFixed(0)} ms | ${r.reclaim.p95.toFixed(0)} ms | ${r.own.p50.toFixed(0)} ms | ${r.own.p95.toFixed(0)} ms | ` +
        `${r.baseline.p50.toFixed(0)} ms | ${r.baseline.p95.toFixed(0)} ms | ${(r.own.p95 / r.baseline.p95).toFixed(2)} | ` +
        `${ok(r.reclaim.p95 <= TARGET_P95_MS && !r.reclaim.failed)} / ${ok(r.own.p95 <= TARGET_P95_MS && !r.own.failed)} |`,
    ),
    rows.some((r) => r.reclaim.failed || r.own.failed)
      ? `\nFailed requests: ${rows
          .filter((r) => r.reclaim.failed || r.own.failed)
          .map((r) => `${r.name} ${r.reclaim.failed} shared, ${r.own.failed} own`)
          .join('; ')}.`
      : '',
    '',
    fresh.length
      ? `A complaint registered by an operator showed in the quality manager's funnel after ${fresh.map((x) => `${x.toFixed(0)}`).join(', ')} ms ` +
        `(median ${median(fresh).toFixed(0)} ms; target ≤ ${TARGET_FRESH_MS} ms: ${ok(median(fresh) <= TARGET_FRESH_MS)}).`
      : '',
  ].join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
