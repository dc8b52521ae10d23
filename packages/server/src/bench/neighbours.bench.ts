/**
 * `pnpm bench:neighbours`: does one company, or an anonymous script, within
 * the published limits change another company's service? (issue 12)
 *
 * The built server runs in its own process (dist/main.js, PostgreSQL on a
 * fresh database, Redis when REDIS_URL is set, NODE_ENV=production, one
 * trusted proxy so that anonymous clients can come from many addresses).
 * A victim company works as people do: its console's board query every
 * 100 ms, a stage change every 500 ms watched by a colleague's live queue,
 * SLA deadlines falling due (written straight into the database), a login
 * a second. Its figures are taken quietly, then during each attack of the
 * ATTACKS table, run by a hostile company and anonymous clients at the
 * limits the server publishes (its config defaults). Each attack is
 * bounded in count and time and stops by itself; refusals are counted.
 *
 *   pnpm bench:neighbours [--seconds 15] [--only quiet,a,f] [--no-docs]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { DEFAULT_LIMITS } from '../graphql/limits.js';
import { withDatabase } from './fill.js';
import {
  adminQuery,
  confirmCompany,
  health,
  machineLine,
  rssOf,
  SERVER_MAIN,
  spawnServer,
  stopProc,
  writeDocsBlock,
  type Proc,
} from './bench-kit.js';
import {
  address,
  aliasSubscriptions,
  doublingFragments,
  guessesAndSignUps,
  heavyQueries,
  newStats,
  post,
  slowPortalReaders,
  socket,
  stalledUploads,
  type AttackStats,
  type Company,
} from './neighbours-attacks.js';

/** The published limits: the server's own defaults. */
const LIMITS = loadConfig({});
const ANONYMOUS_PER_S = LIMITS.anonymousRateLimitPerMinute / 60;
const STAFF_PER_S = LIMITS.rateLimitPerMinute / 60;
const HEAVY_FIELDS_PER_ALIAS = 21;

/** Every attack's parameters (issue 12's findings, at the published limits). */
const ATTACKS = {
  // 20 requests at once from the hostile company's staff, each within its per-user rate, of the heaviest document the
  // limits accept (found by halving `first` from 200 until it is accepted).
  a: {
    name: '(a) heavy allowed queries',
    concurrency: 20,
    perSecond: STAFF_PER_S,
    first: 200,
    max: 400,
    aliases: Math.min(DEFAULT_LIMITS.maxAliases, Math.floor(DEFAULT_LIMITS.maxFields / HEAVY_FIELDS_PER_ALIAS)),
  },
  b: { name: '(b) doubling fragments, anonymous', n: 19, clients: 4, perSecond: ANONYMOUS_PER_S, max: 400 },
  c: { name: '(c) subscriptions differing by alias', sockets: 40, perSocket: 50, eventsPerSecond: 4, maxEvents: 200 },
  d: { name: '(d) portal sockets that stop reading', sockets: 200, addresses: 20, replies: 20, replyChars: 10_000, repliesPerSecond: 1.5 },
  e: { name: '(e) uploads of 10 MB that stall', count: 30, addresses: 10, declared: 10 * 2 ** 20 },
  f: { name: '(f) flood of short SLA deadlines', complaints: 1500, targetSeconds: LIMITS.slaMinTargetSeconds },
  g: {
    name: '(g) password guessing and sign-up spam',
    loginAddresses: 10,
    signUpAddresses: 4,
    perAddressPerSecond: ANONYMOUS_PER_S,
    max: 3000,
  },
} as const;
type AttackKey = keyof typeof ATTACKS;

