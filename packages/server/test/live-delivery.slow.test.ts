import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, ok, type TestServer } from './harness.js';
import { Fixtures, Q, complaintInput, type World } from './fixtures.js';
import { OpenSockets, WsClient, closeAndWait, type WsMessage } from './ws-client.js';
import { countStatements } from './statement-counter.js';
import { DEFAULT_LIVE_LIMITS } from '../src/realtime/live-limits.js';

const STAGE_SUB = 'subscription { complaintStageChanged { to at complaint { id } } }';
/** The same subscription under a different alias: a distinct document, as an attacker would vary it. */
const aliased = (i: number) => `subscription { complaintStageChanged { a${i}: to complaint { id } } }`;
/** A heavier alias variant: the whole card, timeline and allowed transitions, as the console's queue might ask. */
const heavy = (i: number) => `subscription { complaintStageChanged { a${i}: to complaint {
  id number stage version allowedTransitions department { id name } timeline { type fromStage toStage actor { id name } } } } }`;
const PORTAL_SUB = `subscription($n: String!, $t: String!) { complaintStatusChanged(number: $n, accessToken: $t) {
  number stage messages { body author } } }`;

let server: TestServer;
let fx: Fixtures;
let hostile: World;
let victim: World;
const sockets = new OpenSockets();
const track = (c: Promise<WsClient>) => sockets.track(c);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorsOf = (c: WsClient) => c.messages.filter((m) => m.type === 'error');
const phoneIntake = (w: World) => ({ channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REFUND' });

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [hostile, victim] = await Promise.all([fx.world(), fx.world()]);
});

afterAll(async () => {
  sockets.closeAll();
  await server?.close();
});

