import type { RequestContext } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import { checkPassword } from '../../auth/password-policy.js';
import type { Role } from '../../auth/roles.js';
import { MailKind, queueMail } from '../mail/mail.outbox.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { insertUser, type Session } from '../tenant/tenant.service.js';
import { User } from '../user/user.entity.js';
import { refuseTakenEmail, setDepartments } from '../user/user.service.js';
import { accountMail, type AccountMailKind, type AccountMailValues } from './account-mail.js';
import { issueLink, LinkPurpose, redeemLink, revokeLinks, useUpLinks } from './account-links.js';
import { RateLimiter } from '../../http/rate-limiter.js';
import { RETENTION_DEFAULTS } from '../../config.js';
import { deletionIfUnconfirmed } from '../tenant/tenant.purge.js';

/** How long each kind of link works (INVITATION_TTL_HOURS, PASSWORD_RESET_TTL_MINUTES, ADDRESS_CONFIRMATION_TTL_HOURS). */
export interface AccountSettings {
  invitationTtlSeconds: number;
  passwordResetTtlSeconds: number;
  addressConfirmationTtlSeconds: number;
  /** Days after signing up that a company still unconfirmed is deleted (UNCONFIRMED_COMPANY_DAYS); 0 keeps it. */
  unconfirmedCompanyDays: number;
  /** Invitation mails per company per hour (INVITATIONS_PER_HOUR), new and sent again. */
  invitations: RateLimiter;
}

export const ACCOUNT_DEFAULTS: AccountSettings = {
  invitationTtlSeconds: 7 * 24 * 3600,
  passwordResetTtlSeconds: 3600,
  addressConfirmationTtlSeconds: 7 * 24 * 3600,
  unconfirmedCompanyDays: RETENTION_DEFAULTS.unconfirmedCompanyDays,
  invitations: RateLimiter.off,
};

/** The console's page for each link, under PUBLIC_URL; the company's slug in the path, the token in the fragment. */
const PAGES: Record<LinkPurpose, string> = {
  [LinkPurpose.INVITATION]: 'invitation',
  [LinkPurpose.PASSWORD_RESET]: 'reset-password',
  [LinkPurpose.ADDRESS_CONFIRMATION]: 'confirm-address',
};

export interface Invitation {
  email: string;
  name: string;
  roles: Role[];
  departmentIds?: string[] | null;
}

async function tenantOf(ctx: RequestContext): Promise<Tenant> {
  const tenant = await ctx.manager.findOneBy(Tenant, { id: ctx.tenantId });
  if (!tenant) throw notFound('tenant');
  return tenant;
}

/** FORBIDDEN, reason ADDRESS_UNCONFIRMED, until the company's admin address is confirmed. */
export async function requireConfirmedAddress(ctx: RequestContext): Promise<void> {
  const [row] = await ctx.query<{ confirmed: boolean }>(
    'SELECT address_confirmed_at IS NOT NULL AS confirmed FROM tenants WHERE id = app_tenant_id()',
  );
  if (!row?.confirmed) {
    throw new AppError('FORBIDDEN', "confirm the company admin's address first (the link in the mail sent at sign-up)", {
      reason: 'ADDRESS_UNCONFIRMED',
    });
  }
}

/** Writes a one-time link of `purpose` for `user` and the mail that carries it (blanked once sent), in the caller's transaction. */
async function mailLink(
  ctx: RequestContext,
  user: User,
  purpose: LinkPurpose,
  ttlSeconds: number,
  values: Pick<AccountMailValues, 'inviter' | 'deletesAt' | 'reminder'> = {},
): Promise<void> {
  const tenant = await tenantOf(ctx);
  const { token, expiresAt } = await issueLink(ctx, purpose, user.id, ttlSeconds);
  const base = ctx.mailLinks?.publicUrl;
  if (!base) throw new Error('account mail needs PUBLIC_URL (the request context carries no mail links)');
  const link = new URL(`/${PAGES[purpose]}/${encodeURIComponent(tenant.slug)}#${token}`, base).toString();
  const kind = MailKind[purpose] as AccountMailKind;
  const { subject, text } = accountMail(kind, tenant.locale, {
    name: user.name,
    company: tenant.name,
    ...values,
    link,
    expiresAt,
    timeZone: tenant.timeZone,
  });
  await queueMail(ctx, { kind, to: user.email, subject, text, secret: true });
}

/**
 * Invites a staff member: the user exists at once (they can be assigned
 * work and shown), without a password, and cannot sign in until they set
 * one with the invitation's link. Refused until the company's address is
 * confirmed; an e-mail already in use is DUPLICATE.
 */
