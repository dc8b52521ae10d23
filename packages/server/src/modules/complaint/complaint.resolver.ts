import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Allow, STAFF } from '../../auth/allow.js';
import { IsOptional, MaxLength } from 'class-validator';
import type { GraphQLContext } from '../../graphql/context.js';
import { Action } from '../../auth/permissions.js';
import { IsEntityId, entityId } from '../../graphql/validation.js';
import { Complaint } from './complaint.entity.js';
import { Cause, RejectionReason } from '../cause/cause.entity.js';
import { Stage } from './complaint.enums.js';
import { Department } from '../department/department.entity.js';
import { User } from '../user/user.entity.js';
import { Category } from '../category/category.entity.js';
import { Customer } from './customer.entity.js';
import { TimelineEvent } from './timeline-event.entity.js';
import { CorrectiveAction } from './corrective-action.entity.js';
import { Message } from '../message/message.entity.js';
import { ComplaintConnection, PageArgs } from './complaint.types.js';
import { ComplaintFilter, ComplaintOrder } from './dto/complaint-filter.input.js';
import { RegisterComplaintInput } from './dto/register-complaint.input.js';
import { AssignComplaintInput, TransitionComplaintInput, UpdateComplaintInput } from './dto/transition-complaint.input.js';
import { assignComplaint, registerComplaint, stopAwaitingCustomer, transitionComplaint, updateComplaint } from './complaint.service.js';
import { findComplaint, listComplaints } from './complaint.queries.js';
import { DEFAULT_ORDER, encodeCursor } from './complaint.order.js';
import { nextStages, refuseTransition } from './lifecycle.js';
import { abilitiesOn, type ComplaintAbilities } from './abilities.js';
import { issueTrackingLink, TrackingLink, type WithTrackingLink } from './tracking.js';

@ObjectType('ComplaintAbilities', {
  simpleResolvers: true,
  description: 'What the signed-in user may do with a complaint now; the server applies the same rules when they do it',
})
class ComplaintAbilitiesView implements ComplaintAbilities {
  @Field({ description: 'Assign or reassign it (see assignOnlySelf)' })
  assign!: boolean;

  @Field({ description: 'Only take it for oneself, within its department' })
  assignOnlySelf!: boolean;

  @Field({ description: 'Change priority, category, demand and price (updateComplaint)' })
  update!: boolean;

  @Field({ description: 'Write a public reply or an internal note; stop waiting for the customer; issue a new tracking link' })
  reply!: boolean;

  @Field({ description: 'Add and complete corrective actions' })
  manageCorrectiveActions!: boolean;

  @Field({ description: 'Open the follow-up of a survey response (openSurveyFollowUp)' })
  followUpSurveys!: boolean;
}

@ArgsType()
class ComplaintArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  id?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(60)
  number?: string | null;
}

@ArgsType()
class ComplaintsArgs extends PageArgs {
  @Field(() => ComplaintFilter, { nullable: true })
  filter?: ComplaintFilter | null;

  @Field(() => ComplaintOrder, { nullable: true, description: 'By deadline, soonest first, when absent' })
  orderBy?: ComplaintOrder | null;
}

@Resolver(() => Complaint)
export class ComplaintResolver {
  @Allow(Action.READ_COMPLAINTS)
  @Query(() => Complaint, { nullable: true, description: 'By id or by number; null when there is none in your tenant' })
  async complaint(@Args() args: ComplaintArgs, @Ctx() gql: GraphQLContext): Promise<Complaint | null> {
    const ctx = await gql.staff();
    return findComplaint(ctx, args);
  }

