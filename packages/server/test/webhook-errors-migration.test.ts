import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { insertOldTenant, withMigrationUndone } from './harness.js';
import { WebhookAttemptErrors1764630000000 } from '../src/db/migrations/1764630000000-webhook-attempt-errors.js';

describe('migration 1764630000000: the attempts logged before errors had codes', () => {
  const migration = new WebhookAttemptErrors1764630000000();
  it('get the code their English text names, and keep the text as the detail', () =>
    withMigrationUndone(migration, async (runner) => {
      const endpoint = randomUUID();
      const delivery = randomUUID();
      const tenant = await insertOldTenant(runner);
      await runner.query(
        `INSERT INTO webhook_endpoints (tenant_id, id, url, event_types, secret) VALUES ($1, $2, 'https://shop.example/hook', '{}', 'whsec_x')`,
        [tenant, endpoint],
      );
      await runner.query(
        `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, complaint_id, seq, event_type, payload)
      VALUES ($1, $2, $3, 1, $4, 1, 'COMPLAINT_RECEIVED', '{}')`,
        [tenant, delivery, endpoint, randomUUID()],
      );
      const old: Array<[number | null, string | null, string | null]> = [
        [null, 'connect ECONNREFUSED 203.0.113.9:443', 'CONNECTION_REFUSED'],
        [null, 'no answer within 15000 ms', 'TIMEOUT'],
        [null, 'getaddrinfo ENOTFOUND shop.example', 'DNS'],
        [null, 'shop.example resolved to 127.0.0.1, which webhooks may not reach', 'ADDRESS_NOT_ALLOWED'],
        [null, 'certificate has expired', 'TLS'],
        [null, 'socket hang up', 'CONNECTION_RESET'],
        [null, 'something else entirely', 'OTHER'],
        [503, null, 'HTTP_STATUS'],
        [200, null, null],
      ];
      for (const [i, [status, error]] of old.entries()) {
        await runner.query(
          `INSERT INTO webhook_attempts (tenant_id, id, delivery_id, at, duration_ms, status_code, error)
        VALUES ($1, gen_random_uuid(), $2, now() + make_interval(secs => $3), 10, $4, $5)`,
          [tenant, delivery, i, status, error],
        );
      }
      await migration.up(runner);
      const rows: Array<{ error_code: string | null; error_detail: string | null }> = await runner.query(
        'SELECT error_code, error_detail FROM webhook_attempts WHERE delivery_id = $1 ORDER BY at',
        [delivery],
      );
      expect(rows).toEqual(old.map(([, error, code]) => ({ error_code: code, error_detail: error })));
    }));
});
