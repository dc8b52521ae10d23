import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail logs (sent and received) and the webhook deliveries are kept for
 * a retention period (MAIL_LOG_RETENTION_DAYS, WEBHOOK_LOG_RETENTION_DAYS)
 * and then deleted by every node's purge, as pending uploads are: the
 * companies with rows past their time come from a SECURITY DEFINER function
 * (ids only), and each company's rows are deleted in its own transactions
 * under row-level security.
 */
export class LogRetention1764760000000 implements MigrationInterface {
  name = 'LogRetention1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX inbound_mails_received ON inbound_mails (tenant_id, received_at);
      CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (tenant_id, created_at) WHERE status <> 'PENDING';
      GRANT DELETE ON outbound_mails, inbound_mails, webhook_deliveries TO reclaim_app;
      CREATE FUNCTION expired_log_tenants(mail_before timestamptz, webhook_before timestamptz)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT t.id FROM tenants t
           WHERE EXISTS (SELECT 1 FROM outbound_mails m WHERE m.tenant_id = t.id AND m.status <> 'PENDING' AND m.created_at < mail_before)
              OR EXISTS (SELECT 1 FROM inbound_mails i WHERE i.tenant_id = t.id AND i.received_at < mail_before)
              OR EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.tenant_id = t.id AND d.status <> 'PENDING' AND d.created_at < webhook_before)
        $$;
      REVOKE ALL ON FUNCTION expired_log_tenants(timestamptz, timestamptz) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION expired_log_tenants(timestamptz, timestamptz) TO reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION expired_log_tenants(timestamptz, timestamptz);
      REVOKE DELETE ON outbound_mails, inbound_mails, webhook_deliveries FROM reclaim_app;
      DROP INDEX webhook_deliveries_finished;
      DROP INDEX inbound_mails_received;
    `);
  }
}
