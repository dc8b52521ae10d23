/**
 * A cluster-wide role for this database, created unless it exists: a DBA
 * may have created it beforehand (then the migrating user needs no
 * CREATEROLE), or an earlier database of the same cluster did.
 */
export function createRole(role: string): string {
  return `
    DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
        CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$;
  `;
}

/** Makes `member` (an SQL expression: current_user, or a quoted name) a member of `role`, unless it is one already. */
export function grantRole(role: string, member: string): string {
  return `
    DO $$ BEGIN
      IF NOT pg_has_role(${member}, '${role}', 'MEMBER') THEN
        EXECUTE format('GRANT ${role} TO %I', ${member});
      END IF;
    END $$;
  `;
}
