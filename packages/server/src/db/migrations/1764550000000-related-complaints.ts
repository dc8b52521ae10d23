import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A complaint page shows the customer's other complaints and the complaints
 * it is linked to; a department can be archived.
 *
 * - `contact_phone`: a phone as its last ten digits (a Russian number with
 *   +7 or 8 in front, spaces, brackets or hyphens, is the same number), as
 *   search reads phones (1764470000000); fewer than seven digits is no phone.
 *   Stored as `complaints.customer_phone_key` and `customers.phone_key`;
 *   indexes find a customer's complaints by record, e-mail and phone.
 * - `complaint_links`: REPEAT (the same problem came back) or DUPLICATE (the
 *   same case filed twice) between two complaints of one company; one row a
 *   pair, the smaller id first, so a pair can be linked once.
 * - `departments.archived_at`: an archived department is offered for no new
 *   work; its complaints and history keep it.
 */
export class RelatedComplaints1764550000000 implements MigrationInterface {
  name = 'RelatedComplaints1764550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION contact_phone(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN length(d) >= 7 THEN right(d, 10) END
          FROM (SELECT regexp_replace(coalesce(t, ''), '[^0-9]', '', 'g') AS d) digits
      $$;
      -- Stored, so that lookups compare plain text: under row-level security PostgreSQL uses an index only for
      -- leakproof comparisons, which a call of contact_phone() is not (an expression index went unused).
      ALTER TABLE complaints ADD COLUMN customer_phone_key text GENERATED ALWAYS AS (contact_phone(customer_phone)) STORED;
      ALTER TABLE customers ADD COLUMN phone_key text GENERATED ALWAYS AS (contact_phone(phone)) STORED;
      CREATE INDEX complaints_customer ON complaints (tenant_id, customer_id);
      -- E-mails are stored in lower case (statedContact, findOrCreateCustomer).
      CREATE INDEX complaints_customer_email ON complaints (tenant_id, customer_email) WHERE customer_email IS NOT NULL;
      CREATE INDEX complaints_customer_phone ON complaints (tenant_id, customer_phone_key) WHERE customer_phone_key IS NOT NULL;
      CREATE INDEX customers_phone ON customers (tenant_id, phone_key) WHERE phone_key IS NOT NULL;

      CREATE TABLE complaint_links (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        complaint_id uuid NOT NULL,
        linked_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('REPEAT', 'DUPLICATE')),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, complaint_id, linked_id),
        CHECK (complaint_id < linked_id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id),
        FOREIGN KEY (tenant_id, linked_id) REFERENCES complaints (tenant_id, id),
        FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
      );
      CREATE INDEX complaint_links_linked ON complaint_links (tenant_id, linked_id);
      ALTER TABLE complaint_links ENABLE ROW LEVEL SECURITY;
      ALTER TABLE complaint_links FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON complaint_links USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, DELETE ON complaint_links TO reclaim_app;

      ALTER TABLE departments ADD COLUMN archived_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE departments DROP COLUMN archived_at;
      DROP TABLE complaint_links;
      DROP INDEX customers_phone;
      DROP INDEX complaints_customer_phone;
      DROP INDEX complaints_customer_email;
      DROP INDEX complaints_customer;
      ALTER TABLE customers DROP COLUMN phone_key;
      ALTER TABLE complaints DROP COLUMN customer_phone_key;
      DROP FUNCTION contact_phone(text);
    `);
  }
}
