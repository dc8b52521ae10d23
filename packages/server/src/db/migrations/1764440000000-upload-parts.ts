import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploads are streamed to the database in parts instead of arriving whole
 * in memory (docs/attachments.md, "Storage"), and uploads never linked are
 * purged by a job on every node.
 *
 * - attachment_blobs holds a file's bytes as parts (byte_offset, data) of up
 *   to a few hundred KiB, each written in its own short transaction while the
 *   body arrives. Parts exist before their file's attachments row (written
 *   once the whole body is in), so they reference the tenant, not the row; a
 *   trigger deletes the parts of a deleted attachment.
 * - upload_receipts: the uploads being received (a row from the first part
 *   until the file is recorded or dropped), so that the purge finds the parts
 *   of bodies that never finished (their node stopped) without reading the
 *   parts of every stored file.
 * - attachments.client_address: who uploaded a pending file, for the quota
 *   of pending bytes per address.
 * - Two SECURITY DEFINER functions for work outside any tenant (the quota
 *   per address, the purge's list of tenants): sums and ids only, never a row.
 */
export class UploadParts1764440000000 implements MigrationInterface {
  name = 'UploadParts1764440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE attachment_blobs
        DROP CONSTRAINT attachment_blobs_tenant_id_attachment_id_fkey,
        DROP CONSTRAINT attachment_blobs_pkey,
        ADD COLUMN byte_offset bigint NOT NULL DEFAULT 0 CHECK (byte_offset >= 0),
        ADD PRIMARY KEY (tenant_id, attachment_id, byte_offset),
        ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
      ALTER TABLE attachment_blobs ALTER COLUMN byte_offset DROP DEFAULT;

      CREATE TABLE upload_receipts (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        attachment_id uuid NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, attachment_id)
      );
      CREATE INDEX upload_receipts_started ON upload_receipts (started_at);
      ALTER TABLE upload_receipts ENABLE ROW LEVEL SECURITY;
      ALTER TABLE upload_receipts FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON upload_receipts USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, DELETE ON upload_receipts TO reclaim_app;

      CREATE FUNCTION delete_attachment_blobs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM attachment_blobs WHERE tenant_id = OLD.tenant_id AND attachment_id = OLD.id;
        RETURN OLD;
      END $$;
      CREATE TRIGGER attachments_delete_blobs AFTER DELETE ON attachments
        FOR EACH ROW EXECUTE FUNCTION delete_attachment_blobs();

      ALTER TABLE attachments ADD COLUMN client_address text;
      CREATE INDEX attachments_pending_address ON attachments (client_address) WHERE complaint_id IS NULL;

      CREATE FUNCTION pending_upload_bytes(address text) RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT coalesce(sum(size_bytes), 0)::bigint FROM attachments WHERE complaint_id IS NULL AND client_address = address
        $$;
      CREATE FUNCTION expired_upload_tenants(pending_before timestamptz, started_before timestamptz)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT a.tenant_id FROM attachments a WHERE a.complaint_id IS NULL AND a.created_at < pending_before
          UNION
          SELECT r.tenant_id FROM upload_receipts r WHERE r.started_at < started_before
        $$;
      REVOKE ALL ON FUNCTION pending_upload_bytes(text), expired_upload_tenants(timestamptz, timestamptz) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION pending_upload_bytes(text) TO reclaim_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION expired_upload_tenants(timestamptz, timestamptz);
      DROP FUNCTION pending_upload_bytes(text);
      DROP TABLE upload_receipts;
      DROP TRIGGER attachments_delete_blobs ON attachments;
      DROP FUNCTION delete_attachment_blobs();
      ALTER TABLE attachments DROP COLUMN client_address;
      DELETE FROM attachment_blobs b WHERE NOT EXISTS (SELECT FROM attachments a WHERE a.tenant_id = b.tenant_id AND a.id = b.attachment_id);
      CREATE TEMP TABLE whole AS
        SELECT tenant_id, attachment_id, string_agg(data, ''::bytea ORDER BY byte_offset) AS data FROM attachment_blobs GROUP BY 1, 2;
      DELETE FROM attachment_blobs;
      ALTER TABLE attachment_blobs DROP CONSTRAINT attachment_blobs_pkey, DROP CONSTRAINT attachment_blobs_tenant_id_fkey,
        DROP COLUMN byte_offset,
        ADD PRIMARY KEY (tenant_id, attachment_id),
        ADD FOREIGN KEY (tenant_id, attachment_id) REFERENCES attachments (tenant_id, id) ON DELETE CASCADE;
      INSERT INTO attachment_blobs SELECT * FROM whole;
      DROP TABLE whole;
    `);
  }
}
