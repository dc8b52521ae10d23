import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createTestApp, startTestServer, errorCode, ok, type TestServer } from './harness.js';
import type { App } from '../src/app.js';
import { Role } from '../src/auth/roles.js';
import { Fixtures, Q, type World } from './fixtures.js';
import { OpenSockets, WsClient } from './ws-client.js';

const ME = '{ me { id } }';
const STAGE_SUB = 'subscription { complaintStageChanged { to complaint { id } } }';

let server: TestServer;
let fx: Fixtures;
let w: World;
const sockets = new OpenSockets();
const jwtSecret = randomBytes(32).toString('hex');

beforeAll(async () => {
  server = await startTestServer({ jwtSecret });
  fx = new Fixtures(server);
  w = await fx.world();
});

afterAll(async () => {
  sockets.closeAll();
  await server?.close();
});

const socket = (url: string, token: string) => sockets.track(WsClient.staff(url, token));

describe('tokens end when credentials change', () => {
  it('refuses the token signed before a password change; a new sign-in works', async () => {
    const user = await fx.staff(w.t, [Role.OPERATOR]);
    ok(await server.staff(ME, {}, user.token));
    ok(await server.staff(Q.updateUser, { input: { id: user.id, password: 'another long passphrase' } }, w.t.adminToken));
    const refused = await server.staff(ME, {}, user.token);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors![0]!.message).toMatch(/sign in again/);
    ok(await server.staff(ME, {}, await fx.login(w.t.slug, user.email, 'another long passphrase')));
  });

  it('ends the token on a role or department change, not on a change of name or a repeat of the same roles', async () => {
    const user = await fx.staff(w.t, [Role.SPECIALIST], [w.dept]);
    ok(
      await server.staff(
        Q.updateUser,
        { input: { id: user.id, name: 'Renamed', roles: [Role.SPECIALIST], departmentIds: [w.dept] } },
        w.t.adminToken,
      ),
    );
    ok(await server.staff(ME, {}, user.token));
    ok(await server.staff(Q.updateUser, { input: { id: user.id, departmentIds: [w.otherDept] } }, w.t.adminToken));
    expect(errorCode(await server.staff(ME, {}, user.token))).toBe('UNAUTHENTICATED');
    const second = await fx.login(w.t.slug, user.email);
    ok(await server.staff(Q.updateUser, { input: { id: user.id, roles: [Role.HEAD] } }, w.t.adminToken));
    expect(errorCode(await server.staff(ME, {}, second))).toBe('UNAUTHENTICATED');
  });

  it('closes the open sockets of a user whose password changed with 4403, and refuses the old token on a new socket', async () => {
    const user = await fx.staff(w.t, [Role.OPERATOR]);
    const [one, two] = await Promise.all([socket(server.url, user.token), socket(server.url, user.token)]);
    one.subscribe(STAGE_SUB);
    await one.settle();
    const bystander = await socket(server.url, w.staff.OPERATOR.token);
    ok(await server.staff(Q.updateUser, { input: { id: user.id, password: 'another long passphrase' } }, w.t.adminToken));
    expect((await one.closed).code).toBe(4403);
    expect((await two.closed).code).toBe(4403);
    const again = await sockets.track(WsClient.open(server.url, '/graphql'));
    again.send({ type: 'connection_init', payload: { authorization: `Bearer ${user.token}` } });
    expect((await again.closed).code).toBe(4403);
    // Someone else's socket is untouched.
    await bystander.settle(50);
    expect(bystander.socket.readyState).toBe(bystander.socket.OPEN);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('on two nodes over LISTEN/NOTIFY', () => {
  let second: App;
  let secondUrl: string;

  beforeAll(async () => {
    second = await createTestApp(server.dataSource, {
      jwtSecret,
      pubsub: 'postgres',
      databaseUrl: server.databaseUrl,
      slaScheduler: false,
    });
    await new Promise<void>((resolve) => second.server.listen(0, '127.0.0.1', resolve));
    secondUrl = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await second?.close();
  });

  it("closes a deactivated user's subscription socket on the other node", async () => {
    const user = await fx.staff(w.t, [Role.OPERATOR]);
    const client = await socket(secondUrl, user.token);
    const id = client.subscribe(STAGE_SUB);
    await client.settle();
    // Delivered on the second node before: the subscription streams.
    const before = await fx.register(w.staff.OPERATOR.token);
    await client.waitFor((m) => m.id === id && m.payload?.data?.complaintStageChanged?.complaint?.id === before.id);
    // Deactivated through the first node.
    ok(await server.staff(Q.updateUser, { input: { id: user.id, active: false } }, w.t.adminToken));
    const closed = await client.closed;
    expect(closed.code).toBe(4403);
    const after = await fx.register(w.staff.OPERATOR.token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(JSON.stringify(client.messages)).not.toContain(after.id);
  });
});
