import { Allow } from '../../auth/allow.js';
import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import { IsOptional } from 'class-validator';
import type { GraphQLContext } from '../../graphql/context.js';
import { Action } from '../../auth/permissions.js';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { Category } from './category.entity.js';
import { createCategory, listCategories, updateCategory } from './category.service.js';

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
    return listCategories(await gql.staff());
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => Category)
  async createCategory(@Arg('input') input: CreateCategoryInput, @Ctx() gql: GraphQLContext): Promise<Category> {
    return createCategory(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_CATEGORIES)
  @Mutation(() => Category)
  async updateCategory(@Arg('input') input: UpdateCategoryInput, @Ctx() gql: GraphQLContext): Promise<Category> {
    return updateCategory(await gql.staff(), input);
  }
}
