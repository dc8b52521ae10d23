import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a complaint said about its customer stays on the complaint: the
 * name (already kept), the e-mail and the phone given when it was filed.
 * A returning customer (same e-mail) is linked to their one record, which
 * unverified input no longer changes; until now the record was rewritten by
 * every complaint filed under its e-mail, so earlier complaints showed
 * whatever the latest one said. Existing complaints take the record's
 * current contacts, the best that is known of what they said.
 */
export class ComplaintContact1764460000000 implements MigrationInterface {
  name = 'ComplaintContact1764460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE complaints ADD COLUMN customer_email text, ADD COLUMN customer_phone text;
      -- Row security is FORCEd on both tables, and the role that migrates need not bypass it:
      -- the backfill of every tenant's rows runs with it relaxed, in this migration's transaction only.
      ALTER TABLE complaints NO FORCE ROW LEVEL SECURITY;
      ALTER TABLE customers NO FORCE ROW LEVEL SECURITY;
      UPDATE complaints c SET customer_email = k.email, customer_phone = k.phone
        FROM customers k WHERE k.tenant_id = c.tenant_id AND k.id = c.customer_id;
      ALTER TABLE complaints FORCE ROW LEVEL SECURITY;
      ALTER TABLE customers FORCE ROW LEVEL SECURITY;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE complaints DROP COLUMN customer_email, DROP COLUMN customer_phone');
  }
}
