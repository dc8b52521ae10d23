import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SLA scheduler takes turns between companies (docs/security.md, "SLA
 * scheduler"): each pass claims at most a few clocks per company, companies
 * in the order of their longest-waiting clock.
 *
 * - `sla_deadlines_tenant_next_fire`: one company's earliest clocks, read
 *   directly (the claim in the company's transaction, and the probe below)
 *   instead of filtered out of every company's due range.
 * - `sla_due_tenants` returns each due company with its earliest due instant,
 *   and finds every due company however many clocks another one has due.
 */
export class SlaFairPasses1764450000000 implements MigrationInterface {
  name = 'SlaFairPasses1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX sla_deadlines_tenant_next_fire ON sla_deadlines (tenant_id, next_fire_at) WHERE next_fire_at IS NOT NULL;

      DROP FUNCTION sla_due_tenants(int);
      -- Usually few clocks are due, and their companies are read from the due range of the next_fire_at index
      -- (at most head_rows rows). When that range holds more (a flood, or catching up after a stop), it may show
      -- one company only: then each company's earliest clock is looked up as well, one index probe per company.
      CREATE FUNCTION sla_due_tenants(head_rows int)
        RETURNS TABLE (tenant_id uuid, first_due timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH head AS MATERIALIZED (
            SELECT d.tenant_id, d.next_fire_at FROM sla_deadlines d
             WHERE d.next_fire_at <= (SELECT clock_timestamp())
             ORDER BY d.next_fire_at LIMIT head_rows
          )
          SELECT h.tenant_id, min(h.next_fire_at) FROM head h GROUP BY h.tenant_id
          UNION ALL
          SELECT t.id, x.next_fire_at FROM tenants t CROSS JOIN LATERAL (
            SELECT d.next_fire_at FROM sla_deadlines d
             WHERE d.tenant_id = t.id AND d.next_fire_at IS NOT NULL ORDER BY d.next_fire_at LIMIT 1) x
           WHERE (SELECT count(*) FROM head) >= head_rows
             AND x.next_fire_at <= (SELECT clock_timestamp())
             AND t.id NOT IN (SELECT h.tenant_id FROM head h)
          ORDER BY 2
        $$;
      REVOKE ALL ON FUNCTION sla_due_tenants(int) FROM PUBLIC;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION sla_due_tenants(int);
      CREATE FUNCTION sla_due_tenants(max_rows int)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT x.tenant_id FROM (
            SELECT d.tenant_id FROM sla_deadlines d
             WHERE d.next_fire_at IS NOT NULL AND d.next_fire_at <= (SELECT clock_timestamp())
             ORDER BY d.next_fire_at LIMIT max_rows) x
        $$;
      REVOKE ALL ON FUNCTION sla_due_tenants(int) FROM PUBLIC;
      DROP INDEX sla_deadlines_tenant_next_fire;
    `);
  }
}
