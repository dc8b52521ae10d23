import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound } from '../../graphql/errors.js';
import { ActorKind, Visibility } from '../complaint/complaint.enums.js';
import { appendTimeline } from '../complaint/timeline.js';
import { setAwaitingCustomer } from '../complaint/complaint.service.js';
import { syncSla } from '../sla/sla.service.js';
import { Message } from './message.entity.js';
import { linkAttachments } from '../attachment/attachment.service.js';
import type { Attachment } from '../attachment/attachment.entity.js';
import { answeredUserIds, mentionedUserIds } from '../notification/notification.js';
import { requireReachable } from '../integration/integration.service.js';
import { NotificationEvent } from '../mail/notification-texts.js';
import { notifyCustomer } from '../mail/notifications.js';

export interface NewMessage {
  complaintId: string;
  body: string;
  visibility: Visibility;
  /** A public staff reply that asks the customer something: the SLA clocks pause until they answer. */
  awaitCustomer?: boolean | null;
  /** Pending uploads of the same side (the staff member's own, or the customer's) that the message carries. */
  attachmentIds?: string[] | null;
}

export interface AddedMessage {
  message: Message;
  files: Attachment[];
}

/** A staff reply or note, with files uploaded to /uploads; the complaint must be one of the tenant's. */
export async function addStaffMessage(ctx: RequestContext, input: NewMessage): Promise<Message> {
  if (input.awaitCustomer && input.visibility !== Visibility.PUBLIC) {
    throw badInput('only a public reply can wait for the customer (an internal note never reaches them)', {
      fields: [{ field: 'awaitCustomer', messages: ['needs visibility PUBLIC'] }],
    });
  }
  return (await addMessage(ctx, input, ActorKind.STAFF)).message;
}

export async function addMessage(
  ctx: RequestContext,
  input: NewMessage,
  author: ActorKind.CUSTOMER | ActorKind.STAFF,
): Promise<AddedMessage> {
  const [complaint] = await ctx.query<{
    first_responded_at: Date | null;
    awaiting_customer_since: Date | null;
    department_id: string | null;
    customer_email: string | null;
  }>('SELECT first_responded_at, awaiting_customer_since, department_id, customer_email FROM complaints WHERE id = $1 FOR UPDATE', [
    input.complaintId,
  ]);
  if (!complaint) throw notFound('complaint');
  const integration = author === ActorKind.STAFF ? ctx.staff.integration : undefined;
  if (integration) requireReachable(ctx, complaint.department_id);
  const message = ctx.manager.create(Message, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    complaintId: input.complaintId,
    visibility: input.visibility,
    authorKind: integration ? ActorKind.INTEGRATION : author,
    authorUserId: author === ActorKind.STAFF && !integration ? ctx.staff.userId : null,
    authorIntegrationId: integration?.id ?? null,
    body: input.body.trim(),
    asksCustomer: !!input.awaitCustomer,
    createdAt: new Date(),
  });
  await ctx.manager.insert(Message, message);
  // Messages do not bump the complaint's version: they never conflict with a stage change.
  await ctx.query('UPDATE complaints SET updated_at = now() WHERE id = $1', [input.complaintId]);
  // Who is told (ids only): those the customer answers, or the colleagues a note mentions.
  const detail =
    author === ActorKind.CUSTOMER
      ? { answeredUserIds: await answeredUserIds(ctx, input.complaintId) }
      : input.visibility === Visibility.INTERNAL
        ? { mentionedUserIds: await mentionedUserIds(ctx, message.body) }
        : {};
  await appendTimeline(
    ctx,
    {
      complaintId: input.complaintId,
      type: 'MESSAGE_ADDED',
      data: { messageId: message.id, visibility: input.visibility },
      detail,
    },
    author,
  );
  // The SLA: a first public reply stops the first-response clock; a question pauses the clocks, the answer resumes them.
  const firstResponse = author === ActorKind.STAFF && input.visibility === Visibility.PUBLIC && !complaint.first_responded_at;
  if (firstResponse) await ctx.query('UPDATE complaints SET first_responded_at = $2 WHERE id = $1', [input.complaintId, message.createdAt]);
  if (input.awaitCustomer) await setAwaitingCustomer(ctx, input.complaintId, true, 'QUESTION');
  else if (author === ActorKind.CUSTOMER && complaint.awaiting_customer_since)
    await setAwaitingCustomer(ctx, input.complaintId, false, 'CUSTOMER_ANSWERED');
  else if (firstResponse) await syncSla(ctx, [input.complaintId]);
  const files = await linkAttachments(ctx, input.attachmentIds, { complaintId: input.complaintId, messageId: message.id, author });
  // A public reply of the staff goes to the customer by mail too, written with the reply (docs/email.md).
  if (author === ActorKind.STAFF && input.visibility === Visibility.PUBLIC && complaint.customer_email) {
    await notifyCustomer(ctx, input.complaintId, input.awaitCustomer ? NotificationEvent.QUESTION : NotificationEvent.PUBLIC_REPLY, {
      message: message.body,
    });
  }
  return { message, files };
}