describe('one company flooding live delivery', () => {
  it("caps a company at 200 distinct documents out of 2,000 alias variants; another company's event still arrives in under half the time the backlog would take; executions stop when the sockets close", async () => {
    const hub = server.app.realtime.hub!;
    // 5 staff members × 8 sockets × 50 alias-distinct subscriptions.
    const tokens = Object.values(hostile.staff).map((s) => s.token);
    const flood = await Promise.all(tokens.flatMap((token) => Array.from({ length: 8 }, () => track(WsClient.staff(server.url, token)))));
    flood.forEach((client, s) => {
      for (let j = 0; j < 50; j++) client.subscribe(heavy(s * 50 + j));
    });
    // graphql-ws answers nothing to an accepted subscription: wait until every one is either in the hub or refused.
    const deadline = Date.now() + 150_000;
    while (hub.size + flood.flatMap(errorsOf).length < 2000 && Date.now() < deadline) await pause(100);
    await pause(300);
    const refused = flood.flatMap(errorsOf);
    expect(refused.every((m) => m.payload[0].extensions.code === 'RATE_LIMITED')).toBe(true);
    expect(2000 - refused.length).toBe(200);
    expect(hub.size).toBe(200);
    expect(refused.some((m) => /per company/.test(m.payload[0].message))).toBe(true);

    const watcher = await track(WsClient.staff(server.url, victim.staff.QUALITY_MANAGER.token));
    const watchId = watcher.subscribe(STAGE_SUB);
    await watcher.settle();

    // Four hostile intakes: eight events, each executed for the 200 groups at the company's 50 a second. One
    // complaint's events are delivered in turn, so up to four (800 executions) wait at once, under the cap of
    // 1,000 that would end the subscriptions; meanwhile the company's staff keep reading complaints.
    const [seen] = await Promise.all([0, 1, 2, 3].map(() => fx.register(hostile.staff.OPERATOR.token, phoneIntake(hostile))));
    let reading = true;
    const reads = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (reading) await fx.get(hostile.staff.OPERATOR.token, seen.id);
      }),
    );
    for (const until = Date.now() + 30_000; hub.pending < 400 && Date.now() < until;) await pause(10);
    expect(hub.pending).toBeGreaterThanOrEqual(400);
    const backlog = hub.pending;
    const c = await fx.register(victim.staff.OPERATOR.token, phoneIntake(victim));
    const arrived = await watcher.waitFor(
      (m) => m.id === watchId && m.payload?.data?.complaintStageChanged?.complaint?.id === c.id,
      30_000,
    );
    // The victim's event overtook the backlog: the hostile company's executions were still waiting, its subscribers all there.
    const waiting = hub.pending;
    expect(hub.size).toBe(201);
    expect(waiting).toBeGreaterThan(0);
    // From the moment the change was written (the database's clock, on this machine) to the moment it arrived.
    const lag = watcher.arrivals[watcher.messages.indexOf(arrived)]! - Date.parse(arrived.payload.data.complaintStageChanged.at);
    reading = false;
    await reads;
    console.log(
      `victim event lag under the flood: ${lag} ms, with ${waiting} hostile executions still waiting; executed ${hub.stats.executions}, dropped ${hub.stats.dropped}`,
    );
    // Behind the backlog it would have waited at least backlog / 50 a second (8 s or more); it must come in under
    // half of that. The 1-second target is measured on a machine of its own by `pnpm bench:neighbours`
    // (docs/benchmarks.md): here other test files share the two cores (1,278 ms seen with the slow tier alone).
    expect(lag).toBeLessThan(((backlog / DEFAULT_LIVE_LIMITS.executionsPerSecondPerTenant) * 1000) / 2);
    expect(hub.stats.dropped).toBe(0);

    // Every hostile socket closes while hundreds of their executions wait.
    expect(hub.pending).toBeGreaterThan(100);
    await closeAndWait(flood);
    // The server has seen every close: only the victim's watcher is left in the hub.
    for (const until = Date.now() + 5000; hub.size > 1 && Date.now() < until;) await pause(20);
    expect(hub.size).toBe(1);
    const atClose = hub.stats.executions;
    await pause(1000);
    // At most the turns already running when the sockets closed (4 slots of 8); nothing waits any more.
    expect(hub.stats.executions - atClose).toBeLessThanOrEqual(32);
    expect(hub.pending).toBe(0);
    const quiet = hub.stats.executions;
    await fx.register(hostile.staff.OPERATOR.token, phoneIntake(hostile));
    await pause(500);
    expect(hub.stats.executions).toBe(quiet);
  }, 300_000);

  it('ends the subscriptions of a company whose queue is full (LIVE_QUEUE_FULL); subscribed again at once, they get the next events', async () => {
    // Two waiting executions at most, one a second: three intakes at once (six events) overflow the company's queue.
    const node = await startTestServer({ slaScheduler: false, live: { pendingExecutionsPerTenant: 2, executionsPerSecondPerTenant: 1 } });
    const clients: WsClient[] = [];
    try {
      const nfx = new Fixtures(node);
      const [w, other] = await Promise.all([nfx.world(), nfx.world()]);
      const hub = node.app.realtime.hub!;
      const [client, watcher] = await Promise.all([
        WsClient.staff(node.url, w.staff.HEAD.token),
        WsClient.staff(node.url, other.staff.HEAD.token),
      ]);
      clients.push(client, watcher);
      const first = client.subscribe(STAGE_SUB);
      const watchId = watcher.subscribe(STAGE_SUB);
      await Promise.all([client.settle(), watcher.settle()]);
      await Promise.all([0, 1, 2].map(() => nfx.register(w.staff.OPERATOR.token, phoneIntake(w))));
      const ended = await client.waitFor((m) => m.id === first && !!m.payload?.errors, 10_000);
      expect(ended.payload.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'LIVE_QUEUE_FULL' });
      expect(hub.stats.dropped).toBeGreaterThan(0);
      // Nobody waits for the ended subscription's executions: they no longer hold the company's places.
      expect(hub.pending).toBe(0);
      // Subscribed again, as the error says: the next intake's events arrive, not another refusal.
      const again = client.subscribe(STAGE_SUB);
      await client.settle();
      const c = await nfx.register(w.staff.OPERATOR.token, phoneIntake(w));
      const caught = await client.waitForResults(again, 2, 10_000);
      expect(caught.map((r) => r.errors)).toEqual([undefined, undefined]);
      expect(caught.map((r) => r.data.complaintStageChanged.complaint.id)).toEqual([c.id, c.id]);
      // Another company's events were never held back by it.
      const theirs = await nfx.register(other.staff.OPERATOR.token, phoneIntake(other));
      await watcher.waitFor((m) => m.id === watchId && m.payload?.data?.complaintStageChanged?.complaint?.id === theirs.id, 5000);
    } finally {
      await closeAndWait(clients);
      await node.close();
    }
  });

  it('shares one group among documents that differ only in formatting, comments or operation name; alias variants get their own shape', async () => {
    const hub = server.app.realtime.hub!;
    const w = await fx.world();
    const plain = await track(WsClient.staff(server.url, w.staff.HEAD.token));
    const variants = [
      'subscription { complaintStageChanged { to complaint { id } } }',
      '# the queue\nsubscription Queue {\n  complaintStageChanged {\n    to\n    complaint { id }\n  }\n}',
      'subscription Other { complaintStageChanged { to complaint { id } } }',
    ];
    const ids = variants.map((q) => plain.subscribe(q));
    const aliasId = plain.subscribe(aliased(1));
    await plain.settle();
    expect(errorsOf(plain)).toEqual([]);
    const before = hub.stats.executions;
    const c = await fx.register(w.staff.OPERATOR.token);
    const results = await Promise.all(ids.map((id) => plain.waitForResults(id, 1)));
    const [aliasResult] = await plain.waitForResults(aliasId, 1);
    for (const [r] of results) expect(r.data.complaintStageChanged).toEqual({ to: 'RECEIVED', complaint: { id: c.id } });
    expect(aliasResult.data.complaintStageChanged).toEqual({ a1: 'RECEIVED', complaint: { id: c.id } });
    // One execution for the three spellings, one for the alias variant.
    expect(hub.stats.executions - before).toBe(2);
  });
});

