import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replies to closed complaints and the authentication of inbound mail: the
 * company's window after closing within which a reply is still attached to
 * the complaint (30 days unless changed), the mark a complaint carries while
 * such a reply waits for the staff to look at it, and what SPF, DKIM and
 * DMARC said of each received mail (null where they were not checked).
 */
export class InboundClosed1764670000000 implements MigrationInterface {
  name = 'InboundClosed1764670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants ADD COLUMN mail_after_closing_days int NOT NULL DEFAULT 30
        CHECK (mail_after_closing_days BETWEEN 0 AND 365);
      ALTER TABLE complaints ADD COLUMN mail_after_closing_at timestamptz;
      CREATE INDEX complaints_mail_after_closing ON complaints (tenant_id) WHERE mail_after_closing_at IS NOT NULL;
      ALTER TABLE inbound_mails
        ADD COLUMN spf text CHECK (length(spf) <= 40),
        ADD COLUMN dkim text CHECK (length(dkim) <= 40),
        ADD COLUMN dmarc text CHECK (length(dmarc) <= 40),
        ADD COLUMN dmarc_policy text CHECK (length(dmarc_policy) <= 40),
        ADD COLUMN after_closing boolean NOT NULL DEFAULT false;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE inbound_mails DROP COLUMN spf, DROP COLUMN dkim, DROP COLUMN dmarc, DROP COLUMN dmarc_policy, DROP COLUMN after_closing;
      ALTER TABLE complaints DROP COLUMN mail_after_closing_at;
      ALTER TABLE tenants DROP COLUMN mail_after_closing_days;
    `);
  }
}
