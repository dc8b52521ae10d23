import { connect } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError } from './fixtures.js';
import { WsClient } from './ws-client.js';

/** `fragment F1 on Query { ...F0 ...F0 }` … `Fn`, used once: 2^n fields when expanded, about 1 KB at n = 30. */
const doubling = (n: number) =>
  [
    'query Q { ...F' + n + ' }',
    'fragment F0 on Query { __typename }',
    ...Array.from({ length: n }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`),
  ].join('\n');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // Warm: the first requests of a process compile code paths that the budgets below are not about.
  await Promise.all([
    server.staff('{ __typename }'),
    server.portal('{ __typename }'),
    server.staff('{ nosuchfield }'),
    request(server.url).get('/healthz'),
  ]);
});
afterAll(() => server?.close());

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};

/**
 * Walked spread by spread, n = 22 took 11.6 s and n = 30 would take hours; measured once per fragment it is
 * refused in a few milliseconds. The budget leaves room for a machine shared with other busy processes.
 */
const BUDGET_MS = 1000;

describe('the doubling-fragment document (2^30 fields when expanded)', () => {
  it('is refused with QUERY_LIMIT within the budget on both endpoints, /healthz answering meanwhile', async () => {
    const attacks = Promise.all([
      timed(() => server.staff(doubling(30))),
      timed(() => server.portal(doubling(30))),
      timed(() => server.staff(doubling(30))),
    ]);
    const [health, healthMs] = await timed(() => request(server.url).get('/healthz'));
    expect(health.status).toBe(200);
    expect(healthMs).toBeLessThan(BUDGET_MS);
    for (const [result, ms] of await attacks) {
      expectError(result, 'BAD_USER_INPUT', 'QUERY_LIMIT');
      expect(ms).toBeLessThan(BUDGET_MS);
    }
  });

  it('is refused with QUERY_LIMIT within the budget on the portal WebSocket', async () => {
    const ws = await WsClient.open(server.url, '/portal/graphql', null);
    try {
      const started = performance.now();
      const id = ws.subscribe(doubling(30));
      const error = await ws.waitFor((m) => m.id === id && m.type === 'error', 2000);
      expect(performance.now() - started).toBeLessThan(BUDGET_MS);
      expect(error.payload[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_LIMIT' });
    } finally {
      ws.close();
    }
  });
});

describe('requests refused before they run', () => {
  it("count against the client address's limit: after three invalid documents a fourth request is RATE_LIMITED", async () => {
    const limited = await startTestServer({ anonymousRateLimitPerMinute: 3 });
    try {
      expectError(await limited.staff('{ nosuchfield }'), 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED');
      expectError(await limited.portal('{ complaintStatus('), 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED');
      expectError(await limited.portal(doubling(30)), 'BAD_USER_INPUT', 'QUERY_LIMIT');
      const login = 'mutation { login(input: { tenantSlug: "nobody", email: "a@b.cd", password: "wrong-password" }) { token } }';
      expect(errorCode(await limited.staff(login))).toBe('RATE_LIMITED');
      expect(errorCode(await limited.staff(doubling(30)))).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });

  it("count against the staff user's limit when a valid token is present", async () => {
    const limited = await startTestServer({ rateLimitPerMinute: 6 });
    try {
      const t = await new Fixtures(limited).tenant();
      // Sign-up spent none of the admin's requests: six invalid documents spend them all.
      for (let i = 0; i < 6; i++) expectError(await limited.staff('{ nosuchfield }', {}, t.adminToken), 'BAD_USER_INPUT');
      expect(errorCode(await limited.staff('{ me { id } }', {}, t.adminToken))).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('the portal', () => {
  const status = (i: number) => `s${i}: complaintStatus(number: "X-2026-00000${i}", accessToken: "aaaaaaaaaaaaaaaaaaaaaaaa") { stage }`;

  it('takes at most three root fields per request', async () => {
    expectError(await server.portal(`{ ${[1, 2, 3, 4].map(status).join(' ')} }`), 'BAD_USER_INPUT', 'QUERY_LIMIT');
  });

  it("counts every lookup of a request against the client address's limit", async () => {
    const limited = await startTestServer({ anonymousRateLimitPerMinute: 3 });
    try {
      const three = await limited.portal(`{ ${[1, 2, 3].map(status).join(' ')} }`);
      expect(three.errors).toBeUndefined();
      expect(three.data).toEqual({ s1: null, s2: null, s3: null });
      expect(errorCode(await limited.portal(`{ ${status(4)} }`))).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('a GraphQL body that trickles in', () => {
  it('is refused with 408 at the read deadline, and its connection closed', async () => {
    const slow = await startTestServer({ graphqlBodyTimeoutMs: 500 });
    try {
      const { port } = new URL(slow.url);
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d));
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
      await new Promise((resolve) => socket.once('connect', resolve));
      const started = performance.now();
      socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":');
      // One byte every 100 ms: never idle long enough for a socket timeout, never finished.
      const drip = setInterval(() => socket.writable && socket.write(' '), 100);
      const end = await closed;
      clearInterval(drip);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer).toMatch(/connection: close/i);
      expect(end - started).toBeGreaterThan(450);
      expect(end - started).toBeLessThan(2000);
    } finally {
      await slow.close();
    }
  });
});
