import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox: one row per event, written in the same
 * transaction as the change it announces, published after commit.
 *
 * `complaints.event_seq` numbers each complaint's events without gaps; the
 * row lock taken to bump it also orders the events of one complaint by
 * commit, so subscribers can restore that order and drop duplicates.
 *
 * Row-level security is enabled but not forced: the application role
 * (`reclaim_app`) writes only its tenant's events, while the relay, running
 * as the owner outside any tenant, publishes what every tenant committed.
 */
export class Outbox1764000000000 implements MigrationInterface {
  name = 'Outbox1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE complaints ADD COLUMN event_seq integer NOT NULL DEFAULT 0;

      CREATE TABLE outbox_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        complaint_id uuid NOT NULL,
        seq integer NOT NULL,
        type text NOT NULL,
        stage text NOT NULL,
        from_stage text,
        department_id uuid,
        previous_department_id uuid,
        public boolean NOT NULL,
        actor_kind text NOT NULL,
        actor_user_id uuid,
        detail jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        published_at timestamptz
      );
      CREATE INDEX outbox_events_unpublished ON outbox_events (id) WHERE published_at IS NULL;
      CREATE INDEX outbox_events_published ON outbox_events (published_at) WHERE published_at IS NOT NULL;

      ALTER TABLE outbox_events ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON outbox_events
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT ON outbox_events TO reclaim_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE outbox_events;
      ALTER TABLE complaints DROP COLUMN event_seq;
    `);
  }
}