/** What the victim does in every phase. */
const VICTIM = { queueEveryMs: 100, eventEveryMs: 500, loginEveryMs: 1000, breachesPerPhase: 20, graceMs: 3000 };
/** Targets of issue 12 on a 2-core machine. */
const TARGET = { queueRatio: 2, eventLagMs: 1000, breachLagMs: 1000, rssGrowthMb: 100 };
const RSS_ATTACKS: AttackKey[] = ['c', 'd', 'e'];

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    only: { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const PHASE_MS = Number(args.seconds) * 1000;
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'reclaim_bench_neighbours';
const dbUrl = withDatabase(adminUrl, DB);
const PORT = 4741;
const PASSWORD = 'bench-password-1';
const MB = 2 ** 20;
const log = (s: string) => console.log(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let db: pg.Pool;
let base = '';
let setupAddress = 0;

/** A staff request that must succeed. */
async function staff(query: string, variables: object, token?: string, headers: Record<string, string> = {}) {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : { 'x-forwarded-for': address(++setupAddress) };
  const r = await post(base, '/graphql', query, variables, null, { ...auth, ...headers });
  if (!r.body?.data || r.body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(r.body?.errors ?? r.body)}`);
  return r.body.data;
}

async function company(slug: string, crowd: number): Promise<Company> {
  const adminEmail = `admin@${slug}.test`;
  const signUp = (
    await staff('mutation($i: SignUpTenantInput!) { signUpTenant(input: $i) { token tenant { id } } }', {
      i: { slug, name: slug, adminEmail, adminPassword: PASSWORD, adminName: 'Admin' },
    })
  ).signUpTenant;
  const admin = signUp.token;
  await confirmCompany(dbUrl, slug);
  const dept = (await staff('mutation { createDepartment(input: { name: "Quality" }) { id } }', {}, admin)).createDepartment.id;
  const cat = (await staff('mutation { createCategory(input: { name: "Defects" }) { id } }', {}, admin)).createCategory.id;
  const user = async (role: string, i: number) => {
    const email = `${role.toLowerCase()}${i}@${slug}.test`;
    await staff(
      'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
      { i: { email, name: `${role} ${i}`, password: PASSWORD, roles: [role], departmentIds: [dept] } },
      admin,
    );
    return (await staff('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { tenantSlug: slug, email, password: PASSWORD } }))
      .login.token as string;
  };
  const tokens: Record<string, string> = { ADMIN: admin };
  for (const role of ['OPERATOR', 'HEAD', 'QUALITY_MANAGER']) tokens[role] = await user(role, 0);
  const others = [];
  for (let i = 1; i <= crowd; i++) others.push(await user('QUALITY_MANAGER', i));
  return { slug, tenantId: signUp.tenant.id, dept, cat, tokens, crowd: [tokens.QUALITY_MANAGER!, ...others], adminEmail };
}

const REGISTER = 'mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { id } }';
const registerInput = (c: Company, n: number) => ({
  i: {
    kind: 'CLAIM',
    channel: 'PHONE',
    subject: `Kettle lid cracked #${n}`,
    description: 'The lid cracked on first use',
    demand: 'REFUND',
    customer: { name: 'Ivan Petrov', email: 'ivan@example.com' },
    departmentId: c.dept,
    categoryId: c.cat,
  },
});

const columnsOf = async (table: string) =>
  (
    await db.query<{ c: string }>(
      `SELECT column_name AS c FROM information_schema.columns
  WHERE table_name = $1 AND is_generated = 'NEVER' AND is_identity = 'NO' ORDER BY ordinal_position`,
      [table],
    )
  ).rows.map((r) => r.c);

/**
 * `count` copies of complaint `templateId` with its timeline and messages, written straight into the
 * database (as the connecting superuser): a company's backlog without minutes of API calls.
 */
async function clone(templateId: string, count: number, overrides: Record<string, string> = {}): Promise<string[]> {
  const cols = await columnsOf('complaints');
  const exprs = cols.map(
    (c) => overrides[c] ?? (c === 'id' ? 'gen_random_uuid()' : c === 'number' ? `t.number || '-' || i || '-' || $3` : `t.${c}`),
  );
  const ids = (
    await db.query<{ id: string }>(
      `INSERT INTO complaints (${cols.join(', ')}) SELECT ${exprs.join(', ')}
    FROM complaints t, generate_series(1, $2) i WHERE t.id = $1 RETURNING id`,
      [templateId, count, Math.random().toString(36).slice(2, 7)],
    )
  ).rows.map((r) => r.id);
  for (const table of ['timeline_events', 'messages']) {
    const child = await columnsOf(table);
    const select = child.map((c) => (c === 'complaint_id' ? 'c.id' : c === 'id' ? 'gen_random_uuid()' : `t.${c}`));
    await db.query(
      `INSERT INTO ${table} (${child.join(', ')}) SELECT ${select.join(', ')}
      FROM ${table} t CROSS JOIN unnest($2::uuid[]) AS c (id) WHERE t.complaint_id = $1`,
      [templateId, ids],
    );
  }
  return ids;
}

