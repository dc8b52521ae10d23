import { Arg, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../../auth/roles.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import { optionalEntityId } from '../../graphql/validation.js';
import type { ComplaintEvent } from '../../realtime/events.js';
import { LiveFeed, servedByHub, type FeedOpener } from '../../realtime/feeds.js';
import { requireDepartment } from '../complaint/references.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { findComplaint } from '../complaint/complaint.queries.js';
import { SurveyResponse } from './survey.entity.js';

@ObjectType({
  simpleResolvers: true,
  description: 'A customer answered a survey as a detractor (NPS 6 or less, CSAT 2 or less, or an alerting option)',
})
export class SurveyDetractorAlert {
  @Field(() => Complaint)
  complaint!: Complaint;

  @Field(() => SurveyResponse, { description: 'The response, with its answers' })
  response!: SurveyResponse;

  @Field(() => [String], { description: 'What made it a detractor\'s: "NPS 3", "CSAT 1", "OPTION RUDE"' })
  reasons!: string[];

  @Field()
  at!: Date;
}

/** A detractor's answers travel as SURVEY_ANSWERED events marked so (survey.responses.ts). */
export const isDetractorEvent = (e: ComplaintEvent) => e.type === 'SURVEY_ANSWERED' && e.detail.detractor === true;

/**
 * Detractor alerts go to quality managers (every department) and to the
 * heads of the complaint's department; without a department id, a head
 * receives those of all their departments.
 */
const detractorFeed: FeedOpener = async (gql, args) => {
  const departmentId = optionalEntityId(args.departmentId, 'departmentId');
  const ctx = await gql.staff();
  const actor = ctx.staff;
  const overseer = actor.roles.includes(Role.QUALITY_MANAGER);
  const head = actor.roles.includes(Role.HEAD);
  if (!overseer && !head) throw new AppError('FORBIDDEN', 'detractor alerts go to quality managers and department heads');
  if (departmentId) await requireDepartment(ctx, departmentId);
  if (departmentId && !overseer && !actor.departmentIds.includes(departmentId)) {
    throw new AppError('FORBIDDEN', "a department's detractor alerts go to its heads and to quality managers");
  }
  const scope = departmentId ? [departmentId] : overseer ? null : actor.departmentIds;
  return {
    tenantId: actor.tenantId,
    actor,
    audience: `${[...actor.roles].sort().join(',')}|${[...actor.departmentIds].sort().join(',')}`,
    matches: (e) => isDetractorEvent(e) && (!scope || scope.includes(e.departmentId ?? '')),
  };
};

@Resolver()
export class SurveySubscriptionResolver {
  @Subscription(() => SurveyDetractorAlert, {
    subscribe: servedByHub,
    description: "Detractors' survey answers, live: of one department, or all the subscriber oversees (QUALITY_MANAGER, HEAD)",
  })
  @LiveFeed(detractorFeed)
  async surveyDetractorAnswered(
    @Root() e: ComplaintEvent,
    @Arg('departmentId', () => ID, { nullable: true }) _departmentId: string | null,
    @Ctx() gql: GraphQLContext,
  ): Promise<SurveyDetractorAlert> {
    const ctx = await gql.staff();
    const complaint = await findComplaint(ctx, { id: e.complaintId });
    const response =
      typeof e.detail.surveyResponseId === 'string' ? await ctx.manager.findOneBy(SurveyResponse, { id: e.detail.surveyResponseId }) : null;
    if (!complaint || !response) throw notFound('survey response');
    const reasons = Array.isArray(e.detail.reasons) ? e.detail.reasons.filter((r): r is string => typeof r === 'string') : [];
    return { complaint, response, reasons, at: new Date(e.at) };
  }
}
