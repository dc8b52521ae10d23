import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { withMigrationUndone } from './harness.js';
import { CountryHolidays1764500000000 } from '../src/db/migrations/1764500000000-country-holidays.js';

describe('migration 1764500000000: the country of companies that existed before it', () => {
  const migration = new CountryHolidays1764500000000();
  it("gives Russian-speaking companies RU, the others their time zone's country (else GB), and leaves their presets", () =>
    withMigrationUndone(migration, async (runner) => {
      const companies = [
        ['ru', 'Asia/Novosibirsk', 'RU'],
        ['ru', 'Europe/London', 'RU'],
        ['en', 'Europe/London', 'GB'],
        ['en', 'Europe/Moscow', 'RU'],
        ['en', 'America/Chicago', 'US'],
        ['en', 'UTC', 'GB'],
      ] as const;
      const ids = companies.map(() => randomUUID());
      for (const [i, [locale, zone]] of companies.entries()) {
        await runner.query(
          `INSERT INTO tenants (id, slug, number_prefix, name, locale, time_zone, branding, created_at)
        VALUES ($1, $2, $3, 'Old Co', $4, $5, '{}', now())`,
          [ids[i], `old-${i}-${ids[i]!.slice(0, 6)}`, `OLD${i}X${ids[i]!.slice(0, 4)}`, locale, zone],
        );
        await runner.query(`INSERT INTO legal_presets (tenant_id, demand, days, penalty_percent_per_day) VALUES ($1, 'REPAIR', 45, 1)`, [
          ids[i],
        ]);
      }
      await migration.up(runner);
      const rows: Array<{ id: string; country: string; days: number }> = await runner.query(
        `SELECT t.id, t.country, p.days FROM tenants t JOIN legal_presets p ON p.tenant_id = t.id WHERE t.id = ANY($1)`,
        [ids],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(ids.map((id) => byId.get(id)!.country)).toEqual(companies.map((c) => c[2]));
      expect(rows.map((r) => r.days)).toEqual(ids.map(() => 45));
    }));
});
