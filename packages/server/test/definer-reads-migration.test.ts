import { describe, expect, it } from 'vitest';
import { withMigrationUndone } from './harness.js';
import { DefinerReads1764790000000 } from '../src/db/migrations/1764790000000-definer-reads.js';

describe("migration 1764790000000: the tables the nodes' functions read across companies", () => {
  const migration = new DefinerReads1764790000000();
  it('stops forcing their policies on the owner, and only theirs; undone, forces them again', () =>
    withMigrationUndone(migration, async (runner) => {
      const unforced = async () =>
        (
          await runner.query(`SELECT relname FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity AND NOT relforcerowsecurity ORDER BY 1`)
        ).map((r: { relname: string }) => r.relname);
      expect(await unforced()).toEqual(['outbox_events', 'sla_deadlines', 'tenants']);
      await migration.up(runner);
      expect(await unforced()).toEqual([
        'attachments',
        'inbound_mails',
        'integrations',
        'mail_mailboxes',
        'outbound_mails',
        'outbox_events',
        'sla_deadlines',
        'survey_schedules',
        'tenants',
        'upload_receipts',
        'webhook_deliveries',
      ]);
    }));
});
