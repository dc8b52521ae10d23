import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, complaintInput, type World } from './fixtures.js';

/** Numbering under load (the slow tier: two hundred registrations at once); the rest of numbering is in numbering.test.ts. */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
beforeAll(async () => {
  // A hundred registrations at once from one user: a user's share of the pool runs at a time, and those
  // queue on the company's counter row, each holding it to its commit. On a slow machine the last of them
  // wait longer than the default limits allow and are refused (RATE_LIMITED, BUSY or QUERY_TIMEOUT; see
  // docs/security.md); numbering, not those limits, is what is tested here.
  server = await startTestServer({}, { dbStatementTimeoutMs: 60_000, dbPoolWaitMs: 60_000 });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
});
afterAll(() => server?.close());

const register = (w: World, overrides: Record<string, unknown> = {}) =>
  server.staff<{ registerComplaint: { id: string; number: string } }>(
    `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id number } }`,
    { input: complaintInput(overrides) }, w.staff.OPERATOR.token);

/** The parts of ACME-2026-000042: prefix, year, sequence. */
function parse(number: string): { prefix: string; year: number; seq: number } {
  const m = /^(.+)-(\d{4})-(\d{6})$/.exec(number);
  if (!m) throw new Error(`not a complaint number: ${number}`);
  return { prefix: m[1]!, year: Number(m[2]), seq: Number(m[3]) };
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const rowCount = async (w: World, sql: string, params: unknown[] = []) =>
  Number((await fx.asTenant(w.t.tenantId, (m) => m.query(sql, params)))[0].n);

describe('complaint numbers', () => {
  it('100 concurrent registrations in each of two tenants get 1..100, per tenant, without gaps', async () => {
    const [resultsA, resultsB] = await Promise.all([a, b].map((w) =>
      Promise.all(range(100).map((i) => register(w, { subject: `Concurrent ${i}` })))));
    for (const [w, results] of [[a, resultsA], [b, resultsB]] as const) {
      const numbers = results!.map((r) => ok(r).registerComplaint.number);
      expect(new Set(numbers).size).toBe(100);
      const parts = numbers.map(parse);
      expect(new Set(parts.map((p) => p.prefix))).toEqual(new Set([w.t.slug.toUpperCase()]));
      expect(new Set(parts.map((p) => p.year)).size).toBe(1);
      expect(parts.map((p) => p.seq).sort((x, y) => x - y)).toEqual(range(100));
      expect(await rowCount(w, 'SELECT count(*) AS n FROM complaints')).toBe(100);
      expect(await rowCount(w, 'SELECT last_value AS n FROM complaint_counters')).toBe(100);
    }
  });
});
