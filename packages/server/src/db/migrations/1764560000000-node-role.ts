import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createRole, grantRole } from './roles.js';

/**
 * `reclaim_node`: what a node may do outside any company, so that in
 * production the nodes connect as a role that owns nothing (docs/operations.md,
 * "Database roles"). The owner runs the migrations; the nodes' login role is
 * made a member of `reclaim_node` and has nothing else:
 *
 * - inside a unit of work it switches to `reclaim_app` (row-level security,
 *   one company), as it always did;
 * - outside one it publishes, marks and purges outbox events of every
 *   company (a policy for this role alone; the table holds ids and stages,
 *   never texts), runs the SLA scheduler's and the upload purge's
 *   SECURITY DEFINER functions (instants and company ids only), asks
 *   whether any company exists (demo data) and reads which migrations ran
 *   (readiness).
 *
 * When the nodes connect as the owner (embedded mode, development, the
 * tests), nothing changes: the owner passes the outbox's unforced policy.
 */
export class NodeRole1764560000000 implements MigrationInterface {
  name = 'NodeRole1764560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(createRole('reclaim_node'));
    // A member of reclaim_app, so that its members can SET ROLE reclaim_app in every unit of work.
    await q.query(grantRole('reclaim_app', "'reclaim_node'"));
    await q.query(`
      GRANT SELECT, DELETE ON outbox_events TO reclaim_node;
      GRANT UPDATE (published_at) ON outbox_events TO reclaim_node;
      CREATE POLICY node_reads ON outbox_events FOR SELECT TO reclaim_node USING (true);
      CREATE POLICY node_marks ON outbox_events FOR UPDATE TO reclaim_node USING (true) WITH CHECK (true);
      CREATE POLICY node_purges ON outbox_events FOR DELETE TO reclaim_node USING (true);

      GRANT EXECUTE ON FUNCTION sla_fire_times(timestamptz, int), sla_due_tenants(int),
        expired_upload_tenants(timestamptz, timestamptz) TO reclaim_node;

      CREATE FUNCTION any_tenant_exists() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
        $$ SELECT EXISTS (SELECT 1 FROM tenants) $$;
      REVOKE ALL ON FUNCTION any_tenant_exists() FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION any_tenant_exists() TO reclaim_node;

      GRANT SELECT ON migrations TO reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      REVOKE SELECT ON migrations FROM reclaim_node;
      DROP FUNCTION any_tenant_exists();
      REVOKE EXECUTE ON FUNCTION sla_fire_times(timestamptz, int), sla_due_tenants(int),
        expired_upload_tenants(timestamptz, timestamptz) FROM reclaim_node;
      DROP POLICY node_purges ON outbox_events;
      DROP POLICY node_marks ON outbox_events;
      DROP POLICY node_reads ON outbox_events;
      REVOKE ALL ON outbox_events FROM reclaim_node;
    `);
  }
}