const dbNow = async () => Number((await db.query('SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now')).rows[0].now);

/** The victim's colleague: a live queue and SLA alerts; first arrival per complaint id. */
async function watcher(victim: Company, stage = new Map<string, number>(), breach = new Map<string, number>()) {
  const ws = (await socket(`${base.replace('http', 'ws')}/graphql`, { authorization: `Bearer ${victim.tokens.QUALITY_MANAGER}` }))!;
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type !== 'next') return;
    const at = Date.now();
    const changed = m.payload.data?.complaintStageChanged?.complaint?.id;
    const breached = m.payload.data?.slaBreached?.complaint?.id;
    if (changed && !stage.has(changed)) stage.set(changed, at);
    if (breached && !breach.has(breached)) breach.set(breached, at);
  });
  ws.send(
    JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: 'subscription { complaintStageChanged { complaint { id } } }' } }),
  );
  ws.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: 'subscription { slaBreached { kind complaint { id } } }' } }));
  await sleep(300);
  return { ws, stage, breach };
}

interface Figures {
  queue: number[];
  queueErrors: number;
  events: number[];
  eventsLost: number;
  breaches: number[];
  breachesLost: number;
  /** Of the breach lag, until the scheduler claimed the clock (database time): the scheduler's part, before delivery. */
  claims: number[];
  logins: number[];
  rssBefore: number;
  rssPeak: number;
  attack: AttackStats | null;
  seconds: number;
}

const BOARD = `query BoardComplaints($filter: ComplaintFilter, $first: Int!) { complaints(filter: $filter, first: $first) {
  edges { node { id number subject stage priority channel version slaDueAt slaState legalDueAt receivedAt stageEnteredAt
    customer { id name } department { id name } assignee { id name } } } pageInfo { hasNextPage endCursor } } }`;
const OPEN = ['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK'];

/** Repeats `op` every `everyMs` until `end`. */
async function every(everyMs: number, end: number, op: () => Promise<void>): Promise<void> {
  while (Date.now() < end) {
    const t0 = Date.now();
    await op();
    await sleep(Math.max(0, everyMs - (Date.now() - t0)));
  }
}

interface Victim {
  c: Company;
  received: string[];
  registered: string[];
  watch: Awaited<ReturnType<typeof watcher>>;
  offsetMs: number;
}

