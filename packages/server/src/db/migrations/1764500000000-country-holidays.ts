import type { MigrationInterface, QueryRunner } from 'typeorm';
import { defaultCountry } from '../../modules/sla/public-holidays.js';

/**
 * A company has a country (ISO 3166-1 alpha-2), which decides its public
 * holidays and whether it starts with a legal clock (docs/sla.md).
 *
 * - tenants.country, backfilled: RU for a Russian-speaking company, else the
 *   country of its time zone (GB for Europe/London), else GB. Existing legal
 *   presets and calendars are left as they are: a deadline that a company
 *   already counts with does not change under it; resetLegalPresets gives the
 *   law of its country.
 * - business_calendars.working_days: dates that are working days whatever
 *   their weekday (Russia's transferred working Saturdays).
 * - reset_legal_presets(), which install_sla_defaults() calls for a new
 *   company: Russian consumer law for a Russian company, no legal deadline
 *   for any other.
 */
export class CountryHolidays1764500000000 implements MigrationInterface {
  name = 'CountryHolidays1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenants ADD COLUMN country text');
    const tenants: Array<{ id: string; locale: string; time_zone: string }> = await q.query('SELECT id, locale, time_zone FROM tenants');
    for (const t of tenants) {
      await q.query('UPDATE tenants SET country = $2 WHERE id = $1', [
        t.id,
        defaultCountry(t.locale, t.locale === 'ru' ? null : t.time_zone),
      ]);
    }
    await q.query(`
      ALTER TABLE tenants ALTER COLUMN country SET NOT NULL,
        ADD CONSTRAINT tenants_country_check CHECK (country ~ '^[A-Z]{2}$');
      ALTER TABLE business_calendars ADD COLUMN working_days jsonb NOT NULL DEFAULT '[]';

      CREATE OR REPLACE FUNCTION reset_legal_presets() RETURNS void LANGUAGE sql AS $$
        INSERT INTO legal_presets (tenant_id, demand, days, penalty_percent_per_day)
        SELECT app_tenant_id(), p.demand, CASE WHEN t.country = 'RU' THEN p.days END, 1
          FROM (VALUES
            ('REFUND', 10), ('PRICE_REDUCTION', 10), ('COMPENSATION', 10), ('REPLACEMENT', 7), ('REPAIR', 45), ('OTHER', NULL::int)
          ) AS p (demand, days)
          CROSS JOIN tenants t WHERE t.id = app_tenant_id()
        ON CONFLICT (tenant_id, demand) DO UPDATE SET days = excluded.days, penalty_percent_per_day = excluded.penalty_percent_per_day
      $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION reset_legal_presets() RETURNS void LANGUAGE sql AS $$
        INSERT INTO legal_presets (tenant_id, demand, days, penalty_percent_per_day)
        SELECT app_tenant_id(), p.demand, p.days, 1 FROM (VALUES
          ('REFUND', 10), ('PRICE_REDUCTION', 10), ('COMPENSATION', 10), ('REPLACEMENT', 7), ('REPAIR', 45), ('OTHER', NULL::int)
        ) AS p (demand, days)
        ON CONFLICT (tenant_id, demand) DO UPDATE SET days = excluded.days, penalty_percent_per_day = excluded.penalty_percent_per_day
      $$;
      ALTER TABLE business_calendars DROP COLUMN working_days;
      ALTER TABLE tenants DROP COLUMN country;
    `);
  }
}
