/**
 * `pnpm bench:queue`: the staff queue (first page of 50 open complaints of a
 * department by deadline) through the real Reclaim server, against a raw
 * node:http + pg baseline in the same run, plus the cost of row-level
 * security measured through pg directly. See docs/benchmarks.md.
 *
 *   pnpm bench:queue [--fresh] [--duration 10] [--warmup 3] [--connections 32] [--pool 40] [--profile]
 */
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import pg from 'pg';
import { createDataSource } from '../db/data-source.js';
import { listComplaints } from '../modules/complaint/complaint.queries.js';
import { OPEN_STAGES } from '../modules/complaint/complaint.enums.js';
import type { RequestContext } from '../graphql/context.js';
import { BENCH_DB, BENCH_PASSWORD, ensureBenchDatabase, withDatabase } from './fill.js';
import { withExplicitTenant, type QueueSql } from './baseline.js';
import { explain, measureRls, serverTimes } from './rls.js';
import { machine, machineLine, tables, verdicts, writeDocs, type HttpFigures, type Report } from './report.js';
import { measureAtRate, measureHttp, post, startTarget, waitForIdle, type Load } from './http-load.js';

const PAGE = 50;
const QUEUE_QUERY = `query Queue($d: ID!) { complaints(filter: { departmentId: $d, stages: [RECEIVED, REGISTERED, ANALYSIS, DECISION, IMPLEMENTATION, FEEDBACK] }, first: ${PAGE}) { edges { node { id number subject priority stage slaDueAt slaState } } pageInfo { hasNextPage endCursor } } }`;

const { values: args } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    pool: { type: 'string', default: '40' },
    profile: { type: 'boolean', default: false },
    'wait-idle': { type: 'string', default: '120' },
    'http-only': { type: 'boolean', default: false },
  },
});
const settings = {
  duration: Number(args.duration),
  warmup: Number(args.warmup),
  connections: Number(args.connections),
  poolSize: Number(args.pool),
};
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (s: string) => console.log(s);
const PROFILE_DIR = join(tmpdir(), 'reclaim-bench-profiles');

/** The SQL and parameters listComplaints runs for the queue page (captured, not run). */
async function queueSql(benchUrl: string, departmentId: string): Promise<QueueSql> {
  const { dataSource } = await createDataSource({ databaseUrl: benchUrl, dbPoolSize: 1 });
  try {
    let captured: QueueSql | undefined;
    const ctx = {
      manager: dataSource.manager,
      query: async (sql: string, params: unknown[]) => {
        captured = { sql, params };
        return [];
      },
    } as unknown as RequestContext;
    await listComplaints(ctx, { departmentId, stages: [...OPEN_STAGES] }, PAGE);
    return captured!;
  } finally {
    await dataSource.destroy();
  }
}

/** Other processes on the machine (someone's test run) make the figures unreliable: wait for quiet, or say so. */
const idleSeen: number[] = [];
async function warnIfBusy(): Promise<void> {
  idleSeen.push(await waitForIdle(0.85, Number(args['wait-idle']), log));
}

