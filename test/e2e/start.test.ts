import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql as request, startDemoServer, type ServerProcess } from './server-process.js';

/**
 * The start command of the README, as a newcomer runs it: the built server
 * in embedded mode (no DATABASE_URL) with demo data, as a child process.
 */
let server: ServerProcess;
const gql = (path: string, query: string, variables?: object, token?: string) => request(server.base, path, query, variables, token);

beforeAll(async () => {
  server = await startDemoServer();
});

afterAll(() => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
});

describe('the start command (embedded mode, demo data)', () => {
  it('serves the demo tenant to its admin', async () => {
    const login = await gql(
      '/graphql',
      'mutation { login(input: { tenantSlug: "acme", email: "admin@acme.demo", password: "demo-password" }) { token tenant { name } } }',
    );
    expect(login.errors).toBeUndefined();
    const token = login.data.login.token as string;
    const list = await gql(
      '/graphql',
      '{ complaints(first: 5) { totalCount edges { node { number stage } } } departments { name } }',
      {},
      token,
    );
    expect(list.errors).toBeUndefined();
    expect(list.data.complaints.totalCount).toBeGreaterThan(100);
    expect(list.data.complaints.edges[0].node.number).toMatch(/^ACME-\d{4}-\d{6}$/);
    expect(list.data.departments.length).toBeGreaterThanOrEqual(3);
  });

  it('answers the portal endpoint with its own schema', async () => {
    const res = await gql(
      '/portal/graphql',
      '{ complaintStatus(number: "ACME-2026-000001", accessToken: "not-the-token-of-this-complaint") { stage } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.complaintStatus).toBeNull();
    const staffOnly = await gql('/portal/graphql', '{ complaints(first: 1) { totalCount } }');
    expect(staffOnly.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await server.stop()).toBe(0);
  });
});
