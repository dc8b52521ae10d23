import type { RequestContext } from '../../graphql/context.js';
import type { NotificationEvent } from './notification-texts.js';

export interface ComplaintMail {
  complaintId: string;
  kind: NotificationEvent;
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
    [mail.complaintId, mail.kind, mail.subject.replace(/[\r\n]+/g, ' ').trim(), mail.text]);
  return rows.length > 0;
}
