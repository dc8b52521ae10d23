import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A company whose first admin never confirmed the address is deleted, with
 * everything it holds, some days after it signed up (UNCONFIRMED_COMPANY_DAYS),
 * by every node's purge: a sign-up with someone else's address leaves
 * nothing behind.
 *
 * - `retired_slugs`: the slugs of companies deleted so, never signed up
 *   again: a customer's reply to an old mail is addressed by slug and
 *   complaint number, which a new company of the same slug would number
 *   again (`slug_in_use` answers sign-up);
 * - `expired_unconfirmed_tenants`: the node's list of such companies (ids only);
 * - `delete_unconfirmed_tenant`: called in the company's own unit of work,
 *   deletes that company, and only if it is still unconfirmed and old enough,
 *   so the company role can delete nothing else with it. Each table's rows
 *   of the company are deleted first (not every key cascades: a user that
 *   complaints name cannot go before them), then the company.
 */
export class UnconfirmedCompanies1764780000000 implements MigrationInterface {
  name = 'UnconfirmedCompanies1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retired_slugs (slug text PRIMARY KEY, retired_at timestamptz NOT NULL DEFAULT now());
      CREATE FUNCTION slug_in_use(p_slug text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT EXISTS (SELECT 1 FROM tenants WHERE slug = p_slug) OR EXISTS (SELECT 1 FROM retired_slugs WHERE slug = p_slug)
        $$;
      REVOKE ALL ON FUNCTION slug_in_use(text) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION slug_in_use(text) TO reclaim_app;
      CREATE INDEX tenants_unconfirmed ON tenants (created_at) WHERE address_confirmed_at IS NULL;
      CREATE FUNCTION expired_unconfirmed_tenants(created_before timestamptz)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT id FROM tenants WHERE address_confirmed_at IS NULL AND created_at < created_before
        $$;
      REVOKE ALL ON FUNCTION expired_unconfirmed_tenants(timestamptz) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION expired_unconfirmed_tenants(timestamptz) TO reclaim_node;
      CREATE FUNCTION delete_unconfirmed_tenant(created_before timestamptz)
        RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
          doomed uuid;
          tables text[];
          refused text[];
          t text;
        BEGIN
          SELECT id INTO doomed FROM tenants
           WHERE id = app_tenant_id() AND address_confirmed_at IS NULL AND created_at < created_before
           FOR UPDATE SKIP LOCKED;
          IF doomed IS NULL THEN
            RETURN false;
          END IF;
          -- Every table with a company's rows, emptied of this company's before the company goes. A table still
          -- referred to by another's rows (users by complaints, say: those keys do not cascade) is tried again
          -- after the others, until none is left.
          SELECT array_agg(c.relname::text ORDER BY c.relname) INTO tables
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p');
          LOOP
            refused := '{}';
            FOREACH t IN ARRAY tables LOOP
              BEGIN
                EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', t) USING doomed;
              EXCEPTION WHEN foreign_key_violation THEN
                refused := refused || t;
              END;
            END LOOP;
            EXIT WHEN cardinality(refused) = 0;
            IF cardinality(refused) = cardinality(tables) THEN
              RAISE EXCEPTION 'company % not deleted: its rows in % refer to each other', doomed, refused;
            END IF;
            tables := refused;
          END LOOP;
          INSERT INTO retired_slugs (slug) SELECT slug FROM tenants WHERE id = doomed;
          DELETE FROM tenants WHERE id = doomed;
          RETURN true;
        END
        $$;
      REVOKE ALL ON FUNCTION delete_unconfirmed_tenant(timestamptz) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION delete_unconfirmed_tenant(timestamptz) TO reclaim_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION delete_unconfirmed_tenant(timestamptz);
      DROP FUNCTION expired_unconfirmed_tenants(timestamptz);
      DROP INDEX tenants_unconfirmed;
      DROP FUNCTION slug_in_use(text);
      DROP TABLE retired_slugs;
    `);
  }
}