export async function inviteUser(ctx: RequestContext, input: Invitation, settings: AccountSettings): Promise<User> {
  await requireConfirmedAddress(ctx);
  await refuseTakenEmail(ctx, input.email);
  const user = await insertUser(ctx, { ...input, password: null });
  await setDepartments(ctx, user.id, input.departmentIds ?? []);
  const inviter = await ctx.manager.findOneBy(User, { id: ctx.staff.userId });
  await mailLink(ctx, user, LinkPurpose.INVITATION, settings.invitationTtlSeconds, { inviter: inviter?.name });
  await spendInvitation(ctx, settings);
  return user;
}

/**
 * Counts one invitation mail of the company, once everything else of it was
 * written (an invitation refused on the way is not counted); RATE_LIMITED,
 * reason INVITATION_LIMIT, past its hourly share, and then the transaction
 * rolls back what it wrote.
 */
async function spendInvitation(ctx: RequestContext, settings: AccountSettings): Promise<void> {
  const spent = await settings.invitations.spend(ctx.tenantId);
  if (!spent.allowed) {
    throw new AppError('RATE_LIMITED', 'this company has sent as many invitations as it may this hour; try again later', {
      reason: 'INVITATION_LIMIT',
      retryAfterSeconds: Math.max(1, Math.ceil(spent.retryAfterMs / 1000)),
    });
  }
}

/** The invited user `userId`, locked; NOT_INVITED once they have set a password. */
async function invitedUser(ctx: RequestContext, userId: string): Promise<User> {
  const user = await ctx.manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
  if (!user) throw notFound('user');
  if (!user.invitedAt || user.passwordHash)
    throw new AppError('BAD_USER_INPUT', 'this user has accepted the invitation already', { reason: 'NOT_INVITED' });
  return user;
}

/** Sends the invitation again with a new link (the earlier one stops working); a revoked invitation becomes valid again. */
export async function resendInvitation(ctx: RequestContext, userId: string, settings: AccountSettings): Promise<User> {
  await requireConfirmedAddress(ctx);
  const user = await invitedUser(ctx, userId);
  if (!user.active) await ctx.manager.update(User, { id: user.id }, { active: true });
  const inviter = await ctx.manager.findOneBy(User, { id: ctx.staff.userId });
  await mailLink(ctx, user, LinkPurpose.INVITATION, settings.invitationTtlSeconds, { inviter: inviter?.name });
  await spendInvitation(ctx, settings);
  return { ...user, active: true };
}

/** Revokes an invitation: its link stops working (LINK_REVOKED) and the user is deactivated; resending revives it. */
export async function revokeInvitation(ctx: RequestContext, userId: string): Promise<User> {
  const user = await invitedUser(ctx, userId);
  await revokeLinks(ctx, LinkPurpose.INVITATION, user.id);
  if (user.active) await ctx.manager.update(User, { id: user.id }, { active: false });
  return { ...user, active: false };
}

/** Sets a password with a link: the user is signed in (their session), and the link is used. */
async function setPasswordWithLink(ctx: RequestContext, purpose: LinkPurpose, token: string, password: string): Promise<Session> {
  const { userId } = await redeemLink(ctx, purpose, token);
  const user = await ctx.manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
  // A user deactivated after the mail was sent (or whose invitation was revoked) cannot use it.
  if (!user?.active) throw new AppError('BAD_USER_INPUT', 'this link no longer works', { reason: 'LINK_REVOKED' });
  checkPassword(password, user.email);
  const changes: Partial<User> = {
    passwordHash: await ctx.hashPassword(password),
    invitedAt: null,
    credentialsVersion: user.credentialsVersion + 1,
  };
  await ctx.manager.update(User, { id: user.id }, changes);
  // Every other reset link of the user stops working with the new password.
  await useUpLinks(ctx, LinkPurpose.PASSWORD_RESET, user.id);
  return { user: { ...user, ...changes }, tenant: await tenantOf(ctx) };
}

/** The invited user sets their password with the invitation's link and is signed in. */
export function acceptInvitation(ctx: RequestContext, token: string, password: string): Promise<Session> {
  return setPasswordWithLink(ctx, LinkPurpose.INVITATION, token, password);
}

/**
 * Sets a new password with a reset link and signs the user in. The user's
 * credentials version is raised: every other session of theirs ends (the
 * caller closes their sockets once this commits), and every reset link of
 * theirs is used up.
 */
export function resetPassword(ctx: RequestContext, token: string, password: string): Promise<Session> {
  return setPasswordWithLink(ctx, LinkPurpose.PASSWORD_RESET, token, password);
}

