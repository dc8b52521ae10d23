import { Writable } from 'node:stream';
import request from 'supertest';
import parsePrometheus from 'parse-prometheus-text-format';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Health } from '../src/ops/health.js';
import { configureLog } from '../src/ops/log.js';
import { MemoryPubSub } from '../src/realtime/pubsub-memory.js';
import { Fixtures, PASSWORD, type TenantFixture } from './fixtures.js';
import { startTestServer, type TestServer } from './harness.js';

/** Every log line the server writes while a test runs, parsed. */
const lines: Array<Record<string, any>> = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
    done();
  },
});

let server: TestServer;
let t: TenantFixture;
const OPERATOR = 'operator-secret-0123456789';

beforeAll(async () => {
  configureLog({ level: 'info', pretty: false, destination: capture });
  server = await startTestServer({ operatorToken: OPERATOR });
  t = await new Fixtures(server).tenant();
});
afterAll(async () => {
  await server?.close();
  configureLog({ level: 'silent', pretty: false });
});
afterEach(() => {
  lines.length = 0;
});

const gql = (query: string, token?: string, requestId?: string) => {
  let req = request(server.url).post('/graphql').set('content-type', 'application/json');
  if (token) req = req.set('authorization', `Bearer ${token}`);
  if (requestId) req = req.set('x-request-id', requestId);
  return req.send({ query });
};

describe('health', () => {
  it('is live and ready with every check passing', async () => {
    expect((await request(server.url).get('/livez')).body).toEqual({ status: 'ok' });
    const ready = await request(server.url).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', shutdown: 'ok', database: 'ok', migrations: 'ok', pubsub: 'ok' });
  });

  it('goes unready, but stays live, once shutdown begins', async () => {
    const other = await startTestServer();
    try {
      other.app.health.beginShutdown();
      const ready = await request(other.url).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', shutdown: 'shutting down', database: 'ok' });
      expect((await request(other.url).get('/livez')).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('asks the database once per freshness period, however often and however many at once ask it', async () => {
    let looks = 0;
    const counted = new Proxy(server.dataSource, {
      get: (target, key) =>
        key === 'query'
          ? (sql: string, ...rest: unknown[]) => {
              if (sql === 'SELECT 1') looks++;
              return target.query(sql, ...(rest as []));
            }
          : Reflect.get(target, key),
    });
    const health = new Health(counted, () => new MemoryPubSub({ message: () => undefined, gap: () => undefined }), 300);
    const answers = await Promise.all(Array.from({ length: 50 }, () => health.readiness()));
    expect(answers.every((a) => a.ready)).toBe(true);
    await health.readiness();
    expect(looks).toBe(1);
    await new Promise((r) => setTimeout(r, 350));
    expect((await health.readiness()).ready).toBe(true);
    expect(looks).toBe(2);
  });

  it.runIf(process.env.DATABASE_URL)('goes unready while the database refuses connections, and ready again after', async () => {
    const other = await startTestServer({}, { dbPoolSize: 2 });
    const name = new URL(other.databaseUrl!).pathname.slice(1);
    const admin = (sql: string) => server.dataSource.query(sql);
    try {
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      const down = await request(other.url).get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body.database).toMatch(/unreachable/);
      // /readyz is public: the driver's message (database, host, user names) goes to the log, not to the caller.
      expect(down.body.database).not.toContain(name);
      // Which message the driver gives depends on timing (the database refusing, or the pooled connection terminated).
      const failure = lines.find((l) => l.msg === 'readiness check failed');
      expect(String(failure?.err?.message ?? '')).not.toBe('');
      expect(JSON.stringify(down.body)).not.toContain(String(failure!.err.message));
      expect((await request(other.url).get('/livez')).status).toBe(200);
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      let again = await request(other.url).get('/readyz');
      for (let i = 0; i < 20 && again.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 250));
        again = await request(other.url).get('/readyz');
      }
      expect(again.body).toMatchObject({ status: 'ok', database: 'ok' });
    } finally {
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await other.close();
    }
  });
});

describe('logs', () => {
  it('gives each request an id (its own X-Request-Id when sane) and puts it, the company and the user on its lines', async () => {
    const res = await gql('{ me { id } }', t.adminToken, 'probe-42');
    expect(res.headers['x-request-id']).toBe('probe-42');
    const access = lines.find((l) => l.reqId === 'probe-42' && l.res);
    expect(access).toMatchObject({
      level: 30,
      company: t.tenantId,
      user: t.adminId,
      operation: 'query me',
      req: { method: 'POST', path: '/graphql' },
      res: { status: 200 },
    });
    expect(access!.responseTime).toEqual(expect.any(Number));

    const made = await gql('{ me { id } }', t.adminToken, 'not a sane id <script>');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((l) => l.reqId === made.headers['x-request-id'] && l.res)).toBe(true);
  });

  it('logs an unexpected error once, with the operation, and never a token or a password', async () => {
    await server.dataSource.query('REVOKE SELECT ON categories FROM reclaim_app');
    try {
      const res = await gql('{ categories { id name } }', t.adminToken, 'forced-error');
      expect(res.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await server.dataSource.query('GRANT SELECT ON categories TO reclaim_app');
    }
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      reqId: 'forced-error',
      company: t.tenantId,
      operation: 'query categories',
      err: { message: expect.stringMatching(/permission denied/) },
    });
    const login = await gql(
      `mutation { login(input: { tenantSlug: "${t.slug}", email: "admin@${t.slug}.test", password: "${PASSWORD}" }) { token } }`,
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain(t.adminToken);
    expect(text).not.toContain(PASSWORD);
    const signedIn = login.body.data.login.token as string;
    expect(signedIn).toMatch(/\S{20,}/);
    expect(text).not.toContain(signedIn);
  });
});

