import { Arg, Ctx, Field, ID, Mutation, ObjectType, Resolver } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Complaint } from './complaint.entity.js';
import { bulkAssignComplaints, bulkSetComplaintPriority, type BulkFailure, type BulkOutcome } from './complaint.bulk.js';
import { BulkAssignComplaintsInput, BulkSetComplaintPriorityInput } from './dto/bulk.input.js';

@ObjectType('BulkFailure', {
  simpleResolvers: true,
  description: 'One complaint of a bulk change that was refused, and why (as the single action would answer)',
})
class BulkFailureView implements BulkFailure {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Null when no such complaint is found in your company' })
  number!: string | null;

  @Field(() => String, { description: 'NOT_FOUND, FORBIDDEN, CONFLICT (a stale version) or BAD_USER_INPUT' })
  code!: BulkFailure['code'];

  @Field(() => String, { nullable: true, description: 'A reason of the error list (docs/api.md), when there is one' })
  reason!: string | null;

  @Field()
  message!: string;
}

@ObjectType('BulkComplaintsResult', {
  simpleResolvers: true,
  description:
    'All or nothing: either `complaints` holds every complaint changed (failures empty), or `failures` says which were refused and nothing changed',
})
class BulkComplaintsResult implements BulkOutcome {
  @Field(() => [Complaint])
  complaints!: Complaint[];

  @Field(() => [BulkFailureView])
  failures!: BulkFailureView[];
}

/** Bulk changes from the list: the single actions' rules, timeline entries and live events, for up to 100 complaints at once. */
@Resolver()
export class ComplaintBulkResolver {
  @Allow(Action.ASSIGN_COMPLAINT)
  @Mutation(() => BulkComplaintsResult, {
    description: 'assignComplaint for each complaint (to a person, to a department, or both), all or nothing',
  })
  async bulkAssignComplaints(@Arg('input') input: BulkAssignComplaintsInput, @Ctx() gql: GraphQLContext): Promise<BulkOutcome> {
    return bulkAssignComplaints(await gql.staff(), input);
  }

  @Allow(Action.UPDATE_COMPLAINT)
  @Mutation(() => BulkComplaintsResult, { description: 'updateComplaint(priority) for each complaint, all or nothing' })
  async bulkSetComplaintPriority(@Arg('input') input: BulkSetComplaintPriorityInput, @Ctx() gql: GraphQLContext): Promise<BulkOutcome> {
    return bulkSetComplaintPriority(await gql.staff(), input);
  }
}
