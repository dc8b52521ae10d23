/**
 * `pnpm bench:topology`: the staff queue of `bench:queue` (same data, same
 * query, same company) served by two nodes as production runs them —
 * through PgBouncer in transaction mode and HAProxy — against the same two
 * nodes connected straight to PostgreSQL, measured in the same run; then
 * the time from SIGTERM to exit of one node under that load. All nodes log
 * in as a role that is only a member of reclaim_node. See docs/benchmarks.md.
 *
 *   pnpm bench:topology [--duration 10] [--rounds 3] [--connections 32]
 *
 * The three set-ups are measured in turns (A B C, A B C, …) so that other
 * load on the machine hits them alike; the figures are the medians of the rounds.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { BENCH_DB, BENCH_PASSWORD, ensureBenchDatabase, withDatabase } from './fill.js';
import { dist, machineLine, SERVER_MAIN, spawnServer, stopProc, writeDocsBlock, type Proc } from './bench-kit.js';
import { waitForIdle } from './http-load.js';
import { freePort, HAPROXY, PGBOUNCER, startHaproxy, startPgBouncer, type Daemon } from './topology.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
  },
});
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const NODE_POOL = 20;
const READY_DELAY_MS = 1500;
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (s: string) => console.log(s);
const QUEUE_QUERY = `query Queue($d: ID!) { complaints(filter: { departmentId: $d, stages: [RECEIVED, REGISTERED, ANALYSIS, DECISION, IMPLEMENTATION, FEEDBACK] }, first: 50) { edges { node { id number subject priority stage slaDueAt slaState } } pageInfo { hasNextPage endCursor } } }`;

interface Setup {
  name: string;
  urls: string[];
}
interface Round {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  detail: string;
}

/** One measurement: `CONNECTIONS` closed-loop clients split evenly over `setup.urls`, for `seconds`. */
async function load(setup: Setup, body: string, token: string, expectBody: string, seconds: number): Promise<Round> {
  const latencies: number[] = [];
  const results = await Promise.all(
    setup.urls.map((url) => {
      const instance = autocannon({
        url: `${url}/graphql`,
        method: 'POST',
        body,
        connections: Math.max(1, Math.round(CONNECTIONS / setup.urls.length)),
        duration: seconds,
        expectBody,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
      instance.on('response', (_c: unknown, status: number, _b: number, time: number) => {
        if (status >= 200 && status < 300) latencies.push(time);
      });
      return instance;
    }),
  );
  const d = dist(latencies, 0);
  return {
    perSecond: results.reduce((n, r) => n + r['2xx'] / r.duration, 0),
    p50: d.p50,
    p99: d.p99,
    errors: results.reduce((n, r) => n + r.errors + r.non2xx + r.mismatches + r.timeouts, 0),
    detail: ['errors', 'non2xx', 'mismatches', 'timeouts']
      .map((k) => `${k} ${results.reduce((n, r) => n + (r[k as 'errors'] ?? 0), 0)}`)
      .join(', '),
  };
}

const versionOf = (bin: string, flag: string, pattern: RegExp) =>
  `${bin.split('/').pop()} ${pattern.exec(execFileSync(bin, [flag], { encoding: 'utf8' }))?.[1] ?? '?'}`;
const median = (xs: number[]) => dist(xs, 0).p50;

async function main(): Promise<void> {
  log(`bench:topology — ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s per set-up`);
  const fill = await ensureBenchDatabase(adminUrl, false, log);
  const benchUrl = withDatabase(adminUrl, BENCH_DB);
  const machine = await machineLine(adminUrl);
  log(`machine: ${machine}`);
  const role = 'reclaim_bench_node';
  const admin = new pg.Client({ connectionString: benchUrl });
  await admin.connect();
  await admin.query(`DO $$ BEGIN CREATE ROLE ${role} LOGIN IN ROLE reclaim_node; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  const {
    rows: [dept],
  } = await admin.query<{ id: string }>(
    `
    SELECT department_id AS id FROM complaints
     WHERE tenant_id = $1 AND stage NOT IN ('CLOSED', 'REJECTED') AND department_id IS NOT NULL
     GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    [fill.largest.id],
  );
  await admin.end();
  const asNode = new URL(benchUrl);
  asNode.username = role;

  const dir = mkdtempSync(join(tmpdir(), 'reclaim-bench-topology-'));
  const daemons: Daemon[] = [];
  const nodes: Proc[] = [];
  try {
    const bouncer = await startPgBouncer(dir, benchUrl, role);
    daemons.push(bouncer);
    const env = (databaseUrl: string) => ({
      DATABASE_URL: databaseUrl,
      DATABASE_LISTEN_URL: asNode.toString(),
      PUBSUB: 'postgres',
      REDIS_URL: '',
      MIGRATE_ON_START: '0',
      DEMO_DATA: '0',
      JWT_SECRET: JWT,
      TRUSTED_PROXIES: '1',
      NODE_ENV: 'production',
      DB_POOL_SIZE: String(NODE_POOL),
      SHUTDOWN_READY_DELAY_MS: String(READY_DELAY_MS),
      SHUTDOWN_DEADLINE_MS: '20000',
      // One benchmark user makes far more requests than a person would (as in bench:queue); the limiter's code still runs.
      RATE_LIMIT_PER_MINUTE: '1000000000',
      ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000000',
      RATE_LIMIT_PREFIX: `bench-topology-${randomBytes(4).toString('hex')}`,
    });
    for (const url of [asNode.toString(), asNode.toString(), bouncer.url, bouncer.url]) {
      nodes.push(await spawnServer(SERVER_MAIN, env(url), await freePort()));
    }
    const [direct1, direct2, pooled1, pooled2] = nodes as [Proc, Proc, Proc, Proc];
    const balancer = await startHaproxy(dir, [pooled1.base, pooled2.base]);
    daemons.push(balancer);
    const setups: Setup[] = [
      { name: 'direct to PostgreSQL, clients split over the two nodes', urls: [direct1.base, direct2.base] },
      { name: 'through PgBouncer, clients split over the two nodes', urls: [pooled1.base, pooled2.base] },
      { name: 'through PgBouncer and HAProxy', urls: [balancer.url] },
    ];

    const login = (await (
      await fetch(`${balancer.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($i: LoginInput!) { login(input: $i) { token } }',
          variables: { i: { tenantSlug: fill.largest.slug, email: fill.largest.userEmail, password: BENCH_PASSWORD } },
        }),
      })
    ).json()) as { data?: { login?: { token: string } } };
    const token = login.data?.login?.token;
    if (!token) throw new Error(`login failed: ${JSON.stringify(login)}`);
    const body = JSON.stringify({ query: QUEUE_QUERY, variables: { d: dept!.id } });
    const probe = async (base: string) =>
      (
        await fetch(`${base}/graphql`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        })
      ).text();
    const expectBody = await probe(direct1.base);
    if (JSON.parse(expectBody).data?.complaints?.edges?.length !== 50)
      throw new Error(`unexpected queue page: ${expectBody.slice(0, 300)}`);
    for (const s of setups)
      for (const url of s.urls) if ((await probe(url)) !== expectBody) throw new Error(`${s.name} serves a different page`);
    log(`largest company ${fill.largest.slug} (${fill.largest.complaints} complaints); the same page of 50 from every set-up`);

    log(`warm-up: ${Math.min(3, DURATION)} s each`);
    for (const s of setups) await load(s, body, token, expectBody, Math.min(3, DURATION));
    await waitForIdle(0.85, 60, log);
    const rounds = setups.map(() => [] as Round[]);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < setups.length; i++) {
        const k = (i + r) % setups.length; // rotate which set-up goes first
        const figures = await load(setups[k]!, body, token, expectBody, DURATION);
        rounds[k]!.push(figures);
        log(
          `  round ${r + 1}, ${setups[k]!.name}: ${figures.perSecond.toFixed(0)} req/s, p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, errors ${figures.errors}${figures.errors ? ` (${figures.detail})` : ''}`,
        );
      }
    }
    const summary = setups.map((s, i) => ({
      name: s.name,
      perSecond: median(rounds[i]!.map((f) => f.perSecond)),
      p50: median(rounds[i]!.map((f) => f.p50)),
      p99: median(rounds[i]!.map((f) => f.p99)),
      errors: rounds[i]!.reduce((n, f) => n + f.errors, 0),
    }));
    const base = summary[0]!.perSecond;

    // SIGTERM to one node behind the balancer while the load runs through it.
    log(`SIGTERM to one node behind the balancer under ${CONNECTIONS} connections`);
    const running = load(setups[2]!, body, token, expectBody, 6);
    await new Promise((r) => setTimeout(r, 2000));
    const signalled = performance.now();
    const exited = new Promise((r) => pooled1.child.once('exit', r));
    pooled1.child.kill('SIGTERM');
    await exited;
    const stopMs = performance.now() - signalled;
    const during = await running;
    nodes.splice(nodes.indexOf(pooled1), 1);
    log(
      `  exit after ${stopMs.toFixed(0)} ms (readiness delay ${READY_DELAY_MS} ms); through the balancer meanwhile: ${during.perSecond.toFixed(0)} req/s, errors ${during.errors}${during.errors ? ` (${during.detail})` : ''}`,
    );

    const table = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${versionOf(PGBOUNCER, '--version', /PgBouncer ([\d.]+)/)} (transaction mode, pool 20) and ${versionOf(HAPROXY, '-v', /version ([\d.]+)/)} from Debian's packages on the same machine.`,
      `Two nodes (\`dist/main.js\`, NODE_ENV=production, DB_POOL_SIZE=${NODE_POOL} each) logged in as a member of \`reclaim_node\`; the queue page of bench:queue for company ${fill.largest.slug} (${fill.largest.complaints.toLocaleString('en')} complaints); ${CONNECTIONS} closed-loop connections from autocannon on the same cores; medians of ${ROUNDS} rounds of ${DURATION} s, the set-ups in turns.`,
      '',
      '| set-up | req/s | vs direct | p50 ms | p99 ms | errors |',
      '|---|---|---|---|---|---|',
      ...summary.map(
        (s) =>
          `| ${s.name} | ${s.perSecond.toFixed(0)} | ${((s.perSecond / base) * 100).toFixed(0)} % | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.errors} |`,
      ),
      '',
      `SIGTERM to one of the two nodes behind HAProxy under that load: exit after ${(stopMs / 1000).toFixed(2)} s (SHUTDOWN_READY_DELAY_MS=${READY_DELAY_MS}); the balancer served ${during.perSecond.toFixed(0)} req/s over those 6 s with ${during.errors} failed requests.`,
    ].join('\n');
    log(`\n${table}`);
    writeDocsBlock('topology', table);
  } finally {
    await Promise.all(nodes.map(stopProc));
    await Promise.all(daemons.map((d) => d.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

const JWT = randomBytes(32).toString('hex');

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
