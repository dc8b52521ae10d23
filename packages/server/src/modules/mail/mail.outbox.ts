import { registerEnumType } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { NotificationEvent, type CustomerEvent } from './notification-texts.js';

/**
 * Why a mail was written: the notifications (NotificationEvent, the same
 * names), the account mails and the survey invitations. The outbox checks
 * only a kind's form; this is the list.
 */
export const MailKind = {
  ...NotificationEvent,
  INVITATION: 'INVITATION',
  PASSWORD_RESET: 'PASSWORD_RESET',
  ADDRESS_CONFIRMATION: 'ADDRESS_CONFIRMATION',
  SURVEY_INVITATION: 'SURVEY_INVITATION',
} as const;
export type MailKind = (typeof MailKind)[keyof typeof MailKind];
registerEnumType(MailKind, {
  name: 'MailKind',
  description:
    'The notifications (as NotificationEvent); INVITATION, PASSWORD_RESET, ADDRESS_CONFIRMATION: account mails; ' +
    'SURVEY_INVITATION: a scheduled satisfaction survey',
});

export interface ComplaintMail {
  complaintId: string;
  kind: CustomerEvent;
  /** The subject without the number: `[ACME-2026-000042] ` is put before it. */
  subject: string;
  text: string;
}

/**
 * Writes a mail to the complaint's customer into the outbox, in the
 * caller's transaction: it is sent once the change commits, never for a
 * rolled-back one, and never lost if the node dies after the commit. The
 * address is the one the complaint was filed with; a complaint without one
 * gets no mail (false).
 */
export async function queueComplaintMail(ctx: RequestContext, mail: ComplaintMail): Promise<boolean> {
  const rows = await ctx.query<{ id: string }>(
    `INSERT INTO outbound_mails (tenant_id, id, complaint_id, kind, to_address, subject, body_text, next_attempt_at, created_at)
     SELECT c.tenant_id, gen_random_uuid(), c.id, $2, c.customer_email, left('[' || c.number || '] ' || $3, 998), $4, now(), now()
       FROM complaints c WHERE c.id = $1 AND c.customer_email LIKE '%_@_%'
     RETURNING id`,
    [mail.complaintId, mail.kind, mail.subject.replace(/[\r\n]+/g, ' ').trim(), mail.text],
  );
  return rows.length > 0;
}

export interface StaffMail {
  kind: MailKind;
  /** The recipient's address as given; it is trimmed and checked for its form only. */
  to: string;
  subject: string;
  text: string;
  /** The complaint the mail is about, if any (its number goes before the subject). */
  complaintId?: string | null;
  /** The body holds a one-time link: it is blanked once the mail is sent or has failed for good. */
  secret?: boolean;
}

/**
 * Writes a mail to any address (a staff member, an invited user) into the
 * outbox, in the caller's transaction, as queueComplaintMail does for the
 * customer. Returns the mail's id.
 */
export async function queueMail(ctx: RequestContext, mail: StaffMail): Promise<string> {
  const to = mail.to.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(to) || to.length > 320) throw new Error(`queueMail: ${JSON.stringify(to.slice(0, 40))} is not an address`);
  const [row] = await ctx.query<{ id: string }>(
    `INSERT INTO outbound_mails (tenant_id, id, complaint_id, kind, to_address, subject, body_text, body_secret, next_attempt_at, created_at)
     SELECT app_tenant_id(), gen_random_uuid(), $1::uuid, $2, $3,
            left(coalesce((SELECT '[' || c.number || '] ' FROM complaints c WHERE c.id = $1::uuid), '') || $4, 998), $5, $6, now(), now()
     RETURNING id`,
    [mail.complaintId ?? null, mail.kind, to, mail.subject.replace(/[\r\n]+/g, ' ').trim(), mail.text, mail.secret ?? false],
  );
  return row!.id;
}

/**
 * queueMail, at most once under `onceKey` in the company: a second call
 * with the same key, in this transaction or any other, on any node, writes
 * nothing (null). For a mail that must not repeat when its cause is seen
 * again (an SLA warning on a later pass of the scheduler).
 */
export async function queueMailOnce(ctx: RequestContext, mail: StaffMail, onceKey: string): Promise<string | null> {
  const to = mail.to.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(to) || to.length > 320)
    throw new Error(`queueMailOnce: ${JSON.stringify(to.slice(0, 40))} is not an address`);
  const rows = await ctx.query<{ id: string }>(
    `INSERT INTO outbound_mails (tenant_id, id, complaint_id, kind, to_address, subject, body_text, body_secret, once_key, next_attempt_at, created_at)
     SELECT app_tenant_id(), gen_random_uuid(), $1::uuid, $2, $3,
            left(coalesce((SELECT '[' || c.number || '] ' FROM complaints c WHERE c.id = $1::uuid), '') || $4, 998), $5, $6, $7, now(), now()
     ON CONFLICT (tenant_id, once_key) WHERE once_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [mail.complaintId ?? null, mail.kind, to, mail.subject.replace(/[\r\n]+/g, ' ').trim(), mail.text, mail.secret ?? false, onceKey],
  );
  return rows[0]?.id ?? null;
}
