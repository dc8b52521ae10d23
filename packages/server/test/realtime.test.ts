import request from 'supertest';
import { MailLinks } from '../src/modules/mail/mail-links.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { UnitOfWork } from '../src/db/unit-of-work.js';
import { RequestContext } from '../src/graphql/context.js';
import { transitionComplaint } from '../src/modules/complaint/complaint.service.js';
import { appendTimeline } from '../src/modules/complaint/timeline.js';
import { startTestServer, ok, type TestServer } from './harness.js';
import { Fixtures, Q, complaintInput, pathTo, type ComplaintView, type World } from './fixtures.js';
import { OpenSockets, WsClient } from './ws-client.js';

const STAGE_SUB = `subscription($d: ID) { complaintStageChanged(departmentId: $d) {
  from to change departmentId previousDepartmentId actorKind actor { id }
  complaint { id number stage version department { id } allowedTransitions } } }`;
const SLA_SUB = `subscription($d: ID) { slaBreached(departmentId: $d) { kind clock dueAt at complaint { id number } } }`;
const UPDATED_SUB = `subscription($id: ID!) { complaintUpdated(id: $id) { id stage version messages { body visibility } } }`;
const PORTAL_SUB = `subscription($n: String!, $t: String!) { complaintStatusChanged(number: $n, accessToken: $t) {
  number stage stageLabel messages { body author } satisfaction } }`;

let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
const sockets = new OpenSockets();
const track = (c: Promise<WsClient>) => sockets.track(c);
const staffSocket = (token: string) => track(WsClient.staff(server.url, token));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
});

afterAll(async () => {
  sockets.closeAll();
  await server?.close();
});

/** A unit of work as the given staff member, publishing through the server's publisher when it commits. */
async function asStaff(w: World, role: Role, departmentIds: string[] = []) {
  const uow = new UnitOfWork(server.dataSource, server.app.realtime.publisher);
  await uow.enterTenant(w.t.tenantId);
  const actor = { userId: w.staff[role].id, tenantId: w.t.tenantId, roles: [role], departmentIds };
  return {
    uow,
    ctx: new RequestContext(w.t.tenantId, actor, await uow.manager(), uow, undefined, new MailLinks('x'.repeat(32), server.url)),
  };
}

async function registered(w: World): Promise<ComplaintView> {
  const c = await fx.register(w.staff.OPERATOR.token);
  return fx.advance(w, c, Stage.REGISTERED);
}