/**
 * Writes a reset mail if `email` is an active user with a password in the
 * company of `ctx` (null: an unknown company); else nothing. The caller
 * answers the same either way and pads the time (docs/security.md).
 */
export async function requestPasswordReset(ctx: RequestContext | null, email: string, settings: AccountSettings): Promise<void> {
  const user = ctx ? await ctx.manager.findOneBy(User, { email: email.trim().toLowerCase() }) : null;
  // An invited user has their invitation; a deactivated one gets nothing.
  if (!ctx || !user?.active || !user.passwordHash) return;
  await mailLink(ctx, user, LinkPurpose.PASSWORD_RESET, settings.passwordResetTtlSeconds);
}

/**
 * Writes the mail that asks `admin` to confirm their address, unless the company's address is confirmed (false);
 * it says when the company is deleted if it stays unconfirmed, and the link works no longer than that
 * (UNCONFIRMED_COMPANY_DAYS after signing up). `reminder`: sent by itself, a week before (remindOfDeletion).
 */
export async function sendAddressConfirmation(
  ctx: RequestContext,
  admin: User,
  settings: AccountSettings,
  reminder = false,
): Promise<boolean> {
  const tenant = await ctx.manager.findOne(Tenant, { where: { id: ctx.tenantId }, lock: { mode: 'pessimistic_write' } });
  if (!tenant || tenant.addressConfirmedAt) return false;
  const deletion = deletionIfUnconfirmed(tenant.createdAt, settings.unconfirmedCompanyDays);
  const ttlSeconds = Math.min(
    settings.addressConfirmationTtlSeconds,
    deletion ? Math.max(60, Math.floor((deletion.getTime() - Date.now()) / 1000)) : Infinity,
  );
  await mailLink(ctx, admin, LinkPurpose.ADDRESS_CONFIRMATION, ttlSeconds, { deletesAt: deletion ?? undefined, reminder });
  return true;
}

/**
 * Sends the admin of a company still unconfirmed, signed up between `signedUpAfter` and `signedUpBefore`, the
 * confirmation again, saying when the company will be deleted (deletion-reminder.ts). Once: the company's row,
 * locked first as by the confirmation and the deletion, records it in the same transaction as the mail, so a
 * second node looking at the same moment waits and finds it done. False when there was nothing to send.
 */
export async function remindOfDeletion(
  ctx: RequestContext,
  { signedUpBefore, signedUpAfter }: { signedUpBefore: Date; signedUpAfter: Date },
  settings: AccountSettings,
): Promise<boolean> {
  // A SELECT over the UPDATE: TypeORM answers a bare UPDATE with [rows, count].
  const due = await ctx.query<{ id: string }>(
    `WITH told AS (
       UPDATE tenants SET deletion_reminded_at = now()
        WHERE id = app_tenant_id() AND address_confirmed_at IS NULL AND deletion_reminded_at IS NULL
          AND created_at < $1 AND created_at >= $2
        RETURNING id
     ) SELECT id FROM told`,
    [signedUpBefore, signedUpAfter],
  );
  if (due.length === 0) return false;
  // No one can be added to a company before its address is confirmed: its one user is the admin who signed it up.
  const [admin] = await ctx.manager.find(User, { order: { createdAt: 'ASC' }, take: 1 });
  // Never recorded as reminded without the mail: the transaction is undone, and the purge logs and counts the failure.
  if (!admin || !(await sendAddressConfirmation(ctx, admin, settings, true))) throw new Error('no admin to remind of the deletion');
  return true;
}

/** Sends the confirmation again, to the signed-in admin's address; false when the address is confirmed already. */
export async function resendAddressConfirmation(ctx: RequestContext, settings: AccountSettings): Promise<boolean> {
  const admin = await ctx.manager.findOneBy(User, { id: ctx.staff.userId });
  if (!admin) throw notFound('user');
  return sendAddressConfirmation(ctx, admin, settings);
}

/**
 * Confirms the company's admin address with the link of its mail (once). The company's row is locked first, as
 * the purge of unconfirmed companies locks it before the links it deletes: taken the other way round, the two waited
 * on each other.
 */
export async function confirmAddress(ctx: RequestContext, token: string): Promise<boolean> {
  await ctx.query('SELECT 1 FROM tenants WHERE id = app_tenant_id() FOR UPDATE');
  await redeemLink(ctx, LinkPurpose.ADDRESS_CONFIRMATION, token);
  await ctx.query('UPDATE tenants SET address_confirmed_at = coalesce(address_confirmed_at, now()) WHERE id = app_tenant_id()');
  return true;
}
