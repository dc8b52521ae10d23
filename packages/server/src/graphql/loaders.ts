import DataLoader from 'dataloader';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { In } from 'typeorm';
import { Department } from '../modules/department/department.entity.js';
import { User } from '../modules/user/user.entity.js';
import { Complaint } from '../modules/complaint/complaint.entity.js';
import { Customer } from '../modules/complaint/customer.entity.js';
import { Category } from '../modules/category/category.entity.js';
import { TimelineEvent } from '../modules/complaint/timeline-event.entity.js';
import { Message } from '../modules/message/message.entity.js';
import { CorrectiveAction } from '../modules/complaint/corrective-action.entity.js';
import { Attachment } from '../modules/attachment/attachment.entity.js';
import { BusinessCalendar } from '../modules/sla/business-calendar.entity.js';
import { SlaPolicy } from '../modules/sla/sla-policy.entity.js';
import { SlaBreach } from '../modules/sla/sla-breach.entity.js';
import { Integration } from '../modules/integration/integration.entity.js';
import { WebhookAttempt } from '../modules/webhook/webhook.entity.js';
import { Cause, RejectionReason } from '../modules/cause/cause.entity.js';
import type { DeadlineRecord } from '../modules/sla/sla.service.js';
import { customerComplaintsOf } from '../modules/complaint/complaint.queries.js';
import { linksOf, type LinkSeen } from '../modules/complaint/complaint-link.service.js';

type Order = Record<string, 'ASC' | 'DESC'>;

/**
 * Batches the lookups of related rows within one request (a page of 50
 * complaints asks for their departments in one query, not 50). Every field
 * that reads rows per parent goes through one of these, so a request costs
 * the same number of statements for 10 rows as for 200. Rows are read in the
 * request's transaction for its one tenant, so row-level security applies.
 */
export class Loaders {
  readonly department: DataLoader<string, Department | null>;
  readonly user: DataLoader<string, User | null>;
  readonly customer: DataLoader<string, Customer | null>;
  readonly category: DataLoader<string, Category | null>;
  readonly cause: DataLoader<string, Cause | null>;
  readonly rejectionReason: DataLoader<string, RejectionReason | null>;
  readonly complaint: DataLoader<string, Complaint | null>;
  readonly calendar: DataLoader<string, BusinessCalendar | null>;
  readonly slaPolicy: DataLoader<string, SlaPolicy | null>;
  readonly integration: DataLoader<string, Integration | null>;
  /** The attempts of a webhook delivery, oldest first. */
  readonly webhookAttempts: DataLoader<string, WebhookAttempt[]>;
  /** By user id, by name. */
  readonly userDepartments: DataLoader<string, Department[]>;
  /** By complaint id, oldest first. */
  readonly timeline: DataLoader<string, TimelineEvent[]>;
  readonly messages: DataLoader<string, Message[]>;
  readonly correctiveActions: DataLoader<string, CorrectiveAction[]>;
  /** The linked files of a complaint, oldest first. */
  readonly attachments: DataLoader<string, Attachment[]>;
  readonly slaBreaches: DataLoader<string, SlaBreach[]>;
  /** The running clocks of a complaint, as stored. */
  readonly slaDeadlines: DataLoader<string, DeadlineRecord[]>;
  /** The complaints a complaint is linked to (REPEAT, DUPLICATE), oldest link first. */
  readonly links: DataLoader<string, LinkSeen[]>;
  /** The other complaints of the same customer (record, e-mail or phone), newest first. */
  readonly customerComplaints: DataLoader<string, Complaint[]>;

  constructor(manager: EntityManager, tenantId: string) {
    const byId = <T extends ObjectLiteral & { id: string }>(entity: EntityTarget<T>) =>
      new DataLoader<string, T | null>(async (ids) => {
        const rows = await manager.find(entity, { where: { tenantId, id: In([...ids]) } as never });
        const found = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => found.get(id) ?? null);
      });
    const byComplaint = <T extends ObjectLiteral & { complaintId: string | null }>(entity: EntityTarget<T>, order: Order) =>
      grouped<T>(
        (ids) => manager.find(entity, { where: { tenantId, complaintId: In([...ids]) } as never, order: order as never }),
        (r) => r.complaintId,
      );

    this.department = byId(Department);
    this.user = byId(User);
    this.customer = byId(Customer);
    this.category = byId(Category);
    this.cause = byId(Cause);
    this.rejectionReason = byId(RejectionReason);
    this.complaint = byId(Complaint);
    this.calendar = byId(BusinessCalendar);
    this.slaPolicy = byId(SlaPolicy);
    this.integration = byId(Integration);
    this.webhookAttempts = grouped(
      (ids) => manager.find(WebhookAttempt, { where: { tenantId, deliveryId: In(ids) }, order: { at: 'ASC' } }),
      (r) => r.deliveryId,
    );
    this.userDepartments = grouped(
      (ids) =>
        manager.query(
          `SELECT ud.user_id AS "userId", d.id, d.name, d.created_at AS "createdAt", d.archived_at AS "archivedAt" FROM departments d
         JOIN user_departments ud ON ud.tenant_id = d.tenant_id AND ud.department_id = d.id
        WHERE ud.tenant_id = $1 AND ud.user_id = ANY($2::uuid[]) ORDER BY d.name, d.id`,
          [tenantId, ids],
        ) as Promise<Array<Department & { userId: string }>>,
      (r) => r.userId,
    );
    this.timeline = byComplaint(TimelineEvent, { id: 'ASC' });
    this.messages = byComplaint(Message, { createdAt: 'ASC', id: 'ASC' });
    this.correctiveActions = byComplaint(CorrectiveAction, { createdAt: 'ASC', id: 'ASC' });
    this.attachments = byComplaint(Attachment, { createdAt: 'ASC', id: 'ASC' });
    this.slaBreaches = byComplaint(SlaBreach, { firedAt: 'ASC', id: 'ASC' });
    this.slaDeadlines = grouped(
      (ids) =>
        manager.query('SELECT * FROM sla_deadlines WHERE tenant_id = $1 AND complaint_id = ANY($2::uuid[])', [tenantId, ids]) as Promise<
          DeadlineRecord[]
        >,
      (r) => r.complaint_id,
    );
    this.links = grouped(
      (ids) => linksOf(manager, ids),
      (r) => r.forId,
    );
    this.customerComplaints = grouped<Complaint & { forId: string }>(
      (ids) => customerComplaintsOf(manager, ids),
      (r) => r.forId,
    );
  }
}

/** A loader of the rows that belong to each key, in the order `read` returns them. */
function grouped<T>(read: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string | null): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
    for (const row of await read([...keys])) groups.get(keyOf(row) ?? '')?.push(row);
    return keys.map((k) => groups.get(k)!);
  });
}
