import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { startTestServer, ok, type TestServer } from './harness.js';
import { Fixtures, Q, complaintInput, type StaffFixture, type World } from './fixtures.js';
import { OpenSockets, WsClient } from './ws-client.js';

const SUB = 'subscription { myNotifications { id kind at actor { id } complaint { id number } } }';

let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
const sockets = new OpenSockets();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A staff member listening to their notifications. */
interface Listener {
  who: string;
  client: WsClient;
  id: string;
}
let listeners: Listener[];
let extra: { operator: StaffFixture; colleague: StaffFixture; outsider: StaffFixture; twin: StaffFixture; bOperator: StaffFixture };

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
  const specialist = a.staff.SPECIALIST;
  extra = {
    operator: await fx.staff(a.t, [Role.OPERATOR]),
    colleague: await fx.staff(a.t, [Role.SPECIALIST], [a.dept]),
    outsider: await fx.staff(a.t, [Role.SPECIALIST], [a.otherDept]),
    // Another company's user with the same e-mail local part as tenant A's specialist.
    twin: await fx.staff(b.t, [Role.SPECIALIST], [b.dept], `${specialist.email.split('@')[0]}@elsewhere.test`),
    bOperator: b.staff.OPERATOR,
  };
  const who: Array<[string, StaffFixture]> = [
    ['operator', a.staff.OPERATOR],
    ['operator2', extra.operator],
    ['specialist', specialist],
    ['colleague', extra.colleague],
    ['head', a.staff.HEAD],
    ['qm', a.staff.QUALITY_MANAGER],
    ['outsider', extra.outsider],
    ['twin', extra.twin],
    ['bOperator', extra.bOperator],
  ];
  listeners = await Promise.all(
    who.map(async ([name, s]) => {
      const client = await sockets.track(WsClient.staff(server.url, s.token));
      return { who: name, client, id: client.subscribe(SUB, {}) };
    }),
  );
  await Promise.all(listeners.map((l) => l.client.settle()));
});

afterAll(async () => {
  sockets.closeAll();
  await server?.close();
});

const listener = (who: string) => listeners.find((l) => l.who === who)!;

/** Every notification about `complaintId` each listener received, once `expected` ones arrived and a while more passed. */
async function received(complaintId: string, expected: Record<string, string[]>): Promise<Record<string, string[]>> {
  const of = (l: Listener) =>
    l.client
      .results(l.id)
      .map((r) => r.data?.myNotifications)
      .filter((n) => n?.complaint.id === complaintId);
  for (const [who, kinds] of Object.entries(expected)) {
    const l = listener(who);
    await l.client.waitFor(() => of(l).length >= kinds.length);
  }
  await pause(500);
  for (const l of listeners) expect(l.client.results(l.id).filter((r) => r.errors)).toEqual([]);
  return Object.fromEntries(listeners.map((l) => [l.who, of(l).map((n) => n.kind)]).filter(([, kinds]) => kinds.length));
}

async function portalComplaint(w: World) {
  const input = { ...complaintInput({ channel: undefined }), customer: { name: 'Anna', email: 'anna@example.com' } };
  const submitted = ok(await server.portal(Q.submit, { slug: w.t.slug, input })).submitComplaint;
  const [row] = await server.dataSource.query('SELECT id, version FROM complaints WHERE number = $1', [submitted.number]);
  return { ...submitted, id: row.id as string, version: row.version as number };
}

