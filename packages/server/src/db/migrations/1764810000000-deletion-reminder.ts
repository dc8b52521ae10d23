import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A company never confirmed is told a week before it is deleted
 * (docs/operations.md, "What is deleted, and when"):
 * - `tenants.deletion_reminded_at`: when its admin was sent the confirmation
 *   again with the day of the deletion, so that it is sent once;
 * - `unreminded_unconfirmed_tenants`: the node's list of such companies not
 *   told yet and signed up between two moments (ids only), as
 *   `expired_unconfirmed_tenants` lists those to delete.
 */
export class DeletionReminder1764810000000 implements MigrationInterface {
  name = 'DeletionReminder1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants ADD COLUMN deletion_reminded_at timestamptz;
      CREATE FUNCTION unreminded_unconfirmed_tenants(created_before timestamptz, created_after timestamptz)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT id FROM tenants
           WHERE address_confirmed_at IS NULL AND deletion_reminded_at IS NULL AND created_at < created_before AND created_at >= created_after
        $$;
      REVOKE ALL ON FUNCTION unreminded_unconfirmed_tenants(timestamptz, timestamptz) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION unreminded_unconfirmed_tenants(timestamptz, timestamptz) TO reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION unreminded_unconfirmed_tenants(timestamptz, timestamptz);
      ALTER TABLE tenants DROP COLUMN deletion_reminded_at;
    `);
  }
}
