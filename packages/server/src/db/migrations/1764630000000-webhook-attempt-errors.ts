import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The code an attempt's status or text names (also written again by 1764800000000). */
export const ATTEMPT_ERROR_CODE = `CASE
  WHEN status_code IS NOT NULL THEN CASE WHEN status_code BETWEEN 200 AND 299 THEN NULL ELSE 'HTTP_STATUS' END
  WHEN error_detail IS NULL THEN NULL
  WHEN error_detail ~ '^no answer within|ETIMEDOUT' THEN 'TIMEOUT'
  WHEN error_detail ~ 'ECONNREFUSED' THEN 'CONNECTION_REFUSED'
  WHEN error_detail ~ 'ECONNRESET|EPIPE|socket hang up' THEN 'CONNECTION_RESET'
  WHEN error_detail ~ 'EHOSTUNREACH|ENETUNREACH' THEN 'UNREACHABLE'
  WHEN error_detail ~ 'ENOTFOUND|EAI_AGAIN|has no address|does not resolve' THEN 'DNS'
  WHEN error_detail ~ 'webhooks may not reach|private, loopback or link-local|must start with https|user name or password|not a URL' THEN 'ADDRESS_NOT_ALLOWED'
  WHEN error_detail ~* 'certificate|ssl|tls|EPROTO' THEN 'TLS'
  ELSE 'OTHER' END`;

/**
 * Webhook attempts say why they failed as a code (`error_code`, worded in
 * the reader's language by the console) beside the technical detail
 * (`error_detail`, the former `error`: the system's own English text).
 * Attempts logged before get the code their text names (OTHER when it names
 * none; HTTP_STATUS for an answer other than 2xx) and keep their text as the detail.
 */
export class WebhookAttemptErrors1764630000000 implements MigrationInterface {
  name = 'WebhookAttemptErrors1764630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_attempts RENAME COLUMN error TO error_detail;
      ALTER TABLE webhook_attempts ADD COLUMN error_code text CONSTRAINT webhook_attempts_error_code CHECK (error_code IN (
        'TIMEOUT', 'CONNECTION_REFUSED', 'CONNECTION_RESET', 'UNREACHABLE', 'DNS', 'TLS', 'ADDRESS_NOT_ALLOWED', 'HTTP_STATUS', 'OTHER'));
      UPDATE webhook_attempts SET error_code = ${ATTEMPT_ERROR_CODE}
        WHERE status_code IS NOT NULL OR error_detail IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_attempts DROP COLUMN error_code;
      ALTER TABLE webhook_attempts RENAME COLUMN error_detail TO error;
    `);
  }
}
