import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files attached to complaints and messages (docs/attachments.md).
 *
 * - attachments: what is known of a file (name, type sniffed from its bytes,
 *   size, digest, who uploaded it) and what it belongs to. A file is
 *   uploaded first (complaint_id null: pending) and linked when the
 *   submission or message that carries it is saved; pending files are
 *   deleted after a day.
 * - attachment_blobs: the bytes, apart, so that listing files never reads
 *   them. Another store (an object store) could hold them instead.
 *
 * Both FORCE row-level security like every tenant table; the application
 * may not rewrite a file's bytes or metadata once stored, only link it.
 */
export class Attachments1764200000000 implements MigrationInterface {
  name = 'Attachments1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachments (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        complaint_id uuid,
        message_id uuid,
        file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
        content_type text NOT NULL,
        size_bytes int NOT NULL CHECK (size_bytes > 0),
        sha256 bytea NOT NULL,
        author_kind text NOT NULL CHECK (author_kind IN ('CUSTOMER', 'STAFF')),
        author_user_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        linked_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, author_user_id) REFERENCES users (tenant_id, id),
        CHECK ((complaint_id IS NULL) = (linked_at IS NULL)),
        CHECK (message_id IS NULL OR complaint_id IS NOT NULL)
      );
      CREATE INDEX attachments_complaint ON attachments (tenant_id, complaint_id, created_at) WHERE complaint_id IS NOT NULL;
      CREATE INDEX attachments_pending ON attachments (created_at) WHERE complaint_id IS NULL;

      CREATE TABLE attachment_blobs (
        tenant_id uuid NOT NULL,
        attachment_id uuid NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (tenant_id, attachment_id),
        FOREIGN KEY (tenant_id, attachment_id) REFERENCES attachments (tenant_id, id) ON DELETE CASCADE
      );
      ALTER TABLE attachment_blobs ALTER COLUMN data SET STORAGE EXTERNAL;
    `);
    for (const table of ['attachments', 'attachment_blobs']) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${table} USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      `);
    }
    await q.query(`
      GRANT SELECT, INSERT, DELETE ON attachments, attachment_blobs TO reclaim_app;
      GRANT UPDATE (complaint_id, message_id, linked_at) ON attachments TO reclaim_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE attachment_blobs; DROP TABLE attachments;');
  }
}
