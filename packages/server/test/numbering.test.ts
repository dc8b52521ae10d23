import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ok } from './harness.js';
import type { World } from './fixtures.js';
import { numberingKit, parse, range, register as registerIn, rowCount as rowCountIn } from './numbering-kit.js';

const kit = numberingKit();
const register = (w: World, overrides: Record<string, unknown> = {}) => registerIn(kit, w, overrides);
const rowCount = (w: World, sql: string, params: unknown[] = []) => rowCountIn(kit, w, sql, params);

describe('complaint numbers', () => {
  it('continues after the last number, and a refused registration uses none', async () => {
    const before = parse(ok(await register(kit.a)).registerComplaint.number).seq;
    const refused = await register(kit.a, {
      departmentId: '00000000-0000-4000-8000-000000000000',
      channel: 'PHONE',
      categoryId: kit.a.cat,
      demand: 'REFUND',
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(parse(ok(await register(kit.a)).registerComplaint.number).seq).toBe(before + 1);
  });
});

describe('idempotency keys', () => {
  it('the same key twice gives the same complaint; with another complaint it is a CONFLICT', async () => {
    const key = `order-${randomBytes(6).toString('hex')}`;
    const first = ok(await register(kit.a, { idempotencyKey: key })).registerComplaint;
    const second = ok(await register(kit.a, { idempotencyKey: key })).registerComplaint;
    expect(second).toEqual(first);
    const other = await register(kit.a, { idempotencyKey: key, subject: 'A retry with other text' });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await rowCount(kit.a, 'SELECT count(*) AS n FROM complaints WHERE idempotency_key = $1', [`staff:${key}`])).toBe(1);
    expect(await rowCount(kit.a, 'SELECT count(*) AS n FROM complaints WHERE subject = $1', ['A retry with other text'])).toBe(0);
  });

  it('the same key ten times at once gives one complaint', async () => {
    const key = `burst-${randomBytes(6).toString('hex')}`;
    const before = await rowCount(kit.a, 'SELECT count(*) AS n FROM complaints');
    const results = await Promise.all(range(10).map(() => register(kit.a, { idempotencyKey: key })));
    const complaints = results.map((r) => ok(r).registerComplaint);
    expect(new Set(complaints.map((c) => c.id)).size).toBe(1);
    expect(new Set(complaints.map((c) => c.number)).size).toBe(1);
    expect(await rowCount(kit.a, 'SELECT count(*) AS n FROM complaints WHERE idempotency_key = $1', [`staff:${key}`])).toBe(1);
    expect(await rowCount(kit.a, 'SELECT count(*) AS n FROM complaints')).toBe(before + 1);
    expect(await rowCount(kit.a, 'SELECT count(*) AS n FROM timeline_events WHERE complaint_id = $1', [complaints[0]!.id])).toBe(1);
  });

  it('keys are per tenant', async () => {
    const key = `shared-${randomBytes(6).toString('hex')}`;
    const [x, y] = await Promise.all([register(kit.a, { idempotencyKey: key }), register(kit.b, { idempotencyKey: key })]);
    const [ca, cb] = [ok(x).registerComplaint, ok(y).registerComplaint];
    expect(ca.id).not.toBe(cb.id);
    expect(parse(ca.number).prefix).toBe(kit.a.t.slug.toUpperCase());
    expect(parse(cb.number).prefix).toBe(kit.b.t.slug.toUpperCase());
  });

  it('different keys give different complaints', async () => {
    const [x, y] = await Promise.all(
      [`k1-${randomBytes(6).toString('hex')}`, `k2-${randomBytes(6).toString('hex')}`].map((k) => register(kit.a, { idempotencyKey: k })),
    );
    expect(ok(x).registerComplaint.id).not.toBe(ok(y).registerComplaint.id);
  });
});
