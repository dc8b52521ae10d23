import { randomUUID } from 'node:crypto';
import { Allow } from '../../auth/allow.js';
import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import { IsOptional } from 'class-validator';
import type { GraphQLContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { Action } from '../../auth/permissions.js';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { Category } from './category.entity.js';

@InputType()
export class CreateCategoryInput {
  @Field()
  @PlainText({ max: 100, singleLine: true })
  name!: string;
}

@InputType()
export class UpdateCategoryInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 100, singleLine: true })
  name?: string | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
}

@Resolver(() => Category)
export class CategoryResolver {
  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [Category], { description: 'Categories by name, inactive ones included' })
  async categories(@Ctx() gql: GraphQLContext): Promise<Category[]> {
    const ctx = await gql.staff();
    return ctx.manager.find(Category, { order: { name: 'ASC' } });
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => Category)
  async createCategory(@Arg('input') input: CreateCategoryInput, @Ctx() gql: GraphQLContext): Promise<Category> {
    const ctx = await gql.staff();
    const category = ctx.manager.create(Category, { tenantId: ctx.tenantId, id: randomUUID(), name: input.name.trim(), active: true, createdAt: new Date() });
    await ctx.manager.insert(Category, category);
    return category;
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => Category)
  async updateCategory(@Arg('input') input: UpdateCategoryInput, @Ctx() gql: GraphQLContext): Promise<Category> {
    const ctx = await gql.staff();
    const category = await ctx.manager.findOneBy(Category, { id: input.id });
    if (!category) throw notFound('category');
    if (input.name) category.name = input.name.trim();
    if (input.active !== null && input.active !== undefined) category.active = input.active;
    await ctx.manager.update(Category, { id: input.id }, { name: category.name, active: category.active });
    return category;
  }
}
