/**
 * `pnpm bench:fanout`: N subscribers (1,000 and 5,000) on one server node
 * watching one department's queue; one stage change; the time until each
 * subscriber has it (p50, p99, max) and the server's memory per connection.
 * In the same run, a raw `ws` server broadcasting the same message to the
 * same number of sockets is the baseline. Then write throughput: does
 * publishing (NOTIFY after commit, batched) slow writers down?
 *
 *   pnpm bench:fanout [--sizes 1000,5000] [--rounds 10] [--write-seconds 5]
 *
 * The server runs as the product runs (dist/main.js, PostgreSQL, PUBSUB=postgres)
 * in its own process; the subscribers live in this process.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
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
import { Batcher } from '../realtime/pubsub.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000' },
    rounds: { type: 'string', default: '10' },
    'write-seconds': { type: 'string', default: '8' },
    'write-concurrency': { type: 'string', default: '16' },
    'no-docs': { type: 'boolean', default: false },
    'fanout-only': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes!.split(',').map(Number);
const ROUNDS = Number(args.rounds);
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'reclaim_bench_fanout';
const dbUrl = withDatabase(adminUrl, DB);
const main = SERVER_MAIN;
const baselineMain = fileURLToPath(new URL('./ws-baseline.js', import.meta.url));
const log = (s: string) => console.log(s);
const TARGETS: Record<number, number> = { 1000: 100, 5000: 250 };
/** Triggers timed with nobody subscribed: what each trigger costs before its commit (Reclaim) or broadcast (raw). */
const CALIBRATION = 10;

const admin = (sql: string) => adminQuery(adminUrl, sql);

/** A subscriber socket that only timestamps what arrives. */
class Sub {
  arrived = -1;
  lastMessage = '';
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"id"')) {
        this.arrived = performance.now();
        this.lastMessage = text;
      }
    });
  }
}

async function connect(url: string, init: object | null, subscribe: object | null): Promise<Sub> {
  const ws = new WebSocket(url, init ? 'graphql-transport-ws' : undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const sub = new Sub(ws);
  if (init) {
    const acked = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    ws.send(JSON.stringify({ type: 'connection_init', payload: init }));
    await acked;
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: subscribe }));
  }
  return sub;
}

async function connectAll(n: number, make: (i: number) => Promise<Sub>): Promise<Sub[]> {
  const subs: Sub[] = [];
  for (let i = 0; i < n; i += 100) subs.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, j) => make(i + j)))));
  return subs;
}

/** Fires `trigger` ROUNDS times; after each, waits until every subscriber has the message. */
async function rounds(subs: Sub[], trigger: (round: number) => Promise<void>): Promise<Dist> {
  const latencies: number[] = [];
  let lost = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of subs) s.arrived = -1;
    const t0 = performance.now();
    await trigger(r);
    const deadline = Date.now() + 10_000;
    while (subs.some((s) => s.arrived < 0) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 2));
    for (const s of subs) {
      if (s.arrived < 0) lost++;
      else latencies.push(s.arrived - t0);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
  return dist(latencies, lost);
}

const STAGE_SUB = `subscription Queue($d: ID) { complaintStageChanged(departmentId: $d) {
  from to change at complaint { id number subject stage priority version slaDueAt slaState assignee { id name } department { id name } } } }`;

/** The set-up signs in twenty users at once from one address, and signs up a company per run. */
const SETUP_LIMITS_OFF = { PASSWORD_HASH_CONCURRENCY: '0', SIGN_UPS_PER_HOUR_PER_ADDRESS: '0' };

async function setUp(server: Proc) {
  const slug = `fanout-${Date.now()}`;
  const signUp = await gql(server.base, `mutation($i: SignUpTenantInput!) { signUpTenant(input: $i) { token } }`, {
    i: { slug, name: 'Fanout Ltd', adminEmail: `admin@${slug}.test`, adminPassword: 'bench-password-1', adminName: 'Admin' },
  });
  const adminToken = signUp.signUpTenant.token;
  await confirmCompany(dbUrl, slug);
  const dept = (await gql(server.base, `mutation { createDepartment(input: { name: "Quality" }) { id } }`, {}, adminToken)).createDepartment
    .id;
  const cat = (await gql(server.base, `mutation { createCategory(input: { name: "Defect" }) { id } }`, {}, adminToken)).createCategory.id;
  const user = async (role: string, i: number) => {
    const email = `${role.toLowerCase()}${i}@${slug}.test`;
    const created = await gql(
      server.base,
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { email, name: `${role} ${i}`, password: 'bench-password-1', roles: [role], departmentIds: [dept] } },
      adminToken,
    );
    const login = await gql(server.base, `mutation($i: LoginInput!) { login(input: $i) { token } }`, {
      i: { tenantSlug: slug, email, password: 'bench-password-1' },
    });
    return { id: created.createUser.id as string, token: login.login.token as string };
  };
  const head = await user('HEAD', 0);
  const specialists = await Promise.all(Array.from({ length: 20 }, (_, i) => user('SPECIALIST', i)));
  const complaints: Array<{ id: string; version: number }> = [];
  for (let i = 0; i < ROUNDS * (SIZES.length + 1) + CALIBRATION; i++) {
    complaints.push(
      (
        await gql(
          server.base,
          `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { id version } }`,
          {
            i: {
              kind: 'CLAIM',
              channel: 'PHONE',
              subject: `Kettle lid cracked #${i}`,
              description: 'Cracked on first use',
              customer: { name: 'Ivan Petrov', email: 'ivan@example.com' },
              departmentId: dept,
              categoryId: cat,
              demand: 'REFUND',
            },
          },
          head.token,
        )
      ).registerComplaint,
    );
  }
  return { dept, head, specialists, complaints, adminToken };
}

