import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import { isReachable } from '../integration/integration.service.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { IsEntityId } from '../../graphql/validation.js';
import { User } from '../user/user.entity.js';
import { Complaint } from './complaint.entity.js';
import { ComplaintLinkKind } from './complaint-link.entity.js';
import { linkComplaints, unlinkComplaints, type LinkSeen } from './complaint-link.service.js';

@ObjectType('ComplaintLink', { simpleResolvers: true, description: 'Another complaint this one is linked to, as a repeat or a duplicate' })
class ComplaintLinkView {
  @Field(() => ComplaintLinkKind)
  kind!: ComplaintLinkKind;

  @Field()
  createdAt!: Date;
}

@InputType()
export class UnlinkComplaintsInput {
  @Field(() => ID)
  @IsEntityId()
  complaintId!: string;

  @Field(() => ID)
  @IsEntityId()
  otherComplaintId!: string;
}

@InputType()
export class LinkComplaintsInput extends UnlinkComplaintsInput {
  @Field(() => ComplaintLinkKind)
  kind!: ComplaintLinkKind;
}

@Resolver(() => ComplaintLinkView)
export class ComplaintLinkResolver {
  @FieldResolver(() => Complaint, { description: 'The other complaint' })
  async complaint(@Root() link: LinkSeen, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.complaint.load(link.otherId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who linked them' })
  async createdBy(@Root() link: LinkSeen, @Ctx() gql: GraphQLContext) {
    return link.createdBy ? (await gql.staff()).loaders.user.load(link.createdBy) : null;
  }
}

@Resolver(() => Complaint)
export class RelatedComplaintsResolver {
  @FieldResolver(() => [ComplaintLinkView], { description: 'Complaints linked to this one (REPEAT, DUPLICATE), oldest link first' })
  async links(@Root() c: Complaint, @Ctx() gql: GraphQLContext): Promise<LinkSeen[]> {
    const ctx = await gql.staff();
    const links = await ctx.loaders.links.load(c.id);
    // A key limited to some departments sees no link to a complaint outside them.
    const others = await Promise.all(links.map((l) => ctx.loaders.complaint.load(l.otherId)));
    return links.filter((_, i) => others[i] && isReachable(ctx, others[i]!.departmentId));
  }

  @FieldResolver(() => [Complaint], {
    description: "The customer's other complaints (the same customer record, e-mail or phone however written), newest first, at most 50",
  })
  async customerComplaints(@Root() c: Complaint, @Ctx() gql: GraphQLContext): Promise<Complaint[]> {
    const ctx = await gql.staff();
    return (await ctx.loaders.customerComplaints.load(c.id)).filter((other) => isReachable(ctx, other.departmentId));
  }

  @Allow(Action.LINK_COMPLAINTS)
  @Mutation(() => Complaint, {
    description:
      'Links two complaints as REPEAT or DUPLICATE (on both, and on both timelines); the same link again changes nothing. Returns the complaint of complaintId',
  })
  async linkComplaints(@Arg('input') input: LinkComplaintsInput, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return linkComplaints(await gql.staff(), input);
  }

  @Allow(Action.LINK_COMPLAINTS)
  @Mutation(() => Complaint, {
    description:
      'Removes the link between two complaints (recorded on both timelines); no link, no change. Returns the complaint of complaintId',
  })
  async unlinkComplaints(@Arg('input') input: UnlinkComplaintsInput, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return unlinkComplaints(await gql.staff(), input);
  }
}
