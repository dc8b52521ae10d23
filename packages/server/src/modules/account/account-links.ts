import { randomBytes } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, type ErrorReason } from '../../graphql/errors.js';
import { hashSecret } from '../../auth/secret.js';

/** What a one-time account link is for (`account_links.purpose`). */
export enum LinkPurpose {
  INVITATION = 'INVITATION',
  PASSWORD_RESET = 'PASSWORD_RESET',
  ADDRESS_CONFIRMATION = 'ADDRESS_CONFIRMATION',
}

/** 256 random bits, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const linkError = (reason: ErrorReason, message: string) => new AppError('BAD_USER_INPUT', message, { reason });

/**
 * Writes a new link of `purpose` for `userId`, valid `ttlSeconds`, and
 * revokes the user's earlier open links of that purpose (a resent mail
 * replaces the one before). Returns the token, which is stored nowhere:
 * only its SHA-256 is kept, and the mail that carries it is blanked once sent.
 */
export async function issueLink(
  ctx: RequestContext,
  purpose: LinkPurpose,
  userId: string,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  await revokeLinks(ctx, purpose, userId);
  const token = randomBytes(32).toString('base64url');
  const [row] = await ctx.query<{ expires_at: Date }>(
    `INSERT INTO account_links (tenant_id, id, purpose, user_id, token_hash, expires_at)
     VALUES (app_tenant_id(), gen_random_uuid(), $1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
    [purpose, userId, hashSecret(token), ttlSeconds],
  );
  return { token, expiresAt: new Date(row!.expires_at) };
}

/** Revokes the open links of `purpose` for `userId` (a newer link, a revoked invitation). */
export async function revokeLinks(ctx: RequestContext, purpose: LinkPurpose, userId: string): Promise<void> {
  await ctx.query(
    `UPDATE account_links SET revoked_at = now()
                    WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND revoked_at IS NULL`,
    [userId, purpose],
  );
}

/** Marks every open link of `purpose` for `userId` used (a password set uses all its reset links up). */
export async function useUpLinks(ctx: RequestContext, purpose: LinkPurpose, userId: string): Promise<void> {
  await ctx.query(
    `UPDATE account_links SET used_at = now()
                    WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND revoked_at IS NULL`,
    [userId, purpose],
  );
}

/**
 * Uses the link of `token` for `purpose` in the company of `ctx`, once:
 * the user it was written for. The link's row is locked, so of two
 * concurrent uses one wins and the other finds it used. A link of another
 * company is not seen (row-level security): LINK_INVALID, as an unknown
 * one; LINK_USED, LINK_REVOKED (replaced or revoked) and LINK_EXPIRED say
 * why a known one no longer works. Nothing is written but the use, in the
 * caller's transaction (a later refusal rolls it back).
 */
export async function redeemLink(ctx: RequestContext, purpose: LinkPurpose, token: string): Promise<{ userId: string }> {
  if (!TOKEN.test(token)) throw linkError('LINK_INVALID', 'this link is not valid');
  const [link] = await ctx.query<{ id: string; user_id: string; used: boolean; revoked: boolean; expired: boolean }>(
    `SELECT id, user_id, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
       FROM account_links WHERE token_hash = $1 AND purpose = $2 FOR UPDATE`,
    [hashSecret(token), purpose],
  );
  if (!link) throw linkError('LINK_INVALID', 'this link is not valid');
  if (link.used) throw linkError('LINK_USED', 'this link has been used already');
  if (link.revoked) throw linkError('LINK_REVOKED', 'this link was replaced by a newer one or revoked');
  if (link.expired) throw linkError('LINK_EXPIRED', 'this link has expired');
  await ctx.query('UPDATE account_links SET used_at = now() WHERE id = $1', [link.id]);
  return { userId: link.user_id };
}
