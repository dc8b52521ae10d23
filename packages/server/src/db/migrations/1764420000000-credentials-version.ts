import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version of each user's credentials, carried in their tokens: a password,
 * role, department or status change raises it, and tokens signed with an
 * older one are refused (docs/security.md, "Sessions").
 */
export class CredentialsVersion1764420000000 implements MigrationInterface {
  name = 'CredentialsVersion1764420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users ADD COLUMN credentials_version integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN credentials_version');
  }
}
