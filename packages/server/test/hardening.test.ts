import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, complaintInput, expectError, type TenantFixture } from './fixtures.js';
import { WsClient } from './ws-client.js';

let server: TestServer;
let fx: Fixtures;
let t: TenantFixture;
beforeAll(async () => {
  server = await startTestServer({ operatorToken: 'operator-secret' });
  fx = new Fixtures(server);
  t = await fx.tenant();
});
afterAll(() => server?.close());
afterEach(() => vi.restoreAllMocks());

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe('in production', () => {
  let production: TestServer;
  beforeAll(async () => {
    production = await startTestServer({ production: true });
  });
  afterAll(() => production?.close());

  it('refuses introspection and gives no "did you mean" suggestions', async () => {
    expectError(await production.staff(INTROSPECTION), 'BAD_USER_INPUT');
    expectError(await production.portal('{ __type(name: "PortalComplaint") { name } }'), 'BAD_USER_INPUT');
    const typo = await production.portal('{ complaintStatu(number: "x", accessToken: "y") { stage } }');
    expect(expectError(typo, 'BAD_USER_INPUT').message).not.toMatch(/did you mean|complaintStatus/i);
    const ws = await WsClient.open(production.url, '/portal/graphql', null);
    try {
      const id = ws.subscribe('subscription { complaintStatusChange(number: "x", accessToken: "y") { stage } }');
      const error = await ws.waitFor((m) => m.id === id && m.type === 'error');
      expect(error.payload[0].message).not.toMatch(/did you mean|complaintStatusChanged/i);
    } finally {
      ws.close();
    }
  });

  it('allows both with GRAPHQL_INTROSPECTION=1, as outside production', async () => {
    const open = await startTestServer({ production: true, graphqlIntrospection: true });
    try {
      expect(ok(await open.staff(INTROSPECTION)).__schema.queryType.name).toBe('Query');
      expect(
        expectError(await open.portal('{ complaintStatu(number: "x", accessToken: "y") { stage } }'), 'BAD_USER_INPUT').message,
      ).toMatch(/Did you mean/);
    } finally {
      await open.close();
    }
    expect(ok(await server.staff(INTROSPECTION)).__schema.queryType.name).toBe('Query');
  });
});

describe('requests that are wrong, not the server', () => {
  it('a persisted query whose hash does not match its text is BAD_USER_INPUT, and nothing is logged', async () => {
    const logged = vi.spyOn(console, 'error');
    const res = await request(server.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' });
    expect(logged).not.toHaveBeenCalled();
  });

  it('a cursor dated year 275760 is BAD_USER_INPUT, and nothing is logged', async () => {
    const logged = vi.spyOn(console, 'error');
    const cursor = Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])).toString(
      'base64url',
    );
    const res = await server.staff('query($after: String) { complaints(after: $after) { totalCount } }', { after: cursor }, t.adminToken);
    expect(expectError(res, 'BAD_USER_INPUT').message).toBe('invalid cursor');
    expect(logged).not.toHaveBeenCalled();
  });
});