/** The victim's own work during one phase, and its figures. */
async function victimPhase(v: Victim, server: Proc, end: number): Promise<Omit<Figures, 'attack' | 'seconds'>> {
  const f = { queue: [] as number[], queueErrors: 0, events: [] as number[], logins: [] as number[], rssBefore: rssOf(server), rssPeak: 0 };
  // SLA deadlines of the victim falling due over the phase.
  const clocks = v.registered.splice(0, VICTIM.breachesPerPhase);
  const first = (await dbNow()) + 1500;
  const span = Math.max(1000, end - Date.now() - 2500);
  const dues = clocks.map((_, i) => first + (i * span) / clocks.length);
  await db.query(
    `INSERT INTO sla_deadlines (tenant_id, complaint_id, clock, stage, started_at, budget_ms, consumed_ms, running_since, due_at)
    SELECT $1, c.id, 'STAGE', 'REGISTERED', now(), 60000, 0, now(), to_timestamp(c.due / 1000) FROM unnest($2::uuid[], $3::float8[]) AS c (id, due)`,
    [v.c.tenantId, clocks, dues],
  );
  const sent = new Map<string, number>();
  const sampler = setInterval(() => (f.rssPeak = Math.max(f.rssPeak, rssOf(server))), 250);
  await Promise.all([
    every(VICTIM.queueEveryMs, end, async () => {
      const t0 = performance.now();
      const r = await post(base, '/graphql', BOARD, { filter: { departmentId: v.c.dept, stages: OPEN }, first: 50 }, null, {
        authorization: `Bearer ${v.c.tokens.HEAD}`,
      });
      if (r.body?.data?.complaints) f.queue.push(performance.now() - t0);
      else f.queueErrors++;
    }),
    every(VICTIM.eventEveryMs, end, async () => {
      const id = v.received.shift()!;
      sent.set(id, Date.now());
      await post(
        base,
        '/graphql',
        'mutation($i: TransitionComplaintInput!) { transitionComplaint(input: $i) { id } }',
        { i: { id, expectedVersion: 1, to: 'REGISTERED', departmentId: v.c.dept, categoryId: v.c.cat, demand: 'REFUND' } },
        null,
        { authorization: `Bearer ${v.c.tokens.OPERATOR}` },
      );
    }),
    every(VICTIM.loginEveryMs, end, async () => {
      const t0 = performance.now();
      const r = await post(
        base,
        '/graphql',
        'mutation($i: LoginInput!) { login(input: $i) { token } }',
        { i: { tenantSlug: v.c.slug, email: `operator0@${v.c.slug}.test`, password: PASSWORD } },
        null,
      );
      if (r.body?.data?.login) f.logins.push(performance.now() - t0);
    }),
  ]);
  await sleep(VICTIM.graceMs);
  clearInterval(sampler);
  const claims = (
    await db.query<{ ms: number }>(
      `SELECT extract(epoch FROM fired_at - due_at) * 1000 AS ms FROM sla_breaches
    WHERE kind = 'BREACHED' AND complaint_id = ANY($1::uuid[])`,
      [clocks],
    )
  ).rows.map((r) => Number(r.ms));
  const events = [...sent].map(([id, at]) => (v.watch.stage.has(id) ? v.watch.stage.get(id)! - at : NaN));
  const breaches = clocks.map((id, i) => (v.watch.breach.has(id) ? v.watch.breach.get(id)! - (dues[i]! - v.offsetMs) : NaN));
  return {
    ...f,
    claims,
    events: events.filter((x) => !Number.isNaN(x)),
    eventsLost: events.filter(Number.isNaN).length,
    breaches: breaches.filter((x) => !Number.isNaN(x)),
    breachesLost: breaches.filter(Number.isNaN).length,
  };
}

interface World {
  server: Proc;
  victim: Victim;
  hostile: Company;
  portal: { id: string; number: string; accessToken: string };
  flood: string[];
}

/** The attacks, by key; `f` starts its flood before the victim's phase begins (see run()). */
function attack(key: AttackKey, w: World, end: number, stats: AttackStats): Promise<void> {
  const h = w.hostile;
  switch (key) {
    case 'a':
      return heavyQueries(base, h, ATTACKS.a, end, stats);
    case 'b':
      return doublingFragments(base, ATTACKS.b, end, stats);
    case 'c': {
      let n = 0;
      return aliasSubscriptions(base, h, ATTACKS.c, end, stats, () =>
        post(base, '/graphql', REGISTER, registerInput(h, n++), null, { authorization: `Bearer ${h.tokens.OPERATOR}` }),
      );
    }
    case 'd':
      return slowPortalReaders(base, h, w.portal, ATTACKS.d, end, stats);
    case 'e':
      return stalledUploads(base, h, ATTACKS.e, end, stats);
    case 'f':
      return drain(h, end, stats);
    case 'g':
      return guessesAndSignUps(base, w.victim.c, ATTACKS.g, end, stats);
  }
}

/** (f) The hostile admin puts its default policy on the shortest target the server accepts: every backdated open complaint is due at once. */
async function startFlood(h: Company, stats: AttackStats): Promise<void> {
  const calendarId = (
    await staff(
      'mutation { createBusinessCalendar(input: { name: "Always", timeZone: "UTC", alwaysOpen: true }) { id } }',
      {},
      h.tokens.ADMIN,
    )
  ).createBusinessCalendar.id;
  const policy = (await staff('{ slaPolicies { id name isDefault } }', {}, h.tokens.ADMIN)).slaPolicies.find(
    (p: { isDefault: boolean }) => p.isDefault,
  );
  const r = await post(
    base,
    '/graphql',
    'mutation($id: ID!, $input: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $input) { id } }',
    {
      id: policy.id,
      input: {
        name: policy.name,
        calendarId,
        stageTargets: [{ stage: 'REGISTERED', seconds: ATTACKS.f.targetSeconds }],
        escalation: { notifyHead: true, raisePriority: false },
      },
    },
    stats,
    { authorization: `Bearer ${h.tokens.ADMIN}` },
  );
  stats.notes.push(
    `policy saved in ${(stats.durations[0]! / 1000).toFixed(1)} s${r.body?.errors ? ` (${r.body.errors[0].extensions?.code})` : ''}`,
  );
}

