import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import { findByToken } from '../complaint/complaint.portal-service.js';
import { AnswerComplaintSurveyArgs, AnswerSurveyArgs, ComplaintSurveyArgs, SurveyLocaleArgs } from './survey.inputs.js';
import { PortalSurvey, SurveyAnswered } from './survey.portal-types.js';
import { answerComplaintSurvey, answerInvitation, complaintSurvey, readInvitation } from './survey.responses.js';

/**
 * The customer's side (/portal/graphql): the company by the link's slug,
 * counted against the address's limit as every public lookup is.
 */
@Resolver()
export class SurveyPortalResolver {
  @Query(() => PortalSurvey, {
    description: 'The survey behind a one-time invitation; a wrong, answered or expired link gets a typed error',
  })
  async surveyInvitation(@Args() { slug, token, locale }: SurveyLocaleArgs, @Ctx() gql: GraphQLContext): Promise<PortalSurvey> {
    return readInvitation(await companyOf(gql, slug), token, locale ?? null);
  }

  @Mutation(() => SurveyAnswered, { description: 'Answers the survey once; the link then refuses' })
  async answerSurvey(@Args() { slug, token, answers }: AnswerSurveyArgs, @Ctx() gql: GraphQLContext): Promise<SurveyAnswered> {
    return answerInvitation(await companyOf(gql, slug), token, answers);
  }

  @Query(() => PortalSurvey, {
    nullable: true,
    description:
      "The survey on the complaint's page while it awaits feedback, in place of the single rating; null when none applies or for a wrong pair",
  })
  async complaintSurvey(
    @Args() { number, accessToken, locale }: ComplaintSurveyArgs,
    @Ctx() gql: GraphQLContext,
  ): Promise<PortalSurvey | null> {
    const ctx = await gql.forTrackingNumber(number);
    const complaint = ctx && (await findByToken(ctx, number, accessToken));
    return ctx && complaint ? complaintSurvey(ctx, complaint, locale ?? null) : null;
  }

  @Mutation(() => SurveyAnswered, { description: "Answers the complaint's survey on its page (PORTAL), once" })
  async answerComplaintSurvey(
    @Args() { number, accessToken, answers }: AnswerComplaintSurveyArgs,
    @Ctx() gql: GraphQLContext,
  ): Promise<SurveyAnswered> {
    const ctx = await gql.forTrackingNumber(number);
    const complaint = ctx && (await findByToken(ctx, number, accessToken));
    if (!ctx || !complaint) throw notFound('complaint');
    return answerComplaintSurvey(ctx, complaint, answers);
  }
}

/** A wrong slug reads as a wrong link: the same refusal, nothing told about which part was wrong. */
async function companyOf(gql: GraphQLContext, slug: string) {
  await gql.countLookup();
  const ctx = await gql.forSlug(slug);
  if (!ctx) throw new AppError('NOT_FOUND', 'this survey link is not valid', { reason: 'SURVEY_LINK_INVALID' });
  return ctx;
}
