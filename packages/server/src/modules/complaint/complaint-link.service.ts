import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import { Complaint } from './complaint.entity.js';
import { ComplaintLinkKind } from './complaint-link.entity.js';
import { appendTimeline } from './timeline.js';

/** A link as one complaint sees it: the other complaint, the kind, who made it and when. */
export interface LinkSeen {
  forId: string;
  otherId: string;
  kind: ComplaintLinkKind;
  createdBy: string | null;
  createdAt: Date;
}

export interface LinkPair {
  complaintId: string;
  otherComplaintId: string;
}

/**
 * Locks both complaints (in id order, so that two people linking the same
 * pair from either side queue instead of deadlocking) and returns the pair
 * as stored (smaller id first) with both numbers. Another company's
 * complaint is invisible under row-level security: NOT_FOUND, as a missing one.
 */
async function lockPair(ctx: RequestContext, pair: LinkPair): Promise<{ low: string; high: string; numbers: Map<string, string> }> {
  if (pair.complaintId === pair.otherComplaintId) {
    throw new AppError('BAD_USER_INPUT', 'a complaint cannot be linked to itself', {
      reason: 'SELF_LINK',
      fields: [{ field: 'input.otherComplaintId', reason: 'SELF_LINK' }],
    });
  }
  const [low, high] = [pair.complaintId, pair.otherComplaintId].sort() as [string, string];
  const rows = await ctx.query<{ id: string; number: string }>(
    'SELECT id, number FROM complaints WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
    [[low, high]],
  );
  if (rows.length !== 2) throw notFound('complaint');
  return { low, high, numbers: new Map(rows.map((r) => [r.id, r.number])) };
}

/** Records the change on both complaints' timelines (each naming the other), which also tells open pages. */
async function recordOnBoth(
  ctx: RequestContext,
  type: 'LINKED' | 'UNLINKED',
  pair: LinkPair,
  numbers: Map<string, string>,
  kind: ComplaintLinkKind,
) {
  for (const [id, other] of [
    [pair.complaintId, pair.otherComplaintId],
    [pair.otherComplaintId, pair.complaintId],
  ] as const) {
    await appendTimeline(ctx, { complaintId: id, type, data: { kind, complaintId: other, number: numbers.get(other) } });
  }
}

/**
 * Links two complaints of the company as REPEAT or DUPLICATE. The link
 * shows on both. Linking a linked pair again with the same kind changes
 * nothing (a retry is harmless); with the other kind it is CONFLICT
 * (ALREADY_LINKED): remove the link first. Without a staff member (a
 * repeat received by mail links itself) the link has no author.
 */
export async function linkComplaints(ctx: RequestContext, input: LinkPair & { kind: ComplaintLinkKind }): Promise<Complaint> {
  const { low, high, numbers } = await lockPair(ctx, input);
  const [existing] = await ctx.query<{ kind: ComplaintLinkKind }>(
    'SELECT kind FROM complaint_links WHERE complaint_id = $1 AND linked_id = $2',
    [low, high],
  );
  if (existing && existing.kind !== input.kind) {
    throw new AppError('CONFLICT', `the complaints are already linked as ${existing.kind}; remove that link first`, {
      reason: 'ALREADY_LINKED',
      kind: existing.kind,
    });
  }
  if (!existing) {
    await ctx.query(
      'INSERT INTO complaint_links (tenant_id, complaint_id, linked_id, kind, created_by, created_at) VALUES (app_tenant_id(), $1, $2, $3, $4, now())',
      [low, high, input.kind, ctx.actor?.userId ?? null],
    );
    await recordOnBoth(ctx, 'LINKED', input, numbers, input.kind);
  }
  return ctx.manager.findOneByOrFail(Complaint, { id: input.complaintId });
}

/** Removes the link between two complaints; when there is none, nothing changes. */
export async function unlinkComplaints(ctx: RequestContext, input: LinkPair): Promise<Complaint> {
  const { low, high, numbers } = await lockPair(ctx, input);
  const [removed] = await ctx.query<{ kind: ComplaintLinkKind }>(
    // (Inside WITH: a bare DELETE's result comes back through TypeORM as [rows, count].)
    'WITH gone AS (DELETE FROM complaint_links WHERE complaint_id = $1 AND linked_id = $2 RETURNING kind) SELECT kind FROM gone',
    [low, high],
  );
  if (removed) await recordOnBoth(ctx, 'UNLINKED', input, numbers, removed.kind);
  return ctx.manager.findOneByOrFail(Complaint, { id: input.complaintId });
}

/** The links of each complaint, oldest first, from the side of that complaint (for the loader). */
export function linksOf(manager: EntityManager, ids: readonly string[]): Promise<LinkSeen[]> {
  return manager.query(
    `SELECT complaint_id AS "forId", linked_id AS "otherId", kind, created_by AS "createdBy", created_at AS "createdAt"
       FROM complaint_links WHERE complaint_id = ANY($1::uuid[])
     UNION ALL
     SELECT linked_id, complaint_id, kind, created_by, created_at
       FROM complaint_links WHERE linked_id = ANY($1::uuid[])
     ORDER BY "createdAt", "otherId"`,
    [ids],
  );
}
