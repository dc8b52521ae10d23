import { Allow } from '../../auth/allow.js';
import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { Action } from '../../auth/permissions.js';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { Department } from './department.entity.js';
import { createDepartment, listDepartments, renameDepartment } from './department.service.js';

@InputType()
export class CreateDepartmentInput {
  @Field()
  @PlainText({ max: 100, singleLine: true })
  name!: string;
}

@InputType()
export class RenameDepartmentInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field()
  @PlainText({ max: 100, singleLine: true })
  name!: string;
}

@Resolver(() => Department)
export class DepartmentResolver {
  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [Department], { description: 'All departments of your company, by name' })
  async departments(@Ctx() gql: GraphQLContext): Promise<Department[]> {
    return listDepartments(await gql.staff());
  }

  @Allow(Action.MANAGE_DEPARTMENTS)
  @Mutation(() => Department)
  async createDepartment(@Arg('input') input: CreateDepartmentInput, @Ctx() gql: GraphQLContext): Promise<Department> {
    return createDepartment(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_DEPARTMENTS)
  @Mutation(() => Department)
  async renameDepartment(@Arg('input') input: RenameDepartmentInput, @Ctx() gql: GraphQLContext): Promise<Department> {
    return renameDepartment(await gql.staff(), input);
  }
}