  @Allow(Action.READ_COMPLAINTS)
  @Query(() => ComplaintConnection, {
    description: 'Complaints in the order asked for (by deadline, soonest first, by default), keyset-paged: a cursor belongs to its order',
  })
  async complaints(@Args() { filter, orderBy, first, after }: ComplaintsArgs, @Ctx() gql: GraphQLContext): Promise<ComplaintConnection> {
    const ctx = await gql.staff();
    const order = { ...DEFAULT_ORDER, ...orderBy };
    const page = await listComplaints(ctx, filter, first, after, order);
    // Cursors are encoded only when selected (a console usually asks for endCursor alone).
    const edges = page.rows.map((node) => ({
      node,
      get cursor() {
        return encodeCursor(order, node);
      },
    }));
    const last = page.rows.at(-1);
    const connection = {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(order, last) : null },
    } as ComplaintConnection;
    Object.defineProperty(connection, 'totalCount', { get: () => page.count(), enumerable: true });
    return connection;
  }

  @Allow(Action.REGISTER_COMPLAINT)
  @Mutation(() => Complaint)
  async registerComplaint(@Arg('input') input: RegisterComplaintInput, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return registerComplaint(await gql.staff(), input);
  }

  @Allow(Action.ADD_MESSAGE)
  @Mutation(() => Complaint, {
    description:
      'A new tracking link for the customer, returned once in trackingLink; the old link stops working (recorded on the timeline)',
  })
  async issueTrackingLink(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return issueTrackingLink(await gql.staff(), entityId(id, 'id'));
  }

  @Allow(STAFF)
  @Mutation(() => Complaint)
  async transitionComplaint(@Arg('input') input: TransitionComplaintInput, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return transitionComplaint(await gql.staff(), input);
  }

  @Allow(Action.ASSIGN_COMPLAINT)
  @Mutation(() => Complaint)
  async assignComplaint(@Arg('input') input: AssignComplaintInput, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return assignComplaint(await gql.staff(), input);
  }

  @Allow(Action.UPDATE_COMPLAINT)
  @Mutation(() => Complaint, { description: 'Priority, category, demand or price, outside a stage change; the SLA clocks are recomputed' })
  async updateComplaint(@Arg('input') input: UpdateComplaintInput, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return updateComplaint(await gql.staff(), input);
  }

  @Allow(Action.ADD_MESSAGE)
  @Mutation(() => Complaint, { description: 'The customer answered another way (phone, e-mail): the paused SLA clocks run again' })
  async stopAwaitingCustomer(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return stopAwaitingCustomer(await gql.staff(), entityId(id, 'id'));
  }

  @FieldResolver(() => TrackingLink, {
    nullable: true,
    description: 'Only in the answer of registerComplaint and issueTrackingLink (only a hash of the token is kept); null elsewhere',
  })
  trackingLink(@Root() c: WithTrackingLink): TrackingLink | null {
    return c.trackingLink ?? null;
  }

  @FieldResolver(() => Boolean, { description: 'Whether the customer has a tracking link (issueTrackingLink gives one, or a new one)' })
  hasTrackingLink(@Root() c: Complaint): boolean {
    return c.accessTokenHash !== null && c.accessTokenHash !== undefined;
  }

  @FieldResolver(() => Department, { nullable: true })
  async department(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return c.departmentId ? (await gql.staff()).loaders.department.load(c.departmentId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  async assignee(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return c.assigneeId ? (await gql.staff()).loaders.user.load(c.assigneeId) : null;
  }

  @FieldResolver(() => Category, { nullable: true })
  async category(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return c.categoryId ? (await gql.staff()).loaders.category.load(c.categoryId) : null;
  }

  @FieldResolver(() => Cause, { nullable: true, description: 'The coded cause (from DECISION on); `rootCause` explains it' })
  async cause(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return c.causeId ? (await gql.staff()).loaders.cause.load(c.causeId) : null;
  }

  @FieldResolver(() => RejectionReason, {
    nullable: true,
    description: 'The coded reason of a rejected complaint; `rejectionReason` explains it',
  })
  async codedRejectionReason(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return c.rejectionReasonId ? (await gql.staff()).loaders.rejectionReason.load(c.rejectionReasonId) : null;
  }

  @FieldResolver(() => Customer, {
    description:
      'The customer as this complaint gave them (name, e-mail, phone when filed); `id` is their one record, shared by complaints with the same e-mail',
  })
  async customer(@Root() c: Complaint, @Ctx() gql: GraphQLContext): Promise<Customer> {
    const record = await (await gql.staff()).loaders.customer.load(c.customerId);
    return {
      tenantId: c.tenantId,
      id: c.customerId,
      createdAt: record?.createdAt ?? c.createdAt,
      name: c.customerName,
      email: c.customerEmail ?? record?.email ?? null,
      phone: c.customerPhone ?? record?.phone ?? null,
    };
  }

  @FieldResolver(() => [TimelineEvent], { description: 'Append-only, oldest first' })
  async timeline(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.timeline.load(c.id);
  }

  @FieldResolver(() => [Message], { description: 'Public replies and internal notes, oldest first' })
  async messages(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.messages.load(c.id);
  }

  @FieldResolver(() => [CorrectiveAction])
  async correctiveActions(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.correctiveActions.load(c.id);
  }

  @FieldResolver(() => ComplaintAbilitiesView, {
    description: 'What the signed-in user may do with this complaint now (besides moving it: allowedTransitions)',
  })
  async abilities(@Root() c: Complaint, @Ctx() gql: GraphQLContext): Promise<ComplaintAbilities> {
    return abilitiesOn((await gql.staff()).staff, c);
  }

  @FieldResolver(() => [Stage], { description: 'Stages the signed-in user may move this complaint to now' })
  async allowedTransitions(@Root() c: Complaint, @Ctx() gql: GraphQLContext): Promise<Stage[]> {
    const actor = (await gql.staff()).staff;
    return nextStages(c.stage).filter((to) => !refuseTransition(c.stage, to, actor.roles, actor.departmentIds, c.departmentId));
  }
}

@Resolver(() => TimelineEvent)
export class TimelineEventResolver {
  @FieldResolver(() => User, { nullable: true })
  async actor(@Root() e: TimelineEvent, @Ctx() gql: GraphQLContext) {
    return e.actorUserId ? (await gql.staff()).loaders.user.load(e.actorUserId) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The integration that did it (actorKind INTEGRATION)' })
  async integrationName(@Root() e: TimelineEvent, @Ctx() gql: GraphQLContext): Promise<string | null> {
    return e.actorIntegrationId ? ((await (await gql.staff()).loaders.integration.load(e.actorIntegrationId))?.name ?? null) : null;
  }
}
