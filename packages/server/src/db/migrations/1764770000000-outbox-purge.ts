import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Published outbox events are deleted by the nodes' purge, as the logs are
 * (docs/operations.md, "What is deleted, and when"), not by a loop of the
 * outbox relay's own: the companies with events past their time come from a
 * SECURITY DEFINER function (ids only), and each company's events are
 * deleted in its own transactions under row-level security. So the node
 * role keeps reading and marking every company's events (the relay), but
 * deletes none outside a company, and the index serves one company's range.
 */
export class OutboxPurge1764770000000 implements MigrationInterface {
  name = 'OutboxPurge1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP POLICY node_purges ON outbox_events;
      REVOKE DELETE ON outbox_events FROM reclaim_node;
      GRANT DELETE ON outbox_events TO reclaim_app;
      -- Only what was published: an event still to be published is the relay's, whatever a company's unit of work does.
      CREATE POLICY published_only ON outbox_events AS RESTRICTIVE FOR DELETE TO reclaim_app USING (published_at IS NOT NULL);
      DROP INDEX outbox_events_published;
      CREATE INDEX outbox_events_published ON outbox_events (tenant_id, published_at) WHERE published_at IS NOT NULL;
      CREATE FUNCTION expired_outbox_tenants(published_before timestamptz)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT t.id FROM tenants t
           WHERE EXISTS (SELECT 1 FROM outbox_events e WHERE e.tenant_id = t.id AND e.published_at < published_before)
        $$;
      REVOKE ALL ON FUNCTION expired_outbox_tenants(timestamptz) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION expired_outbox_tenants(timestamptz) TO reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION expired_outbox_tenants(timestamptz);
      DROP INDEX outbox_events_published;
      CREATE INDEX outbox_events_published ON outbox_events (published_at) WHERE published_at IS NOT NULL;
      DROP POLICY published_only ON outbox_events;
      REVOKE DELETE ON outbox_events FROM reclaim_app;
      GRANT DELETE ON outbox_events TO reclaim_node;
      CREATE POLICY node_purges ON outbox_events FOR DELETE TO reclaim_node USING (true);
    `);
  }
}
