import 'reflect-metadata';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { Builders } from './builders.js';
import { inTenant } from '../src/db/unit-of-work.js';
import { expectNoWritesIn } from './fixtures.js';
import { testDatabase, type TestDatabase } from './harness.js';

const postgres = !!process.env.DATABASE_URL;

/** Rows in every table but the migrations', and where each sequence stands. */
async function contents(db: TestDatabase): Promise<{ rows: Record<string, number>; sequences: Record<string, string | null> }> {
  const tables: Array<{ name: string }> = await db.dataSource.query(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`,
  );
  const rows: Record<string, number> = {};
  for (const { name } of tables) rows[name] = Number((await db.dataSource.query(`SELECT count(*) AS n FROM "${name}"`))[0].n);
  const sequences: Array<{ name: string; last: string | null }> = await db.dataSource.query(
    `SELECT sequencename AS name, last_value::text AS last FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`,
  );
  return { rows, sequences: Object.fromEntries(sequences.map((s) => [s.name, s.last])) };
}

// The next test file of a worker gets the database the previous one gave back, emptied (harness.ts, giveBack).
describe.runIf(postgres)('a test database given back', () => {
  it('comes back as the template left it: no rows, sequences at their start', async () => {
    const first = await testDatabase({ dbPoolSize: 2 });
    const fresh = await contents(first);
    const w = await new Builders(first.dataSource).world();
    await new Builders(first.dataSource).newComplaint(w, Stage.RECEIVED);
    const written = await contents(first);
    expect(Object.values(written.rows).filter((n) => n > 0).length).toBeGreaterThan(5);
    expect(Object.values(written.sequences).some((last) => last !== null)).toBe(true);
    await first.drop();

    const second = await testDatabase({ dbPoolSize: 2 });
    try {
      expect(second.databaseUrl).not.toBe(first.databaseUrl); // renamed on its way back
      expect(await contents(second)).toEqual(fresh);
    } finally {
      await second.drop();
    }
  });

  it('is dropped, not used again, when a test changed its schema', async () => {
    const changed = await testDatabase({ dbPoolSize: 2 });
    await changed.dataSource.query('CREATE TABLE left_behind (i int)');
    await changed.drop();
    const next = await testDatabase({ dbPoolSize: 2 });
    try {
      expect(await next.dataSource.query(`SELECT to_regclass('left_behind') AS t`)).toEqual([{ t: null }]);
    } finally {
      await next.drop();
    }
  });

  it('is out of reach of a connection a test left open, and of one it opens again', async () => {
    const db = await testDatabase({ dbPoolSize: 2 });
    const left = new pg.Client({ connectionString: db.databaseUrl });
    await left.connect();
    const ended = new Promise<Error>((resolve) => left.on('error', resolve));
    await db.drop();
    expect((await ended).message).toMatch(/terminat/);
    const again = new pg.Client({ connectionString: db.databaseUrl });
    await expect(again.connect()).rejects.toThrow(/does not exist/);
  });
});

describe('the check that an attempt writes nothing (expectNoWritesIn)', () => {
  it('sees an insert, a delete and an update, even one that writes the same values; not a rolled-back one', async () => {
    const db = await testDatabase({ dbPoolSize: 2 });
    try {
      const w = await new Builders(db.dataSource).world();
      const { id } = await new Builders(db.dataSource).newComplaint(w, Stage.RECEIVED);
      const other = await new Builders(db.dataSource).world();
      // Each write checked to have touched the rows it should (an UPDATE's or DELETE's count).
      const write = (tenantId: string, sql: string, rows?: number) => () =>
        inTenant(db.dataSource, tenantId, async (m) => {
          const result = await m.query(sql);
          if (rows !== undefined) expect(result[1]).toBe(rows);
        });
      const fails = (attempt: () => Promise<unknown>) =>
        expect(expectNoWritesIn(db.dataSource, attempt)).rejects.toThrow(/to deeply equal/);
      await fails(write(w.t.tenantId, `UPDATE complaints SET subject = subject WHERE id = '${id}'`, 1));
      await fails(
        write(w.t.tenantId, `INSERT INTO departments (tenant_id, id, name) VALUES (app_tenant_id(), gen_random_uuid(), 'Returns')`),
      );
      await fails(write(w.t.tenantId, `DELETE FROM departments WHERE name = 'Returns'`, 1));
      // Of the tables only requests write, beyond those the isolation tests list (a survey, say).
      await fails(
        write(
          w.t.tenantId,
          `INSERT INTO surveys (tenant_id, id, name_ru, name_en, created_at, updated_at)
        VALUES (app_tenant_id(), gen_random_uuid(), 'Опрос', 'Survey', now(), now())`,
        ),
      );
      await expectNoWritesIn(db.dataSource, () =>
        inTenant(db.dataSource, w.t.tenantId, async (m) => {
          await m.query(`UPDATE complaints SET subject = 'Other' WHERE id = $1`, [id]);
          await m.query(`SELECT 1/0`);
        }).catch(() => undefined),
      );
      // Another company's writes are not the company's, with its id given.
      await expectNoWritesIn(db.dataSource, write(other.t.tenantId, `UPDATE departments SET name = name`, 2), w.t.tenantId);
    } finally {
      await db.drop();
    }
  });
});
