import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved views of the complaint queue: a staff member's own named filters
 * and order. Row-level security keeps them to their owner as well as to the
 * tenant: `app.user_id` is the signed-in staff member (set with the tenant
 * by the unit of work), so another user of the same company sees none.
 *
 * Also indexes for the list ordered by when complaints were received, by
 * priority and by stage (in lifecycle order), so that a page of a large
 * company's list is read in index order instead of sorting all its rows.
 */
export class SavedViews1764520000000 implements MigrationInterface {
  name = 'SavedViews1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
        $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
      GRANT EXECUTE ON FUNCTION app_user_id() TO reclaim_app;

      CREATE TABLE saved_views (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        user_id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
        filter jsonb NOT NULL DEFAULT '{}',
        sort_field text NOT NULL DEFAULT 'DUE_AT',
        sort_direction text NOT NULL DEFAULT 'ASC' CHECK (sort_direction IN ('ASC', 'DESC')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE UNIQUE INDEX saved_views_name_key ON saved_views (tenant_id, user_id, lower(name));

      ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY;
      ALTER TABLE saved_views FORCE ROW LEVEL SECURITY;
      CREATE POLICY owner_only ON saved_views
        USING (tenant_id = app_tenant_id() AND user_id = app_user_id())
        WITH CHECK (tenant_id = app_tenant_id() AND user_id = app_user_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON saved_views TO reclaim_app;

      CREATE INDEX complaints_by_received ON complaints (tenant_id, received_at, id);
      -- The ranks the list sorts by (complaint.order.ts writes the same expressions).
      CREATE INDEX complaints_by_priority ON complaints
        (tenant_id, (CASE priority WHEN 'LOW' THEN 0 WHEN 'NORMAL' THEN 1 WHEN 'HIGH' THEN 2 WHEN 'URGENT' THEN 3 END), id);
      CREATE INDEX complaints_by_stage ON complaints
        (tenant_id, (CASE stage WHEN 'RECEIVED' THEN 0 WHEN 'REGISTERED' THEN 1 WHEN 'ANALYSIS' THEN 2 WHEN 'DECISION' THEN 3
          WHEN 'IMPLEMENTATION' THEN 4 WHEN 'FEEDBACK' THEN 5 WHEN 'CLOSED' THEN 6 WHEN 'REJECTED' THEN 7 END), id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX complaints_by_stage;
      DROP INDEX complaints_by_priority;
      DROP INDEX complaints_by_received;
      DROP TABLE saved_views;
      DROP FUNCTION app_user_id();
    `);
  }
}
