import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { PGlitePool, pgCompatibleParsers, type PGliteClient } from '../pglite-pool.js';

// The slow tier: a PGlite of its own starts in some 3 s, and in 20 s on a loaded 2-core machine. Without
// DATABASE_URL every server test runs on PGlite through these parsers and this pool as well.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create({ parsers: pgCompatibleParsers });
}, 120_000);
afterAll(() => db?.close());

/** Embedded mode (PGlite) must hand the code the same values as `pg` does with PostgreSQL, whatever DATABASE_URL says. */
describe('PGlite parsers', () => {
  it('return int8 and numeric as strings, dates as YYYY-MM-DD, bytea as a Buffer', async () => {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT 9007199254740993::int8 AS big, 12.50::numeric AS price, '2026-12-01'::date AS day, '\\x0102ff'::bytea AS hash`,
    );
    const row = rows[0]!;
    expect({ big: row.big, price: row.price, day: row.day }).toEqual({ big: '9007199254740993', price: '12.50', day: '2026-12-01' });
    expect(Buffer.isBuffer(row.hash)).toBe(true);
    expect((row.hash as Buffer).equals(Buffer.from([1, 2, 255]))).toBe(true);
  });
});

describe('the PGlite pool', () => {
  it("emits pg's acquire and release for each checkout, and a listener that throws does not keep the session", async () => {
    const pool = new PGlitePool(db);
    const seen: string[] = [];
    const acquired = (client: PGliteClient) => seen.push(`acquire ${typeof client.query}`);
    const released = (err: unknown, client: PGliteClient) => seen.push(`release ${String(err)} ${typeof client.query}`);
    pool.on('acquire', acquired);
    pool.on('release', released);
    const client = (await pool.connect()) as PGliteClient;
    await client.query('SELECT 1');
    client.release();
    client.release();
    expect(seen).toEqual(['acquire function', 'release undefined function']);

    pool.off('acquire', acquired);
    const refuse = () => {
      throw new Error('listener failed');
    };
    pool.once('acquire', refuse);
    await expect(pool.connect()).rejects.toThrow('listener failed');
    pool.once('release', refuse);
    const next = (await pool.connect()) as PGliteClient;
    expect(() => next.release()).toThrow('listener failed');
    // Both checkouts gave the one session back: the next gets it at once.
    const last = (await Promise.race([pool.connect(), new Promise((resolve) => setTimeout(resolve, 2000, null))])) as PGliteClient | null;
    expect(last).not.toBeNull();
    last!.release();
  });
});
