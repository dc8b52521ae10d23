import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound mail: one row per Message-ID and company (the same mail twice is
 * one row, also when it arrives at two nodes at once), with what became of
 * it; replies are threaded by the Message-IDs of both tables.
 */
export class InboundMail1764640000000 implements MigrationInterface {
  name = 'InboundMail1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbound_mails (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        message_id text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 1000),
        complaint_id uuid,
        from_address text NOT NULL,
        subject text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('THREADED', 'NEW_COMPLAINT', 'AUTOMATIC', 'BOUNCE')),
        threaded_by text CHECK (threaded_by IN ('REPLY_ADDRESS', 'REFERENCES', 'SUBJECT')),
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, message_id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX inbound_mails_complaint ON inbound_mails (tenant_id, complaint_id);
      ALTER TABLE inbound_mails ENABLE ROW LEVEL SECURITY;
      ALTER TABLE inbound_mails FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON inbound_mails
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE ON inbound_mails TO reclaim_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbound_mails');
  }
}
