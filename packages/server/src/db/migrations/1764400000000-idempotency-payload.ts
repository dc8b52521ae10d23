import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash of what was submitted with an idempotency key, so that the same
 * key with a different complaint is refused (CONFLICT) instead of answered
 * with the first one. Rows from before have none and replay as they did.
 */
export class IdempotencyPayload1764400000000 implements MigrationInterface {
  name = 'IdempotencyPayload1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE complaints ADD COLUMN idempotency_hash bytea CHECK (idempotency_hash IS NULL OR idempotency_key IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE complaints DROP COLUMN idempotency_hash`);
  }
}
