import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks (Standard Webhooks): a company's endpoints, one delivery per
 * endpoint and event, written by `appendTimeline` in the statement that
 * writes the outbox event (so it commits or rolls back with the change),
 * and every attempt with its response. Workers on every node find the
 * companies with due deliveries through `webhook_due_tenants` (SECURITY
 * DEFINER, ids only, as `sla_due_tenants`) and claim rows inside a
 * transaction of that company (FOR UPDATE SKIP LOCKED).
 *
 * The signing secret is kept as it is: signing needs it.
 */
export class Webhooks1764610000000 implements MigrationInterface {
  name = 'Webhooks1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        url text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
        event_types text[] NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text CHECK (disabled_reason IN ('BY_ADMIN', 'FAILING')),
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );

      CREATE TABLE webhook_deliveries (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        endpoint_id uuid NOT NULL,
        event_id bigint NOT NULL,
        complaint_id uuid NOT NULL,
        seq integer NOT NULL,
        event_type text NOT NULL,
        payload text NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        replay_of uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
      CREATE INDEX webhook_deliveries_tenant_due ON webhook_deliveries (tenant_id, next_attempt_at) WHERE status = 'PENDING';
      CREATE INDEX webhook_deliveries_order ON webhook_deliveries (tenant_id, endpoint_id, complaint_id, seq) WHERE status = 'PENDING';
      CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, endpoint_id, created_at DESC);

      CREATE TABLE webhook_attempts (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        delivery_id uuid NOT NULL,
        at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        response_body text,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX webhook_attempts_delivery ON webhook_attempts (tenant_id, delivery_id, at);

      ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
      ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
      ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
      ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
      ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
      ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON webhook_endpoints
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      CREATE POLICY tenant_isolation ON webhook_deliveries
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      CREATE POLICY tenant_isolation ON webhook_attempts
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO reclaim_app;
      GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO reclaim_app;
      GRANT SELECT, INSERT ON webhook_attempts TO reclaim_app;

      -- The companies with deliveries due, the longest waiting first (ids only), leaving out the endpoints the
      -- asking node has no room for (busy). As sla_due_tenants: the due range of the index shows most; when it
      -- holds more than head_rows (one company's backlog behind a dead endpoint), every company's earliest due
      -- delivery is looked up as well, so no backlog hides another company.
      CREATE FUNCTION webhook_due_tenants(head_rows int, busy uuid[])
        RETURNS TABLE (tenant_id uuid, first_due timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH head AS MATERIALIZED (
            SELECT d.tenant_id, d.next_attempt_at FROM webhook_deliveries d
             WHERE d.status = 'PENDING' AND d.next_attempt_at <= (SELECT clock_timestamp()) AND d.endpoint_id <> ALL (busy)
             ORDER BY d.next_attempt_at LIMIT head_rows
          )
          SELECT h.tenant_id, min(h.next_attempt_at) FROM head h GROUP BY h.tenant_id
          UNION ALL
          SELECT t.id, x.next_attempt_at FROM tenants t CROSS JOIN LATERAL (
            SELECT d.next_attempt_at FROM webhook_deliveries d
             WHERE d.tenant_id = t.id AND d.status = 'PENDING' AND d.endpoint_id <> ALL (busy) ORDER BY d.next_attempt_at LIMIT 1) x
           WHERE (SELECT count(*) FROM head) >= head_rows
             AND x.next_attempt_at <= (SELECT clock_timestamp())
             AND t.id NOT IN (SELECT h.tenant_id FROM head h)
          ORDER BY 2
        $$;
      REVOKE ALL ON FUNCTION webhook_due_tenants(int, uuid[]) FROM PUBLIC;
      -- The worker runs on every node, outside any company: the nodes' role (1764560000000-node-role.ts).
      GRANT EXECUTE ON FUNCTION webhook_due_tenants(int, uuid[]) TO reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION webhook_due_tenants(int, uuid[]);
      DROP TABLE webhook_attempts, webhook_deliveries, webhook_endpoints;
    `);
  }
}