async function drain(h: Company, end: number, stats: AttackStats): Promise<void> {
  const t0 = Date.now();
  const due = async () =>
    Number(
      (await db.query(`SELECT count(*) AS n FROM sla_deadlines WHERE tenant_id = $1 AND next_fire_at <= clock_timestamp()`, [h.tenantId]))
        .rows[0].n,
    );
  const atStart = await due();
  while (Date.now() < end + 60_000 && (await due()) > 0) await sleep(250);
  const fired = Number(
    (await db.query(`SELECT count(*) AS n FROM sla_breaches WHERE tenant_id = $1 AND kind = 'BREACHED'`, [h.tenantId])).rows[0].n,
  );
  const left = await due();
  const sla = ((await health({ base }).catch(() => ({}))) as { sla?: { errors?: number } }).sla;
  stats.notes.push(
    `${fired} hostile breaches fired, ${atStart} clocks due at the start, ${left ? `${left} still due after` : 'drained in'} ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s; scheduler errors so far: ${sla?.errors ?? '?'}`,
  );
}

/** Waits (at most 45 s) until the server has finished what an attack left behind: 3 board queries in a row as fast as quiet ones. */
async function settle(v: Victim, quiet: Figures): Promise<number> {
  const t0 = Date.now();
  const fast = Math.max(50, 2 * pct(quiet.queue, 0.5));
  for (let inRow = 0; inRow < 3 && Date.now() - t0 < 45_000;) {
    const s0 = performance.now();
    await post(base, '/graphql', BOARD, { filter: { departmentId: v.c.dept, stages: OPEN }, first: 50 }, null, {
      authorization: `Bearer ${v.c.tokens.HEAD}`,
    });
    inRow = performance.now() - s0 <= fast ? inRow + 1 : 0;
    await sleep(200);
  }
  return (Date.now() - t0) / 1000;
}

async function setUp(server: Proc): Promise<World> {
  log('setting up: a victim and a hostile company, with staff and complaints');
  const victimCo = await company('victim', 0);
  const hostile = await company('hostile', 3);
  const template = async (c: Company) => (await staff(REGISTER, registerInput(c, 0), c.tokens.OPERATOR)).registerComplaint.id as string;
  const phases = 8;
  const vt = await template(victimCo);
  const received = await clone(vt, phases * Math.ceil(PHASE_MS / VICTIM.eventEveryMs) + 20, { stage: `'RECEIVED'`, version: '1' });
  const registered = await clone(vt, phases * VICTIM.breachesPerPhase);
  const ht = await template(hostile);
  for (let i = 0; i < 3; i++) {
    await staff(
      'mutation($i: AddMessageInput!) { addMessage(input: $i) { id } }',
      { i: { complaintId: ht, body: `Reply ${i}: we are looking into it.`, visibility: 'PUBLIC' } },
      hostile.tokens.OPERATOR,
    );
  }
  // Backdated an hour: under the flood's short target, every one of them is past due at once.
  const flood = await clone(ht, ATTACKS.f.complaints, {
    received_at: `now() - interval '1 hour'`,
    stage_entered_at: `now() - interval '1 hour'`,
  });
  const submitted = (
    await post(
      base,
      '/portal/graphql',
      'mutation($s: String!, $i: SubmitComplaintInput!) { submitComplaint(tenantSlug: $s, input: $i) { number accessToken } }',
      {
        s: hostile.slug,
        i: {
          kind: 'CLAIM',
          subject: 'Watched by many',
          description: 'A complaint with many readers',
          demand: 'REFUND',
          customer: { name: 'Olga', email: 'olga@example.com' },
        },
      },
      null,
      { 'x-forwarded-for': address(++setupAddress) },
    )
  ).body.data.submitComplaint;
  const portalId = (await staff('query($n: String) { complaint(number: $n) { id } }', { n: submitted.number }, hostile.tokens.OPERATOR))
    .complaint.id;
  await db.query('VACUUM ANALYZE');
  const offsetMs = (await dbNow()) - Date.now();
  return {
    server,
    hostile,
    flood,
    portal: { id: portalId, ...submitted },
    victim: { c: victimCo, received, registered, watch: await watcher(victimCo), offsetMs },
  };
}

