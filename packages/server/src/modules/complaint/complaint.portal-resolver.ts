import { Arg, Args, ArgsType, Ctx, Field, Int, Mutation, Query, Resolver } from 'type-graphql';
import { IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import type { GraphQLContext } from '../../graphql/context.js';
import { PlainText } from '../../graphql/validation.js';
import { PortalComplaint, PortalMessage, SubmitComplaintInput, SubmittedComplaint } from './complaint.portal-types.js';
import { complaintStatus, rateComplaint, replyToComplaint, submitComplaint } from './complaint.portal-service.js';

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

/** The customer's side: reachable only at /portal/graphql, with its own schema. */
@Resolver()
export class ComplaintPortalResolver {
  @Mutation(() => SubmittedComplaint)
  async submitComplaint(
    @Arg('tenantSlug') tenantSlug: string,
    @Arg('input') input: SubmitComplaintInput,
    @Ctx() gql: GraphQLContext,
  ): Promise<SubmittedComplaint> {
    return submitComplaint(gql, tenantSlug.slice(0, 60), input);
  }

  @Query(() => PortalComplaint, { nullable: true, description: 'Null for a wrong number/token pair' })
  async complaintStatus(@Args() { number, accessToken }: TrackingArgs, @Ctx() gql: GraphQLContext): Promise<PortalComplaint | null> {
    return complaintStatus(gql, number, accessToken);
  }

  @Mutation(() => PortalMessage)
  async replyToComplaint(@Args() { number, accessToken, body }: ReplyArgs, @Ctx() gql: GraphQLContext) {
    return replyToComplaint(gql, number, accessToken, body);
  }

  @Mutation(() => PortalComplaint)
  async rateComplaint(@Args() { number, accessToken, score, comment }: RateArgs, @Ctx() gql: GraphQLContext) {
    return rateComplaint(gql, number, accessToken, score, comment ?? null);
  }
}