describe('text with hidden characters', () => {
  const count = async () => Number((await fx.asTenant(t.tenantId, (m) => m.query('SELECT count(*) AS n FROM complaints')))[0].n);

  it('is refused in every input, from variables or literals, and nothing is written', async () => {
    const before = await count();
    for (const [field, text] of [
      ['subject', 'Refund\u200B please'],
      ['description', 'total \u202Eexe.fdp'],
      ['product', 'Kettle\u2066K-2\u2069'],
      ['orderRef', '\uFEFFSO-17'],
    ] as const) {
      const res = await server.staff(Q.register, { input: complaintInput({ [field]: text }) }, t.adminToken);
      expect(expectError(res, 'BAD_USER_INPUT', 'INVISIBLE_CHARACTERS').message).toContain(`$input.${field}`);
      expect(expectError(res, 'BAD_USER_INPUT', 'INVISIBLE_CHARACTERS').extensions?.fields).toEqual([
        { field: `input.${field}`, reason: 'INVISIBLE_CHARACTERS' },
      ]);
    }
    const literal = await server.staff('mutation { createDepartment(input: { name: "Sales\u200D" }) { id } }', {}, t.adminToken);
    expect(expectError(literal, 'BAD_USER_INPUT', 'INVISIBLE_CHARACTERS').message).toContain('a string literal');
    expectError(
      await server.portal(Q.submit, {
        slug: t.slug,
        input: { kind: 'CLAIM', subject: 'Broken', description: 'It broke\u2067', customer: { name: 'Vera', email: 'vera@example.com' } },
      }),
      'BAD_USER_INPUT',
      'INVISIBLE_CHARACTERS',
    );
    expect(await count()).toBe(before);
  });

  it('allows line breaks, tabs and emoji written with joiners', async () => {
    const c = ok(await server.staff(Q.register, { input: complaintInput({ description: 'Line one\n\tLine two 👩‍💻 👍🏽' }) }, t.adminToken));
    expect(c.registerComplaint.id).toBeTruthy();
  });
});

describe('an idempotency key', () => {
  it('with the same complaint returns the first; with a different one is a CONFLICT, and nothing is written', async () => {
    const key = `key-${Date.now()}`;
    const first = ok(await server.staff(Q.register, { input: complaintInput({ idempotencyKey: key }) }, t.adminToken)).registerComplaint;
    // The same complaint, written differently (padding, key order, a null for an absent field).
    const same = {
      customer: { email: 'ivan@example.com', name: ' Ivan Petrov' },
      ...complaintInput({ idempotencyKey: key, product: null }),
    };
    expect(ok(await server.staff(Q.register, { input: same }, t.adminToken)).registerComplaint.id).toBe(first.id);
    const before = await fx.asTenant(t.tenantId, (m) => m.query('SELECT count(*)::int AS n FROM complaints'));
    const other = await server.staff(
      Q.register,
      { input: complaintInput({ idempotencyKey: key, subject: 'A different problem' }) },
      t.adminToken,
    );
    expectError(other, 'CONFLICT', 'IDEMPOTENCY_KEY_REUSED');
    expect(await fx.asTenant(t.tenantId, (m) => m.query('SELECT count(*)::int AS n FROM complaints'))).toEqual(before);
  });

  it('on the portal, too', async () => {
    const input = (description: string) => ({
      kind: 'CLAIM',
      subject: 'Broken zipper',
      description,
      idempotencyKey: 'portal-key-1',
      customer: { name: 'Vera', email: 'vera@example.com' },
    });
    ok(await server.portal(Q.submit, { slug: t.slug, input: input('It broke') }));
    expectError(await server.portal(Q.submit, { slug: t.slug, input: input('It broke') }), 'BAD_USER_INPUT');
    expectError(await server.portal(Q.submit, { slug: t.slug, input: input('Something else') }), 'CONFLICT', 'IDEMPOTENCY_KEY_REUSED');
  });
});

describe('/healthz', () => {
  it('tells the public the status only', async () => {
    const res = await request(server.url).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it("gives the figures at /healthz/details to the operators' token only", async () => {
    expect((await request(server.url).get('/healthz/details')).status).toBe(404);
    expect((await request(server.url).get('/healthz/details').set('authorization', 'Bearer wrong')).status).toBe(404);
    const res = await request(server.url).get('/healthz/details').set('authorization', 'Bearer operator-secret');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      sockets: expect.any(Number),
      subscriptions: expect.any(Number),
      rssBytes: expect.any(Number),
    });
  });

  it('has no details without OPERATOR_TOKEN', async () => {
    const plain = await startTestServer();
    try {
      expect((await request(plain.url).get('/healthz/details').set('authorization', 'Bearer ')).status).toBe(404);
      expect((await request(plain.url).get('/healthz/details').set('authorization', 'Bearer undefined')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
