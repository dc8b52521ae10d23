import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff notifications by mail (docs/email.md#staff-notifications): each
 * staff member's choice per event (a row only where they changed the
 * default of their roles); the companies' own texts of the staff events in
 * notification_templates; and a key that makes a mail written at most once
 * (an SLA warning or breach mails each recipient once per complaint, clock,
 * stage and state, however often the clock fires).
 */
export class StaffNotifications1764660000000 implements MigrationInterface {
  name = 'StaffNotifications1764660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_notification_settings (
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        event text NOT NULL CHECK (event IN ('STAFF_ASSIGNED', 'STAFF_SLA', 'STAFF_NEW_IN_INBOX')),
        enabled boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id, event),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      ALTER TABLE staff_notification_settings ENABLE ROW LEVEL SECURITY;
      ALTER TABLE staff_notification_settings FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON staff_notification_settings
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON staff_notification_settings TO reclaim_app;

      ALTER TABLE notification_templates DROP CONSTRAINT notification_templates_event_check;
      ALTER TABLE notification_templates ADD CONSTRAINT notification_templates_event_check
        CHECK (event IN ('REGISTERED', 'QUESTION', 'PUBLIC_REPLY', 'DECISION', 'FEEDBACK', 'CLOSED', 'STAFF_ASSIGNED', 'STAFF_SLA', 'STAFF_NEW_IN_INBOX'));

      ALTER TABLE outbound_mails ADD COLUMN once_key text CHECK (length(once_key) BETWEEN 1 AND 300);
      CREATE UNIQUE INDEX outbound_mails_once ON outbound_mails (tenant_id, once_key) WHERE once_key IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX outbound_mails_once;
      ALTER TABLE outbound_mails DROP COLUMN once_key;
      DELETE FROM notification_templates WHERE event LIKE 'STAFF\\_%';
      ALTER TABLE notification_templates DROP CONSTRAINT notification_templates_event_check;
      ALTER TABLE notification_templates ADD CONSTRAINT notification_templates_event_check
        CHECK (event IN ('REGISTERED', 'QUESTION', 'PUBLIC_REPLY', 'DECISION', 'FEEDBACK', 'CLOSED'));
      DROP TABLE staff_notification_settings;
    `);
  }
}
