import { registerEnumType } from 'type-graphql';
import type { Actor } from '../../auth/actor.js';
import { Role } from '../../auth/roles.js';
import type { RequestContext } from '../../graphql/context.js';
import { detailIds, type ComplaintEvent } from '../../realtime/events.js';
import { ActorKind } from '../complaint/complaint.enums.js';

export enum NotificationKind {
  ASSIGNED_TO_ME = 'ASSIGNED_TO_ME',
  MENTIONED = 'MENTIONED',
  CUSTOMER_REPLIED = 'CUSTOMER_REPLIED',
  NEW_IN_INBOX = 'NEW_IN_INBOX',
  MOVED_TO_INBOX = 'MOVED_TO_INBOX',
}
registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'Why a staff member is told about a change (docs/realtime.md#personal-notifications)',
});

/*
 * The facts a notification needs travel in the committed event's `detail`
 * (ids only), written where the change is made:
 * - `assigneeId`, `previousAssigneeId`: an assignment (ASSIGNED, a transition or a registration that sets the assignee);
 * - `answeredUserIds`: a customer's message: the complaint's assignee and the author of the last question to the customer;
 * - `mentionedUserIds`: an internal note: the active users it mentions.
 */

/**
 * What `event` means to `user`, or null when it is nothing for them. One's
 * own changes never notify; one event gives one notification, the most
 * personal first.
 */
export function notificationFor(user: Actor, e: ComplaintEvent): NotificationKind | null {
  if (e.actorUserId === user.userId) return null;
  const d = e.detail;
  if (d.assigneeId === user.userId && d.previousAssigneeId !== user.userId) return NotificationKind.ASSIGNED_TO_ME;
  if (e.type === 'MESSAGE_ADDED' && detailIds(e, 'mentionedUserIds').includes(user.userId)) return NotificationKind.MENTIONED;
  if (e.type === 'MESSAGE_ADDED' && e.actorKind === ActorKind.CUSTOMER && detailIds(e, 'answeredUserIds').includes(user.userId)) {
    return NotificationKind.CUSTOMER_REPLIED;
  }
  // Received, or given its first department (registered into it): new in that inbox. Moved from another department
  // (an assignment, a transition, an SLA escalation): moved into it.
  if (e.type === 'RECEIVED' || (e.departmentId && e.departmentId !== e.previousDepartmentId)) {
    const inbox = e.departmentId ? user.departmentIds.includes(e.departmentId) : user.roles.includes(Role.OPERATOR);
    if (inbox) return e.type !== 'RECEIVED' && e.previousDepartmentId ? NotificationKind.MOVED_TO_INBOX : NotificationKind.NEW_IN_INBOX;
  }
  return null;
}

/** At most this many people are notified of one note (the event travels through pub/sub, kept small). */
export const MAX_MENTIONS = 20;

/**
 * Mentions in a note: `@` and the part of a colleague's e-mail address
 * before the `@` (`@ivan.petrov` for ivan.petrov@example.com), not preceded
 * by a letter or digit (so an e-mail address in the text is no mention);
 * a trailing full stop or comma ends it. Lower-cased, each once.
 */
export function mentionedNames(body: string): string[] {
  const names = new Set<string>();
  for (const m of body.matchAll(/(?<![\p{L}\p{N}._%+-])@([\p{L}\p{N}._%+-]+)/gu)) {
    const name = m[1]!.replace(/[.]+$/, '').toLowerCase();
    if (name) names.add(name);
  }
  return [...names].slice(0, MAX_MENTIONS);
}

/** The active users of the tenant a note mentions, its author left out. */
export async function mentionedUserIds(ctx: RequestContext, body: string): Promise<string[]> {
  const names = mentionedNames(body);
  if (!names.length) return [];
  const rows = await ctx.query<{ id: string }>(
    `SELECT id FROM users WHERE active AND lower(split_part(email, '@', 1)) = ANY($1) AND id <> $2 ORDER BY id LIMIT ${MAX_MENTIONS}`,
    [names, ctx.actor?.userId ?? '00000000-0000-0000-0000-000000000000'],
  );
  return rows.map((r) => r.id);
}

/** Whom a customer's message answers: the complaint's assignee and the author of the last question put to the customer. */
export async function answeredUserIds(ctx: RequestContext, complaintId: string): Promise<string[]> {
  const rows = await ctx.query<{ id: string | null }>(
    `SELECT assignee_id AS id FROM complaints WHERE id = $1
     UNION ALL
     (SELECT author_user_id FROM messages WHERE complaint_id = $1 AND asks_customer ORDER BY created_at DESC LIMIT 1)`,
    [complaintId],
  );
  return [...new Set(rows.map((r) => r.id).filter((id): id is string => !!id))];
}
