import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { withMigrationUndone } from './harness.js';
import { AccountMail1764650000000 } from '../src/db/migrations/1764650000000-account-mail.js';

describe('migration 1764650000000: companies and staff that existed before accounts by mail', () => {
  const migration = new AccountMail1764650000000();
  it('counts every existing company as confirmed (it can invite and receive mail) and keeps its users as they are', () =>
    withMigrationUndone(migration, async (runner) => {
      const ids = [randomUUID(), randomUUID()];
      for (const [i, id] of ids.entries()) {
        await runner.query(
          `INSERT INTO tenants (id, slug, number_prefix, name, locale, time_zone, country, branding, created_at)
        VALUES ($1, $2, $3, 'Old Co', 'ru', 'Europe/Moscow', 'RU', '{}', now() - interval '30 days')`,
          [id, `old-${i}-${id.slice(0, 6)}`, `OLD${i}X${id.slice(0, 4)}`],
        );
        await runner.query(
          `INSERT INTO users (tenant_id, id, email, name, password_hash, roles, active, credentials_version, created_at)
        VALUES ($1, $2, 'admin@old.test', 'Admin', 'hash', '{ADMIN}', true, 0, now())`,
          [id, randomUUID()],
        );
      }
      await migration.up(runner);
      const tenants: Array<{ confirmed: boolean; same: boolean }> = await runner.query(
        `SELECT address_confirmed_at IS NOT NULL AS confirmed, address_confirmed_at = created_at AS same FROM tenants WHERE id = ANY($1)`,
        [ids],
      );
      expect(tenants).toEqual([
        { confirmed: true, same: true },
        { confirmed: true, same: true },
      ]);
      const users: Array<{ invited_at: Date | null; password_hash: string }> = await runner.query(
        'SELECT invited_at, password_hash FROM users WHERE tenant_id = ANY($1)',
        [ids],
      );
      expect(users).toEqual([
        { invited_at: null, password_hash: 'hash' },
        { invited_at: null, password_hash: 'hash' },
      ]);
      const [{ id }] = await runner.query('SELECT mail_tenant_id_by_slug($1) AS id', [`old-0-${ids[0]!.slice(0, 6)}`]);
      expect(id).toBe(ids[0]);
    }));
});
