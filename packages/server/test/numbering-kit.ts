import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { Fixtures, complaintInput, type World } from './fixtures.js';

/** What the numbering tests share (numbering.test.ts, numbering.slow.test.ts): a server and two tenants. */
export interface NumberingKit {
  server: TestServer;
  fx: Fixtures;
  a: World;
  b: World;
}

/**
 * Starts the server and two tenants before a file's tests and stops them
 * after; the kit is filled in by its beforeAll.
 */
export function numberingKit(): NumberingKit {
  const kit = {} as NumberingKit;
  beforeAll(async () => {
    // A hundred registrations at once from one user: a user's share of the pool runs at a time, and those
    // queue on the company's counter row, each holding it to its commit. On a slow machine the last of them
    // wait longer than the default limits allow and are refused (RATE_LIMITED, BUSY or QUERY_TIMEOUT; see
    // docs/security.md); numbering, not those limits, is what is tested here.
    kit.server = await startTestServer({}, { dbStatementTimeoutMs: 60_000, dbPoolWaitMs: 60_000 });
    kit.fx = new Fixtures(kit.server);
    [kit.a, kit.b] = await Promise.all([kit.fx.world(), kit.fx.world()]);
  });
  afterAll(() => kit.server?.close());
  return kit;
}

export const register = (kit: NumberingKit, w: World, overrides: Record<string, unknown> = {}) =>
  kit.server.staff<{ registerComplaint: { id: string; number: string } }>(
    `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id number } }`,
    { input: complaintInput(overrides) },
    w.staff.OPERATOR.token,
  );

/** The parts of ACME-2026-000042: prefix, year, sequence. */
export function parse(number: string): { prefix: string; year: number; seq: number } {
  const m = /^(.+)-(\d{4})-(\d{6})$/.exec(number);
  if (!m) throw new Error(`not a complaint number: ${number}`);
  return { prefix: m[1]!, year: Number(m[2]), seq: Number(m[3]) };
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export const rowCount = async (kit: NumberingKit, w: World, sql: string, params: unknown[] = []) =>
  Number((await kit.fx.asTenant(w.t.tenantId, (m) => m.query(sql, params)))[0].n);
