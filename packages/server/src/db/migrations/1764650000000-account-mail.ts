import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts by mail (docs/email.md, "Account mails"; docs/security.md,
 * "One-time account links"):
 *
 * - a staff member can be invited: the user exists without a password
 *   (`invited_at` set) until they set one through the invitation's link;
 * - `account_links`: the one-time links of invitations, password resets
 *   and address confirmations. Only a SHA-256 of the token is kept (the
 *   token is 256 random bits, as the portal's tracking tokens); a link
 *   expires, is used once, and is revoked when a newer one replaces it;
 * - a company's admin address is confirmed (`address_confirmed_at`) before
 *   the company can invite staff or receive mail. Every company that exists
 *   now counts as confirmed (backfilled per company, as the owner may not
 *   pass row-level security);
 * - `mail_tenant_id_by_slug`: the receiver's look-up, as `tenant_id_by_slug`
 *   but only for a company whose address is confirmed (id only).
 */
export class AccountMail1764650000000 implements MigrationInterface {
  name = 'AccountMail1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants ADD COLUMN address_confirmed_at timestamptz;
      DO $$
      DECLARE t record;
      BEGIN
        FOR t IN SELECT id FROM tenants LOOP
          PERFORM set_config('app.tenant_id', t.id::text, true);
          UPDATE tenants SET address_confirmed_at = created_at WHERE id = t.id;
        END LOOP;
        PERFORM set_config('app.tenant_id', '', true);
      END $$;

      ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
      ALTER TABLE users ADD COLUMN invited_at timestamptz;
      ALTER TABLE users ADD CONSTRAINT users_password_or_invited CHECK (password_hash IS NOT NULL OR invited_at IS NOT NULL);

      CREATE TABLE account_links (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('INVITATION', 'PASSWORD_RESET', 'ADDRESS_CONFIRMATION')),
        user_id uuid NOT NULL,
        token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE UNIQUE INDEX account_links_token ON account_links (tenant_id, token_hash);
      CREATE INDEX account_links_user ON account_links (tenant_id, user_id, purpose) WHERE used_at IS NULL AND revoked_at IS NULL;

      ALTER TABLE account_links ENABLE ROW LEVEL SECURITY;
      ALTER TABLE account_links FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON account_links
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE ON account_links TO reclaim_app;

      CREATE FUNCTION mail_tenant_id_by_slug(p_slug text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
        $$ SELECT id FROM tenants WHERE slug = p_slug AND address_confirmed_at IS NOT NULL $$;
      REVOKE ALL ON FUNCTION mail_tenant_id_by_slug(text) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION mail_tenant_id_by_slug(text) TO reclaim_app, reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION mail_tenant_id_by_slug(text);
      DROP TABLE account_links;
      DELETE FROM users WHERE password_hash IS NULL;
      ALTER TABLE users DROP CONSTRAINT users_password_or_invited;
      ALTER TABLE users DROP COLUMN invited_at;
      ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL;
      ALTER TABLE tenants DROP COLUMN address_confirmed_at;
    `);
  }
}
