import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App, AppConfig } from '../src/app.js';
import { DEFAULT_HASH_COST } from '../src/auth/password.js';
import { createTestApp, ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, PASSWORD, expectError, type TenantFixture } from './fixtures.js';

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';
const SIGN_UP = 'mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }';

/** A staff request from `address` (the address a trusted load balancer saw, as X-Forwarded-For). */
async function post(url: string, query: string, variables: Record<string, unknown>, address: string): Promise<GqlResult> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

const login = (url: string, t: TenantFixture, password: string, address: string, email = `admin@${t.slug}.test`) =>
  post(url, LOGIN, { input: { tenantSlug: t.slug, email, password } }, address);

/** A second node on the same database as `server`, listening. */
async function secondNode(server: TestServer, config: Partial<AppConfig>): Promise<{ url: string; app: App }> {
  const app = await createTestApp(server.dataSource, config);
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app };
}

describe('password guessing, across two nodes sharing their limits through Redis', () => {
  const limits: Partial<AppConfig> = {
    redisUrl: process.env.REDIS_URL,
    rateLimitPrefix: `test-${randomBytes(6).toString('hex')}`,
    trustedProxies: 1,
    loginFailuresPerAccount: 5,
    loginLockoutSeconds: 30,
    loginMaxLockoutSeconds: 600,
    loginFailuresPerAddressPerHour: 8,
  };
  let first: TestServer;
  let second: { url: string; app: App };
  let t: TenantFixture;
  beforeAll(async () => {
    first = await startTestServer(limits);
    second = await secondNode(first, limits);
    t = await new Fixtures(first).tenant();
  });
  afterAll(async () => {
    await second?.app.close();
    await first?.close();
  });

  it.skipIf(!process.env.REDIS_URL)('cuts one account off after 5 failures from any address on any node, with a growing wait', async () => {
    const nodes = [first.url, second.url];
    const addresses = ['203.0.113.1', '198.51.100.2'];
    for (let i = 0; i < 5; i++) expectError(await login(nodes[i % 2]!, t, `wrong password ${i}`, addresses[i % 2]!), 'UNAUTHENTICATED');
    for (let i = 0; i < 4; i++) {
      const refused = expectError(await login(nodes[i % 2]!, t, `wrong password ${i}`, addresses[(i + 1) % 2]!), 'RATE_LIMITED');
      expect(refused.extensions?.retryAfterSeconds).toBeGreaterThan(20);
      expect(refused.extensions?.retryAfterSeconds).toBeLessThanOrEqual(30);
    }
    // The right password waits too (it is not even checked), from a third address.
    expectError(await login(second.url, t, PASSWORD, '192.0.2.3'), 'RATE_LIMITED');
    // Another account of the same company is not affected.
    const other = await new Fixtures(first).staff(t, ['OPERATOR' as never]);
    expect(ok(await login(second.url, t, PASSWORD, '192.0.2.3', other.email)).login.token).toBeTruthy();
  });

  it.skipIf(!process.env.REDIS_URL)("forgets an account's failures when it signs in", async () => {
    const user = await new Fixtures(first).staff(t, ['OPERATOR' as never]);
    for (let i = 0; i < 4; i++) expectError(await login(first.url, t, 'wrong password', '192.0.2.10', user.email), 'UNAUTHENTICATED');
    ok(await login(second.url, t, PASSWORD, '192.0.2.11', user.email));
    for (let i = 0; i < 4; i++) expectError(await login(second.url, t, 'wrong password', '192.0.2.12', user.email), 'UNAUTHENTICATED');
    ok(await login(first.url, t, PASSWORD, '192.0.2.13', user.email));
  });

  it.skipIf(!process.env.REDIS_URL)('refuses an address that fails too often, whatever account it tries', async () => {
    const address = '192.0.2.20';
    for (let i = 0; i < 8; i++) {
      expectError(
        await login([first.url, second.url][i % 2]!, t, 'wrong password', address, `nobody-${i}@${t.slug}.test`),
        'UNAUTHENTICATED',
      );
    }
    expectError(await login(first.url, t, 'wrong password', address, `nobody-9@${t.slug}.test`), 'RATE_LIMITED');
    expectError(await login(second.url, t, PASSWORD, address), 'RATE_LIMITED');
  });
});

describe('password hashing, capped per node', () => {
  let server: TestServer;
  let t: TenantFixture;
  beforeAll(async () => {
    // At the production cost: the burst must find the slots busy.
    server = await startTestServer({
      trustedProxies: 1,
      passwordHashConcurrency: 3,
      passwordHashWaitMs: 1000,
      passwordHashCost: DEFAULT_HASH_COST,
    });
    t = await new Fixtures(server).tenant();
  });
  afterAll(() => server?.close());

  it('refuses a burst from two addresses beyond its share, while another address still signs in', async () => {
    const burst = Array.from({ length: 40 }, (_, i) =>
      login(server.url, t, 'wrong password', i % 2 ? '203.0.113.50' : '198.51.100.60', `guess-${i}@${t.slug}.test`),
    );
    const legitimate = login(server.url, t, PASSWORD, '192.0.2.70');
    const results = await Promise.all(burst);
    expect(ok(await legitimate).login.token).toBeTruthy();
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(20);
    expect(codes.every((c) => c === 'RATE_LIMITED' || c === 'UNAUTHENTICATED')).toBe(true);
  });
});

