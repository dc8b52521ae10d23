import { describe, expect, it } from 'vitest';
import { ok } from './harness.js';
import type { World } from './fixtures.js';
import { numberingKit, parse, range, register as registerIn, rowCount as rowCountIn } from './numbering-kit.js';

/** Numbering under load (the slow tier: two hundred registrations at once); the rest of numbering is in numbering.test.ts. */
const kit = numberingKit();
const register = (w: World, overrides: Record<string, unknown> = {}) => registerIn(kit, w, overrides);
const rowCount = (w: World, sql: string, params: unknown[] = []) => rowCountIn(kit, w, sql, params);

describe('complaint numbers', () => {
  it('100 concurrent registrations in each of two tenants get 1..100, per tenant, without gaps', async () => {
    const [resultsA, resultsB] = await Promise.all(
      [kit.a, kit.b].map((w) => Promise.all(range(100).map((i) => register(w, { subject: `Concurrent ${i}` })))),
    );
    for (const [w, results] of [
      [kit.a, resultsA],
      [kit.b, resultsB],
    ] as const) {
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
