import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integrations: service accounts of a company, each with one API key
 * (`rk_<prefix>_<secret>`) of which only the SHA-256 is stored. The prefix
 * is unique across companies, so that a key names its company before a
 * tenant is set: `tenant_id_by_api_key_prefix` (SECURITY DEFINER, an id only,
 * as `tenant_id_by_slug`) finds it; the key itself is then read and compared
 * under row-level security. Timeline entries and messages of an integration
 * name it (actor/author kind INTEGRATION).
 */
export class Integrations1764590000000 implements MigrationInterface {
  name = 'Integrations1764590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE integrations (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
        scopes text[] NOT NULL,
        department_ids uuid[] NOT NULL DEFAULT '{}',
        ip_allowlist text[] NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        key_prefix text NOT NULL UNIQUE,
        key_hash bytea NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz,
        last_used_address text,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
      );
      CREATE UNIQUE INDEX integrations_name_key ON integrations (tenant_id, lower(name)) WHERE revoked_at IS NULL;

      ALTER TABLE integrations ENABLE ROW LEVEL SECURITY;
      ALTER TABLE integrations FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON integrations
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE ON integrations TO reclaim_app;

      CREATE FUNCTION tenant_id_by_api_key_prefix(p_prefix text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
        $$ SELECT tenant_id FROM integrations WHERE key_prefix = p_prefix $$;
      REVOKE ALL ON FUNCTION tenant_id_by_api_key_prefix(text) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION tenant_id_by_api_key_prefix(text) TO reclaim_app;

      ALTER TABLE timeline_events DROP CONSTRAINT timeline_events_actor_kind_check;
      ALTER TABLE timeline_events ADD CONSTRAINT timeline_events_actor_kind_check
        CHECK (actor_kind IN ('STAFF', 'CUSTOMER', 'SYSTEM', 'INTEGRATION'));
      ALTER TABLE timeline_events ADD COLUMN actor_integration_id uuid;
      ALTER TABLE timeline_events ADD CONSTRAINT timeline_events_actor_integration_fkey
        FOREIGN KEY (tenant_id, actor_integration_id) REFERENCES integrations (tenant_id, id);

      ALTER TABLE messages DROP CONSTRAINT messages_author_kind_check;
      ALTER TABLE messages ADD CONSTRAINT messages_author_kind_check
        CHECK (author_kind IN ('STAFF', 'CUSTOMER', 'SYSTEM', 'INTEGRATION'));
      ALTER TABLE messages ADD COLUMN author_integration_id uuid;
      ALTER TABLE messages ADD CONSTRAINT messages_author_integration_fkey
        FOREIGN KEY (tenant_id, author_integration_id) REFERENCES integrations (tenant_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages DROP COLUMN author_integration_id;
      ALTER TABLE messages DROP CONSTRAINT messages_author_kind_check;
      ALTER TABLE messages ADD CONSTRAINT messages_author_kind_check CHECK (author_kind IN ('STAFF', 'CUSTOMER', 'SYSTEM'));
      ALTER TABLE timeline_events DROP COLUMN actor_integration_id;
      ALTER TABLE timeline_events DROP CONSTRAINT timeline_events_actor_kind_check;
      ALTER TABLE timeline_events ADD CONSTRAINT timeline_events_actor_kind_check CHECK (actor_kind IN ('STAFF', 'CUSTOMER', 'SYSTEM'));
      DROP FUNCTION tenant_id_by_api_key_prefix(text);
      DROP TABLE integrations;
    `);
  }
}