describe('the graphql-ws protocol', () => {
  it('closes a staff socket with 4403 for a bad token, a foreign signature, or none', async () => {
    for (const init of [{ authorization: 'Bearer not-a-token' }, { token: a.staff.ADMIN.token.slice(0, -4) + 'AAAA' }, {}]) {
      const client = await track(WsClient.open(server.url, '/graphql'));
      client.send({ type: 'connection_init', payload: init });
      expect((await client.closed).code).toBe(4403);
    }
  });

  it('closes with 4401 when a subscription comes before connection_init', async () => {
    const client = await track(WsClient.open(server.url, '/graphql'));
    client.subscribe(STAGE_SUB, { d: a.dept });
    expect((await client.closed).code).toBe(4401);
  });

  it('refuses a subscription the role may not open with an error, and the socket stays usable', async () => {
    const client = await staffSocket(a.staff.SPECIALIST.token);
    const refused = client.subscribe(SLA_SUB, { d: a.otherDept });
    const error = await client.waitFor((m) => m.id === refused && m.type === 'error');
    expect(error.payload[0].extensions.code).toBe('FORBIDDEN');
    // The ADMIN role alone belongs to no department: no alerts without naming one it may watch.
    const admin = await staffSocket(a.staff.ADMIN.token);
    const adminRefused = admin.subscribe(SLA_SUB, {});
    expect((await admin.waitFor((m) => m.id === adminRefused && m.type === 'error')).payload[0].extensions.code).toBe('FORBIDDEN');

    const allowed = client.subscribe(STAGE_SUB, { d: a.dept });
    await client.settle();
    const c = await registered(a);
    const [change] = await client.waitForResults(allowed, 1);
    expect(change.data.complaintStageChanged).toMatchObject({ from: 'RECEIVED', to: 'REGISTERED', complaint: { id: c.id } });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('refuses malformed documents, queries, unknown ids and bad ids with typed errors', async () => {
    const client = await staffSocket(a.staff.OPERATOR.token);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['subscription { nope }', {}, 'BAD_USER_INPUT'],
      ['subscription {', {}, 'BAD_USER_INPUT'],
      ['query { me { id } }', {}, 'BAD_USER_INPUT'],
      [STAGE_SUB, { d: 'not-an-id' }, 'BAD_USER_INPUT'],
      [STAGE_SUB, { d: randomUUID() }, 'NOT_FOUND'],
      [UPDATED_SUB, { id: randomUUID() }, 'NOT_FOUND'],
      ['subscription { a: complaintUpdated(id: "x") { id } b: complaintUpdated(id: "y") { id } }', {}, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, code] of cases) {
      const id = client.subscribe(query, variables);
      const error = await client.waitFor((m) => m.id === id && m.type === 'error');
      expect(error.payload[0].extensions.code, query).toBe(code);
    }
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('allows at most 50 subscriptions per socket, even when they arrive in one burst', async () => {
    const client = await staffSocket(a.staff.OPERATOR.token);
    const ids = Array.from({ length: 60 }, () => client.subscribe(STAGE_SUB, { d: a.dept }));
    await client.settle(300);
    const refused = client.messages.filter((m) => m.type === 'error' && ids.includes(m.id!));
    expect(refused).toHaveLength(10);
    expect(refused.every((m) => m.payload[0].extensions.code === 'RATE_LIMITED')).toBe(true);
  });

  it('closes the socket of a user deactivated meanwhile with 4403', async () => {
    const gone = await fx.staff(a.t, [Role.OPERATOR]);
    const client = await staffSocket(gone.token);
    ok(await server.staff(Q.updateUser, { input: { id: gone.id, active: false } }, a.t.adminToken));
    expect((await client.closed).code).toBe(4403);
    // A new socket with the same token is refused at connection_init.
    const again = await track(WsClient.open(server.url, '/graphql'));
    again.send({ type: 'connection_init', payload: { authorization: `Bearer ${gone.token}` } });
    expect((await again.closed).code).toBe(4403);
  });
});

describe('delivery', () => {
  it("announces every stage change of a complaint, in order, to the department's queue", async () => {
    const client = await staffSocket(a.staff.SPECIALIST.token);
    const id = client.subscribe(STAGE_SUB, { d: a.dept });
    await client.settle();
    let c = await fx.register(a.staff.OPERATOR.token);
    const path = pathTo(Stage.CLOSED);
    for (const next of path) c = await fx.advance(a, c, next);
    const results = await client.waitForResults(id, path.length);
    const mine = results.map((r) => r.data.complaintStageChanged).filter((s) => s.complaint.id === c.id);
    expect(mine.map((s) => s.to)).toEqual(path);
    expect(mine.map((s) => s.from)).toEqual([Stage.RECEIVED, ...path.slice(0, -1)]);
    expect(mine[0]).toMatchObject({
      change: 'MOVED',
      actorKind: 'STAFF',
      actor: { id: a.staff.HEAD.id },
      departmentId: a.dept,
      previousDepartmentId: null,
    });
    // The payload is the complaint as it is when delivered, seen with the subscriber's permissions.
    expect(mine.at(-1).complaint).toMatchObject({ stage: 'CLOSED', department: { id: a.dept } });
    expect(results.every((r) => !r.errors)).toBe(true);
  });

  it('announces a reassignment to the department it left and the one it joined', async () => {
    const [left, joined] = await Promise.all([staffSocket(a.staff.HEAD.token), staffSocket(a.staff.QUALITY_MANAGER.token)]);
    const leftId = left.subscribe(STAGE_SUB, { d: a.dept });
    const joinedId = joined.subscribe(STAGE_SUB, { d: a.otherDept });
    await Promise.all([left.settle(), joined.settle()]);
    const c = await registered(a);
    ok(await server.staff(Q.assign, { input: { id: c.id, expectedVersion: c.version, departmentId: a.otherDept } }, a.staff.HEAD.token));
    const moved = (await joined.waitForResults(joinedId, 1))[0].data.complaintStageChanged;
    expect(moved).toMatchObject({
      change: 'ASSIGNED',
      from: 'REGISTERED',
      to: 'REGISTERED',
      departmentId: a.otherDept,
      previousDepartmentId: a.dept,
    });
    await left.waitFor((m) => m.id === leftId && m.payload?.data?.complaintStageChanged?.change === 'ASSIGNED');
  });

  it('sends every change of one complaint, internal notes included, to complaintUpdated', async () => {
    const c = await registered(a);
    const client = await staffSocket(a.staff.QUALITY_MANAGER.token);
    const id = client.subscribe(UPDATED_SUB, { id: c.id });
    await client.settle();
    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: c.id, body: 'check the batch', visibility: 'INTERNAL' } },
        a.staff.HEAD.token,
      ),
    );
    const [update] = await client.waitForResults(id, 1);
    expect(update.data.complaintUpdated.messages).toEqual([{ body: 'check the batch', visibility: 'INTERNAL' }]);
  });

  it('delivers nothing for a transaction that wrote and then rolled back', async () => {
    const c = await registered(a);
    const client = await staffSocket(a.staff.HEAD.token);
    const id = client.subscribe(UPDATED_SUB, { id: c.id });
    await client.settle();
    const before = Number((await server.dataSource.query('SELECT count(*) AS n FROM outbox_events'))[0].n);

    const { uow, ctx } = await asStaff(a, Role.HEAD, [a.dept]);
    await transitionComplaint(ctx, {
      id: c.id,
      expectedVersion: c.version,
      to: Stage.ANALYSIS,
      assigneeId: a.staff.SPECIALIST.id,
    } as never);
    const [written] = await ctx.query('SELECT count(*) AS n FROM outbox_events WHERE complaint_id = $1', [c.id]);
    expect(Number(written!.n)).toBeGreaterThan(0); // the event row was written inside the transaction…
    await uow.finish(false); // …and goes with it

    expect(Number((await server.dataSource.query('SELECT count(*) AS n FROM outbox_events'))[0].n)).toBe(before);
    await pause(800);
    // Only the rolled-back change counts: the registration's own event may still arrive late on a loaded machine.
    const analysis = () => client.results(id).filter((r) => r.data.complaintUpdated.stage === 'ANALYSIS');
    expect(analysis()).toEqual([]);
    // The same change committed is delivered, once.
    await fx.advance(a, c, Stage.ANALYSIS);
    for (let i = 0; i < 50 && !analysis().length; i++) await pause(100);
    expect(analysis()).toHaveLength(1);
    await pause(300);
    expect(analysis()).toHaveLength(1);
  });

  it("delivers SLA alerts to the department's members and quality managers, not to other departments", async () => {
    const c = await registered(a);
    const outsider = await fx.staff(a.t, [Role.SPECIALIST], [a.otherDept]);
    const [member, overseer, other] = await Promise.all([
      staffSocket(a.staff.SPECIALIST.token),
      staffSocket(a.staff.QUALITY_MANAGER.token),
      staffSocket(outsider.token),
    ]);
    const ids = [member.subscribe(SLA_SUB, {}), overseer.subscribe(SLA_SUB, {}), other.subscribe(SLA_SUB, {})];
    await Promise.all([member.settle(), overseer.settle(), other.settle()]);

    const dueAt = new Date(Date.now() - 1000).toISOString();
    const { uow, ctx } = await asStaff(a, Role.HEAD, [a.dept]);
    await appendTimeline(ctx, { complaintId: c.id, type: 'SLA_BREACHED', data: { clock: 'SLA', dueAt }, detail: { clock: 'SLA', dueAt } });
    await uow.finish(true);

    for (const [client, id] of [
      [member, ids[0]],
      [overseer, ids[1]],
    ] as const) {
      const [alert] = await client.waitForResults(id!, 1);
      expect(alert.data.slaBreached).toMatchObject({ kind: 'BREACHED', clock: 'SLA', dueAt, complaint: { id: c.id, number: c.number } });
    }
    await pause(300);
    expect(other.results(ids[2]!)).toEqual([]);
  });

  it('executes a payload once per group of identical subscriptions, not once per subscriber', async () => {
    const clients = await Promise.all(Array.from({ length: 12 }, () => staffSocket(a.staff.OPERATOR.token)));
    const ids = clients.map((client) => client.subscribe(STAGE_SUB, { d: a.otherDept }));
    await Promise.all(clients.map((client) => client.settle()));
    const before = { ...server.app.realtime.hub!.stats };
    // Taken by phone straight into the other department: received and registered, two events.
    await fx.register(a.staff.OPERATOR.token, { channel: 'PHONE', departmentId: a.otherDept, categoryId: a.cat, demand: 'REFUND' });
    const results = await Promise.all(clients.map((client, i) => client.waitForResults(ids[i]!, 1)));
    expect(new Set(results.map((r) => JSON.stringify(r[0])))).toHaveProperty('size', 1);
    const stats = server.app.realtime.hub!.stats;
    // Other suites' subscribers in this tenant form other groups; these 12 are one.
    expect(stats.pushed - before.pushed).toBeGreaterThanOrEqual(12);
    expect(stats.executions - before.executions).toBeLessThan(stats.pushed - before.pushed);
  });
});

