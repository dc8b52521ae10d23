import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { Category } from './category.entity.js';
import type { CreateCategoryInput, UpdateCategoryInput } from './category.resolver.js';

/** Categories by name, inactive ones included. */
export function listCategories(ctx: RequestContext): Promise<Category[]> {
  return ctx.manager.find(Category, { order: { name: 'ASC' } });
}

export async function createCategory(ctx: RequestContext, input: CreateCategoryInput): Promise<Category> {
  const category = ctx.manager.create(Category, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    name: input.name.trim(),
    active: true,
    createdAt: new Date(),
  });
  await ctx.manager.insert(Category, category);
  return category;
}

export async function updateCategory(ctx: RequestContext, input: UpdateCategoryInput): Promise<Category> {
  const category = await ctx.manager.findOneBy(Category, { id: input.id });
  if (!category) throw notFound('category');
  if (input.name) category.name = input.name.trim();
  if (input.active !== null && input.active !== undefined) category.active = input.active;
  await ctx.manager.update(Category, { id: input.id }, { name: category.name, active: category.active });
  return category;
}
