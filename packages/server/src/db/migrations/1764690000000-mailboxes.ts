import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A company's own mailbox, fetched over IMAP (modules/mail/mailbox.*): where
 * it is, how to sign in (the password sealed with the nodes' key, never
 * stored in clear), and how far it has been read (UIDVALIDITY and the last
 * UID taken). One per company. The nodes find the mailboxes due with
 * mailbox_due_tenants, outside any company, and lease one in its company's
 * transaction, so no two nodes read the same mailbox at once.
 */
export class Mailboxes1764690000000 implements MigrationInterface {
  name = 'Mailboxes1764690000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mail_mailboxes (
        tenant_id uuid NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        host text NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
        port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
        security text NOT NULL CHECK (security IN ('TLS', 'STARTTLS', 'NONE')),
        username text NOT NULL CHECK (length(username) BETWEEN 1 AND 320),
        password_sealed bytea NOT NULL,
        folder text NOT NULL DEFAULT 'INBOX' CHECK (length(folder) BETWEEN 1 AND 200),
        enabled boolean NOT NULL DEFAULT true,
        uid_validity numeric(20),
        last_uid bigint,
        next_poll_at timestamptz,
        failures integer NOT NULL DEFAULT 0,
        last_error_code text CHECK (last_error_code IN ('UNREACHABLE', 'TLS', 'LOGIN_FAILED', 'FOLDER_MISSING', 'ADDRESS_NOT_ALLOWED', 'KEY_CHANGED', 'OTHER')),
        last_error_detail text CHECK (length(last_error_detail) <= 500),
        last_polled_at timestamptz,
        fetched bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX mail_mailboxes_due ON mail_mailboxes (next_poll_at) WHERE enabled;
      ALTER TABLE mail_mailboxes ENABLE ROW LEVEL SECURITY;
      ALTER TABLE mail_mailboxes FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON mail_mailboxes
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON mail_mailboxes TO reclaim_app;

      -- The companies whose mailbox is due to be read, the longest waiting first (ids only).
      CREATE FUNCTION mailbox_due_tenants(max_rows int)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT m.tenant_id FROM mail_mailboxes m
           WHERE m.enabled AND m.next_poll_at <= (SELECT clock_timestamp())
           ORDER BY m.next_poll_at LIMIT max_rows
        $$;
      REVOKE ALL ON FUNCTION mailbox_due_tenants(int) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION mailbox_due_tenants(int) TO reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION mailbox_due_tenants(int);
      DROP TABLE mail_mailboxes;
    `);
  }
}