describe('sign-up', () => {
  let server: TestServer;
  let fx: Fixtures;
  beforeAll(async () => {
    server = await startTestServer({ trustedProxies: 1, signUpsPerHourPerAddress: 2 });
    fx = new Fixtures(server);
  });
  afterAll(() => server?.close());

  const signUp = (slug: string, address: string, overrides: Record<string, unknown> = {}) =>
    post(
      server.url,
      SIGN_UP,
      { input: { slug, name: 'Spam Co', adminEmail: `boss@${slug}.test`, adminPassword: PASSWORD, adminName: 'Boss', ...overrides } },
      address,
    );
  const slug = () => `s-${randomBytes(4).toString('hex')}`;

  it('takes a few companies an hour from one address', async () => {
    ok(await signUp(slug(), '203.0.113.80'));
    ok(await signUp(slug(), '203.0.113.80'));
    const refused = await fx.expectNoWrites(() => signUp(slug(), '203.0.113.80'));
    expect(expectError(refused, 'RATE_LIMITED').extensions?.retryAfterSeconds).toBeGreaterThan(3000);
    ok(await signUp(slug(), '203.0.113.81'));
  });

  it.each(['assets', 'graphql', 'p', 'api', 'admin', 'healthz', 'uploads', 'www'])('refuses the reserved slug %s', async (reserved) => {
    const error = expectError(await fx.expectNoWrites(() => signUp(reserved, '203.0.113.90')), 'BAD_USER_INPUT', 'SLUG_RESERVED');
    expect(error.extensions?.fields).toEqual([{ field: 'slug', messages: ['is reserved'] }]);
  });

  it.each([
    ['nine characters', () => ({ adminPassword: 'x'.repeat(9) })],
    ['ten spaces', () => ({ adminPassword: ' '.repeat(10) })],
    ['1234567890', () => ({ adminPassword: '1234567890' })],
    ['a common password, in capitals', () => ({ adminPassword: 'QWERTYUIOP' })],
    ['the e-mail, in other case', (s) => ({ adminPassword: `Boss@${s}.test` })],
    ["the e-mail's local part", (s) => ({ adminEmail: `chief-officer@${s}.test`, adminPassword: 'Chief-Officer' })],
  ] as Array<[string, (slug: string) => Record<string, unknown>]>)('refuses a weak password: %s', async (_label, overrides) => {
    const s = slug();
    const error = expectError(await fx.expectNoWrites(() => signUp(s, '203.0.113.91', overrides(s))), 'BAD_USER_INPUT', 'WEAK_PASSWORD');
    expect(error.extensions?.fields).toMatchObject([{ field: 'adminPassword' }]);
  });

  // Control characters are refused in every text input before any resolver runs (the policy refuses them too, for callers inside).
  it.each([
    ['ten NULs', '\u0000'.repeat(10)],
    ['a control character', 'long enough\u0007'],
  ])('refuses a password with %s', async (_label, adminPassword) => {
    const s = slug();
    const error = expectError(
      await fx.expectNoWrites(() => signUp(s, '203.0.113.91', { adminPassword })),
      'BAD_USER_INPUT',
      'INVISIBLE_CHARACTERS',
    );
    expect(error.message).toContain('adminPassword');
  });

  it('applies the same policy when an admin sets a password', async () => {
    const t = await fx.tenant();
    const createUser = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';
    const updateUser = 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { id } }';
    const email = `clerk@${t.slug}.test`;
    const weak = await fx.expectNoWrites(() =>
      server.staff(createUser, { input: { email, name: 'Clerk', password: email, roles: ['OPERATOR'] } }, t.adminToken),
    );
    expect(expectError(weak, 'BAD_USER_INPUT', 'WEAK_PASSWORD').extensions?.fields).toMatchObject([{ field: 'password' }]);
    const user = ok(
      await server.staff(
        createUser,
        { input: { email, name: 'Clerk', password: 'a sound passphrase', roles: ['OPERATOR'] } },
        t.adminToken,
      ),
    );
    for (const password of ['', 'password123', ' '.repeat(12)]) {
      expectError(
        await fx.expectNoWrites(() => server.staff(updateUser, { input: { id: user.createUser.id, password } }, t.adminToken)),
        'BAD_USER_INPUT',
        'WEAK_PASSWORD',
      );
    }
    ok(await server.staff(updateUser, { input: { id: user.createUser.id, password: 'another sound one' } }, t.adminToken));
  });
});
