import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { Action, authorize } from '../../auth/permissions.js';
import { checkPassword } from '../../auth/password-policy.js';
import { Role } from '../../auth/roles.js';
import { insertUser } from '../tenant/tenant.service.js';
import { User } from './user.entity.js';
import type { CreateUserInput, UpdateUserInput } from './user.resolver.js';

export async function listUsers(ctx: RequestContext, departmentId: string | null): Promise<User[]> {
  if (!departmentId) return ctx.manager.find(User, { order: { name: 'ASC' } });
  return ctx.manager.createQueryBuilder(User, 'u')
    .innerJoin('user_departments', 'ud', 'ud.tenant_id = u.tenant_id AND ud.user_id = u.id')
    .where('ud.department_id = :departmentId', { departmentId })
    .orderBy('u.name', 'ASC')
    .getMany();
}

export async function createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
  authorize(ctx.staff, Action.MANAGE_USERS);
  const email = input.email.trim().toLowerCase();
  if (await ctx.manager.findOneBy(User, { email })) {
    throw badInput('a user with this e-mail exists already', { fields: [{ field: 'email', messages: ['is taken'] }] });
  }
  const user = await insertUser(ctx, input);
  await setDepartments(ctx, user.id, input.departmentIds ?? []);
  return user;
}

export async function updateUser(ctx: RequestContext, input: UpdateUserInput): Promise<User> {
  authorize(ctx.staff, Action.MANAGE_USERS);
  const user = await ctx.manager.findOne(User, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
  if (!user) throw notFound('user');
  const removesOwnAdmin = input.id === ctx.staff.userId
    && ((input.roles && !input.roles.includes(Role.ADMIN)) || input.active === false);
  if (removesOwnAdmin) throw new AppError('BAD_USER_INPUT', 'you cannot remove your own admin role or deactivate yourself');
  const changes: Partial<User> = {};
  if (input.name) changes.name = input.name.trim();
  if (input.roles) changes.roles = [...new Set(input.roles)];
  if (input.active !== null && input.active !== undefined) changes.active = input.active;
  if (input.password !== null && input.password !== undefined) {
    checkPassword(input.password, user.email);
    changes.passwordHash = await ctx.hashPassword(input.password);
  }
  if (Object.keys(changes).length) await ctx.manager.update(User, { id: user.id }, changes);
  if (input.departmentIds) await setDepartments(ctx, user.id, input.departmentIds);
  return { ...user, ...changes };
}

async function setDepartments(ctx: RequestContext, userId: string, departmentIds: string[]): Promise<void> {
  const ids = [...new Set(departmentIds)];
  if (ids.length) {
    const found = await ctx.query<{ id: string }>('SELECT id FROM departments WHERE id = ANY($1::uuid[])', [ids]);
    if (found.length !== ids.length) throw notFound('department');
  }
  await ctx.query('DELETE FROM user_departments WHERE user_id = $1', [userId]);
  if (ids.length) {
    await ctx.query(
      'INSERT INTO user_departments (tenant_id, user_id, department_id) SELECT app_tenant_id(), $1, unnest($2::uuid[])',
      [userId, ids]);
  }
}
