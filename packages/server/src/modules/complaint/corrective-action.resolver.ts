import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Action } from '../../auth/permissions.js';
import { Allow } from '../../auth/allow.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { IsEntityId } from '../../graphql/validation.js';
import { Department } from '../department/department.entity.js';
import { User } from '../user/user.entity.js';
import { Complaint } from './complaint.entity.js';
import { PageArgs, PageInfo } from './complaint.types.js';
import { CorrectiveAction, EffectivenessCheck, statusOf } from './corrective-action.entity.js';
import { CorrectiveActionStatus } from './corrective-action.enums.js';
import { AddCorrectiveActionInput, CheckEffectivenessInput, CorrectiveActionFilter } from './dto/corrective-action.input.js';
import { addCorrectiveAction, checkEffectiveness, completeCorrectiveAction } from './corrective-action.service.js';
import { encodeActionCursor, isOverdue, listCorrectiveActions } from './corrective-action.queries.js';

@ArgsType()
class CorrectiveActionArgs {
  @Field(() => ID)
  @IsEntityId()
  id!: string;
}

@ArgsType()
class CorrectiveActionsArgs extends PageArgs {
  @Field(() => CorrectiveActionFilter, { nullable: true })
  filter?: CorrectiveActionFilter | null;
}

@ObjectType({ simpleResolvers: true })
export class CorrectiveActionEdge {
  @Field()
  cursor!: string;

  @Field(() => CorrectiveAction)
  node!: CorrectiveAction;
}

@ObjectType({ simpleResolvers: true })
export class CorrectiveActionConnection {
  @Field(() => [CorrectiveActionEdge])
  edges!: CorrectiveActionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Resolved only when selected. */
  @Field(() => Int)
  totalCount!: number;
}

@Resolver(() => CorrectiveAction)
export class CorrectiveActionResolver {
  @Allow(Action.MANAGE_CORRECTIVE_ACTIONS)
  @Query(() => CorrectiveActionConnection, {
    description:
      'The register of actions across complaints, by due date (QUALITY_MANAGER: all; others: of their departments), keyset-paged',
  })
  async correctiveActions(
    @Args() { filter, first, after }: CorrectiveActionsArgs,
    @Ctx() gql: GraphQLContext,
  ): Promise<CorrectiveActionConnection> {
    const page = await listCorrectiveActions(await gql.staff(), filter, first, after);
    const last = page.rows.at(-1);
    const connection = {
      edges: page.rows.map((node) => ({ node, cursor: encodeActionCursor(node) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeActionCursor(last) : null },
    } as CorrectiveActionConnection;
    Object.defineProperty(connection, 'totalCount', { get: () => page.count(), enumerable: true });
    return connection;
  }

  @Allow(Action.MANAGE_CORRECTIVE_ACTIONS)
  @Mutation(() => CorrectiveAction, { description: 'Adds a correction, corrective or preventive action to a complaint in IMPLEMENTATION' })
  async addCorrectiveAction(@Arg('input') input: AddCorrectiveActionInput, @Ctx() gql: GraphQLContext): Promise<CorrectiveAction> {
    return addCorrectiveAction(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_CORRECTIVE_ACTIONS)
  @Mutation(() => CorrectiveAction, { description: 'Marks an action done (idempotent)' })
  async completeCorrectiveAction(@Args() { id }: CorrectiveActionArgs, @Ctx() gql: GraphQLContext): Promise<CorrectiveAction> {
    return completeCorrectiveAction(await gql.staff(), id);
  }

  @Allow(Action.VERIFY_CORRECTIVE_ACTIONS)
  @Mutation(() => CorrectiveAction, {
    description: 'Records whether a done action was effective; NOT_EFFECTIVE needs a follow-up action, which is created',
  })
  async checkCorrectiveActionEffectiveness(
    @Arg('input') input: CheckEffectivenessInput,
    @Ctx() gql: GraphQLContext,
  ): Promise<CorrectiveAction> {
    return checkEffectiveness(await gql.staff(), input);
  }

  @FieldResolver(() => Department)
  async ownerDepartment(@Root() a: CorrectiveAction, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.department.load(a.ownerDepartmentId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The person answerable for it, if one was named' })
  async owner(@Root() a: CorrectiveAction, @Ctx() gql: GraphQLContext) {
    return a.ownerUserId ? (await gql.staff()).loaders.user.load(a.ownerUserId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who marked it done' })
  async doneBy(@Root() a: CorrectiveAction, @Ctx() gql: GraphQLContext) {
    return a.doneByUserId ? (await gql.staff()).loaders.user.load(a.doneByUserId) : null;
  }

  @FieldResolver(() => Complaint)
  async complaint(@Root() a: CorrectiveAction, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.complaint.load(a.complaintId);
  }

  @FieldResolver(() => CorrectiveActionStatus)
  status(@Root() a: CorrectiveAction): CorrectiveActionStatus {
    return statusOf(a);
  }

  @FieldResolver(() => Boolean, { description: "Not done and the due date has passed, in the company's time zone" })
  async overdue(@Root() a: CorrectiveAction, @Ctx() gql: GraphQLContext): Promise<boolean> {
    return isOverdue(await gql.staff(), a);
  }

  @FieldResolver(() => EffectivenessCheck, { nullable: true, description: 'Null until the quality manager has checked the done action' })
  effectivenessCheck(@Root() a: CorrectiveAction): EffectivenessCheck | null {
    if (!a.effectiveness || !a.effectivenessCheckedAt || !a.effectivenessCheckedByUserId) return null;
    return {
      result: a.effectiveness,
      checkedAt: a.effectivenessCheckedAt,
      checkedByUserId: a.effectivenessCheckedByUserId,
      note: a.effectivenessNote,
    };
  }
}

@Resolver(() => EffectivenessCheck)
export class EffectivenessCheckResolver {
  @FieldResolver(() => User)
  async checkedBy(@Root() c: EffectivenessCheck, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.user.load(c.checkedByUserId);
  }
}