describe('the portal subscription', () => {
  it("refuses a wrong token or another complaint's token, and shows the right one only public changes", async () => {
    const input = { ...complaintInput({ channel: undefined }), customer: { name: 'Anna', email: 'anna@example.com' } };
    const mine = ok(await server.portal(Q.submit, { slug: a.t.slug, input })).submitComplaint;
    const theirs = ok(await server.portal(Q.submit, { slug: a.t.slug, input })).submitComplaint;
    const customer = await track(WsClient.open(server.url, '/portal/graphql', null));
    for (const t of ['x'.repeat(43), theirs.accessToken]) {
      const id = customer.subscribe(PORTAL_SUB, { n: mine.number, t });
      expect((await customer.waitFor((m) => m.id === id && m.type === 'error')).payload[0].extensions.code).toBe('NOT_FOUND');
    }
    const id = customer.subscribe(PORTAL_SUB, { n: mine.number, t: mine.accessToken });
    await customer.settle();
    const [complaint] = await server.dataSource.query('SELECT id, version FROM complaints WHERE number = $1', [mine.number]);

    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: complaint.id, body: 'SECRET supplier issue', visibility: 'INTERNAL' } },
        a.staff.HEAD.token,
      ),
    );
    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: complaint.id, body: 'Could you send a photo?', visibility: 'PUBLIC' } },
        a.staff.OPERATOR.token,
      ),
    );
    const [reply] = await customer.waitForResults(id, 1);
    expect(reply.data.complaintStatusChanged).toMatchObject({
      number: mine.number,
      stage: 'RECEIVED',
      messages: [{ body: 'Could you send a photo?', author: 'STAFF' }],
    });

    await fx.advance(a, { id: complaint.id, version: complaint.version, stage: Stage.RECEIVED } as ComplaintView, Stage.REGISTERED);
    const results = await customer.waitForResults(id, 2);
    expect(results[1].data.complaintStatusChanged).toMatchObject({ stage: 'REGISTERED' });
    await pause(300);
    expect(customer.results(id)).toHaveLength(2); // the internal note announced nothing
    expect(JSON.stringify(customer.messages)).not.toContain('SECRET');
  });
});

