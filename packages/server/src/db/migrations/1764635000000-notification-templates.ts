import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer notifications' texts per company, event and language: a row
 * only where the company changed the built-in text (modules/mail/notification-texts.ts);
 * and the kinds of mail they write.
 */
export class NotificationTemplates1764635000000 implements MigrationInterface {
  name = 'NotificationTemplates1764635000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_templates (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        event text NOT NULL CHECK (event IN ('REGISTERED', 'QUESTION', 'PUBLIC_REPLY', 'DECISION', 'FEEDBACK', 'CLOSED')),
        locale text NOT NULL CHECK (locale IN ('ru', 'en')),
        subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, event, locale)
      );
      ALTER TABLE notification_templates ENABLE ROW LEVEL SECURITY;
      ALTER TABLE notification_templates FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON notification_templates
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON notification_templates TO reclaim_app;

      ALTER TABLE outbound_mails DROP CONSTRAINT outbound_mails_kind_check;
      ALTER TABLE outbound_mails ADD CONSTRAINT outbound_mails_kind_check
        CHECK (kind IN ('REGISTERED', 'QUESTION', 'PUBLIC_REPLY', 'DECISION', 'FEEDBACK', 'CLOSED'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbound_mails DROP CONSTRAINT outbound_mails_kind_check;
      ALTER TABLE outbound_mails ADD CONSTRAINT outbound_mails_kind_check CHECK (kind IN ('PUBLIC_REPLY'));
      DROP TABLE notification_templates;
    `);
  }
}
