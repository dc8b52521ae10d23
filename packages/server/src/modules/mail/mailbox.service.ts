import type { SecretBox } from '../../auth/secret-box.js';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound, type ErrorReason } from '../../graphql/errors.js';
import { closeMailbox, mailboxFailure, openMailbox, type MailboxPolicy } from './mailbox.connection.js';
import { MailboxError, MailboxSecurity, MailMailbox } from './mailbox.entity.js';

/** What the mailbox operations need of the node: how mailboxes may be reached, the key that seals their passwords. */
export interface MailboxAccess {
  policy: MailboxPolicy;
  box: SecretBox;
}

export interface MailboxChanges {
  host: string;
  port: number;
  security: MailboxSecurity;
  username: string;
  /** Kept as it is when not given (a mailbox already saved). */
  password?: string | null;
  folder: string;
  enabled: boolean;
}

const REASONS: Record<MailboxError, { reason: ErrorReason; field: string }> = {
  UNREACHABLE: { reason: 'MAILBOX_UNREACHABLE', field: 'host' },
  ADDRESS_NOT_ALLOWED: { reason: 'MAILBOX_ADDRESS_NOT_ALLOWED', field: 'host' },
  TLS: { reason: 'MAILBOX_TLS', field: 'security' },
  LOGIN_FAILED: { reason: 'MAILBOX_LOGIN_FAILED', field: 'password' },
  FOLDER_MISSING: { reason: 'MAILBOX_FOLDER_MISSING', field: 'folder' },
  KEY_CHANGED: { reason: 'MAILBOX_LOGIN_FAILED', field: 'password' },
  OTHER: { reason: 'MAILBOX_UNREACHABLE', field: 'host' },
};

export function getMailbox(ctx: RequestContext): Promise<MailMailbox | null> {
  return ctx.manager.findOneBy(MailMailbox, { tenantId: ctx.tenantId });
}

/**
 * Saves the company's mailbox once a sign-in to it has worked and its
 * folder opens (a mailbox that cannot be read is refused with the reason,
 * on its field, and nothing is saved). A mailbox moved to another server,
 * account or folder is read afresh from its unseen mail; it is read at once.
 */
export async function saveMailbox(ctx: RequestContext, input: MailboxChanges, access: MailboxAccess): Promise<MailMailbox> {
  const host = input.host.trim().toLowerCase();
  if (input.security === MailboxSecurity.NONE && !access.policy.allowInsecure) {
    throw badInput('this server allows only encrypted connections to mailboxes', {
      reason: 'MAILBOX_TLS',
      fields: [{ field: 'security', messages: ['must be TLS or STARTTLS'], reason: 'MAILBOX_TLS' }],
    });
  }
  const existing = await ctx.manager.findOne(MailMailbox, { where: { tenantId: ctx.tenantId }, lock: { mode: 'pessimistic_write' } });
  let password = input.password ?? null;
  if (password === null && existing) {
    try {
      password = access.box.open(existing.passwordSealed, ctx.tenantId);
    } catch {
      password = null;
    }
  }
  if (password === null) throw badInput("enter the mailbox's password", { fields: [{ field: 'password', messages: ['is required'] }] });
  await checkMailbox(
    { host, port: input.port, security: input.security, username: input.username, password, folder: input.folder },
    access.policy,
  );
  const moved =
    !existing ||
    existing.host !== host ||
    existing.port !== input.port ||
    existing.username !== input.username ||
    existing.folder !== input.folder;
  const row: Partial<MailMailbox> = {
    tenantId: ctx.tenantId,
    host,
    port: input.port,
    security: input.security,
    username: input.username,
    folder: input.folder,
    passwordSealed: access.box.seal(password, ctx.tenantId),
    enabled: input.enabled,
    nextPollAt: new Date(),
    failures: 0,
    lastErrorCode: null,
    lastErrorDetail: null,
    updatedAt: new Date(),
    ...(moved && { uidValidity: null, lastUid: null, fetched: 0 }),
  };
  if (existing) await ctx.manager.update(MailMailbox, { tenantId: ctx.tenantId }, row);
  else await ctx.manager.insert(MailMailbox, { fetched: 0, ...row });
  return ctx.manager.findOneByOrFail(MailMailbox, { tenantId: ctx.tenantId });
}

/** Signs in and opens the folder read-only, then signs out; BAD_USER_INPUT with the reason on its field when that fails. */
async function checkMailbox(a: Parameters<typeof openMailbox>[0] & { folder: string }, policy: MailboxPolicy): Promise<void> {
  try {
    const client = await openMailbox(a, policy);
    try {
      await client.mailboxOpen(a.folder, { readOnly: true });
    } catch (err) {
      const failure = mailboxFailure(err);
      // A server that answers NO to SELECT of a name has no such folder, whatever its wording.
      throw failure.code === MailboxError.UNREACHABLE && client.usable
        ? mailboxFailure({ serverResponseCode: 'NONEXISTENT', responseText: failure.detail })
        : failure;
    } finally {
      await closeMailbox(client);
    }
  } catch (err) {
    const failure = mailboxFailure(err);
    const { reason, field } = REASONS[failure.code];
    throw badInput(`the mailbox cannot be read: ${failure.detail}`, { reason, fields: [{ field, messages: [failure.detail], reason }] });
  }
}

export async function removeMailbox(ctx: RequestContext): Promise<boolean> {
  const result = await ctx.manager.delete(MailMailbox, { tenantId: ctx.tenantId });
  return (result.affected ?? 0) > 0;
}

/** Reads the mailbox as soon as a node is free (within the reader's poll), instead of at its next turn. */
export async function readMailboxNow(ctx: RequestContext): Promise<MailMailbox> {
  await ctx.manager.update(MailMailbox, { tenantId: ctx.tenantId, enabled: true }, { nextPollAt: () => 'now()' });
  const box = await getMailbox(ctx);
  if (!box) throw notFound('mailbox');
  return box;
}