async function main(): Promise<void> {
  log(`bench:queue — ${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s per measurement`);
  const fill = await ensureBenchDatabase(adminUrl, args.fresh, log);
  log(
    fill.reused
      ? `reusing ${withDatabase(adminUrl, BENCH_DB)} (filled earlier in ${fill.seconds.toFixed(1)} s)`
      : `filled 1,000,000 complaints in ${fill.seconds.toFixed(1)} s`,
  );
  const benchUrl = withDatabase(adminUrl, BENCH_DB);
  const admin = new pg.Client({ connectionString: benchUrl });
  await admin.connect();
  const m = await machine(admin);
  const tenantId = fill.largest.id;
  const {
    rows: [dept],
  } = await admin.query<{ id: string; open: number }>(
    `
    SELECT department_id AS id, count(*)::int AS open FROM complaints
     WHERE tenant_id = $1 AND stage NOT IN ('CLOSED', 'REJECTED') AND department_id IS NOT NULL
     GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
    [tenantId],
  );
  await admin.end();
  log(`machine: ${machineLine(m)}`);
  log(`largest tenant ${fill.largest.slug} (${fill.largest.complaints} complaints); department ${dept!.id} has ${dept!.open} open`);
  log("note: autocannon, the server under test and PostgreSQL share this machine's cores.");

  const rlsSql = await queueSql(benchUrl, dept!.id);
  const explicitSql = withExplicitTenant(rlsSql, tenantId);
  const body = JSON.stringify({ query: QUEUE_QUERY, variables: { d: dept!.id } });

  log('\n[1/3] servers under test, each in a child process: Reclaim (createApp) and the baseline (node:http + pg)');
  const reclaim = await startTarget(
    { mode: 'reclaim', databaseUrl: benchUrl, poolSize: settings.poolSize },
    args.profile ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [],
  );
  if (args.profile) log(`  the CPU profile of the Reclaim process goes to ${PROFILE_DIR}`);
  const baseline = await startTarget({
    mode: 'baseline',
    databaseUrl: benchUrl,
    poolSize: settings.poolSize,
    queue: explicitSql,
    first: PAGE,
  });
  let reclaimFigures: HttpFigures;
  let reclaimAtHalf: Report['reclaimAtHalf'];
  let baselineFigures: HttpFigures;
  try {
    const login = JSON.parse(
      await post(reclaim.url, {
        query: 'mutation Login($i: LoginInput!) { login(input: $i) { token } }',
        variables: { i: { tenantSlug: fill.largest.slug, email: fill.largest.userEmail, password: BENCH_PASSWORD } },
      }),
    );
    const token = login.data?.login?.token as string | undefined;
    if (!token) throw new Error(`login failed: ${JSON.stringify(login.errors ?? login)}`);
    log(`  signed in as ${fill.largest.userEmail} through the login mutation`);
    const reclaimProbe = await post(reclaim.url, JSON.parse(body), token);
    const page = JSON.parse(reclaimProbe) as { data?: { complaints?: { edges?: unknown[] } } };
    if (page.data?.complaints?.edges?.length !== PAGE) throw new Error(`unexpected queue response: ${reclaimProbe.slice(0, 500)}`);
    const baselineProbe = await post(baseline.url, JSON.parse(body));
    if (!isDeepStrictEqual(JSON.parse(baselineProbe), page))
      throw new Error(`the baseline serves a different page: ${baselineProbe.slice(0, 300)}`);
    log('  both serve the same page');

    log(`\n[2/3] HTTP load: ${settings.warmup} s warm-up each, then Reclaim and baseline alternately, ${settings.duration} s each`);
    await warnIfBusy();
    const reclaimLoad: Load = { target: reclaim, body, headers: { authorization: `Bearer ${token}` }, expectBody: reclaimProbe };
    [reclaimFigures, baselineFigures] = await measureHttp(
      [reclaimLoad, { target: baseline, body, headers: {}, expectBody: baselineProbe }],
      settings.connections,
      settings.warmup,
      settings.duration,
      BENCH_DB,
      log,
    );
    const rate = Math.max(10, Math.round(reclaimFigures.perSecond / 2));
    reclaimAtHalf = { rate, ...(await measureAtRate(reclaimLoad, settings.connections, rate, settings.duration / 2)) };
    log(
      `  Reclaim at a fixed ${rate} req/s (half its throughput, evenly spaced): p50 ${reclaimAtHalf.p50.toFixed(1)} ms, p99 ${reclaimAtHalf.p99.toFixed(1)} ms`,
    );
  } finally {
    await Promise.all([reclaim.stop(), baseline.stop()]);
  }
  for (const [name, f] of [
    ['Reclaim', reclaimFigures],
    ['baseline', baselineFigures],
  ] as const) {
    log(
      `  ${name}: ${f.perSecond.toFixed(0)} req/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms; CPU ms/request: ` +
        `server ${f.cpu.server.toFixed(2)}, PostgreSQL ${f.cpu.postgres.toFixed(2)}, autocannon ${f.cpu.client.toFixed(2)}`,
    );
  }
  log(`  Reclaim / baseline: ${((reclaimFigures.perSecond / baselineFigures.perSecond) * 100).toFixed(1)} %`);
  if (args['http-only']) return; // a quick look while profiling: no RLS part, no docs

  log('\n[3/3] RLS cost (pg directly)');
  await warnIfBusy();
  const rls = await measureRls(benchUrl, BENCH_DB, tenantId, rlsSql, explicitSql, settings.connections, settings.warmup, settings.duration);
  const plan = await explain(benchUrl, tenantId, rlsSql, true);
  rls.serverMs = {
    rls: await serverTimes(benchUrl, tenantId, rlsSql, true),
    explicit: await serverTimes(benchUrl, tenantId, explicitSql, false),
  };

  const report: Report = {
    date: new Date().toISOString().slice(0, 10),
    machine: m,
    fill: {
      reused: fill.reused,
      seconds: fill.seconds,
      tenant: fill.largest.slug,
      tenantComplaints: fill.largest.complaints,
      queueOpen: dept!.open,
    },
    settings,
    idleBefore: Math.min(...idleSeen),
    reclaim: reclaimFigures,
    reclaimAtHalf: reclaimAtHalf!,
    baseline: baselineFigures,
    rls,
    explain: plan,
  };
  log(`\nThe queue SQL (as listComplaints builds it; the baseline adds the tenant predicate):\n${rlsSql.sql}\n`);
  log(`EXPLAIN (ANALYZE, BUFFERS) under RLS (reclaim_app, app.tenant_id = ${tenantId}):\n${plan}\n`);
  log(tables(report));
  log("\n(autocannon shares the machine's cores with the server under test and PostgreSQL.)");
  const docs = fileURLToPath(new URL('../../../../docs/benchmarks.md', import.meta.url));
  writeDocs(docs, report);
  log(`\nwritten to ${docs}`);
  if (verdicts(report).some((v) => !v.ok)) log('some targets are missed (FAIL above)');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
