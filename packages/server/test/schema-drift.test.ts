import type pg from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { describe, expect, it } from 'vitest';
import { oneStatementAtATime } from '../src/db/one-at-a-time.js';
import { testDatabase } from './harness.js';

/**
 * The SQL migrations are the schema's only writer; the entities map it.
 * What `synchronize` would run to make the migrated database match the
 * entities must hold nothing but what only the migrations declare:
 * constraints, indexes, defaults and the columns below.
 */
const ONLY_IN_MIGRATIONS = [
  /^ALTER TABLE "[a-z_]+" DROP CONSTRAINT /,
  /^DROP INDEX /,
  /^ALTER TABLE "[a-z_]+" ALTER COLUMN "[a-z_]+" DROP DEFAULT$/,
  // Kept by PostgreSQL, never read through an entity: the deadline the queue orders by (generated from the SLA and
  // legal deadlines),
  // the search vector (a generated column) and the per-complaint event sequence of the outbox; the phone as a key
  // for finding a customer's complaints (generated); the bit sets of stages entered and rejected from that the funnel
  // counts (written by SQL in enterStage).
  /^ALTER TABLE "complaints" DROP COLUMN "(due_at|search|event_seq|customer_phone_key|stages_entered|rejected_from)"$/,
  /^ALTER TABLE "customers" DROP COLUMN "phone_key"$/,
  // TypeORM's bookkeeping of those generated columns.
  /^DELETE FROM "typeorm_metadata"/,
];

describe('entities and migrations', () => {
  it('describe the same tables, columns, types and nullability', async () => {
    const db = await testDatabase({ dbPoolSize: 2 });
    try {
      // TypeORM keeps the expressions of generated columns there; the migrations describe them in the tables themselves.
      await db.dataSource.query(`CREATE TABLE IF NOT EXISTS typeorm_metadata
        ("type" varchar NOT NULL, "database" varchar, "schema" varchar, "table" varchar, "name" varchar, "value" text)`);
      // TypeORM's schema builder reads the catalogue with several statements at once on one connection.
      const pool = (db.dataSource.driver as PostgresDriver).master as pg.Pool;
      const undo = new Map<pg.PoolClient, () => void>();
      pool.on('acquire', (client) => undo.set(client, oneStatementAtATime(client)));
      pool.on('release', (_err, client) => {
        undo.get(client)?.();
        undo.delete(client);
      });
      const pending = (await db.dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
      expect(pending.length).toBeGreaterThan(0); // the filter below has something to pass
      expect(pending.filter((sql) => !ONLY_IN_MIGRATIONS.some((allowed) => allowed.test(sql)))).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
