import type { ActorKind, Stage } from '../modules/complaint/complaint.enums.js';
import { CANONICAL_UUID } from '../ids.js';

/**
 * What a subscriber can learn happened to a complaint: one row of the
 * outbox, as it travels through pub/sub. It carries ids and stages only;
 * subscribers read the complaint itself, through row-level security, when
 * they turn an event into a GraphQL payload.
 */
export interface ComplaintEvent {
  /** The outbox row id (a bigint, as text). */
  id: string;
  tenantId: string;
  complaintId: string;
  /** 1, 2, 3… per complaint, in commit order. */
  seq: number;
  /** The timeline entry type: RECEIVED, TRANSITIONED, ASSIGNED, MESSAGE_ADDED, …, SLA_AT_RISK, SLA_BREACHED. */
  type: string;
  /** The stage after the change (for a transition, the stage entered). */
  stage: Stage;
  fromStage: Stage | null;
  departmentId: string | null;
  /** The department before the change: differs from `departmentId` only when it moved. */
  previousDepartmentId: string | null;
  /** Whether the customer may learn of it (stage changes, public replies, the rating). */
  public: boolean;
  actorKind: ActorKind;
  actorUserId: string | null;
  /** Type-specific facts, small (an SLA event's clock and due time). */
  detail: Record<string, unknown>;
  /** When it happened (ISO 8601). */
  at: string;
}

/** The ids listed under `key` of an event's detail (none when absent or malformed: detail arrives over pub/sub). */
export function detailIds(e: Pick<ComplaintEvent, 'detail'>, key: string): string[] {
  const value = e.detail[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Changes that move a complaint on a department's board. */
export const QUEUE_EVENT_TYPES: ReadonlySet<string> = new Set(['RECEIVED', 'TRANSITIONED', 'ASSIGNED']);
export const SLA_EVENT_TYPES: ReadonlySet<string> = new Set(['SLA_AT_RISK', 'SLA_BREACHED']);

/** Whether the customer sees this kind of change on the portal. */
export function isPublicChange(type: string, data: Record<string, unknown> | undefined): boolean {
  if (type === 'RECEIVED' || type === 'TRANSITIONED' || type === 'RATED') return true;
  return type === 'MESSAGE_ADDED' && data?.visibility === 'PUBLIC';
}

/** The pub/sub topic of a tenant: every event of that tenant, and only those, travel on it. */
export function topicOf(tenantId: string): string {
  return `reclaim_${tenantId.replace(/-/g, '')}`;
}

export interface OutboxRow {
  id: string | number;
  tenant_id: string;
  complaint_id: string;
  seq: number;
  type: string;
  stage: string;
  from_stage: string | null;
  department_id: string | null;
  previous_department_id: string | null;
  public: boolean;
  actor_kind: string;
  actor_user_id: string | null;
  detail: Record<string, unknown> | null;
  created_at: Date | string;
}

export function eventFromRow(row: OutboxRow): ComplaintEvent {
  return {
    id: String(row.id),
    tenantId: row.tenant_id,
    complaintId: row.complaint_id,
    seq: Number(row.seq),
    type: row.type,
    stage: row.stage as Stage,
    fromStage: (row.from_stage ?? null) as Stage | null,
    departmentId: row.department_id ?? null,
    previousDepartmentId: row.previous_department_id ?? null,
    public: Boolean(row.public),
    actorKind: row.actor_kind as ActorKind,
    actorUserId: row.actor_user_id ?? null,
    detail: row.detail ?? {},
    at: new Date(row.created_at).toISOString(),
  };
}

/** A message from pub/sub back into an event; null for anything malformed (it is logged and dropped). */
export function parseEvent(message: string): ComplaintEvent | null {
  let e: ComplaintEvent;
  try {
    e = JSON.parse(message);
  } catch {
    return null;
  }
  if (
    !e ||
    typeof e !== 'object' ||
    typeof e.id !== 'string' ||
    !CANONICAL_UUID.test(e.tenantId) ||
    !CANONICAL_UUID.test(e.complaintId) ||
    !Number.isInteger(e.seq) ||
    typeof e.type !== 'string' ||
    typeof e.stage !== 'string'
  )
    return null;
  return e;
}
