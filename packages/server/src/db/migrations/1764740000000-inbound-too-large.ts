import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A mail in a company's own mailbox larger than MAIL_MAX_MB is left unread
 * there, as before, and is now recorded in the company's received mail as
 * TOO_LARGE (its sender and subject, from the IMAP envelope), so that the
 * admin learns of it instead of a customer's mail going unanswered unseen.
 */
export class InboundTooLarge1764740000000 implements MigrationInterface {
  name = 'InboundTooLarge1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE inbound_mails DROP CONSTRAINT inbound_mails_outcome_check;
      ALTER TABLE inbound_mails ADD CONSTRAINT inbound_mails_outcome_check
        CHECK (outcome IN ('THREADED', 'NEW_COMPLAINT', 'AUTOMATIC', 'BOUNCE', 'TOO_LARGE'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // Those mails are still unread in their mailboxes: forgetting the record loses no mail.
    await q.query(`
      DELETE FROM inbound_mails WHERE outcome = 'TOO_LARGE';
      ALTER TABLE inbound_mails DROP CONSTRAINT inbound_mails_outcome_check;
      ALTER TABLE inbound_mails ADD CONSTRAINT inbound_mails_outcome_check
        CHECK (outcome IN ('THREADED', 'NEW_COMPLAINT', 'AUTOMATIC', 'BOUNCE'));
    `);
  }
}
