import { describe, expect, it } from 'vitest';
import { withMigrationUndone } from './harness.js';
import { OutboxPurge1764770000000 } from '../src/db/migrations/1764770000000-outbox-purge.js';

describe('migration 1764770000000: the outbox purged by company', () => {
  const migration = new OutboxPurge1764770000000();
  it('moves DELETE on the outbox from the node role to the company role and gives the node the function naming the companies to purge; undone, back', () =>
    withMigrationUndone(migration, async (runner) => {
      const state = async () =>
        (
          await runner.query(`SELECT has_table_privilege('reclaim_app', 'outbox_events', 'DELETE') AS company,
          EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = 'outbox_events'::regclass AND polname = 'node_purges') AS "nodePolicy",
          EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = 'outbox_events'::regclass AND polname = 'published_only' AND NOT polpermissive) AS "publishedOnly",
          to_regprocedure('expired_outbox_tenants(timestamptz)') IS NOT NULL AS function,
          (SELECT indexdef FROM pg_indexes WHERE indexname = 'outbox_events_published') LIKE '%(tenant_id, published_at)%' AS "byCompany"`)
        )[0];
      const before = { company: false, nodePolicy: true, publishedOnly: false, function: false, byCompany: false };
      const after = { company: true, nodePolicy: false, publishedOnly: true, function: true, byCompany: true };
      expect(await state()).toEqual(before);
      await migration.up(runner);
      expect(await state()).toEqual(after);
      const [{ node }] = await runner.query(
        `SELECT has_function_privilege('reclaim_node', 'expired_outbox_tenants(timestamptz)', 'EXECUTE') AS node`,
      );
      expect(node).toBe(true);
      await migration.down(runner);
      expect(await state()).toEqual(before);
      await migration.up(runner);
    }));
});