describe('myNotifications', () => {
  it('tells the operators of the company of a new complaint without a department, and nobody else', async () => {
    const c = await portalComplaint(a);
    expect(await received(c.id, { operator: ['NEW_IN_INBOX'], operator2: ['NEW_IN_INBOX'] })).toEqual({
      operator: ['NEW_IN_INBOX'],
      operator2: ['NEW_IN_INBOX'],
    });
  });

  it('tells the members of a department of a complaint registered into it, not its author nor other departments', async () => {
    const c = await fx.register(extra.operator.token, { channel: 'PHONE', departmentId: a.dept, categoryId: a.cat, demand: 'REFUND' });
    expect(await received(c.id, { specialist: ['NEW_IN_INBOX'], colleague: ['NEW_IN_INBOX'], head: ['NEW_IN_INBOX'] })).toEqual({
      specialist: ['NEW_IN_INBOX'],
      colleague: ['NEW_IN_INBOX'],
      head: ['NEW_IN_INBOX'],
    });
  });

  it('tells a user a complaint was assigned to them by someone else, with who did it; not when they take it themselves', async () => {
    const c = await fx.advance(a, await fx.register(a.staff.OPERATOR.token), Stage.REGISTERED);
    const assigned = ok(
      await server.staff(
        Q.assign,
        { input: { id: c.id, expectedVersion: c.version, assigneeId: a.staff.SPECIALIST.id } },
        a.staff.HEAD.token,
      ),
    ).assignComplaint;
    // Registered into the department by its head: new in its members' inbox; then assigned.
    expect(await received(c.id, { specialist: ['NEW_IN_INBOX', 'ASSIGNED_TO_ME'] })).toEqual({
      operator2: ['NEW_IN_INBOX'],
      specialist: ['NEW_IN_INBOX', 'ASSIGNED_TO_ME'],
      colleague: ['NEW_IN_INBOX'],
    });
    const [n] = listener('specialist')
      .client.results(listener('specialist').id)
      .map((r) => r.data.myNotifications)
      .filter((x) => x.complaint.id === c.id);
    expect(n).toMatchObject({ actor: { id: a.staff.HEAD.id }, complaint: { number: c.number } });

    ok(
      await server.staff(
        Q.assign,
        { input: { id: c.id, expectedVersion: assigned.version, assigneeId: a.staff.HEAD.id } },
        a.staff.HEAD.token,
      ),
    );
    expect(await received(c.id, {})).toEqual({
      operator2: ['NEW_IN_INBOX'],
      specialist: ['NEW_IN_INBOX', 'ASSIGNED_TO_ME'],
      colleague: ['NEW_IN_INBOX'],
    });
  });

  it('tells the assignee and the author of the last question that the customer answered, nobody else', async () => {
    const p = await portalComplaint(a);
    const registered = await fx.advance(a, { ...p, stage: Stage.RECEIVED } as never, Stage.REGISTERED);
    await fx.advance(a, registered, Stage.ANALYSIS, { assigneeId: extra.colleague.id });
    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: p.id, body: 'Could you send a photo?', visibility: 'PUBLIC', awaitCustomer: true } },
        a.staff.SPECIALIST.token,
      ),
    );
    await received(p.id, { operator: ['NEW_IN_INBOX'], colleague: ['NEW_IN_INBOX', 'ASSIGNED_TO_ME'] });
    ok(await server.portal(Q.reply, { number: p.number, token: p.accessToken, body: 'Here it is' }));
    expect(
      await received(p.id, {
        specialist: ['NEW_IN_INBOX', 'CUSTOMER_REPLIED'],
        colleague: ['NEW_IN_INBOX', 'ASSIGNED_TO_ME', 'CUSTOMER_REPLIED'],
      }),
    ).toEqual({
      operator: ['NEW_IN_INBOX'],
      operator2: ['NEW_IN_INBOX'],
      specialist: ['NEW_IN_INBOX', 'CUSTOMER_REPLIED'],
      colleague: ['NEW_IN_INBOX', 'ASSIGNED_TO_ME', 'CUSTOMER_REPLIED'],
    });
  });

  it('tells the users an internal note mentions by their e-mail name, in this company only; a public reply mentions nobody', async () => {
    const c = await fx.advance(a, await fx.register(a.staff.OPERATOR.token), Stage.REGISTERED);
    const name = (s: StaffFixture) => s.email.split('@')[0]!.toUpperCase();
    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: c.id, visibility: 'PUBLIC', body: `Dear customer, @${name(extra.outsider)} will call you.` } },
        a.staff.HEAD.token,
      ),
    );
    ok(
      await server.staff(
        Q.addMessage,
        {
          input: {
            complaintId: c.id,
            visibility: 'INTERNAL',
            body: `@${name(a.staff.SPECIALIST)}, please check; cc @${name(a.staff.HEAD)} (me) and ${extra.operator.email}.`,
          },
        },
        a.staff.HEAD.token,
      ),
    );
    expect(await received(c.id, { specialist: ['NEW_IN_INBOX', 'MENTIONED'] })).toEqual({
      operator2: ['NEW_IN_INBOX'],
      specialist: ['NEW_IN_INBOX', 'MENTIONED'],
      colleague: ['NEW_IN_INBOX'],
    });
  });

  it('tells the members of the department a complaint is moved into, not those of the one it left nor who moved it', async () => {
    const c = await fx.register(extra.operator.token, { channel: 'PHONE', departmentId: a.dept, categoryId: a.cat, demand: 'REFUND' });
    await received(c.id, { specialist: ['NEW_IN_INBOX'], colleague: ['NEW_IN_INBOX'], head: ['NEW_IN_INBOX'] });
    ok(await server.staff(Q.assign, { input: { id: c.id, expectedVersion: c.version, departmentId: a.otherDept } }, a.staff.HEAD.token));
    // Told it was moved in, not that it is new.
    expect(await received(c.id, { outsider: ['MOVED_TO_INBOX'] })).toEqual({
      specialist: ['NEW_IN_INBOX'],
      colleague: ['NEW_IN_INBOX'],
      head: ['NEW_IN_INBOX'],
      outsider: ['MOVED_TO_INBOX'],
    });
  });
});
