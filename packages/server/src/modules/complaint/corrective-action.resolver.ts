import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from 'type-graphql';
import { Action } from '../../auth/permissions.js';
import { Allow } from '../../auth/allow.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { IsEntityId } from '../../graphql/validation.js';
import { Department } from '../department/department.entity.js';
import { CorrectiveAction } from './corrective-action.entity.js';
import { CorrectiveActionInput } from './dto/transition-complaint.input.js';
import { addCorrectiveAction, completeCorrectiveAction } from './corrective-action.service.js';

@InputType()
export class AddCorrectiveActionInput extends CorrectiveActionInput {
  @Field(() => ID)
  @IsEntityId()
  complaintId!: string;
}

@ArgsType()
class CorrectiveActionArgs {
  @Field(() => ID)
  @IsEntityId()
  id!: string;
}

@Resolver(() => CorrectiveAction)
export class CorrectiveActionResolver {
  @Allow(Action.MANAGE_CORRECTIVE_ACTIONS)
  @Mutation(() => CorrectiveAction, { description: 'Adds a corrective action to a complaint in IMPLEMENTATION' })
  async addCorrectiveAction(@Arg('input') input: AddCorrectiveActionInput, @Ctx() gql: GraphQLContext): Promise<CorrectiveAction> {
    return addCorrectiveAction(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_CORRECTIVE_ACTIONS)
  @Mutation(() => CorrectiveAction, { description: 'Marks a corrective action done (idempotent)' })
  async completeCorrectiveAction(@Args() { id }: CorrectiveActionArgs, @Ctx() gql: GraphQLContext): Promise<CorrectiveAction> {
    return completeCorrectiveAction(await gql.staff(), id);
  }

  @FieldResolver(() => Department)
  async ownerDepartment(@Root() a: CorrectiveAction, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.department.load(a.ownerDepartmentId);
  }
}