async function run(): Promise<void> {
  const machine = await machineLine(adminUrl);
  const loadBefore = loadavg()[0]!;
  log(`machine: ${machine}`);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${DB}`);
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl,
    DEMO_DATA: '0',
    NODE_ENV: 'production',
    TRUSTED_PROXIES: '1',
    JWT_SECRET: 'bench-neighbours-secret-0123456789abcdef',
    // Each run counts its own sign-ups and sign-ins (with REDIS_URL they outlive the server).
    RATE_LIMIT_PREFIX: `bench-neighbours-${Date.now()}`,
  };
  const server = await spawnServer(
    SERVER_MAIN,
    env,
    PORT,
    args.profile ? ['--cpu-prof', '--cpu-prof-dir=/tmp/reclaim-neighbours-profile'] : [],
  );
  base = server.base;
  // Connections held from the start: on a shared PostgreSQL, a new one may be refused mid-run (too many clients).
  db = new pg.Pool({ connectionString: dbUrl, max: 3, idleTimeoutMillis: 0 });
  await Promise.all([1, 2, 3].map(async () => await db.connect())).then((clients) => clients.forEach((c) => c.release()));
  const results = new Map<string, Figures>();
  try {
    const w = await setUp(server);
    const only = args.only?.split(',');
    const order: Array<'quiet' | AttackKey> = ['quiet', 'a', 'b', 'c', 'd', 'e', 'g', 'f'];
    for (const key of order.filter((k) => k === 'quiet' || !only || only.includes(k))) {
      const stats = key === 'quiet' ? null : newStats();
      log(`${key === 'quiet' ? 'quiet' : ATTACKS[key].name}: ${PHASE_MS / 1000} s`);
      try {
        // As the console does: a colleague whose socket the server closed during the last attack reconnects.
        if (w.victim.watch.ws.readyState !== w.victim.watch.ws.OPEN) {
          w.victim.watch = await watcher(w.victim.c, w.victim.watch.stage, w.victim.watch.breach);
          log("  the victim's live socket had been closed: reconnected");
          stats?.notes.push('victim socket reconnected');
        }
        if (key === 'f') await startFlood(w.hostile, stats!);
        const end = Date.now() + PHASE_MS;
        const [victim] = await Promise.all([victimPhase(w.victim, server, end), key === 'quiet' ? null : attack(key, w, end, stats!)]);
        results.set(key, { ...victim, attack: stats, seconds: PHASE_MS / 1000 });
      } catch (err) {
        log(`  this phase failed, and is left out: ${(err as Error).message}`);
        continue;
      }
      log(`  ${summary(results.get(key)!)}`);
      log(`  settled in ${(await settle(w.victim, results.get('quiet')!)).toFixed(1)} s`);
    }
    const load = `load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
    const table = report(`${machine}; ${load}`, results);
    log(`\n${table}`);
    if (!args['no-docs']) {
      writeDocsBlock('neighbours', table);
      log('\nwritten to docs/benchmarks.md');
    }
  } finally {
    await db.end().catch(() => undefined);
    await stopProc(server);
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch((err) => log(`could not drop ${DB}: ${err.message}`));
  }
}

