import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pgCompatibleParsers } from '../pglite-pool.js';
import { createDataSource } from '../data-source.js';

/** Embedded mode (PGlite) must hand the code the same values as `pg` does with PostgreSQL, whatever DATABASE_URL says. */
describe('PGlite parsers', () => {
  it('return int8 and numeric as strings, dates as YYYY-MM-DD, bytea as a Buffer', async () => {
    const db = await PGlite.create({ parsers: pgCompatibleParsers });
    try {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT 9007199254740993::int8 AS big, 12.50::numeric AS price, '2026-12-01'::date AS day, '\\x0102ff'::bytea AS hash`);
      const row = rows[0]!;
      expect({ big: row.big, price: row.price, day: row.day }).toEqual({ big: '9007199254740993', price: '12.50', day: '2026-12-01' });
      expect(Buffer.isBuffer(row.hash)).toBe(true);
      expect((row.hash as Buffer).equals(Buffer.from([1, 2, 255]))).toBe(true);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('the PostgreSQL pool', () => {
  it('returns dates as YYYY-MM-DD, without changing pg\'s parsers for the rest of the process', async () => {
    const { dataSource } = await createDataSource({ databaseUrl: process.env.DATABASE_URL, dbPoolSize: 1 });
    try {
      const [row] = await dataSource.query(`SELECT '2026-12-01'::date AS day, 7::int8 AS big`);
      expect(row).toEqual({ day: '2026-12-01', big: '7' });
      // Another client of pg in the same process (LISTEN/NOTIFY's, say) keeps pg's own parsers.
      expect(pg.types.getTypeParser(pg.types.builtins.DATE)('2026-12-01')).toBeInstanceOf(Date);
    } finally {
      await dataSource.destroy();
    }
  });
});
