import { In } from 'typeorm';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, type ErrorCode } from '../../graphql/errors.js';
import { syncSla } from '../sla/sla.service.js';
import { Complaint } from './complaint.entity.js';
import { applyAssignment, applyUpdate, planAssignment, planUpdate, type Assignment } from './complaint.service.js';
import type { BulkAssignComplaintsInput, BulkComplaintRef, BulkSetComplaintPriorityInput } from './dto/bulk.input.js';

/** Why one complaint of a bulk change was refused: what the single action would have answered. */
export interface BulkFailure {
  id: string;
  /** Null when the complaint is not found (in this company). */
  number: string | null;
  code: ErrorCode;
  reason: string | null;
  message: string;
}

/** Either every complaint changed (`complaints`, in the order given) or none did (`failures`, one per refused complaint). */
export interface BulkOutcome {
  complaints: Complaint[];
  failures: BulkFailure[];
}

const failure = (id: string, number: string | null, error: AppError): BulkFailure => ({
  id,
  number,
  code: error.code,
  message: error.message,
  reason: typeof error.extensions.reason === 'string' ? error.extensions.reason : null,
});

/**
 * A change to many complaints in one unit of work, all or nothing: each
 * complaint is locked (in id order, so two bulk changes never deadlock),
 * checked at the caller's version and planned exactly as the single action
 * plans it; only when none is refused is each applied, with the single
 * action's timeline entry and live event.
 */
async function bulkChange<P>(
  ctx: RequestContext,
  refs: BulkComplaintRef[],
  plan: (c: Complaint) => Promise<P>,
  apply: (c: Complaint, p: P) => Promise<unknown>,
  recomputeClocks = false,
): Promise<BulkOutcome> {
  const ids = refs.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw badInput('each complaint may be given once');
  const rows = await ctx.manager.find(Complaint, { where: { id: In(ids) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
  const byId = new Map(rows.map((c) => [c.id, c]));
  const failures: BulkFailure[] = [];
  const plans: Array<[Complaint, P]> = [];
  for (const ref of refs) {
    const complaint = byId.get(ref.id);
    // Row-level security hides another company's complaint: it is not found, exactly like one that never existed.
    if (!complaint) {
      failures.push(failure(ref.id, null, new AppError('NOT_FOUND', 'complaint not found')));
    } else if (complaint.version !== ref.expectedVersion) {
      failures.push(
        failure(
          ref.id,
          complaint.number,
          new AppError(
            'CONFLICT',
            `the complaint was changed by someone else (version ${complaint.version}, you had ${ref.expectedVersion}); reload and redo`,
          ),
        ),
      );
    } else {
      try {
        plans.push([complaint, await plan(complaint)]);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        failures.push(failure(ref.id, complaint.number, error));
      }
    }
  }
  if (failures.length) return { complaints: [], failures };
  for (const [complaint, p] of plans) await apply(complaint, p);
  if (recomputeClocks) await syncSla(ctx, ids);
  const changed = new Map((await ctx.manager.findBy(Complaint, { id: In(ids) })).map((c) => [c.id, c]));
  return { complaints: ids.map((id) => changed.get(id)!), failures: [] };
}

export function bulkAssignComplaints(ctx: RequestContext, input: BulkAssignComplaintsInput): Promise<BulkOutcome> {
  const target = { departmentId: input.departmentId ?? null, assigneeId: input.assigneeId ?? null };
  return bulkChange<Assignment>(
    ctx,
    input.complaints,
    (c) => planAssignment(ctx, c, target),
    (c, a) => applyAssignment(ctx, c, a),
  );
}

export function bulkSetComplaintPriority(ctx: RequestContext, input: BulkSetComplaintPriorityInput): Promise<BulkOutcome> {
  return bulkChange<Partial<Complaint>>(
    ctx,
    input.complaints,
    (c) => planUpdate(ctx, c, { priority: input.priority }),
    // The same priority already: nothing to write, no timeline entry (as updateComplaint).
    async (c, changes) => (Object.keys(changes).length ? applyUpdate(ctx, c, changes) : undefined),
    true,
  );
}