describe('the portal subscription under the anonymous request limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ anonymousRateLimitPerMinute: 30, trustedProxies: 1 });
  });
  afterAll(() => limited?.close());

  it('delivers every change: the payload of each event is not a request of the customer, nor of anyone else', async () => {
    const w = await new Fixtures(limited).world();
    const input = { ...complaintInput({ channel: undefined }), customer: { name: 'Anna', email: 'anna@example.com' } };
    // From an address of its own: two requests, the submission and the subscription.
    const headers = { 'x-forwarded-for': '203.0.113.40' };
    const submitted = await request(limited.url)
      .post('/portal/graphql')
      .set(headers)
      .send({ query: Q.submit, variables: { slug: w.t.slug, input } });
    const mine = submitted.body.data.submitComplaint;
    const customer = await track(WsClient.open(limited.url, '/portal/graphql', null, headers));
    const id = customer.subscribe(PORTAL_SUB, { n: mine.number, t: mine.accessToken });
    await customer.settle();
    const [complaint] = await limited.dataSource.query('SELECT id FROM complaints WHERE number = $1', [mine.number]);
    // More changes than any one address may make requests in a minute.
    const changes = 35;
    for (let i = 1; i <= changes; i++) {
      ok(
        await limited.staff(
          Q.addMessage,
          { input: { complaintId: complaint.id, body: `Answer ${i}`, visibility: 'PUBLIC' } },
          w.staff.OPERATOR.token,
        ),
      );
    }
    const results = await customer.waitForResults(id, changes);
    expect(results.filter((r) => r.errors)).toEqual([]);
    // Each payload is read when its event is delivered; the customer ends up seeing every message.
    await customer.waitFor((m) => m.id === id && m.payload?.data?.complaintStatusChanged?.messages?.length === changes);
  });
});

