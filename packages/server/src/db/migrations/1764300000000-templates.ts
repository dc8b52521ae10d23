import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Response templates: canned replies with placeholders (docs/api.md). Names
 * are unique per tenant regardless of case; row-level security FORCEd as on
 * every tenant table.
 */
export class Templates1764300000000 implements MigrationInterface {
  name = 'Templates1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE response_templates (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        -- Null: offered whatever the language of the reply.
        locale text CHECK (locale IN ('ru', 'en')),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      CREATE UNIQUE INDEX response_templates_name_key ON response_templates (tenant_id, lower(name));

      ALTER TABLE response_templates ENABLE ROW LEVEL SECURITY;
      ALTER TABLE response_templates FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON response_templates USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON response_templates TO reclaim_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE response_templates');
  }
}
