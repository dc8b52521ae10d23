import DataLoader from 'dataloader';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { In } from 'typeorm';
import { Department } from '../modules/department/department.entity.js';
import { User } from '../modules/user/user.entity.js';
import { Customer } from '../modules/complaint/customer.entity.js';
import { Category } from '../modules/category/category.entity.js';
import { TimelineEvent } from '../modules/complaint/timeline-event.entity.js';
import { Message } from '../modules/message/message.entity.js';
import { CorrectiveAction } from '../modules/complaint/corrective-action.entity.js';
import { Attachment } from '../modules/attachment/attachment.entity.js';

/**
 * Batches the lookups of related rows within one request (a page of 50
 * complaints asks for their departments in one query, not 50). Rows are read
 * in the request's transaction, so row-level security applies.
 */
export class Loaders {
  readonly department: DataLoader<string, Department | null>;
  readonly user: DataLoader<string, User | null>;
  readonly customer: DataLoader<string, Customer | null>;
  readonly category: DataLoader<string, Category | null>;
  /** By complaint id, oldest first. */
  readonly timeline: DataLoader<string, TimelineEvent[]>;
  readonly messages: DataLoader<string, Message[]>;
  readonly correctiveActions: DataLoader<string, CorrectiveAction[]>;
  /** The linked files of a complaint, oldest first. */
  readonly attachments: DataLoader<string, Attachment[]>;

  constructor(manager: EntityManager) {
    this.department = byId(manager, Department);
    this.user = byId(manager, User);
    this.customer = byId(manager, Customer);
    this.category = byId(manager, Category);
    this.timeline = byComplaint(manager, TimelineEvent, { id: 'ASC' });
    this.messages = byComplaint(manager, Message, { createdAt: 'ASC', id: 'ASC' });
    this.correctiveActions = byComplaint(manager, CorrectiveAction, { createdAt: 'ASC', id: 'ASC' });
    this.attachments = byComplaint(manager, Attachment as EntityTarget<Attachment & { complaintId: string }>, { createdAt: 'ASC', id: 'ASC' });
  }
}

function byId<T extends ObjectLiteral & { id: string }>(manager: EntityManager, entity: EntityTarget<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await manager.find(entity, { where: { id: In([...ids]) } as never });
    const found = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

function byComplaint<T extends ObjectLiteral & { complaintId: string }>(manager: EntityManager, entity: EntityTarget<T>, order: Record<string, 'ASC' | 'DESC'>) {
  return new DataLoader<string, T[]>(async (ids) => {
    const rows = await manager.find(entity, { where: { complaintId: In([...ids]) } as never, order: order as never });
    const groups = new Map<string, T[]>(ids.map((id) => [id, []]));
    for (const row of rows) groups.get(row.complaintId)?.push(row);
    return ids.map((id) => groups.get(id)!);
  });
}
