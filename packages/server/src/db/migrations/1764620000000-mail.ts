import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound mail: one row per mail, written in the transaction of the change
 * that causes it (a public reply, a notification), sent by a worker on every
 * node that finds the companies with mail due through `mail_due_tenants`
 * (SECURITY DEFINER, ids only, as `webhook_due_tenants`) and claims rows in
 * a transaction of that company (FOR UPDATE SKIP LOCKED). The Message-ID is
 * fixed when the row is first claimed and kept, so a mail sent again after
 * its node died carries the same one, and replies can be threaded by it.
 */
export class Mail1764620000000 implements MigrationInterface {
  name = 'Mail1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbound_mails (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        complaint_id uuid,
        kind text NOT NULL CHECK (kind IN ('PUBLIC_REPLY')),
        to_address text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 320),
        subject text NOT NULL CHECK (length(subject) <= 998),
        body_text text NOT NULL,
        message_id text,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        transport text CHECK (transport IN ('SMTP', 'MAILBOX')),
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
        UNIQUE (tenant_id, message_id)
      );
      CREATE INDEX outbound_mails_due ON outbound_mails (next_attempt_at) WHERE status = 'PENDING';
      CREATE INDEX outbound_mails_tenant_due ON outbound_mails (tenant_id, next_attempt_at) WHERE status = 'PENDING';
      CREATE INDEX outbound_mails_complaint ON outbound_mails (tenant_id, complaint_id, created_at);
      CREATE INDEX outbound_mails_log ON outbound_mails (tenant_id, created_at DESC, id);

      ALTER TABLE outbound_mails ENABLE ROW LEVEL SECURITY;
      ALTER TABLE outbound_mails FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON outbound_mails
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE ON outbound_mails TO reclaim_app;

      -- The companies with mail due, the longest waiting first (ids only). As webhook_due_tenants: the due range of
      -- the index shows most; when it holds more than head_rows, every company's earliest due mail is looked up as
      -- well, so no company's backlog hides another company.
      CREATE FUNCTION mail_due_tenants(head_rows int)
        RETURNS TABLE (tenant_id uuid, first_due timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH head AS MATERIALIZED (
            SELECT m.tenant_id, m.next_attempt_at FROM outbound_mails m
             WHERE m.status = 'PENDING' AND m.next_attempt_at <= (SELECT clock_timestamp())
             ORDER BY m.next_attempt_at LIMIT head_rows
          )
          SELECT h.tenant_id, min(h.next_attempt_at) FROM head h GROUP BY h.tenant_id
          UNION ALL
          SELECT t.id, x.next_attempt_at FROM tenants t CROSS JOIN LATERAL (
            SELECT m.next_attempt_at FROM outbound_mails m
             WHERE m.tenant_id = t.id AND m.status = 'PENDING' ORDER BY m.next_attempt_at LIMIT 1) x
           WHERE (SELECT count(*) FROM head) >= head_rows
             AND x.next_attempt_at <= (SELECT clock_timestamp())
             AND t.id NOT IN (SELECT h.tenant_id FROM head h)
          ORDER BY 2
        $$;
      REVOKE ALL ON FUNCTION mail_due_tenants(int) FROM PUBLIC;
      -- The worker runs on every node, outside any company: the nodes' role (1764560000000-node-role.ts).
      GRANT EXECUTE ON FUNCTION mail_due_tenants(int) TO reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION mail_due_tenants(int);
      DROP TABLE outbound_mails;
    `);
  }
}
