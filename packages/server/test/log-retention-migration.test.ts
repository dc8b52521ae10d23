import { describe, expect, it } from 'vitest';
import { withMigrationUndone } from './harness.js';
import { LogRetention1764760000000 } from '../src/db/migrations/1764760000000-log-retention.js';

describe('migration 1764760000000: the log retention', () => {
  const migration = new LogRetention1764760000000();
  it('gives the company role DELETE on the logs and the node role the function naming the companies to purge; undone, neither', () =>
    withMigrationUndone(migration, async (runner) => {
      const state = async () =>
        (
          await runner.query(`SELECT has_table_privilege('reclaim_app', 'outbound_mails', 'DELETE') AS mail,
        has_table_privilege('reclaim_app', 'webhook_deliveries', 'DELETE') AS webhook,
        to_regprocedure('expired_log_tenants(timestamptz, timestamptz)') IS NOT NULL AS function`)
        )[0];
      expect(await state()).toEqual({ mail: false, webhook: false, function: false });
      await migration.up(runner);
      expect(await state()).toEqual({ mail: true, webhook: true, function: true });
      const [{ node }] = await runner.query(
        `SELECT has_function_privilege('reclaim_node', 'expired_log_tenants(timestamptz, timestamptz)', 'EXECUTE') AS node`,
      );
      expect(node).toBe(true);
      await migration.down(runner);
      expect(await state()).toEqual({ mail: false, webhook: false, function: false });
      await migration.up(runner);
    }));
});