describe('a burst of subscribe messages', () => {
  it('opens the feeds of only as many subscriptions as the caps admit, though all arrive before any has joined', async () => {
    const node = await startTestServer({ slaScheduler: false, live: { groupsPerTenant: 5 } });
    try {
      const w = await new Fixtures(node).world();
      const client = await WsClient.staff(node.url, w.staff.HEAD.token);
      const counter = countStatements(node.dataSource);
      // Sent in one go: each feed opens in a unit of work, so none has joined the hub when the last one arrives.
      for (let i = 0; i < 40; i++) client.subscribe(aliased(i));
      const hub = node.app.realtime.hub!;
      for (const until = Date.now() + 20_000; hub.size + errorsOf(client).length < 40 && Date.now() < until;) await pause(20);
      expect({ joined: hub.size, refused: errorsOf(client).length }).toEqual({ joined: 5, refused: 35 });
      // Units of work begun: one per feed opened (the five admitted), none for the refused.
      const units = counter.texts.filter((t) => /^START TRANSACTION/.test(t)).length;
      counter.stop();
      expect(units).toBe(5);
      client.close();
    } finally {
      await node.close();
    }
  });
});

describe('anonymous portal sockets', () => {
  it('accepts at most 20 sockets from one address (4429 beyond), and one more once one closes', async () => {
    const open = await Promise.all(Array.from({ length: 20 }, () => track(WsClient.open(server.url, '/portal/graphql', null))));
    const extra = await track(WsClient.open(server.url, '/portal/graphql'));
    const closed = await extra.closed;
    expect(closed).toEqual({ code: 4429, reason: 'too many connections from this address' });
    open[0]!.close();
    await open[0]!.closed;
    await pause(50);
    const again = await track(WsClient.open(server.url, '/portal/graphql', null));
    expect(again.socket.readyState).toBe(again.socket.OPEN);
    await closeAndWait([...open, again]);
  });
});

