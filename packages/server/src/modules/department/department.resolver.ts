import { Allow } from '../../auth/allow.js';
import { Arg, Args, ArgsType, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { Action } from '../../auth/permissions.js';
import { IsEntityId, PlainText, entityId } from '../../graphql/validation.js';
import { Department } from './department.entity.js';
import { archiveDepartment, createDepartment, listDepartments, renameDepartment, restoreDepartment } from './department.service.js';

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

@ArgsType()
class DepartmentsArgs {
  @Field({ defaultValue: false, description: 'Archived departments too (the administration page; naming old work)' })
  includeArchived!: boolean;
}

@Resolver(() => Department)
export class DepartmentResolver {
  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [Department], {
    description: 'Departments of your company by name: those offered for new work, or with includeArchived all of them',
  })
  async departments(@Args() { includeArchived }: DepartmentsArgs, @Ctx() gql: GraphQLContext): Promise<Department[]> {
    return listDepartments(await gql.staff(), includeArchived);
  }

  @Allow(Action.MANAGE_DEPARTMENTS)
  @Mutation(() => Department)
  async createDepartment(@Arg('input') input: CreateDepartmentInput, @Ctx() gql: GraphQLContext): Promise<Department> {
    return createDepartment(await gql.staff(), input.name);
  }

  @Allow(Action.MANAGE_DEPARTMENTS)
  @Mutation(() => Department)
  async renameDepartment(@Arg('input') input: RenameDepartmentInput, @Ctx() gql: GraphQLContext): Promise<Department> {
    return renameDepartment(await gql.staff(), input.id, input.name);
  }

  @Allow(Action.MANAGE_DEPARTMENTS)
  @Mutation(() => Department, {
    description:
      'Offered for no new work from now on; refused while it has open complaints (OPEN_COMPLAINTS, with openComplaints) or an SLA policy escalates into it (IN_USE)',
  })
  async archiveDepartment(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<Department> {
    return archiveDepartment(await gql.staff(), entityId(id, 'id'));
  }

  @Allow(Action.MANAGE_DEPARTMENTS)
  @Mutation(() => Department, { description: 'Offered for new work again' })
  async restoreDepartment(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<Department> {
    return restoreDepartment(await gql.staff(), entityId(id, 'id'));
  }
}
