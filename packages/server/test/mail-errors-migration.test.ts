import { describe, expect, it } from 'vitest';
import { insertOldTenant, withMigrationUndone } from './harness.js';
import { MailErrors1764730000000 } from '../src/db/migrations/1764730000000-mail-errors.js';

describe('migration 1764730000000: the mails that failed before errors had codes', () => {
  const migration = new MailErrors1764730000000();
  it("get the code their English text names; a bounce drops the service's own text; other texts stay as the detail", () =>
    withMigrationUndone(migration, async (runner) => {
      const tenant = await insertOldTenant(runner);
      const old: Array<[string | null, string | null, string | null]> = [
        ['bounced: the receiving server reported it undeliverable', 'BOUNCED', null],
        ["Can't send mail - all recipients were rejected: 550 5.1.1 <x@example.com>: User unknown", 'REFUSED', null],
        ["Can't send mail - all recipients were rejected: 451 4.7.1 Try again later", 'DEFERRED', null],
        ['Invalid login: 535 5.7.8 Authentication failed', 'AUTH', null],
        ['Missing credentials for "PLAIN"', 'AUTH', null],
        ['connect ECONNREFUSED 127.0.0.1:25', 'CONNECTION', null],
        ['Greeting never received', 'CONNECTION', null],
        ['something else entirely', 'OTHER', null],
        [null, null, null],
      ];
      for (const [i, [error]] of old.entries()) {
        await runner.query(
          `INSERT INTO outbound_mails (tenant_id, id, kind, to_address, subject, body_text, status, attempts, last_error, created_at, next_attempt_at)
        VALUES ($1, gen_random_uuid(), 'PUBLIC_REPLY', 'c@example.com', 'S', 'B', $2, 1, $3, now() + make_interval(secs => $4), NULL)`,
          [tenant, error ? 'FAILED' : 'SENT', error, i],
        );
      }
      await migration.up(runner);
      const rows: Array<{ last_error_code: string | null; last_error_detail: string | null }> = await runner.query(
        'SELECT last_error_code, last_error_detail FROM outbound_mails WHERE tenant_id = $1 ORDER BY created_at',
        [tenant],
      );
      expect(rows).toEqual(old.map(([error, code]) => ({ last_error_code: code, last_error_detail: code === 'BOUNCED' ? null : error })));
    }));
});