describe('metrics', () => {
  const scrape = async () => {
    const res = await request(server.url).get('/metrics').set('authorization', `Bearer ${OPERATOR}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const families = parsePrometheus(res.text) as Array<{
      name: string;
      type: string;
      help: string;
      metrics: Array<{ labels?: Record<string, string>; value?: string }>;
    }>;
    return Object.assign(families, { text: res.text });
  };
  const family = (all: Awaited<ReturnType<typeof scrape>>, name: string) => all.find((f) => f.name === name);
  // The parser keeps no labels of histogram series: the count is read off its line.
  const requests = (all: Awaited<ReturnType<typeof scrape>>, operation: string) =>
    Number(
      new RegExp(
        `^reclaim_http_request_duration_seconds_count\\{endpoint="staff",operation="${operation}",status="2xx"\\} (\\d+)$`,
        'm',
      ).exec(all.text)?.[1] ?? 0,
    );

  it("exists for the operators' token only", async () => {
    expect((await request(server.url).get('/metrics')).status).toBe(404);
    expect((await request(server.url).get('/metrics').set('authorization', 'Bearer wrong')).status).toBe(404);
  });

  it('is not collected on a node where no one can read it (no OPERATOR_TOKEN, no METRICS_PORT)', async () => {
    const closed = await startTestServer();
    try {
      expect(closed.app.metrics).toBeNull();
      expect((await request(closed.url).get('/metrics')).status).toBe(404);
      expect(
        (await request(closed.url).post('/graphql').set('content-type', 'application/json').send({ query: '{ __typename }' })).status,
      ).toBe(200);
    } finally {
      await closed.close();
    }
  });

  it('parses as Prometheus text, with help texts, and its counters move with requests', async () => {
    const before = await scrape();
    for (const f of before) expect(f.help, f.name).not.toBe('');
    for (const name of [
      'reclaim_db_pool_connections',
      'reclaim_db_pool_waiting',
      'reclaim_outbox_backlog_events',
      'reclaim_outbox_oldest_age_seconds',
      'reclaim_sla_scheduler_lag_seconds',
      'reclaim_live_executions_total',
      'reclaim_live_queue_pending',
      'reclaim_websockets_open',
      'reclaim_graphql_errors_total',
    ]) {
      expect(family(before, name), name).toBeDefined();
    }
    expect(Number(family(before, 'reclaim_db_pool_connections')!.metrics.find((m) => m.labels?.state === 'size')!.value)).toBeGreaterThan(
      0,
    );
    for (let i = 0; i < 3; i++) await gql('{ me { id } }', t.adminToken);
    await gql('{ nosuchfield }', t.adminToken);
    const after = await scrape();
    expect(requests(after, 'query me') - requests(before, 'query me')).toBe(3);
    const invalid = (all: typeof before) =>
      Number(family(all, 'reclaim_graphql_errors_total')?.metrics.find((m) => m.labels?.code === 'BAD_USER_INPUT')?.value ?? 0);
    expect(invalid(after) - invalid(before)).toBe(1);
  });
});

describe('the SMTP receiver', () => {
  const details = async (url: string) => (await request(url).get('/healthz/details').set('authorization', `Bearer ${OPERATOR}`)).body;
  const listening = async (url: string) =>
    (
      parsePrometheus((await request(url).get('/metrics').set('authorization', `Bearer ${OPERATOR}`)).text) as Array<{
        name: string;
        metrics: Array<{ value?: string }>;
      }>
    ).find((f) => f.name === 'reclaim_smtp_receiver_listening')?.metrics[0]?.value;

  it('tells the operators whether it listens, and why not when its port was taken; the node serves the rest', async () => {
    const mail = { operatorToken: OPERATOR, mailDomain: 'mail.reclaim.test', smtpHost: '127.0.0.1' };
    const first = await startTestServer({ ...mail, smtpPort: 0 });
    // A second node asked for the first one's port: its receiver cannot start, the node does.
    const second = await startTestServer({ ...mail, smtpPort: first.smtpPort });
    try {
      expect((await details(first.url)).smtpReceiver).toEqual({ listening: true, port: first.smtpPort, error: null });
      expect(await listening(first.url)).toBe('1');
      expect(second.smtpPort).toBeUndefined();
      expect((await details(second.url)).smtpReceiver).toEqual({
        listening: false,
        port: null,
        error: expect.stringMatching(/EADDRINUSE/),
      });
      expect(await listening(second.url)).toBe('0');
      expect(lines.some((l) => l.level >= 50 && /mail receiver not started: .*EADDRINUSE/.test(l.msg))).toBe(true);
      expect(
        (await request(second.url).post('/graphql').set('content-type', 'application/json').send({ query: '{ __typename }' })).status,
      ).toBe(200);
      // A node without a receiver (no SMTP_PORT) has neither.
      expect(await details(server.url)).toMatchObject({ smtpReceiver: null });
      expect(await listening(server.url)).toBeUndefined();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
