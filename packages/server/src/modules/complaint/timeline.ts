import type { RequestContext } from '../../graphql/context.js';
import { ActorKind, type Stage } from './complaint.enums.js';
import { eventFromRow, isPublicChange, type OutboxRow } from '../../realtime/events.js';
import { webhookEventOf } from '../webhook/webhook.events.js';

/**
 * A webhook's body (Standard Webhooks: `type`, `timestamp`, `data`), thin:
 * ids, the number, stages and the complaint's event sequence; the receiver
 * reads the rest through the API. Fixed when written, so every attempt and
 * replay signs the same bytes.
 */
const WEBHOOK_PAYLOAD = `jsonb_build_object(
  'type', $14::text,
  'timestamp', to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'data', jsonb_strip_nulls(jsonb_build_object(
    'eventId', o.id::text, 'complaintId', o.complaint_id, 'number', c.number, 'sequence', o.seq,
    'stage', o.stage, 'fromStage', o.from_stage, 'departmentId', o.department_id,
    'previousDepartmentId', CASE WHEN o.previous_department_id IS DISTINCT FROM o.department_id THEN o.previous_department_id END,
    'actorKind', o.actor_kind, 'clock', o.detail->>'target', 'dueAt', o.detail->>'dueAt'))
)::text`;

export interface TimelineEntry {
  complaintId: string;
  type: string;
  fromStage?: Stage | null;
  toStage?: Stage | null;
  data?: Record<string, unknown>;
  /** When the change moved the complaint between departments: where it was before. */
  previousDepartmentId?: string | null;
  /** Facts for subscribers beyond the stages and departments (kept small: it travels through pub/sub). */
  detail?: Record<string, unknown>;
  /** When it happened: now (the transaction's time) unless the SLA scheduler replays the past (demo data). */
  at?: Date;
}

/**
 * Appends to a complaint's timeline as the context's actor (staff), or as
 * the customer/system, and writes the matching outbox event, in one
 * statement of the caller's transaction: the event commits or rolls back
 * with the change. Bumping `event_seq` locks the complaint row, so one
 * complaint's events are numbered, and committed, in order.
 */
export async function appendTimeline(ctx: RequestContext, entry: TimelineEntry, actorKind?: ActorKind): Promise<void> {
  const integration = ctx.actor?.integration;
  // What an integration does through the staff API is recorded under its name.
  const kind =
    integration && actorKind !== ActorKind.CUSTOMER && actorKind !== ActorKind.SYSTEM
      ? ActorKind.INTEGRATION
      : (actorKind ?? (ctx.actor ? ActorKind.STAFF : ActorKind.SYSTEM));
  const actorUserId = kind === ActorKind.STAFF ? (ctx.actor?.userId ?? null) : null;
  const actorIntegrationId = kind === ActorKind.INTEGRATION ? integration!.id : null;
  const moved = entry.previousDepartmentId !== undefined;
  const webhookEvent = webhookEventOf(entry.type, entry.data, entry.detail);
  const [row] = await ctx.query<OutboxRow>(
    `WITH c AS (
       UPDATE complaints SET event_seq = event_seq + 1 WHERE id = $1
       RETURNING tenant_id, id, event_seq, stage, department_id, number
     ), t AS (
       INSERT INTO timeline_events (tenant_id, complaint_id, type, from_stage, to_stage, actor_kind, actor_user_id, actor_integration_id, data, at)
       SELECT c.tenant_id, c.id, $2, $3, $4, $5, $6, $13, $7, coalesce($12::timestamptz, now()) FROM c
       RETURNING at
     ), o AS (
       INSERT INTO outbox_events (tenant_id, complaint_id, seq, type, stage, from_stage, department_id,
                                  previous_department_id, public, actor_kind, actor_user_id, detail, created_at)
       SELECT c.tenant_id, c.id, c.event_seq, $2, coalesce($4, c.stage), $3, c.department_id,
              CASE WHEN $8 THEN $9::uuid ELSE c.department_id END, $10, $5, $6, $11, t.at
         FROM c, t
       RETURNING *
     ), w AS (
       -- One delivery per endpoint that takes this event, in the same statement: it commits with the change.
       INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, complaint_id, seq, event_type, payload, next_attempt_at, created_at)
       SELECT o.tenant_id, gen_random_uuid(), e.id, o.id, o.complaint_id, o.seq, $14, ${WEBHOOK_PAYLOAD}, now(), now()
         FROM o JOIN c ON c.id = o.complaint_id
         JOIN webhook_endpoints e ON e.tenant_id = o.tenant_id AND e.enabled AND $14 = ANY (e.event_types)
        WHERE $14::text IS NOT NULL
     )
     SELECT * FROM o`,
    [
      entry.complaintId,
      entry.type,
      entry.fromStage ?? null,
      entry.toStage ?? null,
      kind,
      actorUserId,
      JSON.stringify(entry.data ?? {}),
      moved,
      entry.previousDepartmentId ?? null,
      isPublicChange(entry.type, entry.data),
      JSON.stringify(entry.detail ?? {}),
      entry.at ?? null,
      actorIntegrationId,
      webhookEvent,
    ],
  );
  if (!row) throw new Error(`appendTimeline: complaint ${entry.complaintId} is not visible in this transaction`);
  ctx.recordEvent(eventFromRow(row));
}
