import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { pgCompatibleParsers } from '../pglite-pool.js';

// The slow tier: a PGlite of its own starts in some 3 s, and in 20 s on a loaded 2-core machine. Without
// DATABASE_URL every server test runs on PGlite through these parsers as well.
/** Embedded mode (PGlite) must hand the code the same values as `pg` does with PostgreSQL, whatever DATABASE_URL says. */
describe('PGlite parsers', () => {
  it('return int8 and numeric as strings, dates as YYYY-MM-DD, bytea as a Buffer', async () => {
    const db = await PGlite.create({ parsers: pgCompatibleParsers });
    try {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT 9007199254740993::int8 AS big, 12.50::numeric AS price, '2026-12-01'::date AS day, '\\x0102ff'::bytea AS hash`,
      );
      const row = rows[0]!;
      expect({ big: row.big, price: row.price, day: row.day }).toEqual({ big: '9007199254740993', price: '12.50', day: '2026-12-01' });
      expect(Buffer.isBuffer(row.hash)).toBe(true);
      expect((row.hash as Buffer).equals(Buffer.from([1, 2, 255]))).toBe(true);
    } finally {
      await db.close();
    }
  });
});