describe('tenant isolation', () => {
  it('gives a tenant B subscriber nothing of tenant A, whatever ids it guesses', async () => {
    const c = await registered(a);
    const watchA = await staffSocket(a.staff.QUALITY_MANAGER.token);
    const aId = watchA.subscribe(UPDATED_SUB, { id: c.id });
    const clients = await Promise.all([
      staffSocket(b.staff.QUALITY_MANAGER.token),
      staffSocket(b.staff.HEAD.token),
      staffSocket(b.t.adminToken),
    ]);
    const [bqm, bhead, badmin] = clients;
    const open = [
      bqm!.subscribe(STAGE_SUB, {}),
      bqm!.subscribe(SLA_SUB, {}),
      bhead!.subscribe(STAGE_SUB, { d: b.dept }),
      badmin!.subscribe(STAGE_SUB, {}),
    ];
    const guessed = [
      bqm!.subscribe(STAGE_SUB, { d: a.dept }),
      bqm!.subscribe(SLA_SUB, { d: a.dept }),
      bhead!.subscribe(UPDATED_SUB, { id: c.id }),
      badmin!.subscribe(STAGE_SUB, { d: randomUUID() }),
    ];
    for (const [i, id] of guessed.entries()) {
      const client = [bqm, bqm, bhead, badmin][i]!;
      expect((await client.waitFor((m) => m.id === id && m.type === 'error')).payload[0].extensions.code).toBe('NOT_FOUND');
    }
    await Promise.all(clients.map((client) => client!.settle()));

    // Tenant A: a whole lifecycle, a reassignment, messages and an SLA breach.
    let x = await fx.register(a.staff.OPERATOR.token);
    for (const next of pathTo(Stage.CLOSED)) x = await fx.advance(a, x, next);
    ok(await server.staff(Q.addMessage, { input: { complaintId: c.id, body: 'internal', visibility: 'INTERNAL' } }, a.staff.HEAD.token));
    ok(await server.staff(Q.assign, { input: { id: c.id, expectedVersion: c.version, departmentId: a.otherDept } }, a.staff.HEAD.token));
    const { uow, ctx } = await asStaff(a, Role.HEAD, [a.dept]);
    await appendTimeline(ctx, { complaintId: c.id, type: 'SLA_BREACHED', detail: { clock: 'LEGAL', dueAt: new Date().toISOString() } });
    await uow.finish(true);

    await watchA.waitForResults(aId, 3); // A's own subscriber got the note, the reassignment and the breach
    await pause(500);
    for (const client of clients) expect(client!.messages.filter((m) => m.type === 'next')).toEqual([]);
    expect(open).toHaveLength(4);
  });
});

describe('transport outages', () => {
  it.skipIf(server?.mode === 'embedded' || !process.env.DATABASE_URL)(
    'replays from the outbox what LISTEN/NOTIFY dropped while its connection was down, once',
    async () => {
      const client = await staffSocket(a.staff.QUALITY_MANAGER.token);
      const id = client.subscribe(STAGE_SUB, {});
      await client.settle();
      const [killed] = await server.dataSource.query(`SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
      WHERE application_name = 'reclaim-listen' AND datname = current_database()`);
      expect(Number(killed.n)).toBe(1);
      // Committed and notified while this node is not listening.
      const c = await fx.register(a.staff.OPERATOR.token);
      const [change] = await client.waitForResults(id, 1, 10_000);
      expect(change.data.complaintStageChanged.complaint.id).toBe(c.id);
      await pause(500);
      expect(client.results(id)).toHaveLength(1);
    },
  );
});

describe('socket lifetime', () => {
  it('closes a staff socket with 4403 when its token expires', async () => {
    // Three seconds: with one, the socket's handshake alone outlived the token in a full run on two loaded cores (closed before its ack).
    const shortLived = await startTestServer({ tokenTtlSeconds: 3 });
    try {
      const sfx = new Fixtures(shortLived);
      const t = await sfx.tenant();
      // Signed now, not when the company was made: on a loaded machine that can take longer than the token lives.
      const token = await sfx.token(t, t.adminId);
      const expiresAt = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
      const client = await WsClient.staff(shortLived.url, token);
      const closed = await client.closed;
      const at = Date.now();
      expect(closed.code).toBe(4403);
      // At the expiry the token names (whole seconds), not before it, and soon after.
      expect(at).toBeGreaterThanOrEqual(expiresAt - 50);
      expect(at - expiresAt).toBeLessThan(3000);
    } finally {
      await shortLived.close();
    }
  });

  it('on shutdown, completes subscriptions and closes sockets with 1001 so that clients go elsewhere', async () => {
    const node = await startTestServer();
    const nfx = new Fixtures(node);
    const t = await nfx.tenant();
    const client = await WsClient.staff(node.url, t.adminToken);
    const id = client.subscribe(STAGE_SUB, {});
    await client.settle();
    const closing = node.close();
    expect((await client.closed).code).toBe(1001);
    await closing;
    expect(client.messages.some((m) => m.id === id && m.type === 'complete')).toBe(true);
  });
});
