import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound } from '../../graphql/errors.js';
import { Complaint } from './complaint.entity.js';
import { ActorKind, Channel, Stage, Validity, Visibility } from './complaint.enums.js';
import { MONETARY_REMEDIES } from './lifecycle.js';
import { createComplaint } from './complaint.service.js';
import { appendTimeline } from './timeline.js';
import { hashTrackingToken, newTrackingToken } from './tracking.js';
import { MailLinks } from '../mail/mail-links.js';
import { NotificationEvent } from '../mail/notification-texts.js';
import { notifyCustomer } from '../mail/notifications.js';
import { addMessage } from '../message/message.service.js';
import { Message } from '../message/message.entity.js';
import {
  DecisionFinding,
  STAGE_LABELS,
  type PortalAttachment,
  type PortalDecision,
  type PortalComplaint,
  type PortalMessage,
  type PortalTenant,
  type SubmitComplaintInput,
  type SubmittedComplaint,
} from './complaint.portal-types.js';
import { Attachment } from '../attachment/attachment.entity.js';
import { customerVisibleFiles, linkAttachments } from '../attachment/attachment.service.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { brandingView } from '../tenant/branding.js';

/**
 * The customer's side of a complaint. Each function works in the context of
 * the company the request found (`GraphQLContext.forSlug`,
 * `forTrackingNumber`): finding it, and counting the request against the
 * address's limits, are the resolver's part.
 */

export async function submitComplaint(ctx: RequestContext, input: SubmitComplaintInput): Promise<SubmittedComplaint> {
  // The honeypot: people never see the field, form-filling bots fill it in.
  if (input.website?.trim()) throw badInput('this submission looks automated and was not accepted', { reason: 'AUTOMATED' });
  if (!input.customer.email && !input.customer.phone) {
    throw badInput('give an e-mail or a phone number so that the company can reach you', {
      fields: [{ field: 'customer.email', messages: ['an e-mail or a phone is required'] }],
    });
  }
  const { token: accessToken, hash } = newTrackingToken();
  const { attachmentIds, website: _honeypot, ...fields } = input;
  const complaint = await createComplaint(ctx, {
    ...fields,
    channel: Channel.WEB,
    accessTokenHash: hash,
    // Scoped by the customer's contact, so a key reveals nothing about other customers' submissions.
    idempotencyKey: input.idempotencyKey
      ? `portal:${(input.customer.email ?? input.customer.phone ?? '').trim().toLowerCase()}:${input.idempotencyKey}`
      : null,
  });
  if (!complaint.accessTokenHash?.equals(hash)) {
    // An idempotent replay: the first submission's token is not recoverable, so say so rather than hand out a dead one.
    throw badInput('this submission was received already; use the tracking link you were given');
  }
  await notifyCustomer(ctx, complaint.id, NotificationEvent.REGISTERED);
  await linkAttachments(ctx, attachmentIds, { complaintId: complaint.id, messageId: null, author: ActorKind.CUSTOMER });
  return { number: complaint.number, accessToken, complaint: await toPortal(ctx, complaint) };
}

/** The complaint behind a number and its token, or null; a wrong pair reveals nothing, not even existence. */
export async function findByToken(ctx: RequestContext, number: string, accessToken: string): Promise<Complaint | null> {
  if (accessToken.length < 20 || accessToken.length > 200) return null;
  if (MailLinks.isSigned(accessToken)) {
    // A link from a mail: signed over the complaint's current token hash (modules/mail/mail-links.ts).
    const complaint = await ctx.manager.findOneBy(Complaint, { number: number.trim().toUpperCase() });
    return complaint && ctx.mailLinks?.verify(ctx.tenantId, complaint.number, accessToken, complaint.accessTokenHash) ? complaint : null;
  }
  return ctx.manager.findOneBy(Complaint, { number: number.trim().toUpperCase(), accessTokenHash: hashTrackingToken(accessToken) });
}

async function requireByToken(ctx: RequestContext, number: string, accessToken: string): Promise<Complaint> {
  const complaint = await findByToken(ctx, number, accessToken);
  if (!complaint) throw notFound('complaint');
  return complaint;
}

export async function complaintStatus(ctx: RequestContext, number: string, accessToken: string): Promise<PortalComplaint | null> {
  const complaint = await findByToken(ctx, number, accessToken);
  return complaint ? toPortal(ctx, complaint) : null;
}

export async function replyToComplaint(
  ctx: RequestContext,
  number: string,
  accessToken: string,
  body: string,
  attachmentIds?: string[] | null,
) {
  const complaint = await requireByToken(ctx, number, accessToken);
  if (complaint.stage === Stage.REJECTED) throw badInput('this complaint was declined; file a new one if needed');
  const { message, files } = await addMessage(
    ctx,
    { complaintId: complaint.id, body, visibility: Visibility.PUBLIC, attachmentIds },
    ActorKind.CUSTOMER,
  );
  return toPortalMessage(message, files.map(toPortalAttachment));
}

