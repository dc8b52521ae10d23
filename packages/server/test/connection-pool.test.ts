import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { QueryRunner } from 'typeorm';
import { Role } from '../src/auth/roles.js';
import { holdShare, startTestServer, ok, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, Q, expectError, type StaffFixture, type World } from './fixtures.js';

/**
 * Heavy but allowed work of one company (here: twenty requests each held up
 * by a row lock, which keeps its connection busy as a slow statement would)
 * must not take the pool from another company: a company holds at most its
 * share of the connections, waiters are served round-robin across companies,
 * and every statement runs under a statement and a lock timeout.
 */
const ME = '{ me { id } }';
const REGISTER = `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id } }`;
const ADD_MESSAGE = `mutation($input: AddMessageInput!) { addMessage(input: $input) { id } }`;

let server: TestServer;
let fx: Fixtures;
let victim: World;
let hostile: World;
let hostileStaff: StaffFixture[];

/** PostgreSQL's own pool and timeouts: embedded PGlite is one session without them (docs/security.md). */
const postgres = Boolean(process.env.DATABASE_URL);

beforeAll(async () => {
  if (!postgres) return;
  // A small pool, so that twenty requests would take all of it: a company may hold 3, a user 1.
  // The fixtures create users in parallel with one admin (password hashing holds the connection): a long wait for them.
  server = await startTestServer({ slaScheduler: false }, { dbPoolSize: 6, dbPoolWaitMs: 30_000 });
  fx = new Fixtures(server);
  [victim, hostile] = await Promise.all([fx.world(), fx.world()]);
  const more = await Promise.all([1, 2, 3].map(() => fx.staff(hostile.t, [Role.OPERATOR])));
  hostileStaff = [hostile.staff.OPERATOR, hostile.staff.HEAD, hostile.staff.QUALITY_MANAGER, ...more];
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function complaintOf(s: TestServer, w: { token: string; dept?: string }) {
  return ok(
    await s.staff(
      REGISTER,
      {
        input: {
          kind: 'CLAIM',
          channel: 'API',
          subject: 'Kettle',
          description: 'Leaks',
          customer: { name: 'Ivan', email: 'ivan@example.com' },
          ...(w.dept && { departmentId: w.dept }),
        },
      },
      w.token,
    ),
  ).registerComplaint.id as string;
}

/** Locks a complaint row from outside the application (as a long transaction of another node would). */
async function lockComplaint(s: TestServer, id: string): Promise<QueryRunner> {
  const runner = s.dataSource.createQueryRunner();
  await runner.startTransaction();
  await runner.query('SELECT 1 FROM complaints WHERE id = $1 FOR UPDATE', [id]);
  return runner;
}

async function unlock(runner: QueryRunner) {
  if (runner.isReleased) return;
  await runner.rollbackTransaction().catch(() => undefined);
  await runner.release();
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

describe.runIf(postgres)('the connection pool, shared between companies', () => {
  it('every unit of work runs under a statement timeout, a lock timeout and an idle-in-transaction timeout', async () => {
    const [row] = await fx.asTenant(victim.t.tenantId, (m) =>
      m.query(
        `SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock,
              current_setting('idle_in_transaction_session_timeout') AS idle`,
      ),
    );
    expect(row).toEqual({ statement: '5s', lock: '2s', idle: '30s' });
  });

  it('a statement that waits for a lock longer than the lock timeout is refused (RATE_LIMITED, LOCK_TIMEOUT) and writes nothing', async () => {
    const id = await complaintOf(server, { token: victim.staff.OPERATOR.token, dept: victim.dept });
    const locker = await lockComplaint(server, id);
    const release = setTimeout(() => void unlock(locker), 5000);
    try {
      // Only the request is timed: the checksums around it take seconds of their own on a loaded machine.
      const { ms, result } = await fx.expectNoWrites(() =>
        timed(() =>
          server.staff(ADD_MESSAGE, { input: { complaintId: id, body: 'hello', visibility: 'PUBLIC' } }, victim.staff.OPERATOR.token),
        ),
      );
      expectError(result, 'RATE_LIMITED', 'LOCK_TIMEOUT');
      expect(ms).toBeGreaterThan(1500);
      expect(ms).toBeLessThan(4000);
    } finally {
      clearTimeout(release);
      await unlock(locker);
    }
    // The connection went back to the pool in a clean state.
    ok(await server.staff(ADD_MESSAGE, { input: { complaintId: id, body: 'hello', visibility: 'PUBLIC' } }, victim.staff.OPERATOR.token));
  });

  it("twenty held-up requests of one company leave another company's requests fast", async () => {
    const victimToken = victim.staff.OPERATOR.token;
    const me = () => timed(() => server.staff(ME, {}, victimToken));
    const quiet: number[] = [];
    for (let i = 0; i < 10; i++) quiet.push((await me()).ms);
    const quietMs = quiet.sort((x, y) => x - y)[5]!;

    const target = await complaintOf(server, { token: hostile.staff.OPERATOR.token, dept: hostile.dept });
    const locker = await lockComplaint(server, target);
    // Old behaviour for comparison: without the shares the victim waited until this lock went away.
    const release = setTimeout(() => void unlock(locker), 4000);
    let attack: Array<Promise<GqlResult>>;
    const underAttack: number[] = [];
    let waitingOnLock: number;
    const started = performance.now();
    try {
      attack = Array.from({ length: 20 }, (_, i) =>
        server.staff(
          ADD_MESSAGE,
          { input: { complaintId: target, body: `flood ${i}`, visibility: 'INTERNAL' } },
          hostileStaff[i % hostileStaff.length]!.token,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Through the locking session's own connection: the pool is what is under attack.
      const [row] = await locker.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      waitingOnLock = row.n;
      for (let i = 0; i < 10; i++) {
        const { ms, result } = await me();
        expect(ok(result).me.id).toBe(victim.staff.OPERATOR.id);
        underAttack.push(ms);
      }
      // Long enough for the first hostile requests' lock waits to run out.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 2500 - performance.now())));
    } finally {
      clearTimeout(release);
      await unlock(locker);
    }
    const results = await Promise.all(attack);
    const worst = Math.max(...underAttack);
    console.info(
      `victim me: quiet median ${quietMs.toFixed(1)} ms; under attack worst ${worst.toFixed(1)} ms; hostile connections waiting on the lock: ${waitingOnLock}`,
    );
    // The hostile company held its share (half the pool of 6), not all of it.
    expect(waitingOnLock).toBeGreaterThan(0);
    expect(waitingOnLock).toBeLessThanOrEqual(3);
    expect(worst).toBeLessThan(Math.max(1000, 5 * quietMs));
    // Every hostile request either got through or was refused with a code: its lock wait, or its wait for a connection, ran out.
    for (const r of results) {
      if (r.errors) expect(['LOCK_TIMEOUT', 'BUSY']).toContain(r.errors[0]!.extensions?.reason);
    }
    expect(results.some((r) => r.errors?.[0]?.extensions?.reason === 'LOCK_TIMEOUT')).toBe(true);
  });
});

describe.runIf(postgres)('the cost share', () => {
  it("holds one company's requests to its estimated cost at once (DB_COMPANY_COST), whatever connections are free; another company's run", async () => {
    // Every request costs more than 1: one of the company's at a time, where its connection share alone would allow 2.
    const costly = await startTestServer({ slaScheduler: false }, { dbPoolSize: 6, dbPoolWaitMs: 30_000, dbCompanyCost: 1 });
    try {
      const cfx = new Fixtures(costly);
      const [mine, theirs] = await Promise.all([cfx.world(), cfx.world()]);
      const target = await complaintOf(costly, { token: mine.staff.OPERATOR.token, dept: mine.dept });
      const locker = await lockComplaint(costly, target);
      const writers = [mine.staff.OPERATOR, mine.staff.HEAD, mine.staff.QUALITY_MANAGER];
      let held: Array<Promise<GqlResult>> = [];
      let waitingOnLock = -1;
      try {
        held = writers.map((w, i) =>
          costly.staff(ADD_MESSAGE, { input: { complaintId: target, body: `held ${i}`, visibility: 'INTERNAL' } }, w.token),
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const [row] = await locker.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        waitingOnLock = row.n;
        expect(ok(await costly.staff(ME, {}, theirs.staff.OPERATOR.token)).me.id).toBe(theirs.staff.OPERATOR.id);
      } finally {
        await unlock(locker);
      }
      expect(waitingOnLock).toBe(1);
      for (const r of await Promise.all(held)) ok(r);
    } finally {
      await costly.close();
    }
  });
});

describe.runIf(postgres)('the statement timeout', () => {
  let slow: TestServer;
  afterAll(async () => {
    await slow?.close();
  });

  it('a statement that runs longer is cancelled (RATE_LIMITED, QUERY_TIMEOUT) and its unit of work rolled back', async () => {
    slow = await startTestServer({ slaScheduler: false }, { dbStatementTimeoutMs: 300, dbLockTimeoutMs: 0 });
    const sfx = new Fixtures(slow);
    const t = await sfx.tenant();
    const operator = await sfx.staff(t, [Role.OPERATOR]);
    const id = await complaintOf(slow, { token: operator.token });
    const locker = await lockComplaint(slow, id);
    const release = setTimeout(() => void unlock(locker), 5000);
    try {
      // Only the request is timed: the checksums around it take seconds of their own on a loaded machine.
      const { ms, result } = await sfx.expectNoWrites(() =>
        timed(() => slow.staff(ADD_MESSAGE, { input: { complaintId: id, body: 'hello', visibility: 'PUBLIC' } }, operator.token)),
      );
      expectError(result, 'RATE_LIMITED', 'QUERY_TIMEOUT');
      expect(ms).toBeLessThan(2000);
    } finally {
      clearTimeout(release);
      await unlock(locker);
    }
  });
});

describe.runIf(postgres)('waiting for a connection', () => {
  let small: TestServer;
  afterAll(async () => {
    await small?.close();
  });

  it('is bounded: with the pool taken (here from outside the application), a request is refused with RATE_LIMITED (BUSY)', async () => {
    small = await startTestServer({ slaScheduler: false }, { dbPoolSize: 2, dbPoolWaitMs: 400 });
    const sfx = new Fixtures(small);
    const t = await sfx.tenant();
    const taken = [small.dataSource.createQueryRunner(), small.dataSource.createQueryRunner()];
    try {
      await Promise.all(taken.map((r) => r.connect()));
      const { ms, result } = await timed(() => small.staff(ME, {}, t.adminToken));
      expectError(result, 'RATE_LIMITED', 'BUSY');
      expect(ms).toBeLessThan(2000);
    } finally {
      await Promise.all(taken.map((r) => r.release()));
    }
    ok(await small.staff(ME, {}, t.adminToken));
  });
});

describe.runIf(postgres)("an integration's requests", () => {
  let shared: TestServer;
  let held: { release: () => Promise<void> } | undefined;
  afterAll(async () => {
    await held?.release();
    await shared?.close();
  });

  it("take their company's share of the pool once the key is checked: with that share held, a valid key is refused BUSY, a wrong secret UNAUTHENTICATED without waiting for that turn", async () => {
    // Each company may hold two of the pool's connections; a unit of work waits a second at most for its turn.
    shared = await startTestServer({ slaScheduler: false }, { dbPoolSize: 10, dbCompanyConnections: 2, dbPoolWaitMs: 1000 });
    const sfx = new Fixtures(shared);
    const t = await sfx.tenant();
    const made = ok(
      await shared.staff(
        `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { key } }`,
        { input: { name: 'Web shop', scopes: ['READ_COMPLAINTS'] } },
        t.adminToken,
      ),
    ).createIntegration;
    const COUNT = '{ complaints(first: 1) { totalCount } }';
    expect(ok(await shared.staff(COUNT, {}, made.key)).complaints.totalCount).toBe(0);
    // Two of the company's own units of work (its staff's requests, say) hold its share until the test lets them go.
    held = await holdShare(shared.dataSource, t.tenantId, 2);
    // The key is checked in the anonymous turn, then its request waits for its company's turn and is refused when the wait runs out…
    expectError(await shared.staff(COUNT, {}, made.key), 'RATE_LIMITED', 'BUSY');
    // …while a wrong secret for the same prefix (the console shows prefixes) is refused in the anonymous turn, not after waiting for the company's.
    const wrong = `${made.key.slice(0, -4)}${made.key.endsWith('0000') ? '1111' : '0000'}`;
    expectError(await shared.staff(COUNT, {}, wrong), 'UNAUTHENTICATED');
    await held.release();
    held = undefined;
    expect(ok(await shared.staff(COUNT, {}, made.key)).complaints.totalCount).toBe(0);
  });
});

describe.runIf(postgres)('an integration key', () => {
  let small: TestServer;
  beforeAll(async () => {
    // A company may hold two connections, each user (and each key) one; a unit of work waits a second at most for its turn.
    small = await startTestServer(
      { slaScheduler: false },
      { dbPoolSize: 10, dbCompanyConnections: 2, dbUserConnections: 1, dbPoolWaitMs: 1000 },
    );
  });
  afterAll(async () => {
    await small?.close();
  });

  it("holds no more of its company's share than a staff member: its requests stuck on a lock leave the company's staff a connection", async () => {
    const sfx = new Fixtures(small);
    const w = await sfx.world();
    const { key } = ok(
      await small.staff(
        `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { key } }`,
        { input: { name: 'CRM', scopes: ['READ_COMPLAINTS', 'ADD_MESSAGES'] } },
        w.t.adminToken,
      ),
    ).createIntegration;
    const id = await complaintOf(small, { token: w.staff.OPERATOR.token });
    const locker = await lockComplaint(small, id);
    try {
      // Two of the key's requests at once, each writing to the locked complaint: the first holds a connection while it waits on the lock.
      const stuck = [1, 2].map((n) =>
        small.staff(Q.addMessage, { input: { complaintId: id, body: `Sync ${n}`, visibility: 'INTERNAL' } }, key),
      );
      const waitingOnLocks = async () =>
        Number(
          (
            await small.dataSource.query(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          )[0].n,
        );
      await expect.poll(waitingOnLocks, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Only one of them is inside; the company's staff member still gets the share's other connection.
      expect(await waitingOnLocks()).toBe(1);
      ok(await small.staff(ME, {}, w.staff.HEAD.token));
      await unlock(locker);
      await Promise.all(stuck);
    } finally {
      await unlock(locker);
    }
  });

  it("reads the pages of an export in its own share of the pool too: with that held, its export is refused BUSY and a staff member's is served", async () => {
    let held: { release: () => Promise<void> } | undefined;
    try {
      const w = await new Fixtures(small).world();
      const { key, integration } = ok(
        await small.staff(
          `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { key integration { id } } }`,
          { input: { name: 'BI', scopes: ['READ_COMPLAINTS'] } },
          w.t.adminToken,
        ),
      ).createIntegration;
      const exportAs = (token: string) => request(small.url).get('/exports/complaints.csv').set('authorization', `Bearer ${token}`);
      expect((await exportAs(key)).status).toBe(200);
      // One unit of work of the key (another of its requests, stuck) holds all a user may hold of the company's share.
      held = await holdShare(small.dataSource, w.t.tenantId, 1, { userId: integration.id });
      const refused = await exportAs(key);
      expect({ status: refused.status, error: refused.body.error }).toMatchObject({
        status: 429,
        error: { code: 'RATE_LIMITED', reason: 'BUSY' },
      });
      expect((await exportAs(w.staff.HEAD.token)).status).toBe(200);
    } finally {
      await held?.release();
    }
  });
});
