import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { Action, authorize } from '../../auth/permissions.js';
import { ActorKind, Visibility } from '../complaint/complaint.enums.js';
import { appendTimeline } from '../complaint/timeline.js';
import { Message } from './message.entity.js';

export interface NewMessage {
  complaintId: string;
  body: string;
  visibility: Visibility;
}

/** A staff reply or note; the complaint must be one of the tenant's. */
export async function addStaffMessage(ctx: RequestContext, input: NewMessage): Promise<Message> {
  authorize(ctx.staff, Action.ADD_MESSAGE);
  return addMessage(ctx, input, ActorKind.STAFF);
}

export async function addMessage(ctx: RequestContext, input: NewMessage, author: ActorKind): Promise<Message> {
  const [complaint] = await ctx.query('SELECT id FROM complaints WHERE id = $1 FOR UPDATE', [input.complaintId]);
  if (!complaint) throw notFound('complaint');
  const message = ctx.manager.create(Message, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    complaintId: input.complaintId,
    visibility: input.visibility,
    authorKind: author,
    authorUserId: author === ActorKind.STAFF ? ctx.staff.userId : null,
    body: input.body.trim(),
    createdAt: new Date(),
  });
  await ctx.manager.insert(Message, message);
  // Messages do not bump the complaint's version: they never conflict with a stage change.
  await ctx.query('UPDATE complaints SET updated_at = now() WHERE id = $1', [input.complaintId]);
  await appendTimeline(ctx, {
    complaintId: input.complaintId, type: 'MESSAGE_ADDED', data: { messageId: message.id, visibility: input.visibility },
  }, author);
  return message;
}
