import type { RequestContext } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';

/**
 * Checks that ids given by a caller name rows of the caller's tenant. Row-level
 * security hides other tenants' rows, so a foreign or guessed id is simply
 * NOT_FOUND, exactly like an id that never existed.
 */
export async function requireDepartment(ctx: RequestContext, id: string): Promise<void> {
  if (!(await ctx.loaders.department.load(id))) throw notFound('department');
}

export async function requireCategory(ctx: RequestContext, id: string, forNewUse = true): Promise<void> {
  const category = await ctx.loaders.category.load(id);
  if (!category) throw notFound('category');
  if (forNewUse && !category.active) throw new AppError('BAD_USER_INPUT', 'this category is no longer in use');
}

/** The assignee (or an action's owner) must be an active staff member and, when a department is given, belong to it. */
export async function requireAssignee(ctx: RequestContext, userId: string, departmentId: string | null): Promise<void> {
  const user = await ctx.loaders.user.load(userId);
  if (!user) throw notFound('user');
  if (!user.active) throw new AppError('BAD_USER_INPUT', 'this user is deactivated');
  if (departmentId) {
    const [member] = await ctx.query(
      'SELECT 1 FROM user_departments WHERE user_id = $1 AND department_id = $2', [userId, departmentId]);
    if (!member) throw new AppError('BAD_USER_INPUT', 'this user is not a member of that department');
  }
}
