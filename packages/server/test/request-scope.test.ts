import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, PASSWORD, type TenantFixture } from './fixtures.js';
import { inTenant } from '../src/db/unit-of-work.js';

/** One request is one transaction in one company: operations that try to spread wider are refused. */
let server: TestServer;
let fx: Fixtures;
let alpha: TenantFixture;
let beta: TenantFixture;
const SUBMIT = (slug: string, alias: string) =>
  `${alias}: submitComplaint(tenantSlug: "${slug}", input: { kind: COMPLAINT, subject: "Late", description: "Two weeks late", customer: { name: "Olga", email: "olga@example.com" } }) { number }`;

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  alpha = await fx.tenant();
  beta = await fx.tenant();
});
afterAll(() => server?.close());

const count = (t: TenantFixture) =>
  inTenant(server.dataSource, t.tenantId, async (m) => Number((await m.query('SELECT count(*) AS n FROM complaints'))[0].n));

describe('one mutation, one company per request', () => {
  it('counts mutations inside fragments, and writes nothing', async () => {
    const inline = await server.portal(`mutation { ... on Mutation { ${SUBMIT(alpha.slug, 'a')} ${SUBMIT(beta.slug, 'b')} } }`);
    expect(inline.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_LIMIT' });
    const spread = await server.portal(
      `mutation { ...Both } fragment Both on Mutation { ${SUBMIT(alpha.slug, 'a')} ${SUBMIT(beta.slug, 'b')} }`,
    );
    expect(spread.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_LIMIT' });
    expect([await count(alpha), await count(beta)]).toEqual([0, 0]);
  });

  it('refuses to read two companies in one request instead of answering for the wrong one', async () => {
    const a = ok(await server.portal(`mutation { ${SUBMIT(alpha.slug, 's')} }`)).s;
    const r = await server.portal(`{ x: complaintStatus(number: "${a.number}", accessToken: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") { stage }
      y: complaintStatus(number: "${beta.slug.toUpperCase()}-2026-000001", accessToken: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") { stage } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('field resolvers follow the session being created', () => {
  it("signUpTenant and login can select the user's departments, whatever token is sent", async () => {
    const up = await server.staff(
      `mutation { signUpTenant(input: { slug: "gamma-co", name: "Gamma", adminEmail: "a@gamma.test", adminPassword: "${PASSWORD}", adminName: "A" }) { user { departments { id } } } }`,
    );
    expect(ok(up).signUpTenant.user.departments).toEqual([]);
    const login = await server.staff(
      `mutation { login(input: { tenantSlug: "${beta.slug}", email: "admin@${beta.slug}.test", password: "${PASSWORD}" }) { tenant { id } user { departments { id } } } }`,
      {},
      alpha.adminToken,
    );
    expect(ok(login).login.tenant.id).toBe(beta.tenantId);
  });
});

describe('errors', () => {
  it('an unknown or ambiguous operation is BAD_USER_INPUT', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { __typename } query B { __typename }' }),
    });
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('idempotency keys', () => {
  it("staff and portal keys never return each other's complaint", async () => {
    const op = await fx.staff(alpha, ['OPERATOR' as never]);
    const portal = ok(
      await server.portal(
        `mutation { s: submitComplaint(tenantSlug: "${alpha.slug}", input: { kind: COMPLAINT, subject: "Portal", description: "x", customer: { name: "P", email: "p@example.com" }, idempotencyKey: "key-12345" }) { number } }`,
      ),
    ).s;
    const staff = ok(
      await server.staff(
        `mutation { registerComplaint(input: { kind: CLAIM, channel: API, subject: "Staff", description: "x", customer: { name: "S", email: "s@example.com" }, idempotencyKey: "key-12345" }) { number subject } }`,
        {},
        op.token,
      ),
    ).registerComplaint;
    expect(staff.subject).toBe('Staff');
    expect(staff.number).not.toBe(portal.number);
  });
});
