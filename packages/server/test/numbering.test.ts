import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, complaintInput, type World } from './fixtures.js';

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
  it('continues after the last number, and a refused registration uses none', async () => {
    const before = parse(ok(await register(a)).registerComplaint.number).seq;
    const refused = await register(a, { departmentId: '00000000-0000-4000-8000-000000000000', channel: 'PHONE', categoryId: a.cat, demand: 'REFUND' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(parse(ok(await register(a)).registerComplaint.number).seq).toBe(before + 1);
  });
});

describe('idempotency keys', () => {
  it('the same key twice gives the same complaint; with another complaint it is a CONFLICT', async () => {
    const key = `order-${randomBytes(6).toString('hex')}`;
    const first = ok(await register(a, { idempotencyKey: key })).registerComplaint;
    const second = ok(await register(a, { idempotencyKey: key })).registerComplaint;
    expect(second).toEqual(first);
    const other = await register(a, { idempotencyKey: key, subject: 'A retry with other text' });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await rowCount(a, 'SELECT count(*) AS n FROM complaints WHERE idempotency_key = $1', [`staff:${key}`])).toBe(1);
    expect(await rowCount(a, 'SELECT count(*) AS n FROM complaints WHERE subject = $1', ['A retry with other text'])).toBe(0);
  });

  it('the same key ten times at once gives one complaint', async () => {
    const key = `burst-${randomBytes(6).toString('hex')}`;
    const before = await rowCount(a, 'SELECT count(*) AS n FROM complaints');
    const results = await Promise.all(range(10).map(() => register(a, { idempotencyKey: key })));
    const complaints = results.map((r) => ok(r).registerComplaint);
    expect(new Set(complaints.map((c) => c.id)).size).toBe(1);
    expect(new Set(complaints.map((c) => c.number)).size).toBe(1);
    expect(await rowCount(a, 'SELECT count(*) AS n FROM complaints WHERE idempotency_key = $1', [`staff:${key}`])).toBe(1);
    expect(await rowCount(a, 'SELECT count(*) AS n FROM complaints')).toBe(before + 1);
    expect(await rowCount(a, 'SELECT count(*) AS n FROM timeline_events WHERE complaint_id = $1', [complaints[0]!.id])).toBe(1);
  });

  it('keys are per tenant', async () => {
    const key = `shared-${randomBytes(6).toString('hex')}`;
    const [x, y] = await Promise.all([register(a, { idempotencyKey: key }), register(b, { idempotencyKey: key })]);
    const [ca, cb] = [ok(x).registerComplaint, ok(y).registerComplaint];
    expect(ca.id).not.toBe(cb.id);
    expect(parse(ca.number).prefix).toBe(a.t.slug.toUpperCase());
    expect(parse(cb.number).prefix).toBe(b.t.slug.toUpperCase());
  });

  it('different keys give different complaints', async () => {
    const [x, y] = await Promise.all([`k1-${randomBytes(6).toString('hex')}`, `k2-${randomBytes(6).toString('hex')}`].map((k) => register(a, { idempotencyKey: k })));
    expect(ok(x).registerComplaint.id).not.toBe(ok(y).registerComplaint.id);
  });
});
