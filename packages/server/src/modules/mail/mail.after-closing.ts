import type { RequestContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { ActorKind, Stage } from '../complaint/complaint.enums.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { ComplaintLinkKind } from '../complaint/complaint-link.entity.js';
import { linkComplaints } from '../complaint/complaint-link.service.js';
import { appendTimeline } from '../complaint/timeline.js';

export const isClosed = (stage: Stage) => stage === Stage.CLOSED || stage === Stage.REJECTED;

/**
 * Whether a reply to a closed or rejected complaint still comes within the
 * company's window (`tenants.mail_after_closing_days` after closing, the
 * last moment included); a complaint closed before closing times were kept
 * counts from when it entered its stage.
 */
export async function withinWindow(ctx: RequestContext, complaintId: string): Promise<boolean> {
  const [row] = await ctx.query<{ within: boolean }>(
    `SELECT now() <= coalesce(c.closed_at, c.stage_entered_at) + make_interval(days => t.mail_after_closing_days) AS within
       FROM complaints c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = $1`,
    [complaintId],
  );
  return !!row?.within;
}

/**
 * The customer wrote after closing, within the window: the complaint keeps
 * its stage and carries the mark (`mail_after_closing_at`) until the staff
 * clear it, and its timeline says so (MAIL_AFTER_CLOSING).
 */
export async function flagMailAfterClosing(ctx: RequestContext, complaintId: string, stage: Stage): Promise<void> {
  await ctx.query('UPDATE complaints SET mail_after_closing_at = now() WHERE id = $1', [complaintId]);
  await appendTimeline(ctx, { complaintId, type: 'MAIL_AFTER_CLOSING', data: { stage } }, ActorKind.SYSTEM);
}

/** After the window: the new complaint is linked to the old one as a REPEAT, as staff would link it (on both timelines). */
export async function linkRepeat(ctx: RequestContext, newComplaintId: string, closedComplaintId: string): Promise<void> {
  await linkComplaints(ctx, { complaintId: newComplaintId, otherComplaintId: closedComplaintId, kind: ComplaintLinkKind.REPEAT });
}

/** The staff have looked at the mail after closing: the mark goes (MAIL_AFTER_CLOSING_CLEARED); on an unmarked complaint nothing changes. */
export async function clearMailAfterClosing(ctx: RequestContext, complaintId: string): Promise<Complaint> {
  const [row] = await ctx.query<{ marked: boolean }>(
    'SELECT mail_after_closing_at IS NOT NULL AS marked FROM complaints WHERE id = $1 FOR UPDATE',
    [complaintId],
  );
  if (!row) throw notFound('complaint');
  if (row.marked) {
    await ctx.query('UPDATE complaints SET mail_after_closing_at = NULL, updated_at = now() WHERE id = $1', [complaintId]);
    await appendTimeline(ctx, { complaintId, type: 'MAIL_AFTER_CLOSING_CLEARED', data: {} });
  }
  return ctx.manager.findOneByOrFail(Complaint, { id: complaintId });
}
