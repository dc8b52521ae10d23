import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The code a failed mail's text names (also written again by 1764800000000). */
export const MAIL_ERROR_CODE = `CASE
  WHEN last_error_detail ~ '^bounced: ' THEN 'BOUNCED'
  WHEN last_error_detail ~* 'invalid login|missing credentials|authentication' THEN 'AUTH'
  WHEN last_error_detail ~ '(^|[^0-9.])5[0-9][0-9]([^0-9]|$)' THEN 'REFUSED'
  WHEN last_error_detail ~ '(^|[^0-9.])4[0-9][0-9]([^0-9]|$)' THEN 'DEFERRED'
  WHEN last_error_detail ~* 'ECONNREFUSED|ETIMEDOUT|ENOTFOUND|ECONNRESET|connection|timeout|greeting|certificate|tls' THEN 'CONNECTION'
  ELSE 'OTHER' END`;

/**
 * Outbound mails say why they failed as a code (`last_error_code`, worded in
 * the reader's language by the console) beside the technical detail
 * (`last_error_detail`, the former `last_error`: the mail server's or the
 * system's English text). Mails that failed before get the code their text
 * names: a bounce (whose text was this service's own, now dropped), a
 * sign-in failure, an SMTP 5xx or 4xx answer, a connection failure, else OTHER.
 */
export class MailErrors1764730000000 implements MigrationInterface {
  name = 'MailErrors1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbound_mails RENAME COLUMN last_error TO last_error_detail;
      ALTER TABLE outbound_mails ADD COLUMN last_error_code text CONSTRAINT outbound_mails_last_error_code CHECK (last_error_code IN (
        'REFUSED', 'DEFERRED', 'CONNECTION', 'AUTH', 'BOUNCED', 'OTHER'));
      UPDATE outbound_mails SET last_error_code = ${MAIL_ERROR_CODE},
        last_error_detail = CASE WHEN last_error_detail ~ '^bounced: ' THEN NULL ELSE last_error_detail END
        WHERE last_error_detail IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE outbound_mails SET last_error_detail = 'bounced: the receiving server reported it undeliverable'
        WHERE last_error_code = 'BOUNCED' AND last_error_detail IS NULL;
      ALTER TABLE outbound_mails DROP COLUMN last_error_code;
      ALTER TABLE outbound_mails RENAME COLUMN last_error_detail TO last_error;
    `);
  }
}
