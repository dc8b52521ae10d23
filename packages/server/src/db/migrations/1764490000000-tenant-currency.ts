import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The currency a company's amounts are in (an ISO 4217 code), so that the
 * portal can tell a customer "a refund of 1 500,00 ₽" rather than a bare
 * number. Companies working in Russian get RUB; for the others it stays
 * unset (amounts are shown without a currency) until an admin sets it.
 */
export class TenantCurrency1764490000000 implements MigrationInterface {
  name = 'TenantCurrency1764490000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants ADD COLUMN currency text CHECK (currency ~ '^[A-Z]{3}$');
      UPDATE tenants SET currency = 'RUB' WHERE locale = 'ru';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenants DROP COLUMN currency');
  }
}
