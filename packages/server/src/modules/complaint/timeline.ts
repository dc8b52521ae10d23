import type { RequestContext } from '../../graphql/context.js';
import { ActorKind, type Stage } from './complaint.enums.js';

export interface TimelineEntry {
  complaintId: string;
  type: string;
  fromStage?: Stage | null;
  toStage?: Stage | null;
  data?: Record<string, unknown>;
}

/** Appends to a complaint's timeline as the context's actor (staff), or as the customer/system. */
export async function appendTimeline(ctx: RequestContext, entry: TimelineEntry, actorKind?: ActorKind): Promise<void> {
  const kind = actorKind ?? (ctx.actor ? ActorKind.STAFF : ActorKind.SYSTEM);
  await ctx.query(
    `INSERT INTO timeline_events (tenant_id, complaint_id, type, from_stage, to_stage, actor_kind, actor_user_id, data)
     VALUES (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7)`,
    [entry.complaintId, entry.type, entry.fromStage ?? null, entry.toStage ?? null, kind,
      kind === ActorKind.STAFF ? ctx.actor?.userId ?? null : null, JSON.stringify(entry.data ?? {})],
  );
}
