import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { embeddedEnv, gql, serverDist, startServerProcess } from './server-process.js';

/**
 * The node's start and stop as an operator sees them, on the built server
 * (embedded mode, so it needs nothing else): settings refused by name, and
 * a SIGTERM that turns readiness red before the drain while the node still
 * answers, then exits.
 */
const embedded = () => embeddedEnv({ DEMO_DATA: '0', LOG_LEVEL: 'info', LOG_PRETTY: '0' });

describe('start', () => {
  it('refuses wrong settings, naming each variable, before anything starts', async () => {
    const child = spawn(process.execPath, [`${serverDist}main.js`], {
      env: { ...embedded(), PORT: 'eighty', DB_POOL_SIZE: '0', SLA_SCHEDULER: 'perhaps' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/^ {2}PORT: /m);
    expect(err).toMatch(/^ {2}DB_POOL_SIZE: must be at least 1, got "0"/m);
    expect(err).toMatch(/^ {2}SLA_SCHEDULER: expected true or false/m);
  });
});

describe('SIGTERM', () => {
  it('turns readiness red first, keeps serving while the balancer notices, then drains and exits', async () => {
    const node = await startServerProcess({ ...embedded(), SHUTDOWN_READY_DELAY_MS: '1500', SHUTDOWN_DEADLINE_MS: '20000' });
    expect((await fetch(`${node.base}/readyz`)).status).toBe(200);
    const signalled = Date.now();
    const exited = new Promise<number | null>((resolve) => node.child.once('exit', resolve));
    node.child.kill('SIGTERM');

    let red = 0;
    let servedWhileRed = false;
    // Within the 1.5 s before the drain: red, yet live and serving.
    while (Date.now() - signalled < 1200) {
      await new Promise((r) => setTimeout(r, 50));
      const ready = await fetch(`${node.base}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready === 503) {
        red++;
        // Live, and still answering requests the balancer sent before it noticed.
        expect((await fetch(`${node.base}/livez`)).status).toBe(200);
        const body = await gql(node.base, '/graphql', '{ __typename }');
        servedWhileRed ||= body.data?.__typename === 'Query';
      }
    }
    expect(red).toBeGreaterThanOrEqual(2);
    expect(servedWhileRed).toBe(true);

    expect(await exited).toBe(0);
    const took = Date.now() - signalled;
    expect(took).toBeGreaterThanOrEqual(1500);
    expect(node.output()).toMatch(/"msg":"SIGTERM: not ready; draining in 1500 ms"/);
    expect(node.output()).toMatch(/"msg":"SIGTERM: drained"/);
  });
});
