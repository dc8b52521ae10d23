import { randomUUID } from 'node:crypto';
import { Allow } from '../../auth/allow.js';
import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { Action } from '../../auth/permissions.js';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { Department } from './department.entity.js';

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
    const ctx = await gql.staff();
    return ctx.manager.find(Department, { order: { name: 'ASC' } });
  }

  @Allow(Action.MANAGE_DEPARTMENTS)
  @Mutation(() => Department)
  async createDepartment(@Arg('input') input: CreateDepartmentInput, @Ctx() gql: GraphQLContext): Promise<Department> {
    const ctx = await gql.staff();
    const department = ctx.manager.create(Department, { tenantId: ctx.tenantId, id: randomUUID(), name: input.name.trim(), createdAt: new Date() });
    await ctx.manager.insert(Department, department);
    return department;
  }

  @Allow(Action.MANAGE_DEPARTMENTS)
  @Mutation(() => Department)
  async renameDepartment(@Arg('input') input: RenameDepartmentInput, @Ctx() gql: GraphQLContext): Promise<Department> {
    const ctx = await gql.staff();
    const department = await ctx.manager.findOneBy(Department, { id: input.id });
    if (!department) throw notFound('department');
    department.name = input.name.trim();
    await ctx.manager.update(Department, { id: input.id }, { name: department.name });
    return department;
  }
}
