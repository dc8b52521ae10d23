import { describe, expect, it } from 'vitest';
import { insertOldTenant, withMigrationUndone } from './harness.js';
import { ErrorCodesAgain1764800000000 } from '../src/db/migrations/1764800000000-error-codes-again.js';

describe('migration 1764800000000: error codes written again where they are missing', () => {
  const migration = new ErrorCodesAgain1764800000000();
  it("codes the old failures that have none, keeps the codes there are, and forces the attempts' policies again", () =>
    withMigrationUndone(migration, async (runner) => {
      const tenant = await insertOldTenant(runner);
      await runner.query('SET session_replication_role = replica');
      await runner.query(
        `INSERT INTO webhook_attempts (tenant_id, id, delivery_id, at, duration_ms, status_code, error_detail, error_code) VALUES
      ($1, gen_random_uuid(), gen_random_uuid(), now(), 5, NULL, 'connect ECONNREFUSED 10.0.0.1:443', NULL),
      ($1, gen_random_uuid(), gen_random_uuid(), now(), 5, 503, NULL, NULL),
      ($1, gen_random_uuid(), gen_random_uuid(), now(), 5, 200, NULL, NULL),
      ($1, gen_random_uuid(), gen_random_uuid(), now(), 5, NULL, 'no answer within 15 s', 'DNS')`,
        [tenant],
      );
      await runner.query(
        `INSERT INTO outbound_mails (tenant_id, id, kind, to_address, subject, body_text, status, last_error_detail) VALUES
      ($1, gen_random_uuid(), 'REGISTERED', 'a@example.com', 's', 'b', 'FAILED', '550 5.1.1 no such user'),
      ($1, gen_random_uuid(), 'REGISTERED', 'a@example.com', 's', 'b', 'FAILED', 'bounced: the receiving server reported it undeliverable')`,
        [tenant],
      );
      await runner.query('SET session_replication_role = DEFAULT');
      await migration.up(runner);
      const codes = async (sql: string) => (await runner.query(sql)).map((r: { code: string | null }) => r.code);
      expect(await codes('SELECT error_code AS code FROM webhook_attempts ORDER BY error_code NULLS LAST')).toEqual([
        'CONNECTION_REFUSED',
        'DNS',
        'HTTP_STATUS',
        null,
      ]);
      expect(await codes('SELECT last_error_code AS code FROM outbound_mails ORDER BY 1')).toEqual(['BOUNCED', 'REFUSED']);
      const [{ forced }] = await runner.query(
        `SELECT relforcerowsecurity AS forced FROM pg_class WHERE oid = 'webhook_attempts'::regclass`,
      );
      expect(forced).toBe(true);
    }));
});