async function fanout() {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const server = await spawnServer(
    main,
    {
      DATABASE_URL: dbUrl,
      PUBSUB: 'postgres',
      DEMO_DATA: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      ...SETUP_LIMITS_OFF,
      NODE_ENV: 'production',
      JWT_SECRET: 'b'.repeat(64),
    },
    4711,
    args.profile ? ['--cpu-prof', '--cpu-prof-dir=/tmp/reclaim-fanout-profile'] : [],
  );
  const world = await setUp(server);
  const baseline = await spawnServer(baselineMain, {}, 4712);
  const results: Array<{
    n: number;
    reclaim: Dist;
    raw: Dist;
    reclaimKb: number;
    rawKb: number;
    executionsPerEvent: number;
    bytes: number;
  }> = [];
  let next = 0;
  const transition = async () => {
    const c = world.complaints[next++]!;
    await gql(
      server.base,
      `mutation($i: TransitionComplaintInput!) { transitionComplaint(input: $i) { id } }`,
      { i: { id: c.id, expectedVersion: c.version, to: 'ANALYSIS', assigneeId: world.specialists[0]!.id } },
      world.head.token,
    );
  };
  let message = '';
  const broadcast = async () => {
    await fetch(`${baseline.base}/broadcast`, { method: 'POST', body: message });
  };
  const timed = async (trigger: () => Promise<void>) => {
    const times: number[] = [];
    for (let i = 0; i < CALIBRATION; i++) {
      const t = performance.now();
      await trigger();
      times.push(performance.now() - t);
    }
    return dist(times, 0).p50;
  };
  const mutationMs = await timed(transition);
  message = 'x'.repeat(600);
  const broadcastMs = await timed(broadcast);
  log(
    `calibration: the stage-change mutation takes ${mutationMs.toFixed(1)} ms (p50) with nobody subscribed; the raw broadcast request ${broadcastMs.toFixed(1)} ms`,
  );
  for (const n of SIZES) {
    log(`\n${n} subscribers`);
    const rss0 = rssOf(server);
    const subs = await connectAll(n, (i) =>
      connect(
        `${server.base.replace('http', 'ws')}/graphql`,
        { authorization: `Bearer ${world.specialists[i % world.specialists.length]!.token}` },
        { query: STAGE_SUB, variables: { d: world.dept } },
      ),
    );
    for (let i = 0; i < 100 && (await health(server)).subscriptions < n; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    const reclaimKb = (rssOf(server) - rss0) / n / 1024;
    const before = await health(server);
    const reclaim = await rounds(subs, transition);
    const after = await health(server);
    message = subs[0]!.lastMessage;
    for (const s of subs) s.ws.terminate();

    const rawRss0 = rssOf(baseline);
    const rawSubs = await connectAll(n, () => connect(`${baseline.base.replace('http', 'ws')}/`, null, null));
    await new Promise((r) => setTimeout(r, 1000));
    const rawKb = (rssOf(baseline) - rawRss0) / n / 1024;
    const raw = await rounds(rawSubs, broadcast);
    for (const s of rawSubs) s.ws.terminate();
    const executionsPerEvent = (after.executions! - before.executions!) / Math.max(1, after.events! - before.events!);
    results.push({ n, reclaim, raw, reclaimKb, rawKb, executionsPerEvent, bytes: Buffer.byteLength(message) });
    log(
      `  reclaim p50 ${reclaim.p50.toFixed(1)} ms, p99 ${reclaim.p99.toFixed(1)} ms, max ${reclaim.max.toFixed(1)} ms, lost ${reclaim.lost}; ${reclaimKb.toFixed(1)} KB/connection; ${executionsPerEvent} execution(s) per event`,
    );
    log(
      `  raw ws  p50 ${raw.p50.toFixed(1)} ms, p99 ${raw.p99.toFixed(1)} ms, max ${raw.max.toFixed(1)} ms, lost ${raw.lost}; ${rawKb.toFixed(1)} KB/connection`,
    );
    await new Promise((r) => setTimeout(r, 2000));
  }
  await stopProc(baseline);
  await stopProc(server);
  return { results, mutationMs, broadcastMs };
}

/** Mutations per second (internal notes, each writing a timeline row and an outbox event) with each pub/sub. */
async function writes() {
  const seconds = Number(args['write-seconds']);
  const concurrency = Number(args['write-concurrency']);
  const out: Array<{ pubsub: string; perSecond: number; p99: number }> = [];
  const cleanups: Array<() => Promise<void>> = [];
  // Two passes, interleaved, so that drift on a shared machine hits every variant alike.
  const variants = ['memory', 'postgres', 'redis', 'postgres-in-transaction'];
  for (const pubsub of [...variants, ...variants]) {
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${DB}`);
    const env: Record<string, string> = {
      DATABASE_URL: dbUrl,
      PUBSUB: pubsub === 'postgres-in-transaction' ? 'postgres' : pubsub,
      REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      DEMO_DATA: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      ...SETUP_LIMITS_OFF,
      NODE_ENV: 'production',
      JWT_SECRET: 'b'.repeat(64),
    };
    const server = await spawnServer(main, env, 4713);
    if (pubsub === 'postgres-in-transaction') {
      // The design we avoid, for comparison: NOTIFY inside each writer's transaction (a trigger on the outbox).
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      await c.query(`CREATE FUNCTION bench_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('bench_in_transaction', NEW.id::text); RETURN NEW; END $$;
        CREATE TRIGGER bench_notify AFTER INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION bench_notify();
        LISTEN bench_in_transaction;`);
      c.on('notification', () => undefined);
      cleanups.push(() => c.end());
    }
    const world = await setUp(server);
    // A listener on another node, so that NOTIFY has somewhere to go.
    const listener = await connect(
      `${server.base.replace('http', 'ws')}/graphql`,
      { authorization: `Bearer ${world.specialists[0]!.token}` },
      { query: 'subscription($d: ID) { complaintStageChanged(departmentId: $d) { to } }', variables: { d: world.dept } },
    );
    const body = (i: number) => ({
      query: `mutation($i: AddMessageInput!) { addMessage(input: $i) { id } }`,
      variables: { i: { complaintId: world.complaints[i % world.complaints.length]!.id, body: `note ${i}`, visibility: 'INTERNAL' } },
    });
    const times: number[] = [];
    let done = 0;
    const end = performance.now() + 1000 + seconds * 1000;
    const warm = performance.now() + 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        let i = w;
        while (performance.now() < end) {
          const t = performance.now();
          await gql(server.base, body(i).query, body(i).variables, world.specialists[w % world.specialists.length]!.token);
          i += concurrency;
          if (t > warm) {
            done++;
            times.push(performance.now() - t);
          }
        }
      }),
    );
    listener.ws.terminate();
    await stopProc(server);
    for (const c of cleanups.splice(0)) await c();
    const d = dist(times, 0);
    out.push({ pubsub, perSecond: done / seconds, p99: d.p99 });
    log(`writes with ${pubsub}: ${(done / seconds).toFixed(0)} mutations/s, p99 ${d.p99.toFixed(1)} ms`);
  }
  return out;
}

/**
 * The database alone, no server: transactions per second of 16 writers
 * (BEGIN; INSERT; COMMIT) with no NOTIFY, with NOTIFY inside each
 * transaction, and with NOTIFY sent after commit from one connection,
 * batched (what PostgresPubSub does).
 */
async function notifyLock() {
  const seconds = Number(args['write-seconds']);
  const concurrency = Number(args['write-concurrency']);
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const open = async () => {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    return c;
  };
  const setup = await open();
  await setup.query('CREATE TABLE bench_writes (id bigserial PRIMARY KEY, payload text NOT NULL); LISTEN bench');
  setup.on('notification', () => undefined);
  const writers = await Promise.all(Array.from({ length: concurrency }, open));
  const notifier = await open();
  const batcher = new Batcher<string>((payloads) =>
    notifier.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', ['bench', payloads]).then(() => undefined),
  );
  const payload = JSON.stringify({
    id: '123456',
    tenantId: '11111111-1111-4111-8111-111111111111',
    type: 'TRANSITIONED',
    stage: 'ANALYSIS',
  });
  const out: Array<{ variant: string; perSecond: number }> = [];
  const sent: Array<Promise<void>> = [];
  for (const variant of ['no NOTIFY', 'NOTIFY inside the transaction', 'NOTIFY after commit, batched']) {
    let count = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      writers.map(async (c) => {
        while (performance.now() < end) {
          const notify = variant === 'NOTIFY inside the transaction' ? `; SELECT pg_notify('bench', '${payload}')` : '';
          await c.query(`BEGIN; INSERT INTO bench_writes (payload) VALUES ('${payload}')${notify}; COMMIT`);
          if (variant === 'NOTIFY after commit, batched') sent.push(batcher.add([payload]));
          count++;
        }
      }),
    );
    await Promise.all(sent.splice(0));
    out.push({ variant, perSecond: count / seconds });
    log(`database alone, ${variant}: ${(count / seconds).toFixed(0)} transactions/s`);
  }
  await Promise.all([...writers, notifier, setup].map((c) => c.end()));
  return out;
}

async function run() {
  const machine = await machineLine(adminUrl);
  log(`machine: ${machine}`);
  const { results: fan, mutationMs, broadcastMs } = await fanout();
  if (args['fanout-only']) return;
  const w = await writes();
  const lock = await notifyLock();
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);

  const ms = (x: number) => x.toFixed(1);
  const lines = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}; ${ROUNDS} stage changes per size.`,
    '',
    `Latency is measured from *sending* the trigger to each subscriber's receipt, so it includes the trigger itself: the stage-change mutation takes ${ms(mutationMs)} ms (p50, nobody subscribed) before it commits, the raw broadcast request ${ms(broadcastMs)} ms. "From commit" subtracts those medians; the targets are checked on it.`,
    '',
    '| subscribers | | p50 ms | p99 ms | max ms | p99 from commit | lost | memory per connection | executions per event | target |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of fan) {
    const reclaimP99 = r.reclaim.p99 - mutationMs;
    const rawP99 = r.raw.p99 - broadcastMs;
    const ratio = reclaimP99 / rawP99;
    const target = TARGETS[r.n];
    const ok = target !== undefined && reclaimP99 <= target && ratio <= 2 && r.reclaim.lost === 0;
    lines.push(
      `| ${r.n} | Reclaim | ${ms(r.reclaim.p50)} | ${ms(r.reclaim.p99)} | ${ms(r.reclaim.max)} | ${ms(reclaimP99)} | ${r.reclaim.lost} | ${r.reclaimKb.toFixed(1)} KB | ${r.executionsPerEvent} | p99 ≤ ${target ?? '?'} ms and ≤ 2× raw: **${ok ? 'PASS' : 'FAIL'}** (${ratio.toFixed(2)}×) |`,
    );
    lines.push(
      `| ${r.n} | raw ws | ${ms(r.raw.p50)} | ${ms(r.raw.p99)} | ${ms(r.raw.max)} | ${ms(rawP99)} | ${r.raw.lost} | ${r.rawKb.toFixed(1)} KB | – | same ${r.bytes}-byte message |`,
    );
  }
  const runs = (pubsub: string) => w.filter((x) => x.pubsub === pubsub);
  const mean = (pubsub: string) => runs(pubsub).reduce((a, x) => a + x.perSecond, 0) / runs(pubsub).length;
  const memory = mean('memory');
  lines.push(
    '',
    `| writes through the server (internal notes, ${args['write-concurrency']} concurrent, ${args['write-seconds']} s × 2 interleaved runs) | mutations/s (runs) | mean vs in-process | p99 ms (runs) |`,
    '|---|--:|--:|--:|',
  );
  for (const pubsub of new Set(w.map((x) => x.pubsub))) {
    const label = pubsub === 'postgres-in-transaction' ? 'postgres, plus NOTIFY inside each transaction (the design avoided)' : pubsub;
    lines.push(
      `| ${label} | ${runs(pubsub)
        .map((x) => x.perSecond.toFixed(0))
        .join(' / ')} | ${((mean(pubsub) / memory) * 100).toFixed(0)} % | ${runs(pubsub)
        .map((x) => ms(x.p99))
        .join(' / ')} |`,
    );
  }
  const none = lock[0]!.perSecond;
  lines.push(
    '',
    `| the database alone (${args['write-concurrency']} writers: BEGIN; INSERT; COMMIT) | transactions/s | vs no NOTIFY |`,
    '|---|--:|--:|',
  );
  for (const x of lock) lines.push(`| ${x.variant} | ${x.perSecond.toFixed(0)} | ${((x.perSecond / none) * 100).toFixed(0)} % |`);
  const table = lines.join('\n');
  log(`\n${table}`);
  if (!args['no-docs']) {
    writeDocsBlock('fanout', table);
    log(`\nwritten to docs/benchmarks.md`);
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
