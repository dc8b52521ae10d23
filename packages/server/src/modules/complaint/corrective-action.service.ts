import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { Role } from '../../auth/roles.js';
import { Complaint } from './complaint.entity.js';
import { CorrectiveAction } from './corrective-action.entity.js';
import { Stage } from './complaint.enums.js';
import { appendTimeline } from './timeline.js';
import { requireActiveDepartment } from './references.js';

const ADD_STAGES: readonly Stage[] = [Stage.IMPLEMENTATION];
/** Actions may be finished after the complaint moved on: CAPA outlives the case. */
const COMPLETE_STAGES: readonly Stage[] = [Stage.IMPLEMENTATION, Stage.FEEDBACK, Stage.CLOSED];

export interface NewCorrectiveAction {
  complaintId: string;
  description: string;
  ownerDepartmentId: string;
  dueDate: string;
}

export async function addCorrectiveAction(ctx: RequestContext, input: NewCorrectiveAction): Promise<CorrectiveAction> {
  const complaint = await lockForCapa(ctx, input.complaintId, [input.ownerDepartmentId]);
  if (!ADD_STAGES.includes(complaint.stage)) throw badInput(`corrective actions are added during IMPLEMENTATION (this complaint is ${complaint.stage})`);
  await requireActiveDepartment(ctx, input.ownerDepartmentId, 'input.ownerDepartmentId');
  const action = ctx.manager.create(CorrectiveAction, {
    tenantId: ctx.tenantId, id: randomUUID(), complaintId: complaint.id, description: input.description.trim(),
    ownerDepartmentId: input.ownerDepartmentId, dueDate: input.dueDate, doneAt: null, createdAt: new Date(),
  });
  await ctx.manager.insert(CorrectiveAction, action);
  await appendTimeline(ctx, { complaintId: complaint.id, type: 'CORRECTIVE_ACTION_ADDED', data: { correctiveActionId: action.id } });
  return action;
}

export async function completeCorrectiveAction(ctx: RequestContext, id: string): Promise<CorrectiveAction> {
  const action = await ctx.manager.findOneBy(CorrectiveAction, { id });
  if (!action) throw notFound('corrective action');
  const complaint = await lockForCapa(ctx, action.complaintId, [action.ownerDepartmentId]);
  if (!COMPLETE_STAGES.includes(complaint.stage)) throw badInput(`a corrective action cannot be completed while the complaint is ${complaint.stage}`);
  if (action.doneAt) return action;
  action.doneAt = new Date();
  await ctx.manager.update(CorrectiveAction, { id }, { doneAt: action.doneAt });
  await appendTimeline(ctx, { complaintId: complaint.id, type: 'CORRECTIVE_ACTION_DONE', data: { correctiveActionId: id } });
  return action;
}

/**
 * QUALITY_MANAGER works on any complaint's actions; SPECIALIST and HEAD on
 * those of complaints of their departments or owned by their departments.
 */
async function lockForCapa(ctx: RequestContext, complaintId: string, ownerDepartmentIds: string[]): Promise<Complaint> {
  const actor = ctx.staff;
  const complaint = await ctx.manager.findOne(Complaint, { where: { id: complaintId }, lock: { mode: 'pessimistic_write' } });
  if (!complaint) throw notFound('complaint');
  const involved = [complaint.departmentId, ...ownerDepartmentIds].some((d) => d && actor.departmentIds.includes(d));
  if (!actor.roles.includes(Role.QUALITY_MANAGER) && !involved) {
    throw new AppError('FORBIDDEN', 'this complaint and action belong to departments you are not a member of');
  }
  return complaint;
}
