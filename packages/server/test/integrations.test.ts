import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, Q, complaintInput, expectError, type World } from './fixtures.js';
import { WsClient } from './ws-client.js';

/**
 * Integrations over HTTP: a key shown once and stored as a hash, its scopes
 * checked by the operations' own declarations, revocation, expiry, the IP
 * allowlist and departments, and a second company that sees nothing.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;

const CREATE = `mutation($input: CreateIntegrationInput!) {
  createIntegration(input: $input) { key integration { id name scopes keyPrefix departmentIds ipAllowlist lastUsedAt revokedAt } } }`;
const LIST = `{ integrations { id name keyPrefix lastUsedAt lastUsedAddress revokedAt } }`;
const REGISTER = `mutation($input: RegisterComplaintInput!) {
  registerComplaint(input: $input) { id number channel stage timeline { type actorKind actor { id } integrationName } } }`;

async function integration(w: World, input: Record<string, unknown>): Promise<{ id: string; key: string; keyPrefix: string }> {
  const made = ok(
    await server.staff(CREATE, { input: { name: `Shop ${Math.random().toString(36).slice(2, 8)}`, ...input } }, w.t.adminToken),
  );
  return {
    id: made.createIntegration.integration.id,
    key: made.createIntegration.key,
    keyPrefix: made.createIntegration.integration.keyPrefix,
  };
}

/** Tables' rows as text, read as the owner (no row-level security): to show that a refusal wrote nothing. */
const snapshot = async () =>
  Promise.all(
    ['integrations', 'complaints', 'messages', 'timeline_events', 'outbox_events', 'customers']
      // The outbox's publication time is set asynchronously after commit.
      .map(async (t) =>
        JSON.stringify(
          await server.dataSource.query(
            t === 'outbox_events'
              ? 'SELECT id, tenant_id, complaint_id, seq, type FROM outbox_events ORDER BY id'
              : `SELECT * FROM ${t} ORDER BY 1, 2`,
          ),
        ),
      ),
  );

async function refusedWithoutWrites(attempt: () => Promise<GqlResult>, code: string, reason?: string): Promise<void> {
  const before = await snapshot();
  expectError(await attempt(), code, reason);
  expect(await snapshot()).toEqual(before);
}

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
});
afterAll(() => server?.close());

