import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import type { Actor } from '../../auth/actor.js';
import { Role } from '../../auth/roles.js';
import { Complaint } from './complaint.entity.js';
import { CorrectiveAction } from './corrective-action.entity.js';
import { CorrectiveActionKind, Effectiveness } from './corrective-action.enums.js';
import { Stage } from './complaint.enums.js';
import { appendTimeline } from './timeline.js';
import { requireActiveDepartment, requireAssignee } from './references.js';

const ADD_STAGES: readonly Stage[] = [Stage.IMPLEMENTATION];
/** Actions may be finished after the complaint moved on: CAPA outlives the case. */
const COMPLETE_STAGES: readonly Stage[] = [Stage.IMPLEMENTATION, Stage.FEEDBACK, Stage.CLOSED];

export interface NewCorrectiveAction {
  kind?: CorrectiveActionKind | null;
  description: string;
  ownerDepartmentId: string;
  ownerUserId?: string | null;
  dueDate: string;
}

export interface EffectivenessInput {
  id: string;
  result: Effectiveness;
  note?: string | null;
  /** Required when the action was not effective: what is done instead (same kind as the action checked). */
  followUp?: NewCorrectiveAction | null;
}

/**
 * The departments whose actions an actor works with: every department for
 * QUALITY_MANAGER (null), else those they belong to. An action is theirs when
 * it is owned by one of them or belongs to a complaint of one of them.
 */
export function capaDepartments(actor: Pick<Actor, 'roles' | 'departmentIds'>): readonly string[] | null {
  return actor.roles.includes(Role.QUALITY_MANAGER) ? null : actor.departmentIds;
}

export function involves(actor: Pick<Actor, 'roles' | 'departmentIds'>, departmentIds: ReadonlyArray<string | null>): boolean {
  const scope = capaDepartments(actor);
  return !scope || departmentIds.some((d) => d !== null && scope.includes(d));
}

/**
 * The owner department exists in the company and is not archived, and the owner person, when named, can be given
 * work in it (`requireAssignee`); a refusal names the field under `at`, the action's path in the input.
 */
export async function requireActionOwner(ctx: RequestContext, a: NewCorrectiveAction, at = 'input'): Promise<void> {
  await requireActiveDepartment(ctx, a.ownerDepartmentId, `${at}.ownerDepartmentId`);
  if (a.ownerUserId) await requireAssignee(ctx, a.ownerUserId, a.ownerDepartmentId, `${at}.ownerUserId`);
}

/** Inserts one action (the owner checked by the caller); `createdAt` keeps the order of actions entered together. */
export async function insertAction(
  ctx: RequestContext,
  complaintId: string,
  a: NewCorrectiveAction,
  createdAt: Date,
  followUpOfId: string | null = null,
  surveyResponseId: string | null = null,
): Promise<CorrectiveAction> {
  const action = ctx.manager.create(CorrectiveAction, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    complaintId,
    kind: a.kind ?? CorrectiveActionKind.CORRECTION,
    description: a.description.trim(),
    ownerDepartmentId: a.ownerDepartmentId,
    ownerUserId: a.ownerUserId ?? null,
    dueDate: a.dueDate,
    doneAt: null,
    doneByUserId: null,
    effectiveness: null,
    effectivenessCheckedAt: null,
    effectivenessCheckedByUserId: null,
    effectivenessNote: null,
    followUpOfId,
    surveyResponseId,
    createdAt,
  });
  await ctx.manager.insert(CorrectiveAction, action);
  return action;
}

/** What subscribers to the register need to know of a change (docs/realtime.md): which actions, owned by whom. */
export const actionDetail = (actions: ReadonlyArray<Pick<CorrectiveAction, 'id' | 'ownerDepartmentId'>>) => ({
  correctiveActionIds: actions.map((a) => a.id),
  ownerDepartmentIds: [...new Set(actions.map((a) => a.ownerDepartmentId))],
});

export async function addCorrectiveAction(
  ctx: RequestContext,
  input: NewCorrectiveAction & { complaintId: string },
): Promise<CorrectiveAction> {
  const complaint = await lockForCapa(ctx, input.complaintId, [input.ownerDepartmentId]);
  if (!ADD_STAGES.includes(complaint.stage))
    throw badInput(`actions are added during IMPLEMENTATION (this complaint is ${complaint.stage})`);
  await requireActionOwner(ctx, input);
  const action = await insertAction(ctx, complaint.id, input, new Date());
  await appendTimeline(ctx, {
    complaintId: complaint.id,
    type: 'CORRECTIVE_ACTION_ADDED',
    data: { correctiveActionId: action.id, kind: action.kind },
    detail: actionDetail([action]),
  });
  return action;
}

