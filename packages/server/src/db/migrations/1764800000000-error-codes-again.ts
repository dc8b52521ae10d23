import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The error codes of webhook attempts and outbound mails that failed before
 * their codes existed (1764630000000, 1764730000000), written again where
 * they are missing. Those migrations updated tables that force row-level
 * security on their owner; an owner that is not a superuser (production)
 * saw no row through the policies, so the update changed nothing there.
 * Here the policies are lifted for the update, as 1764460000000 does, and
 * restored where they were forced. Rows that have their code keep it.
 */
export class ErrorCodesAgain1764800000000 implements MigrationInterface {
  name = 'ErrorCodesAgain1764800000000';

  async up(q: QueryRunner): Promise<void> {
    const [{ forced }] = await q.query(`SELECT relforcerowsecurity AS forced FROM pg_class WHERE oid = 'webhook_attempts'::regclass`);
    await q.query(`
      ALTER TABLE webhook_attempts NO FORCE ROW LEVEL SECURITY;
      UPDATE webhook_attempts SET error_code = CASE
          WHEN status_code IS NOT NULL THEN CASE WHEN status_code BETWEEN 200 AND 299 THEN NULL ELSE 'HTTP_STATUS' END
          WHEN error_detail ~ '^no answer within|ETIMEDOUT' THEN 'TIMEOUT'
          WHEN error_detail ~ 'ECONNREFUSED' THEN 'CONNECTION_REFUSED'
          WHEN error_detail ~ 'ECONNRESET|EPIPE|socket hang up' THEN 'CONNECTION_RESET'
          WHEN error_detail ~ 'EHOSTUNREACH|ENETUNREACH' THEN 'UNREACHABLE'
          WHEN error_detail ~ 'ENOTFOUND|EAI_AGAIN|has no address|does not resolve' THEN 'DNS'
          WHEN error_detail ~ 'webhooks may not reach|private, loopback or link-local|must start with https|user name or password|not a URL' THEN 'ADDRESS_NOT_ALLOWED'
          WHEN error_detail ~* 'certificate|ssl|tls|EPROTO' THEN 'TLS'
          ELSE 'OTHER' END
        WHERE error_code IS NULL AND ((status_code IS NOT NULL AND status_code NOT BETWEEN 200 AND 299) OR (status_code IS NULL AND error_detail IS NOT NULL));
      ${forced ? 'ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;' : ''}
      UPDATE outbound_mails SET last_error_code = CASE
          WHEN last_error_detail ~ '^bounced: ' THEN 'BOUNCED'
          WHEN last_error_detail ~* 'invalid login|missing credentials|authentication' THEN 'AUTH'
          WHEN last_error_detail ~ '(^|[^0-9.])5[0-9][0-9]([^0-9]|$)' THEN 'REFUSED'
          WHEN last_error_detail ~ '(^|[^0-9.])4[0-9][0-9]([^0-9]|$)' THEN 'DEFERRED'
          WHEN last_error_detail ~* 'ECONNREFUSED|ETIMEDOUT|ENOTFOUND|ECONNRESET|connection|timeout|greeting|certificate|tls' THEN 'CONNECTION'
          ELSE 'OTHER' END,
        last_error_detail = CASE WHEN last_error_detail ~ '^bounced: ' THEN NULL ELSE last_error_detail END
        WHERE last_error_code IS NULL AND last_error_detail IS NOT NULL;
    `);
  }

  async down(): Promise<void> {
    // The codes written here are those 1764630000000 and 1764730000000 meant to write; undoing those removes them.
  }
}