describe('integration keys', () => {
  it('are shown once, stored only as their hash, and their last use is visible', async () => {
    const made = ok(
      await server.staff(CREATE, { input: { name: 'Web shop', scopes: ['READ_COMPLAINTS'] } }, a.t.adminToken),
    ).createIntegration;
    expect(made.key).toMatch(/^rk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(made.key.startsWith(`rk_${made.integration.keyPrefix}_`)).toBe(true);
    const [row] = await server.dataSource.query('SELECT * FROM integrations WHERE id = $1', [made.integration.id]);
    expect(row.key_hash).toEqual(createHash('sha256').update(made.key).digest());
    // The part after the prefix (base64url: it may hold '_' itself, so not split on it; a fragment of one letter was found in the row).
    const secret = made.key.slice(`rk_${made.integration.keyPrefix}_`.length);
    expect(JSON.stringify(await server.dataSource.query('SELECT * FROM integrations'))).not.toContain(secret);
    // The list never gives the key again.
    const listed = ok(await server.staff(LIST, {}, a.t.adminToken)).integrations.find((i: { id: string }) => i.id === made.integration.id);
    expect(listed).toMatchObject({ name: 'Web shop', lastUsedAt: null });
    expect(JSON.stringify(listed)).not.toContain(secret);

    ok(await server.staff('{ complaints(first: 5) { totalCount } }', {}, made.key));
    const used = ok(await server.staff(LIST, {}, a.t.adminToken)).integrations.find((i: { id: string }) => i.id === made.integration.id);
    expect(used.lastUsedAt).not.toBeNull();
    expect(used.lastUsedAddress).toMatch(/127\.0\.0\.1/);
  });

  it("register complaints on the API channel, idempotently, under the integration's name", async () => {
    const shop = await integration(a, { name: 'Kettle shop', scopes: ['REGISTER_COMPLAINTS', 'READ_COMPLAINTS'] });
    const input = complaintInput({ idempotencyKey: 'order-1001' });
    const first = ok(await server.staff(REGISTER, { input }, shop.key)).registerComplaint;
    const again = ok(await server.staff(REGISTER, { input }, shop.key)).registerComplaint;
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ channel: 'API', stage: 'RECEIVED' });
    expect(first.timeline[0]).toEqual({ type: 'RECEIVED', actorKind: 'INTEGRATION', actor: null, integrationName: 'Kettle shop' });
    // Staff see the same name on the timeline.
    const seen = ok(
      await server.staff(
        `query($id: ID) { complaint(id: $id) { timeline { actorKind integrationName } } }`,
        { id: first.id },
        a.staff.OPERATOR.token,
      ),
    );
    expect(seen.complaint.timeline[0]).toEqual({ actorKind: 'INTEGRATION', integrationName: 'Kettle shop' });
    // The same key with another complaint is a conflict; another integration's same key is its own.
    expectError(await server.staff(REGISTER, { input: { ...input, subject: 'Other' } }, shop.key), 'CONFLICT', 'IDEMPOTENCY_KEY_REUSED');
    const other = await integration(a, { scopes: ['REGISTER_COMPLAINTS'] });
    expect(ok(await server.staff(REGISTER, { input }, other.key)).registerComplaint.id).not.toBe(first.id);
    // Only on the API channel.
    await refusedWithoutWrites(() => server.staff(REGISTER, { input: complaintInput({ channel: 'PHONE' }) }, shop.key), 'BAD_USER_INPUT');
  });

  it("add messages under the integration's name with the scope", async () => {
    const crm = await integration(a, { name: 'CRM', scopes: ['REGISTER_COMPLAINTS', 'ADD_MESSAGES'] });
    const c = ok(await server.staff(REGISTER, { input: complaintInput() }, crm.key)).registerComplaint;
    ok(await server.staff(Q.addMessage, { input: { complaintId: c.id, body: 'Courier picked it up', visibility: 'PUBLIC' } }, crm.key));
    const seen = ok(
      await server.staff(
        `query($id: ID) { complaint(id: $id) { messages { authorKind author { id } integrationName body } } }`,
        { id: c.id },
        a.staff.OPERATOR.token,
      ),
    ).complaint;
    expect(seen.messages).toEqual([{ authorKind: 'INTEGRATION', author: null, integrationName: 'CRM', body: 'Courier picked it up' }]);
  });

  it('read the analysis with READ_ANALYSIS: the whole company, or the departments the key is limited to', async () => {
    const FUNNEL = `query($f: AnalysisFilterInput!) { funnel(filter: $f) { stage entered } }`;
    const f = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
    await fx.complaintAt(a, Stage.REGISTERED);
    const received = (data: { funnel: Array<{ stage: string; entered: number }> }) =>
      data.funnel.find((r) => r.stage === 'RECEIVED')!.entered;
    const all = received(ok(await server.staff(FUNNEL, { f }, a.staff.QUALITY_MANAGER.token)));
    const analyst = await integration(a, { scopes: ['READ_ANALYSIS'] });
    expect(received(ok(await server.staff(FUNNEL, { f }, analyst.key)))).toBe(all);
    const limited = await integration(a, { scopes: ['READ_ANALYSIS'], departmentIds: [a.otherDept] });
    expect(received(ok(await server.staff(FUNNEL, { f }, limited.key)))).toBe(0);
    const reader = await integration(a, { scopes: ['READ_COMPLAINTS'] });
    expect(expectError(await server.staff(FUNNEL, { f }, reader.key), 'FORBIDDEN', 'SCOPE_MISSING').extensions?.scope).toBe(
      'READ_ANALYSIS',
    );
  });

  it('without the scope are refused with SCOPE_MISSING and nothing is written', async () => {
    const reader = await integration(a, { scopes: ['READ_COMPLAINTS'] });
    const c = await fx.register(a.staff.OPERATOR.token);
    await refusedWithoutWrites(() => server.staff(REGISTER, { input: complaintInput() }, reader.key), 'FORBIDDEN', 'SCOPE_MISSING');
    const refused = await server.staff(Q.addMessage, { input: { complaintId: c.id, body: 'x', visibility: 'PUBLIC' } }, reader.key);
    expect(expectError(refused, 'FORBIDDEN', 'SCOPE_MISSING').extensions?.scope).toBe('ADD_MESSAGES');
    // Operations of staff members only (the lifecycle, one's own views, `me`) and the admin's are refused to every key.
    await refusedWithoutWrites(
      () =>
        server.staff(Q.transition, { input: { id: c.id, expectedVersion: c.version, to: 'REJECTED', rejectionReason: 'x' } }, reader.key),
      'FORBIDDEN',
      'SCOPE_MISSING',
    );
    expectError(await server.staff('{ me { id } }', {}, reader.key), 'FORBIDDEN', 'SCOPE_MISSING');
    expectError(await server.staff(LIST, {}, reader.key), 'FORBIDDEN', 'SCOPE_MISSING');
    await refusedWithoutWrites(
      () => server.staff(CREATE, { input: { name: 'Escalated', scopes: ['READ_COMPLAINTS'] } }, reader.key),
      'FORBIDDEN',
      'SCOPE_MISSING',
    );
  });

  it("with READ_COMPLAINTS read the departments' names, never the staff (names, e-mails, roles) or the company's settings", async () => {
    const reader = await integration(a, { scopes: ['READ_COMPLAINTS'] });
    // Complaints name their departments: their names are part of reading complaints.
    const names = ok(await server.staff('{ departments { id name } }', {}, reader.key)).departments.map((d: { id: string }) => d.id);
    expect(names).toContain(a.dept);
    for (const query of ['{ users { id name email roles } }', '{ tenant { id name slug locale } }']) {
      const refused = await server.staff(query, {}, reader.key);
      expect(refused.data ?? null).toBeNull();
      expect(expectError(refused, 'FORBIDDEN', 'SCOPE_MISSING').extensions?.scope).toBeNull();
    }
    // Staff still read both.
    expect(ok(await server.staff('{ users { email } tenant { slug } }', {}, a.staff.OPERATOR.token)).tenant.slug).toBe(a.t.slug);
  });

  it('with READ_COMPLAINTS see who acted on a complaint by name, never their e-mail, roles or departments', async () => {
    const reader = await integration(a, { scopes: ['READ_COMPLAINTS'] });
    const c = await fx.register(a.staff.OPERATOR.token);
    const actorOf = (fields: string) =>
      server.staff(`query($id: ID) { complaint(id: $id) { id timeline { actor { ${fields} } } } }`, { id: c.id }, reader.key);
    const named = ok(await actorOf('id name')).complaint.timeline[0].actor;
    expect(named).toEqual({ id: a.staff.OPERATOR.id, name: expect.any(String) });
    for (const field of ['email', 'roles', 'can', 'departments { id }']) {
      const refused = await actorOf(`id ${field}`);
      expect(JSON.stringify(refused.data)).not.toContain(a.staff.OPERATOR.email);
      expect(expectError(refused, 'FORBIDDEN', 'SCOPE_MISSING').extensions?.scope).toBeNull();
    }
    // Staff read them.
    expect(
      ok(
        await server.staff(
          `query($id: ID) { complaint(id: $id) { timeline { actor { email roles } } } }`,
          { id: c.id },
          a.staff.HEAD.token,
        ),
      ).complaint.timeline[0].actor.email,
    ).toBe(a.staff.OPERATOR.email);
  });

  it('revoked: refused from the next request on', async () => {
    const shop = await integration(a, { scopes: ['READ_COMPLAINTS', 'REGISTER_COMPLAINTS'] });
    ok(await server.staff('{ complaints(first: 1) { totalCount } }', {}, shop.key));
    ok(await server.staff(`mutation($id: ID!) { revokeIntegration(id: $id) { revokedAt } }`, { id: shop.id }, a.t.adminToken));
    await refusedWithoutWrites(() => server.staff(REGISTER, { input: complaintInput() }, shop.key), 'UNAUTHENTICATED', 'KEY_REVOKED');
  });

  it('expired, unknown or tampered: refused', async () => {
    const shop = await integration(a, { scopes: ['REGISTER_COMPLAINTS'], expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    await server.dataSource.query(`UPDATE integrations SET expires_at = now() - interval '1 second' WHERE id = $1`, [shop.id]);
    await refusedWithoutWrites(() => server.staff(REGISTER, { input: complaintInput() }, shop.key), 'UNAUTHENTICATED', 'KEY_EXPIRED');
    const fresh = await integration(a, { scopes: ['REGISTER_COMPLAINTS'] });
    const tampered = fresh.key.slice(0, -2) + (fresh.key.endsWith('AA') ? 'BB' : 'AA');
    await refusedWithoutWrites(() => server.staff(REGISTER, { input: complaintInput() }, tampered), 'UNAUTHENTICATED');
    await refusedWithoutWrites(
      () => server.staff(REGISTER, { input: complaintInput() }, `rk_${'0'.repeat(16)}_${'A'.repeat(43)}`),
      'UNAUTHENTICATED',
    );
    await refusedWithoutWrites(() => server.staff(REGISTER, { input: complaintInput() }, 'rk_short'), 'UNAUTHENTICATED');
    expectError(
      await server.staff(
        CREATE,
        { input: { name: 'Past', scopes: ['READ_COMPLAINTS'], expiresAt: new Date(Date.now() - 1000).toISOString() } },
        a.t.adminToken,
      ),
      'BAD_USER_INPUT',
    );
  });

  it('honour the IP allowlist (the test calls from 127.0.0.1)', async () => {
    const elsewhere = await integration(a, { scopes: ['REGISTER_COMPLAINTS'], ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    await refusedWithoutWrites(
      () => server.staff(REGISTER, { input: complaintInput() }, elsewhere.key),
      'FORBIDDEN',
      'ADDRESS_NOT_ALLOWED',
    );
    const here = await integration(a, { scopes: ['READ_COMPLAINTS'], ipAllowlist: ['127.0.0.0/8'] });
    ok(await server.staff('{ complaints(first: 1) { totalCount } }', {}, here.key));
    expectError(
      await server.staff(
        CREATE,
        { input: { name: 'Bad list', scopes: ['READ_COMPLAINTS'], ipAllowlist: ['10.0.0.0/33'] } },
        a.t.adminToken,
      ),
      'BAD_USER_INPUT',
    );
  });

  it('limited to departments: see and write only their complaints', async () => {
    const own = await fx.complaintAt(a, 'REGISTERED' as never);
    expect(own.department?.id).toBe(a.dept);
    const elsewhere = await integration(a, {
      scopes: ['READ_COMPLAINTS', 'ADD_MESSAGES', 'REGISTER_COMPLAINTS'],
      departmentIds: [a.otherDept],
    });
    expect(ok(await server.staff(`query($id: ID) { complaint(id: $id) { id } }`, { id: own.id }, elsewhere.key)).complaint).toBeNull();
    const listed = ok(await server.staff('{ complaints(first: 200) { edges { node { id department { id } } } } }', {}, elsewhere.key))
      .complaints.edges;
    expect(listed.every((e: { node: { department: { id: string } | null } }) => e.node.department?.id === a.otherDept)).toBe(true);
    await refusedWithoutWrites(
      () => server.staff(Q.addMessage, { input: { complaintId: own.id, body: 'x', visibility: 'PUBLIC' } }, elsewhere.key),
      'NOT_FOUND',
    );
    await refusedWithoutWrites(
      () => server.staff(REGISTER, { input: complaintInput({ departmentId: a.dept }) }, elsewhere.key),
      'BAD_USER_INPUT',
    );
    ok(await server.staff(REGISTER, { input: complaintInput({ departmentId: a.otherDept }) }, elsewhere.key));
  });

  it('cannot open a live socket (graphql-ws), limited to departments or not: events reach integrations by webhook', async () => {
    for (const departmentIds of [[a.otherDept], []]) {
      const reader = await integration(a, { scopes: ['READ_COMPLAINTS'], departmentIds });
      for (const init of [{ authorization: `Bearer ${reader.key}` }, { token: reader.key }]) {
        const socket = await WsClient.open(server.url, '/graphql');
        socket.send({ type: 'connection_init', payload: init });
        expect((await socket.closed).code).toBe(4403);
        expect(socket.messages.map((m) => m.type)).not.toContain('connection_ack');
      }
    }
  });

  it("limited to departments: a complaint's related complaints show none of other departments", async () => {
    const email = `shared-${Date.now()}@example.com`;
    const key = await integration(a, { scopes: ['READ_COMPLAINTS', 'REGISTER_COMPLAINTS'], departmentIds: [a.otherDept] });
    const mine = ok(
      await server.staff(REGISTER, { input: complaintInput({ departmentId: a.otherDept, customer: { name: 'Anna', email } }) }, key.key),
    ).registerComplaint;
    const theirs = ok(
      await server.staff(
        REGISTER,
        { input: complaintInput({ departmentId: a.dept, customer: { name: 'Anna', email } }) },
        a.staff.HEAD.token,
      ),
    ).registerComplaint;
    ok(
      await server.staff(
        `mutation($input: LinkComplaintsInput!) { linkComplaints(input: $input) { id } }`,
        { input: { complaintId: mine.id, otherComplaintId: theirs.id, kind: 'REPEAT' } },
        a.staff.HEAD.token,
      ),
    );
    const RELATED = `query($id: ID) { complaint(id: $id) { customerComplaints { id } links { complaint { id } } } }`;
    // Staff see both ways of being related…
    const seen = ok(await server.staff(RELATED, { id: mine.id }, a.staff.HEAD.token)).complaint;
    expect(seen.customerComplaints.map((c: { id: string }) => c.id)).toContain(theirs.id);
    expect(seen.links.map((l: { complaint: { id: string } }) => l.complaint.id)).toContain(theirs.id);
    // …the key limited to the other department sees neither.
    const viaKey = ok(await server.staff(RELATED, { id: mine.id }, key.key)).complaint;
    expect(viaKey).toEqual({ customerComplaints: [], links: [] });
  });

  it('of another company: see nothing of this one', async () => {
    const aKey = await integration(a, { scopes: ['READ_COMPLAINTS'] });
    const bKey = await integration(b, { scopes: ['READ_COMPLAINTS', 'ADD_MESSAGES'] });
    const c = await fx.register(a.staff.OPERATOR.token);
    expect(ok(await server.staff(`query($id: ID) { complaint(id: $id) { id } }`, { id: c.id }, bKey.key)).complaint).toBeNull();
    await refusedWithoutWrites(
      () => server.staff(Q.addMessage, { input: { complaintId: c.id, body: 'x', visibility: 'PUBLIC' } }, bKey.key),
      'NOT_FOUND',
    );
    const bList = ok(await server.staff(LIST, {}, b.t.adminToken)).integrations.map((i: { id: string }) => i.id);
    expect(bList).toContain(bKey.id);
    expect(bList).not.toContain(aKey.id);
    expectError(
      await server.staff(`mutation($id: ID!) { revokeIntegration(id: $id) { id } }`, { id: aKey.id }, b.t.adminToken),
      'NOT_FOUND',
    );
    // Row-level security: B's transaction sees only B's integrations.
    const rows = await fx.asTenant(b.t.tenantId, (m) => m.query('SELECT tenant_id FROM integrations'));
    expect(new Set(rows.map((r: { tenant_id: string }) => r.tenant_id))).toEqual(new Set([b.t.tenantId]));
  });

  it('are managed by the admin only', async () => {
    expectError(await server.staff(CREATE, { input: { name: 'Mine', scopes: ['READ_COMPLAINTS'] } }, a.staff.HEAD.token), 'FORBIDDEN');
    expectError(await server.staff(CREATE, { input: { name: 'No scopes', scopes: [] } }, a.t.adminToken), 'BAD_USER_INPUT');
  });
});

describe("integration keys' own request budget", () => {
  it('refuses a key past INTEGRATION_RATE_LIMIT_PER_MINUTE, leaving other keys alone', async () => {
    const limited = await startTestServer({ integrationRateLimitPerMinute: 3 });
    try {
      const lfx = new Fixtures(limited);
      const w = await lfx.world();
      const make = async () =>
        ok(await limited.staff(CREATE, { input: { name: `K ${Math.random()}`, scopes: ['READ_COMPLAINTS'] } }, w.t.adminToken))
          .createIntegration.key as string;
      const [one, two] = [await make(), await make()];
      for (let i = 0; i < 3; i++) ok(await limited.staff('{ complaints(first: 1) { totalCount } }', {}, one));
      expectError(await limited.staff('{ complaints(first: 1) { totalCount } }', {}, one), 'RATE_LIMITED');
      ok(await limited.staff('{ complaints(first: 1) { totalCount } }', {}, two));
    } finally {
      await limited.close();
    }
  });
});
