import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDataSource } from '../data-source.js';

describe.runIf(process.env.DATABASE_URL)('the PostgreSQL pool', () => {
  it("returns dates as YYYY-MM-DD, without changing pg's parsers for the rest of the process", async () => {
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
