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

/**
 * A department for new work (registering, assigning, moving, owning a
 * corrective action, an SLA escalation's target): it exists and is not
 * archived. The row is share-locked until the transaction ends, so a
 * department being archived meanwhile either waits for this work (and then
 * counts it) or is seen archived here (archiveDepartment).
 */
export async function requireActiveDepartment(ctx: RequestContext, id: string, field = 'input.departmentId'): Promise<void> {
  const [row] = await ctx.query<{ archived_at: Date | null }>('SELECT archived_at FROM departments WHERE id = $1 FOR SHARE', [id]);
  if (!row) throw notFound('department');
  if (row.archived_at) {
    throw new AppError('BAD_USER_INPUT', 'this department is archived; choose another', {
      reason: 'DEPARTMENT_ARCHIVED',
      fields: [{ field, reason: 'DEPARTMENT_ARCHIVED' }],
    });
  }
}

export async function requireCategory(ctx: RequestContext, id: string, forNewUse = true): Promise<void> {
  const category = await ctx.loaders.category.load(id);
  if (!category) throw notFound('category');
  if (forNewUse && !category.active) throw new AppError('BAD_USER_INPUT', 'this category is no longer in use');
}

/**
 * The assignee (or an action's owner) must be a staff member who can work:
 * active, able to sign in (an invited user who has not set a password yet
 * cannot) and, when a department is given, a member of it. Any other is
 * refused on `field` with ASSIGNEE_UNAVAILABLE.
 */
export async function requireAssignee(
  ctx: RequestContext,
  userId: string,
  departmentId: string | null,
  field = 'input.assigneeId',
): Promise<void> {
  const user = await ctx.loaders.user.load(userId);
  if (!user) throw notFound('user');
  const refuse = (message: string) =>
    new AppError('BAD_USER_INPUT', message, { reason: 'ASSIGNEE_UNAVAILABLE', fields: [{ field, reason: 'ASSIGNEE_UNAVAILABLE' }] });
  if (!user.active) throw refuse('this user is deactivated');
  if (!user.passwordHash) throw refuse('this user has not accepted the invitation yet');
  if (departmentId) {
    const [member] = await ctx.query('SELECT 1 FROM user_departments WHERE user_id = $1 AND department_id = $2', [userId, departmentId]);
    if (!member) throw refuse('this user is not a member of that department');
  }
}