export async function completeCorrectiveAction(ctx: RequestContext, id: string): Promise<CorrectiveAction> {
  const action = await ctx.manager.findOneBy(CorrectiveAction, { id });
  if (!action) throw notFound('corrective action');
  const complaint = await lockForCapa(ctx, action.complaintId, [action.ownerDepartmentId]);
  if (!COMPLETE_STAGES.includes(complaint.stage))
    throw badInput(`a corrective action cannot be completed while the complaint is ${complaint.stage}`);
  if (action.doneAt) return action;
  Object.assign(action, { doneAt: new Date(), doneByUserId: ctx.staff.userId });
  await ctx.manager.update(CorrectiveAction, { id }, { doneAt: action.doneAt, doneByUserId: action.doneByUserId });
  await appendTimeline(ctx, {
    complaintId: complaint.id,
    type: 'CORRECTIVE_ACTION_DONE',
    data: { correctiveActionId: id },
    detail: actionDetail([action]),
  });
  return action;
}

/**
 * Records whether a completed action worked. NOT_EFFECTIVE closes the action
 * as checked and opens its follow-up (same kind, a new owner and due date),
 * which has its own completion and check: the record of what did not work
 * stays as it was.
 */
export async function checkEffectiveness(ctx: RequestContext, input: EffectivenessInput): Promise<CorrectiveAction> {
  const action = await ctx.manager.findOneBy(CorrectiveAction, { id: input.id });
  if (!action) throw notFound('corrective action');
  const complaint = await lockForCapa(ctx, action.complaintId, [action.ownerDepartmentId]);
  // Read again under the complaint's lock: two checks of one action queue there.
  const current = (await ctx.manager.findOneBy(CorrectiveAction, { id: action.id }))!;
  if (!current.doneAt)
    throw new AppError('BAD_USER_INPUT', 'effectiveness is checked after the action is done', { reason: 'ACTION_NOT_DONE' });
  if (current.effectiveness) throw new AppError('CONFLICT', 'this action has been checked already', { reason: 'ALREADY_CHECKED' });
  const failed = input.result === Effectiveness.NOT_EFFECTIVE;
  if (failed && !input.followUp) {
    throw new AppError('BAD_USER_INPUT', 'an action found not effective needs a follow-up action', {
      reason: 'FOLLOW_UP_REQUIRED',
      fields: [{ field: 'input.followUp', reason: 'FOLLOW_UP_REQUIRED' }],
    });
  }
  if (!failed && input.followUp) throw badInput('a follow-up is given only for an action found not effective');
  if (input.followUp) await requireActionOwner(ctx, input.followUp, 'input.followUp');

  const now = new Date();
  const check = {
    effectiveness: input.result,
    effectivenessCheckedAt: now,
    effectivenessCheckedByUserId: ctx.staff.userId,
    effectivenessNote: input.note?.trim() || null,
  };
  await ctx.manager.update(CorrectiveAction, { id: current.id }, check);
  const followUp = input.followUp
    ? await insertAction(ctx, complaint.id, { ...input.followUp, kind: current.kind }, now, current.id)
    : null;
  await appendTimeline(ctx, {
    complaintId: complaint.id,
    type: 'CORRECTIVE_ACTION_CHECKED',
    data: { correctiveActionId: current.id, result: input.result, ...(followUp && { followUpId: followUp.id }) },
    detail: actionDetail(followUp ? [current, followUp] : [current]),
  });
  return { ...current, ...check };
}

/**
 * QUALITY_MANAGER works on any complaint's actions; SPECIALIST and HEAD on
 * those of complaints of their departments or owned by their departments.
 */
async function lockForCapa(ctx: RequestContext, complaintId: string, ownerDepartmentIds: string[]): Promise<Complaint> {
  const complaint = await ctx.manager.findOne(Complaint, { where: { id: complaintId }, lock: { mode: 'pessimistic_write' } });
  if (!complaint) throw notFound('complaint');
  if (!involves(ctx.staff, [complaint.departmentId, ...ownerDepartmentIds])) {
    throw new AppError('FORBIDDEN', 'this complaint and action belong to departments you are not a member of');
  }
  return complaint;
}
