import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../../packages/server/test/ws-client.js';
import { available, startTopology, type Topology } from '../topology/topology.js';
import { staffData as gql } from './server-process.js';

/**
 * The production topology started from Debian's packages
 * (test/topology/topology.ts): HAProxy in front of two nodes, PgBouncer in
 * transaction mode behind them, the nodes connecting as a role that owns
 * nothing. Needs DATABASE_URL, pgbouncer and haproxy
 * (.ci/run installs them); skipped without.
 */
const REGISTER = `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id number } }`;
const STAGE_SUB = 'subscription { complaintStageChanged { to complaint { id } } }';
const complaint = (subject: string) => ({
  kind: 'CLAIM',
  channel: 'API',
  subject,
  description: 'It broke on the second day',
  customer: { name: 'Ivan Petrov', email: 'ivan@example.com' },
});

let topology: Topology;
const sockets: WsClient[] = [];

async function signUp(): Promise<string> {
  const slug = `topo-${Math.random().toString(36).slice(2, 8)}`;
  const data = await gql(topology.base, `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }`, {
    input: { slug, name: 'Topology Ltd', adminEmail: `admin@${slug}.test`, adminPassword: 'correct horse battery', adminName: 'Admin' },
  });
  return data.signUpTenant.token;
}

async function subscribe(base: string, token: string) {
  const socket = await WsClient.staff(base, token);
  sockets.push(socket);
  const id = socket.subscribe(STAGE_SUB);
  await socket.settle();
  return { socket, id };
}

describe.skipIf(!available())('HAProxy, two nodes, PgBouncer in transaction mode', () => {
  beforeAll(async () => {
    topology = await startTopology({ nodeEnv: { SHUTDOWN_READY_DELAY_MS: '1500', SHUTDOWN_DEADLINE_MS: '20000' } });
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await topology?.stop();
  });

  it('signs staff in through the balancer and carries a change made on one node to a subscriber on the other', async () => {
    const token = await signUp();
    const [a, b] = topology.nodes;
    const { socket, id } = await subscribe(b!.base, token);
    const made = (await gql(a!.base, REGISTER, { input: complaint('through PgBouncer') }, token)).registerComplaint;
    const [change] = await socket.waitForResults(id, 1, 5000);
    expect(change.data.complaintStageChanged).toEqual({ to: 'RECEIVED', complaint: { id: made.id } });
    // Through the balancer, requests land on both nodes (no sticky sessions) and all succeed.
    for (let i = 0; i < 6; i++) expect((await gql(topology.base, '{ me { email } }', {}, token)).me.email).toMatch(/^admin@/);
  });

  it('connects the nodes as a role that owns nothing, through PgBouncer and for LISTEN', async () => {
    const client = new pg.Client({ connectionString: topology.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT DISTINCT a.usename AS name, r.rolsuper AS super, (SELECT count(*) FROM pg_class WHERE relowner = r.oid)::int AS owned
           FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
          WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`,
      );
      expect(rows).toEqual([{ name: topology.nodeRole, super: false, owned: 0 }]);
    } finally {
      await client.end();
    }
    // The relay, the SLA scheduler and readiness ran all along as that role: none was refused anything.
    for (const node of topology.nodes) expect(node.output()).not.toMatch(/permission denied|must be owner|row-level security/);
  });

  it('loses no request and no event when a node is stopped with SIGTERM under load', async () => {
    const token = await signUp();
    const [doomed, survivor] = topology.nodes;
    const watcher = await subscribe(survivor!.base, token);
    const onDoomed = await subscribe(doomed!.base, token);

    let running = true;
    const registered: string[] = [];
    const failures: string[] = [];
    const worker = async (w: number) => {
      for (let i = 0; running; i++) {
        await gql(topology.base, REGISTER, { input: complaint(`load ${w}.${i}`) }, token).then(
          (d) => registered.push(d.registerComplaint.id),
          (e: Error) => failures.push(e.message),
        );
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    await new Promise((r) => setTimeout(r, 1000));

    const signalled = Date.now();
    const exited = new Promise<number | null>((resolve) => doomed!.child.once('exit', resolve));
    doomed!.child.kill('SIGTERM');
    // Readiness goes red at once, before the drain, while the node still answers.
    let red = false;
    while (!red && Date.now() - signalled < 1000) {
      red =
        (await fetch(`${doomed!.base}/readyz`).then(
          (r) => r.status,
          () => 0,
        )) === 503;
    }
    expect(red).toBe(true);
    expect(await exited).toBe(0);
    const stopMs = Date.now() - signalled;
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(registered.length).toBeGreaterThan(10);
    // Every committed change reaches the subscriber on the surviving node, once.
    const seen = await watcher.socket.waitForResults(watcher.id, registered.length, 15_000);
    expect(new Set(seen.map((r) => r.data.complaintStageChanged.complaint.id))).toEqual(new Set(registered));
    const client = new pg.Client({ connectionString: topology.databaseUrl });
    await client.connect();
    const { rows } = await client.query('SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished FROM outbox_events');
    await client.end();
    expect(rows[0].unpublished).toBe(0);

    // The subscriber on the stopped node was told to go (1001, going away); it reconnects through the
    // balancer (to the survivor), refetches what it missed, and hears the next change.
    expect((await onDoomed.socket.closed).code).toBe(1001);
    const again = await subscribe(topology.base, token);
    const listed = await gql(topology.base, '{ complaints(first: 1) { totalCount } }', {}, token);
    expect(listed.complaints.totalCount).toBe(registered.length);
    const next = (await gql(topology.base, REGISTER, { input: complaint('after the stop') }, token)).registerComplaint;
    const [heard] = await again.socket.waitForResults(again.id, 1, 5000);
    expect(heard.data.complaintStageChanged.complaint.id).toBe(next.id);
    console.log(
      `topology: ${registered.length} registrations through the balancer, 0 failed; SIGTERM to exit ${stopMs} ms (readiness delay 1500 ms)`,
    );
  });
});