const pct = (values: number[], q: number) => {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (x: number) => (Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en'));
const summary = (f: Figures) =>
  `queue p50/p99 ${ms(pct(f.queue, 0.5))}/${ms(pct(f.queue, 0.99))} ms, event lag p99 ${ms(pct(f.events, 0.99))} ms (lost ${f.eventsLost}), ` +
  `breach lag p99 ${ms(pct(f.breaches, 0.99))} ms (lost ${f.breachesLost}, claimed p99 ${ms(pct(f.claims, 0.99))} ms), RSS ${ms(f.rssBefore / MB)} → ${ms(f.rssPeak / MB)} MB` +
  (f.attack
    ? `; attack: ${f.attack.sent} sent, ${f.attack.ok} answered, ${f.attack.refused} refused, ${f.attack.failed} failed ${f.attack.notes.join('; ')}`
    : '');

function report(machine: string, results: Map<string, Figures>): string {
  const quiet = results.get('quiet')!;
  const q99 = pct(quiet.queue, 0.99);
  const verdict = (ok: boolean) => `**${ok ? 'PASS' : 'FAIL'}**`;
  const rows: string[] = [];
  const checks: string[] = [];
  for (const [key, f] of results) {
    const name = key === 'quiet' ? 'quiet' : ATTACKS[key as AttackKey].name;
    const ratio = pct(f.queue, 0.99) / q99;
    const growth = (f.rssPeak - f.rssBefore) / MB;
    rows.push(
      `| ${name} | ${ms(pct(f.queue, 0.5))} / ${ms(pct(f.queue, 0.99))}${f.queueErrors ? ` (${f.queueErrors} failed)` : ''} | ${key === 'quiet' ? '1' : ratio.toFixed(1)}× ` +
        `| ${ms(pct(f.events, 0.5))} / ${ms(pct(f.events, 0.99))}${f.eventsLost ? ` (${f.eventsLost} lost)` : ''} ` +
        `| ${ms(pct(f.breaches, 0.5))} / ${ms(pct(f.breaches, 0.99))}${f.breachesLost ? ` (${f.breachesLost} lost)` : ''} | ${ms(pct(f.claims, 0.99))} ` +
        `| ${ms(pct(f.logins, 0.5))} / ${ms(pct(f.logins, 0.99))} | ${ms(f.rssBefore / MB)} → ${ms(f.rssPeak / MB)} ` +
        `| ${f.attack ? `${f.attack.sent} / ${f.attack.ok} / ${f.attack.refused} / ${f.attack.failed}` : ''} ` +
        `| ${f.attack ? [`p50 ${ms(pct(f.attack.durations, 0.5))} ms`, ...f.attack.notes].join('; ') : ''} |`,
    );
    if (key === 'quiet') continue;
    checks.push(
      `| ${name} | queue p99 ${ratio.toFixed(1)}× quiet ≤ ${TARGET.queueRatio}×: ${verdict(ratio <= TARGET.queueRatio)} ` +
        `| event lag p99 ${ms(pct(f.events, 0.99))} ms ≤ ${TARGET.eventLagMs}: ${verdict(pct(f.events, 0.99) <= TARGET.eventLagMs && !f.eventsLost)} ` +
        `| breach lag p99 ${ms(pct(f.breaches, 0.99))} ms ≤ ${TARGET.breachLagMs}: ${verdict(pct(f.breaches, 0.99) <= TARGET.breachLagMs && !f.breachesLost)} ` +
        `| ${RSS_ATTACKS.includes(key as AttackKey) ? `RSS +${ms(growth)} MB ≤ ${TARGET.rssGrowthMb}: ${verdict(growth <= TARGET.rssGrowthMb)}` : '–'} |`,
    );
  }
  return [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}; ${PHASE_MS / 1000} s per phase.`,
    '',
    `Published limits read from the server's defaults: ${LIMITS.rateLimitPerMinute} requests/min per staff user, ${LIMITS.anonymousRateLimitPerMinute}/min per anonymous address, ` +
      `query limits ${DEFAULT_LIMITS.maxAliases} aliases / ${DEFAULT_LIMITS.maxFields} fields / depth ${DEFAULT_LIMITS.maxDepth}, shortest SLA target ${LIMITS.slaMinTargetSeconds} s.`,
    '',
    '| phase | victim queue p50 / p99 ms | p99 vs quiet | event lag p50 / p99 ms | breach lag p50 / p99 ms | of which claimed, p99 ms | victim login p50 / p99 ms | server RSS MB, start → peak | attack: sent / answered / refused / failed | attack notes |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...rows,
    '',
    '| attack | queue | live events | SLA alerts | memory |',
    '|---|---|---|---|---|',
    ...checks,
  ].join('\n');
}

process.on('beforeExit', (code) => log(`exiting (${code})`));
run().catch((err) => {
  console.error(err);
  process.exit(1);
});