describe('staff sockets', () => {
  it('accepts at most 20 per user (4429 at connection_init beyond), and signed-in sockets do not use up their address', async () => {
    const token = victim.staff.SPECIALIST.token;
    const open = await Promise.all(Array.from({ length: 20 }, () => track(WsClient.staff(server.url, token))));
    const extra = await track(WsClient.open(server.url, '/graphql'));
    extra.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    expect((await extra.closed).code).toBe(4429);
    // Twenty signed-in sockets from 127.0.0.1, yet a portal socket from there is still accepted.
    const portal = await track(WsClient.open(server.url, '/portal/graphql', null));
    expect(portal.socket.readyState).toBe(portal.socket.OPEN);
    await closeAndWait([...open, portal]);
  });
});

describe('sockets that stop reading', () => {
  it('closes 200 portal sockets that stop reading long public replies, and keeps RSS growth bounded', async () => {
    // Behind a trusted proxy, each socket has an address of its own: only the per-socket and node budgets stop them.
    const node = await startTestServer({ trustedProxies: 1 });
    const clients: WsClient[] = [];
    try {
      const nfx = new Fixtures(node);
      const w = await nfx.world();
      const input = { ...complaintInput({ channel: undefined }), customer: { name: 'Anna', email: 'anna@example.com' } };
      const submitted = ok(await node.portal(Q.submit, { slug: w.t.slug, input })).submitComplaint;
      const [complaint] = await node.dataSource.query('SELECT id FROM complaints WHERE number = $1', [submitted.number]);
      for (let i = 0; i < 200; i += 20) {
        clients.push(
          ...(await Promise.all(
            Array.from({ length: 20 }, (_, k) =>
              WsClient.open(node.url, '/portal/graphql', null, { 'x-forwarded-for': `10.9.${i}.${k + 1}` }),
            ),
          )),
        );
      }
      const ids = clients.map((client) => client.subscribe(PORTAL_SUB, { n: submitted.number, t: submitted.accessToken }));
      await Promise.all(clients.map((client) => client.settle(0, 60_000)));
      expect(clients.flatMap(errorsOf) as WsMessage[]).toEqual([]);
      // They stop reading: what the server sends piles up in its buffers.
      for (const client of clients) (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const rssBefore = process.memoryUsage.rss();
      let rssPeak = rssBefore;
      const body = 'Please find the details of our decision below. '.repeat(210).slice(0, 10_000);
      let replies = 0;
      const t0 = Date.now();
      // Ten replies at a time, as a busy team would post them: faster than the keep-alive notices anything.
      for (; replies < 40 && node.app.realtime.socketCount() > 0; replies += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async () =>
            ok(
              await node.staff(Q.addMessage, { input: { complaintId: complaint.id, body, visibility: 'PUBLIC' } }, w.staff.OPERATOR.token),
            ),
          ),
        );
        rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      }
      // What the kernel's socket buffers took is invisible to the server: those sockets go when they miss the keep-alive pong (12 s).
      const deadline = Date.now() + 40_000;
      while (node.app.realtime.socketCount() > 0 && Date.now() < deadline) {
        rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
        await pause(100);
      }
      const growth = rssPeak - rssBefore;
      console.log(
        `slow readers: ${replies} replies, ${node.app.realtime.unsent.closed} closed for unsent bytes, all closed after ${Date.now() - t0} ms; RSS growth at peak ${(growth / 2 ** 20).toFixed(0)} MiB`,
      );
      expect(node.app.realtime.socketCount()).toBe(0);
      expect(node.app.realtime.unsent.closed).toBeGreaterThan(0);
      // The node's budget of unsent bytes is 64 MiB; with the serialised payloads and garbage not yet
      // collected, growth stays well under 160 MiB (without the budgets, 200 readers held over 500 MiB).
      expect(growth).toBeLessThan(160 * 2 ** 20);
      expect(ids).toHaveLength(200);
    } finally {
      for (const client of clients) client.socket.terminate();
      await node.close();
    }
  }, 180_000);
});
