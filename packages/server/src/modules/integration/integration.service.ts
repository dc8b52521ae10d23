import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import type { Actor } from '../../auth/actor.js';
import { secretMatches } from '../../auth/secret.js';
import type { IntegrationScope } from '../../auth/scopes.js';
import { inUnit, type UnitOfWork } from '../../db/unit-of-work.js';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound, unlessTaken } from '../../graphql/errors.js';
import { apiKeyPrefix, newApiKey } from './api-key.js';
import { addressAllowed, allowlistEntryProblem } from './ip-allowlist.js';
import { Integration } from './integration.entity.js';
import type { CreateIntegrationInput } from './dto/integration.input.js';

/** A new integration and its key, which is shown this once. */
export interface IssuedIntegration {
  integration: Integration;
  key: string;
}

export function listIntegrations(ctx: RequestContext): Promise<Integration[]> {
  return ctx.manager.find(Integration, { order: { revokedAt: { direction: 'DESC', nulls: 'FIRST' }, createdAt: 'DESC' } });
}

export async function createIntegration(ctx: RequestContext, input: CreateIntegrationInput): Promise<IssuedIntegration> {
  const problems = input.ipAllowlist
    .map((entry, i) => ({ field: `ipAllowlist.${i}`, problem: allowlistEntryProblem(entry) }))
    .filter((p) => p.problem);
  if (problems.length)
    throw badInput(problems.map((p) => `${p.field}: ${p.problem}`).join('; '), {
      fields: problems.map((p) => ({ field: p.field, messages: [p.problem!] })),
    });
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    throw badInput('expiresAt must be in the future', { fields: [{ field: 'expiresAt', messages: ['must be in the future'] }] });
  }
  const departmentIds = [...new Set(input.departmentIds ?? [])];
  if (departmentIds.length) {
    const [{ found }] = await ctx.query<{ found: number }>('SELECT count(*)::int AS found FROM departments WHERE id = ANY($1::uuid[])', [
      departmentIds,
    ]);
    if (found !== departmentIds.length)
      throw badInput('a department does not exist', { reason: 'REFERENCE', fields: [{ field: 'departmentIds', reason: 'REFERENCE' }] });
  }
  const { key, prefix, hash } = newApiKey();
  const integration = ctx.manager.create(Integration, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    name: input.name.trim(),
    scopes: [...new Set(input.scopes)],
    departmentIds,
    ipAllowlist: input.ipAllowlist.map((e) => e.trim()),
    expiresAt: input.expiresAt ?? null,
    keyPrefix: prefix,
    keyHash: hash,
    createdBy: ctx.staff.userId,
    createdAt: new Date(),
    revokedAt: null,
    lastUsedAt: null,
    lastUsedAddress: null,
  });
  await unlessTaken('name', 'an integration with this name exists', () => ctx.manager.insert(Integration, integration));
  return { integration, key };
}

/** Revokes the key: refused from the next request on (every request reads it). Revoking twice changes nothing. */
export async function revokeIntegration(ctx: RequestContext, id: string): Promise<Integration> {
  const integration = await ctx.manager.findOne(Integration, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!integration) throw notFound('integration');
  if (!integration.revokedAt) {
    integration.revokedAt = new Date();
    await ctx.manager.update(Integration, { id, revokedAt: IsNull() }, { revokedAt: integration.revokedAt });
  }
  return integration;
}

interface KeyRow {
  id: string;
  name: string;
  scopes: IntegrationScope[];
  department_ids: string[];
  ip_allowlist: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  key_hash: Buffer;
  /** Whether the last use recorded is older than a minute (or none is): then this use is recorded. */
  stale_use: boolean;
}

/** An API key's prefix; UNAUTHENTICATED for a malformed key. */
function wellFormedPrefix(key: string): string {
  const prefix = apiKeyPrefix(key);
  if (!prefix) throw new AppError('UNAUTHENTICATED', 'malformed API key (expected rk_<prefix>_<secret>)');
  return prefix;
}

/** A key found valid: the integration as the actor, and whether its last use is a minute old or more (to be recorded). */
export interface CheckedKey {
  actor: Actor;
  staleUse: boolean;
}

/**
 * An API key checked before the request's own transaction, in a unit of
 * work of its own that takes the turn anonymous callers share, as the
 * caller at `address`: its company found by the key's prefix (the key's row
 * is under row-level security), then the key itself (`checkKey`). A
 * malformed, unknown, revoked or expired key or a wrong secret is refused
 * there, so that only a valid key's request reaches its company's share of
 * the pool, where its cost then counts as a staff member's does
 * (docs/security.md). Writes nothing: the request records the use
 * (`recordKeyUse`), in its own transaction.
 */
