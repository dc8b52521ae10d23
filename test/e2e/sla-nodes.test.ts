import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../../packages/server/test/ws-client.js';
import { startServerProcess, type ServerProcess, staffData as gql } from './server-process.js';

/**
 * The SLA scheduler as it runs in production: built server processes on one
 * PostgreSQL database. Every node fires deadlines; each warning and breach
 * fires once, the warning first; and deadlines that passed while no node ran
 * fire as soon as one starts. Needs DATABASE_URL; skipped without it.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const JWT_SECRET = randomBytes(32).toString('hex');
const PASSWORD = 'correct horse battery';

const nodes: ServerProcess[] = [];
const sockets: WsClient[] = [];
let databaseUrl: string;
let database: string;

async function sql<T = any>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

const OPERATOR_TOKEN = 'sla-nodes-operator';

async function startNode(env: Record<string, string> = {}): Promise<ServerProcess> {
  const node = await startServerProcess({
    ...process.env,
    DATABASE_URL: databaseUrl,
    JWT_SECRET,
    DEMO_DATA: '0',
    PUBSUB: 'postgres',
    REDIS_URL: '',
    SLA_MIN_TARGET_SECONDS: '1',
    OPERATOR_TOKEN,
    ...env,
  });
  nodes.push(node);
  return node;
}

const SLA_SUB = 'subscription { slaBreached { kind target dueAt at complaint { id } } }';

interface Company {
  admin: string;
  watcher: string;
  departmentId: string;
  categoryId: string;
}

/**
 * A company whose only SLA policy counts around the clock: the first
 * response and the REGISTERED stage each get `seconds`, with a warning at half.
 */
