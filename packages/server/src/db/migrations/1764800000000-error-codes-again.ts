import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ATTEMPT_ERROR_CODE } from './1764630000000-webhook-attempt-errors.js';
import { MAIL_ERROR_CODE } from './1764730000000-mail-errors.js';

/**
 * The error codes of webhook attempts and outbound mails that failed before
 * their codes existed (1764630000000, 1764730000000), written again where
 * they are missing. Those migrations updated tables that force row-level
 * security on their owner; an owner that is not a superuser (production)
 * saw no row through the policies, so the update changed nothing there.
 * Here the policies are lifted for the update, as 1764460000000 does (the
 * mails' table forces them no more since 1764790000000). Rows that have
 * their code keep it.
 */
export class ErrorCodesAgain1764800000000 implements MigrationInterface {
  name = 'ErrorCodesAgain1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_attempts NO FORCE ROW LEVEL SECURITY;
      UPDATE webhook_attempts SET error_code = ${ATTEMPT_ERROR_CODE}
        WHERE error_code IS NULL AND ((status_code IS NOT NULL AND status_code NOT BETWEEN 200 AND 299) OR (status_code IS NULL AND error_detail IS NOT NULL));
      ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
      UPDATE outbound_mails SET last_error_code = ${MAIL_ERROR_CODE},
        last_error_detail = CASE WHEN last_error_detail ~ '^bounced: ' THEN NULL ELSE last_error_detail END
        WHERE last_error_code IS NULL AND last_error_detail IS NOT NULL;
    `);
  }

  async down(): Promise<void> {
    // The codes written here are those 1764630000000 and 1764730000000 meant to write; undoing those removes them.
  }
}