export function verifyApiKey(dataSource: DataSource, key: string, address: string): Promise<CheckedKey> {
  const prefix = wellFormedPrefix(key);
  return inUnit(
    dataSource,
    async (uow) => {
      const [found] = await (
        await uow.manager()
      ).query<Array<{ id: string | null }>>('SELECT tenant_id_by_api_key_prefix($1) AS id', [prefix]);
      if (!found?.id) throw new AppError('UNAUTHENTICATED', 'unknown API key');
      return checkKey(uow, key, address, found.id);
    },
    { clientAddress: address },
  );
}

/**
 * Opens `uow` in `tenantId`, the company the key's prefix named, and
 * checks the key: UNAUTHENTICATED for an unknown, revoked or expired key (a
 * key not of that company, or not `integrationId` when one is given, is
 * unknown), FORBIDDEN from an address outside its allowlist. Read on every
 * request (and every page of an export), so a revocation holds from the
 * next one. With `integrationId` (a key checked before), the unit works for
 * it: it takes the key's share of the pool, as a staff member's does.
 */
async function checkKey(uow: UnitOfWork, key: string, address: string, tenantId: string, integrationId?: string): Promise<CheckedKey> {
  const prefix = wellFormedPrefix(key);
  // The prefix is 16 hex digits (wellFormedPrefix checks it): inlining it saves a round trip.
  const [row] = await uow.enterTenant<KeyRow>(tenantId, {
    userId: integrationId,
    then: `SELECT id, name, scopes, department_ids, ip_allowlist, expires_at, revoked_at, key_hash,
             (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale_use
        FROM integrations WHERE key_prefix = '${prefix}'`,
  });
  if (!row || !secretMatches(key, row.key_hash) || (integrationId && row.id !== integrationId))
    throw new AppError('UNAUTHENTICATED', 'unknown API key');
  if (row.revoked_at) throw new AppError('UNAUTHENTICATED', 'this API key was revoked', { reason: 'KEY_REVOKED' });
  if (row.expires_at && row.expires_at.getTime() <= Date.now())
    throw new AppError('UNAUTHENTICATED', 'this API key has expired', { reason: 'KEY_EXPIRED' });
  if (!addressAllowed(row.ip_allowlist, address)) {
    throw new AppError('FORBIDDEN', 'this API key may not be used from this address', { reason: 'ADDRESS_NOT_ALLOWED' });
  }
  const actor = {
    userId: row.id,
    tenantId,
    roles: [],
    departmentIds: row.department_ids,
    integration: { id: row.id, name: row.name, scopes: row.scopes },
  };
  return { actor, staleUse: row.stale_use };
}

/**
 * Records a key's use (at most once a minute) in `uow`, the request's transaction: a request that fails,
 * refused for a missing scope say, writes nothing. Only when it changes something: most requests of a busy
 * key send no statement for it.
 */
export async function recordKeyUse(uow: UnitOfWork, { actor, staleUse }: CheckedKey, address: string): Promise<void> {
  if (!staleUse) return;
  await (
    await uow.manager()
  ).query(
    `UPDATE integrations SET last_used_at = now(), last_used_address = $2
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [actor.userId, address],
  );
}

/**
 * `checkKey` and `recordKeyUse` in one unit of work entering the key's company, for the integration
 * `verifyApiKey` found (an export's page): the integration as the actor, holding its share of the pool.
 */
export async function enterAsIntegration(
  uow: UnitOfWork,
  key: string,
  address: string,
  { tenantId, userId }: Pick<Actor, 'tenantId' | 'userId'>,
): Promise<Actor> {
  const checked = await checkKey(uow, key, address, tenantId, userId);
  await recordKeyUse(uow, checked, address);
  return checked.actor;
}

/**
 * An integration limited to departments reaches only their complaints:
 * another department's complaint is NOT_FOUND to it, as another company's.
 */
export function requireReachable(ctx: RequestContext, departmentId: string | null): void {
  if (!isReachable(ctx, departmentId)) throw notFound('complaint');
}

/** Whether a complaint of `departmentId` is visible to the caller: always for staff and whole-company keys, else only in the key's departments. */
export function isReachable(ctx: RequestContext, departmentId: string | null): boolean {
  const actor = ctx.actor;
  if (!actor?.integration || !actor.departmentIds.length) return true;
  return departmentId !== null && actor.departmentIds.includes(departmentId);
}