async function company(node: ServerProcess, seconds: number): Promise<Company> {
  const slug = `sla-${randomBytes(4).toString('hex')}`;
  const admin = (
    await gql(node, `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }`, {
      input: { slug, name: 'Deadline Ltd', adminEmail: `admin@${slug}.test`, adminPassword: PASSWORD, adminName: 'Admin' },
    })
  ).signUpTenant.token;
  // The admin's address confirmed, as the link in the sign-up mail does: only then may the company invite staff.
  await sql(databaseUrl, 'UPDATE tenants SET address_confirmed_at = now() WHERE slug = $1', [slug]);
  const departmentId = (await gql(node, `mutation { createDepartment(input: { name: "Quality" }) { id } }`, {}, admin)).createDepartment.id;
  const categoryId = (await gql(node, `mutation { createCategory(input: { name: "Defects" }) { id } }`, {}, admin)).createCategory.id;
  const email = `qm@${slug}.test`;
  await gql(
    node,
    `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    { input: { email, name: 'Quality Manager', password: PASSWORD, roles: ['QUALITY_MANAGER'] } },
    admin,
  );
  const watcher = (
    await gql(node, `mutation($input: LoginInput!) { login(input: $input) { token } }`, {
      input: { tenantSlug: slug, email, password: PASSWORD },
    })
  ).login.token;
  const calendarId = (
    await gql(node, `mutation { createBusinessCalendar(input: { name: "24/7", timeZone: "UTC", alwaysOpen: true }) { id } }`, {}, admin)
  ).createBusinessCalendar.id;
  const policies = (await gql(node, '{ slaPolicies { id name isDefault } }', {}, admin)).slaPolicies;
  for (const p of policies.filter((x: any) => !x.isDefault))
    await gql(node, 'mutation($id: ID!) { deleteSlaPolicy(id: $id) }', { id: p.id }, admin);
  const fallback = policies.find((x: any) => x.isDefault);
  await gql(
    node,
    'mutation($id: ID!, $input: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $input) { id } }',
    {
      id: fallback.id,
      input: {
        name: fallback.name,
        calendarId,
        warnPercent: 50,
        firstResponseSeconds: seconds,
        stageTargets: [{ stage: 'REGISTERED', seconds }],
        escalation: { notifyHead: true },
      },
    },
    admin,
  );
  return { admin, watcher, departmentId, categoryId };
}

async function register(node: ServerProcess, c: Company, subject: string): Promise<string> {
  return (
    await gql(
      node,
      'mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id } }',
      {
        input: {
          kind: 'CLAIM',
          channel: 'PHONE',
          subject,
          description: 'Stopped working',
          departmentId: c.departmentId,
          categoryId: c.categoryId,
          demand: 'REPAIR',
          customer: { name: 'Ivan Petrov', phone: '+7 900 000-00-00' },
        },
      },
      c.admin,
    )
  ).registerComplaint.id;
}

async function watch(node: ServerProcess, token: string) {
  const socket = await WsClient.staff(node.base, token);
  sockets.push(socket);
  const id = socket.subscribe(SLA_SUB);
  await socket.settle();
  return { socket, id };
}

/** Alerts per complaint, as [target kind] in arrival order. */
function byComplaint(results: any[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of results) {
    const e = r.data.slaBreached;
    out.set(e.complaint.id, [...(out.get(e.complaint.id) ?? []), `${e.target} ${e.kind}`]);
  }
  return out;
}

const EXPECTED = ['FIRST_RESPONSE AT_RISK', 'FIRST_RESPONSE BREACHED', 'STAGE AT_RISK', 'STAGE BREACHED'];
/** Each clock's warning came before its breach. */
function warnedFirst(alerts: string[]): boolean {
  return ['FIRST_RESPONSE', 'STAGE'].every((t) => alerts.indexOf(`${t} AT_RISK`) < alerts.indexOf(`${t} BREACHED`));
}

describe.skipIf(!DATABASE_URL)('the SLA scheduler on server processes sharing one database', () => {
  beforeAll(async () => {
    database = `reclaim_sla_${randomBytes(5).toString('hex')}`;
    await sql(DATABASE_URL!, `CREATE DATABASE ${database}`);
    const u = new URL(DATABASE_URL!);
    u.pathname = `/${database}`;
    databaseUrl = u.toString();
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(nodes.map((n) => n.stop()));
    if (database) await sql(DATABASE_URL!, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('two nodes: every warning and breach fires once, the warning first, and reaches subscribers on both soon after its deadline', async () => {
    const a = await startNode();
    const b = await startNode();
    const c = await company(a, 3);
    const watchers = [await watch(a, c.watcher), await watch(b, c.watcher)];
    // Registered through both nodes, so each node's scheduler hears of its own and reads the other's.
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => register(i % 2 ? b : a, c, `Complaint ${i}`)));

    for (const w of watchers) await w.socket.waitForResults(w.id, ids.length * 4, 15_000);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more may come
    for (const w of watchers) {
      const results = w.socket.results(w.id);
      expect(results).toHaveLength(ids.length * 4);
      const alerts = byComplaint(results);
      for (const id of ids) {
        expect([...(alerts.get(id) ?? [])].sort()).toEqual(EXPECTED);
        expect(warnedFirst(alerts.get(id)!)).toBe(true);
      }
      // Breaches: never before the deadline, and soon after it. The 1-s target (p99) is measured by bench:sla and
      // bench:neighbours on a quiet machine; here, with browsers and other suites on the same two cores, the bound
      // is one that holds under load and still catches a breach left for a later look or another node's restart.
      const times = w.socket.resultTimes(w.id);
      const lags = results.flatMap((r, i) =>
        r.data.slaBreached.kind === 'BREACHED' ? [times[i]! - Date.parse(r.data.slaBreached.dueAt)] : [],
      );
      expect(Math.max(...lags)).toBeLessThan(5000);
      expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
    }
    const history = await sql(
      databaseUrl,
      `SELECT kind, count(*)::int AS n, count(DISTINCT (complaint_id, clock, kind))::int AS distinct_n FROM sla_breaches GROUP BY kind ORDER BY kind`,
    );
    expect(history).toEqual([
      { kind: 'AT_RISK', n: 60, distinct_n: 60 },
      { kind: 'BREACHED', n: 60, distinct_n: 60 },
    ]);
    // Both nodes took part in firing.
    const details = (n: ServerProcess) => fetch(`${n.base}/healthz/details`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    const claimed = await Promise.all([a, b].map(async (n) => (await (await details(n)).json()).sla.claimed));
    expect(claimed.every((n) => n > 0)).toBe(true);
    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
  });

  it('deadlines that passed while no node ran fire within seconds of the first node starting, once, the warning first', async () => {
    const first = await startNode();
    const c = await company(first, 4);
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => register(first, c, `Before the outage ${i}`)));
    expect(await first.stop()).toBe(0);
    expect(await sql(databaseUrl, 'SELECT count(*)::int AS n FROM sla_breaches WHERE complaint_id = ANY($1)', [ids])).toEqual([{ n: 0 }]);
    // Every deadline passes while no scheduler runs (a node without one serves the subscriber).
    const listener = await startNode({ SLA_SCHEDULER: '0' });
    const w = await watch(listener, c.watcher);
    const due = await sql<{ last: Date }>(
      databaseUrl,
      "SELECT max(due_at) AS last FROM sla_deadlines WHERE clock <> 'LEGAL' AND complaint_id = ANY($1)",
      [ids],
    );
    await new Promise((r) => setTimeout(r, Math.max(0, due[0]!.last.getTime() - Date.now() + 500)));
    expect(w.socket.results(w.id)).toEqual([]);

    const starting = Date.now();
    await startNode();
    await w.socket.waitForResults(w.id, ids.length * 4, 10_000);
    const arrivals = w.socket.resultTimes(w.id);
    // Bounded generously for a loaded machine: the catch-up itself is measured by bench:sla.
    expect(Math.max(...arrivals) - starting).toBeLessThan(8000);
    await new Promise((r) => setTimeout(r, 1500));
    const alerts = byComplaint(w.socket.results(w.id));
    for (const id of ids) {
      expect([...(alerts.get(id) ?? [])].sort()).toEqual(EXPECTED);
      expect(warnedFirst(alerts.get(id)!)).toBe(true);
    }
    expect(await sql(databaseUrl, `SELECT count(*)::int AS n FROM sla_breaches WHERE complaint_id = ANY($1)`, [ids])).toEqual([
      { n: ids.length * 4 },
    ]);
  });
});