/** The public face of the company's portal. */
export async function portalTenant(ctx: RequestContext): Promise<PortalTenant> {
  const tenant = await ctx.manager.findOneByOrFail(Tenant, { id: ctx.tenantId });
  return { slug: tenant.slug, name: tenant.name, locale: tenant.locale, timeZone: tenant.timeZone, ...brandingView(tenant.branding) };
}

export async function rateComplaint(ctx: RequestContext, number: string, accessToken: string, score: number, comment: string | null) {
  const found = await requireByToken(ctx, number, accessToken);
  // Locked, so that a stage change by staff cannot slip in between the check and the update.
  const complaint = await ctx.manager.findOneOrFail(Complaint, { where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
  if (complaint.stage !== Stage.FEEDBACK) throw badInput('the outcome can be rated once the complaint awaits your feedback');
  const update = {
    satisfaction: score,
    satisfactionComment: comment?.trim() || null,
    version: complaint.version + 1,
    updatedAt: new Date(),
  };
  await ctx.manager.update(Complaint, { id: complaint.id }, update);
  await appendTimeline(ctx, { complaintId: complaint.id, type: 'RATED', data: { satisfaction: score } }, ActorKind.CUSTOMER);
  return toPortal(ctx, { ...complaint, ...update });
}

export async function toPortal(ctx: RequestContext, c: Complaint): Promise<PortalComplaint> {
  const [tenant] = await ctx.query<{ locale: 'ru' | 'en'; slug: string; currency: string | null }>(
    'SELECT locale, slug, currency FROM tenants WHERE id = app_tenant_id()',
  );
  const messages = await ctx.manager.find(Message, {
    where: { complaintId: c.id, visibility: Visibility.PUBLIC },
    order: { createdAt: 'ASC', id: 'ASC' },
  });
  const files = (await customerVisibleFiles(ctx, c.id)).map(toPortalAttachment);
  return {
    number: c.number,
    companySlug: tenant?.slug ?? '',
    kind: c.kind,
    demand: c.demand,
    subject: c.subject,
    stage: c.stage,
    stageLabel: STAGE_LABELS[tenant?.locale ?? 'ru'][c.stage],
    submittedAt: c.receivedAt,
    expectedBy: c.legalDueAt,
    messages: messages.map((m) =>
      toPortalMessage(
        m,
        files.filter((f) => f.messageId === m.id),
      ),
    ),
    attachments: files,
    awaitingReply: c.awaitingCustomerSince !== null,
    satisfaction: c.satisfaction,
    satisfactionComment: c.satisfactionComment,
    canRate: c.stage === Stage.FEEDBACK,
    decision: await toPortalDecision(ctx, c, tenant?.currency ?? null),
  };
}

/**
 * Stages in which the customer has been told the decision: the DECISION mail tells it when the complaint moves to
 * IMPLEMENTATION (docs/email.md), so the page the mail links to shows it from then on; FEEDBACK says it was carried out.
 */
const DECISION_TOLD: readonly Stage[] = [Stage.IMPLEMENTATION, Stage.FEEDBACK, Stage.CLOSED];
const FINDINGS: Partial<Record<Validity, DecisionFinding>> = {
  [Validity.OBJECTIVE]: DecisionFinding.DEFECT_CONFIRMED,
  [Validity.SUBJECTIVE]: DecisionFinding.EXPECTATIONS_NOT_MET,
};

/**
 * The decision in the customer's terms: the remedy, the sum for a monetary one, what the check found and how many
 * corrective measures were carried out. Not the root cause, the decision note or the actions' texts: staff write
 * those for each other (names, internal cause codes). A reopened complaint shows none until it is decided again.
 */
async function toPortalDecision(ctx: RequestContext, c: Complaint, currency: string | null): Promise<PortalDecision | null> {
  if (!DECISION_TOLD.includes(c.stage) || !c.remedy) return null;
  const [{ done }] = await ctx.query<{ done: number }>(
    'SELECT count(*)::int AS done FROM corrective_actions WHERE complaint_id = $1 AND done_at IS NOT NULL',
    [c.id],
  );
  const monetary = MONETARY_REMEDIES.includes(c.remedy) && c.remedyAmount !== null;
  return {
    remedy: c.remedy,
    amount: monetary ? c.remedyAmount : null,
    currency: monetary ? currency : null,
    finding: (c.validity && FINDINGS[c.validity]) ?? null,
    measuresTaken: done ?? 0,
  };
}

const asSide = (kind: ActorKind) => (kind === ActorKind.CUSTOMER ? ActorKind.CUSTOMER : ActorKind.STAFF);

function toPortalMessage(m: Message, attachments: PortalAttachment[]): PortalMessage {
  return { id: m.id, body: m.body, author: asSide(m.authorKind), createdAt: m.createdAt, attachments };
}

function toPortalAttachment(a: Attachment): PortalAttachment & { messageId: string | null } {
  return {
    tenantId: a.tenantId,
    id: a.id,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    author: asSide(a.authorKind),
    createdAt: a.createdAt,
    messageId: a.messageId,
  };
}
