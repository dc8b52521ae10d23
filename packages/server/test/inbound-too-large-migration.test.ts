import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { insertOldTenant, withMigrationUndone } from './harness.js';
import { InboundTooLarge1764740000000 } from '../src/db/migrations/1764740000000-inbound-too-large.js';

describe('migration 1764740000000: received mail TOO_LARGE', () => {
  const migration = new InboundTooLarge1764740000000();
  it('is refused before it and accepted after; undone, it forgets those records (the mails are still unread in their mailboxes) and keeps the rest', () =>
    withMigrationUndone(migration, async (runner) => {
      const tenant = await insertOldTenant(runner);
      const insert = (outcome: string) =>
        runner.query(
          `INSERT INTO inbound_mails (tenant_id, id, message_id, from_address, subject, outcome)
      VALUES ($1, gen_random_uuid(), $2, 'c@example.com', 'S', $3)`,
          [tenant, `<${randomUUID()}@example.com>`, outcome],
        );
      await expect(insert('TOO_LARGE')).rejects.toThrow(/inbound_mails_outcome_check/);
      await insert('NEW_COMPLAINT');
      await migration.up(runner);
      await insert('TOO_LARGE');
      await migration.down(runner);
      const outcomes = await runner.query('SELECT outcome FROM inbound_mails WHERE tenant_id = $1', [tenant]);
      expect(outcomes).toEqual([{ outcome: 'NEW_COMPLAINT' }]);
      await expect(insert('TOO_LARGE')).rejects.toThrow(/inbound_mails_outcome_check/);
      await migration.up(runner);
    }));
});
