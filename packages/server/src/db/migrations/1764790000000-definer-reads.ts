import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables that a node's SECURITY DEFINER functions read across companies
 * (which companies have mail or webhook deliveries due, a mailbox or survey
 * schedule to run, logs or uploads past their time; which company an API
 * key's prefix names; the pending upload bytes of an address) stop forcing
 * row-level security on their owner, as `sla_deadlines`, `outbox_events` and
 * `tenants` never did. A SECURITY DEFINER function runs as the owner, and
 * where the owner is not a superuser (production: docs/operations.md,
 * "Database roles") a forced policy held it to the company of the session,
 * which outside a unit of work is none: the functions found nothing, so no
 * mail, webhook, mailbox, survey schedule or purge ever ran and no API key
 * was recognised. The tests' owner is a superuser, which passes every policy.
 *
 * The company role is held by the policies either way (it owns nothing);
 * only the owner's own sessions read every company's rows of these tables.
 */
const TABLES = [
  'attachments',
  'inbound_mails',
  'integrations',
  'mail_mailboxes',
  'outbound_mails',
  'survey_schedules',
  'upload_receipts',
  'webhook_deliveries',
];

export class DefinerReads1764790000000 implements MigrationInterface {
  name = 'DefinerReads1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(TABLES.map((t) => `ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY;`).join('\n'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(TABLES.map((t) => `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;`).join('\n'));
  }
}
