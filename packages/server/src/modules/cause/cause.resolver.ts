import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Cause, RejectionReason } from './cause.entity.js';
import { CodedEntryInput, CreateCauseInput, UpdateCodedEntryInput } from './cause.inputs.js';
import { createCause, createRejectionReason, listCauses, listRejectionReasons, renameEntry, setArchived } from './cause.service.js';

@Resolver(() => Cause)
export class CauseResolver {
  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [Cause], { description: 'Coded causes by group and code; archived ones only with includeArchived' })
  async causes(@Arg('includeArchived', { defaultValue: false }) includeArchived: boolean, @Ctx() gql: GraphQLContext): Promise<Cause[]> {
    return listCauses(await gql.staff(), includeArchived);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => Cause)
  async createCause(@Arg('input') input: CreateCauseInput, @Ctx() gql: GraphQLContext): Promise<Cause> {
    return createCause(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => Cause)
  async updateCause(@Arg('input') input: UpdateCodedEntryInput, @Ctx() gql: GraphQLContext): Promise<Cause> {
    return renameEntry(await gql.staff(), Cause, input);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => Cause)
  async archiveCause(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<Cause> {
    return setArchived(await gql.staff(), Cause, id, true);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => Cause)
  async restoreCause(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<Cause> {
    return setArchived(await gql.staff(), Cause, id, false);
  }
}

@Resolver(() => RejectionReason)
export class RejectionReasonResolver {
  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [RejectionReason], { description: 'Coded rejection reasons by code; archived ones only with includeArchived' })
  async rejectionReasons(
    @Arg('includeArchived', { defaultValue: false }) includeArchived: boolean,
    @Ctx() gql: GraphQLContext,
  ): Promise<RejectionReason[]> {
    return listRejectionReasons(await gql.staff(), includeArchived);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => RejectionReason)
  async createRejectionReason(@Arg('input') input: CodedEntryInput, @Ctx() gql: GraphQLContext): Promise<RejectionReason> {
    return createRejectionReason(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => RejectionReason)
  async updateRejectionReason(@Arg('input') input: UpdateCodedEntryInput, @Ctx() gql: GraphQLContext): Promise<RejectionReason> {
    return renameEntry(await gql.staff(), RejectionReason, input);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => RejectionReason)
  async archiveRejectionReason(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<RejectionReason> {
    return setArchived(await gql.staff(), RejectionReason, id, true);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => RejectionReason)
  async restoreRejectionReason(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<RejectionReason> {
    return setArchived(await gql.staff(), RejectionReason, id, false);
  }
}
