import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { CorrectiveAction } from '../complaint/corrective-action.entity.js';
import { CorrectiveActionKind } from '../complaint/corrective-action.enums.js';
import { companyToday } from '../complaint/corrective-action.queries.js';
import { actionDetail, insertAction } from '../complaint/corrective-action.service.js';
import { mayFollowUpSurvey } from '../complaint/abilities.js';
import { appendTimeline } from '../complaint/timeline.js';
import { SurveyResponse } from './survey.entity.js';

/** How long the complaint's department has for a follow-up, in the company's days. */
export const FOLLOW_UP_DAYS = 3;

/** The follow-up opened on a response, if any. */
export function followUpOf(ctx: RequestContext, responseId: string): Promise<CorrectiveAction | null> {
  return ctx.manager.findOneBy(CorrectiveAction, { surveyResponseId: responseId });
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Opens the follow-up of a survey response: a CORRECTION on its complaint
 * (getting back to this customer about their answers), owned by the
 * complaint's department and due in FOLLOW_UP_DAYS, with the timeline's
 * CORRECTIVE_ACTION_ADDED naming the response. Once per response: asked
 * again, it returns the follow-up already opened and writes nothing. A HEAD
 * opens it only on complaints of their departments.
 */
export async function openSurveyFollowUp(
  ctx: RequestContext,
  input: { responseId: string; description: string },
): Promise<CorrectiveAction> {
  // The response's row is the lock two requests for one follow-up queue on.
  const response = await ctx.manager.findOne(SurveyResponse, { where: { id: input.responseId }, lock: { mode: 'pessimistic_write' } });
  if (!response) throw notFound('survey response');
  const complaint = await ctx.manager.findOne(Complaint, { where: { id: response.complaintId }, lock: { mode: 'pessimistic_write' } });
  if (!complaint) throw notFound('complaint');
  if (!mayFollowUpSurvey(ctx.staff, complaint)) {
    throw new AppError('FORBIDDEN', 'this complaint belongs to a department you are not a member of');
  }
  const existing = await followUpOf(ctx, response.id);
  if (existing) return existing;
  if (!complaint.departmentId) throw badInput('the complaint has no department to own its follow-up; assign it first');
  const action = await insertAction(
    ctx,
    complaint.id,
    {
      kind: CorrectiveActionKind.CORRECTION,
      description: input.description,
      ownerDepartmentId: complaint.departmentId,
      ownerUserId: null,
      dueDate: addDays(await companyToday(ctx), FOLLOW_UP_DAYS),
    },
    new Date(),
    null,
    response.id,
  );
  await appendTimeline(ctx, {
    complaintId: complaint.id,
    type: 'CORRECTIVE_ACTION_ADDED',
    data: { correctiveActionId: action.id, kind: action.kind, surveyResponseId: response.id },
    detail: actionDetail([action]),
  });
  return action;
}
