import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ArrayMaxSize, IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { MAX_CUSTOMER_FILES_PER_COMPLAINT } from '../attachment/file-types.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import {
  PortalAttachment,
  PortalComplaint,
  PortalMessage,
  PortalTenant,
  SubmitComplaintInput,
  SubmittedComplaint,
} from './complaint.portal-types.js';
import { complaintStatus, portalTenant, rateComplaint, replyToComplaint, submitComplaint } from './complaint.portal-service.js';

@ArgsType()
class TrackingArgs {
  @Field()
  @MaxLength(60)
  number!: string;

  @Field()
  @MaxLength(200)
  accessToken!: string;
}

@ArgsType()
class ReplyArgs extends TrackingArgs {
  @Field()
  @PlainText({ max: 10_000 })
  body!: string;

  @Field(() => [ID], {
    nullable: true,
    description: `Files uploaded to /portal/uploads for this reply; a complaint has at most ${MAX_CUSTOMER_FILES_PER_COMPLAINT} from the customer`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_CUSTOMER_FILES_PER_COMPLAINT, { message: `attachmentIds: at most ${MAX_CUSTOMER_FILES_PER_COMPLAINT} files` })
  @IsEntityId({ each: true })
  attachmentIds?: string[] | null;
}

@ArgsType()
class RateArgs extends TrackingArgs {
  @Field(() => Int)
  @IsInt()
  @Min(1, { message: 'score must be 1 to 5' })
  @Max(5, { message: 'score must be 1 to 5' })
  score!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 5000 })
  comment?: string | null;
}

/**
 * The customer's side: reachable only at /portal/graphql, with its own
 * schema. Each operation finds the company (by its slug, or by the prefix
 * of a tracking number, which counts as a guess against the address's
 * limit), then calls one service function in its context.
 */
@Resolver()
export class ComplaintPortalResolver {
  @Mutation(() => SubmittedComplaint)
  async submitComplaint(
    @Arg('tenantSlug') tenantSlug: string,
    @Arg('input') input: SubmitComplaintInput,
    @Ctx() gql: GraphQLContext,
  ): Promise<SubmittedComplaint> {
    const ctx = await gql.forSlug(tenantSlug);
    if (!ctx) throw notFound('company');
    const submitted = await submitComplaint(ctx, input);
    // Accepted submissions count (this one is refused, and rolled back, when over the quota); refused ones do not.
    await gql.countSubmission(ctx.tenantId);
    return submitted;
  }

  @Query(() => PortalComplaint, { nullable: true, description: 'Null for a wrong number/token pair' })
  async complaintStatus(@Args() { number, accessToken }: TrackingArgs, @Ctx() gql: GraphQLContext): Promise<PortalComplaint | null> {
    const ctx = await gql.forTrackingNumber(number);
    return ctx ? complaintStatus(ctx, number, accessToken) : null;
  }

  @Mutation(() => PortalComplaint)
  async rateComplaint(@Args() { number, accessToken, score, comment }: RateArgs, @Ctx() gql: GraphQLContext) {
    return rateComplaint(await tracked(gql, number), number, accessToken, score, comment ?? null);
  }

  @Mutation(() => PortalMessage)
  async replyToComplaint(@Args() { number, accessToken, body, attachmentIds }: ReplyArgs, @Ctx() gql: GraphQLContext) {
    return replyToComplaint(await tracked(gql, number), number, accessToken, body, attachmentIds);
  }

  @Query(() => PortalTenant, {
    nullable: true,
    description: "The company's portal: its name, language and look; null for an unknown company",
  })
  async portalTenant(@Arg('slug') slug: string, @Ctx() gql: GraphQLContext): Promise<PortalTenant | null> {
    const ctx = await gql.forSlug(slug);
    return ctx ? portalTenant(ctx) : null;
  }
}

/** The context of the company behind a tracking number; NOT_FOUND (complaint) when there is none, as for a wrong token. */
async function tracked(gql: GraphQLContext, number: string) {
  const ctx = await gql.forTrackingNumber(number);
  if (!ctx) throw notFound('complaint');
  return ctx;
}

@Resolver(() => PortalAttachment)
export class PortalAttachmentResolver {
  @FieldResolver(() => String, { description: "A download link of the customer's own, relative to the server, valid for at least an hour" })
  url(@Root() a: PortalAttachment, @Ctx() gql: GraphQLContext): string {
    return gql.deps.files.url(a.tenantId, a.id);
  }
}
