import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail that is not about a complaint (accounts, staff notifications,
 * surveys): the outbox's kinds are named by the code (modules/mail/mail.outbox.ts,
 * MailKind) and checked here only for their form, so a new kind needs no
 * migration; and a mail whose body holds a one-time link (an invitation, a
 * password reset) has its body blanked once it is sent or has failed.
 */
export class MailKinds1764645000000 implements MigrationInterface {
  name = 'MailKinds1764645000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbound_mails DROP CONSTRAINT outbound_mails_kind_check;
      ALTER TABLE outbound_mails ADD CONSTRAINT outbound_mails_kind_check CHECK (kind ~ '^[A-Z][A-Z_]{0,39}$');
      ALTER TABLE outbound_mails ADD COLUMN body_secret boolean NOT NULL DEFAULT false;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM outbound_mails WHERE kind NOT IN ('REGISTERED', 'QUESTION', 'PUBLIC_REPLY', 'DECISION', 'FEEDBACK', 'CLOSED');
      ALTER TABLE outbound_mails DROP COLUMN body_secret;
      ALTER TABLE outbound_mails DROP CONSTRAINT outbound_mails_kind_check;
      ALTER TABLE outbound_mails ADD CONSTRAINT outbound_mails_kind_check
        CHECK (kind IN ('REGISTERED', 'QUESTION', 'PUBLIC_REPLY', 'DECISION', 'FEEDBACK', 'CLOSED'));
    `);
  }
}
