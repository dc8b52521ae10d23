import type { RequestContext } from '../../graphql/context.js';
import { AppError, notFound, taken } from '../../graphql/errors.js';
import { checkPassword } from '../../auth/password-policy.js';
import { Role } from '../../auth/roles.js';
import { insertUser } from '../tenant/tenant.service.js';
import { requireConfirmedAddress } from '../account/account.service.js';
import { LinkPurpose, revokeLinks } from '../account/account-links.js';
import { User } from './user.entity.js';
import type { CreateUserInput, UpdateUserInput } from './user.resolver.js';

export async function listUsers(ctx: RequestContext, departmentId: string | null): Promise<User[]> {
  if (!departmentId) return ctx.manager.find(User, { order: { name: 'ASC' } });
  return ctx.manager
    .createQueryBuilder(User, 'u')
    .innerJoin('user_departments', 'ud', 'ud.tenant_id = u.tenant_id AND ud.user_id = u.id')
    .where('ud.department_id = :departmentId', { departmentId })
    .orderBy('u.name', 'ASC')
    .getMany();
}

/** A user with a password, as an admin or the API creates one; refused (ADDRESS_UNCONFIRMED) until the company's address is confirmed. */
export async function createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
  await requireConfirmedAddress(ctx);
  await refuseTakenEmail(ctx, input.email);
  const user = await insertUser(ctx, input);
  await setDepartments(ctx, user.id, input.departmentIds ?? []);
  return user;
}

export async function refuseTakenEmail(ctx: RequestContext, email: string): Promise<void> {
  if (await ctx.manager.findOneBy(User, { email: email.trim().toLowerCase() })) {
    throw taken('email', 'a user with this e-mail exists already');
  }
}

/**
 * Changes a user. A new password, other roles or departments, or a change
 * of status raise the user's credentials version: their tokens signed
 * before stop working, and `sessionEnded` says that their open sockets are
 * to be closed once this commits.
 */
export async function updateUser(ctx: RequestContext, input: UpdateUserInput): Promise<{ user: User; sessionEnded: boolean }> {
  const user = await ctx.manager.findOne(User, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
  if (!user) throw notFound('user');
  const removesOwnAdmin = input.id === ctx.staff.userId && ((input.roles && !input.roles.includes(Role.ADMIN)) || input.active === false);
  if (removesOwnAdmin) throw new AppError('BAD_USER_INPUT', 'you cannot remove your own admin role or deactivate yourself');
  const changes: Partial<User> = {};
  if (input.name) changes.name = input.name.trim();
  if (input.roles) changes.roles = [...new Set(input.roles)];
  if (input.active !== null && input.active !== undefined) changes.active = input.active;
  if (input.password !== null && input.password !== undefined) {
    checkPassword(input.password, user.email);
    changes.passwordHash = await ctx.hashPassword(input.password);
    // An invited user given a password by an admin is no longer invited: the invitation's link stops working.
    if (user.invitedAt) {
      changes.invitedAt = null;
      await revokeLinks(ctx, LinkPurpose.INVITATION, user.id);
    }
  }
  const departmentsChanged = input.departmentIds ? !sameSet(input.departmentIds, await departmentIdsOf(ctx, user.id)) : false;
  const sessionEnded =
    changes.passwordHash !== undefined ||
    departmentsChanged ||
    (changes.roles !== undefined && !sameSet(changes.roles, user.roles)) ||
    (changes.active !== undefined && changes.active !== user.active);
  // The row is locked: no other change can raise the version in between.
  if (sessionEnded) changes.credentialsVersion = user.credentialsVersion + 1;
  if (Object.keys(changes).length) await ctx.manager.update(User, { id: user.id }, changes);
  if (input.departmentIds) await setDepartments(ctx, user.id, input.departmentIds);
  return { user: { ...user, ...changes }, sessionEnded };
}

const sameSet = <T>(a: readonly T[], b: readonly T[]) => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
};

async function departmentIdsOf(ctx: RequestContext, userId: string): Promise<string[]> {
  const rows = await ctx.query<{ department_id: string }>('SELECT department_id FROM user_departments WHERE user_id = $1', [userId]);
  return rows.map((r) => r.department_id);
}

export async function setDepartments(ctx: RequestContext, userId: string, departmentIds: string[]): Promise<void> {
  const ids = [...new Set(departmentIds)];
  if (ids.length) {
    const found = await ctx.query<{ id: string }>('SELECT id FROM departments WHERE id = ANY($1::uuid[])', [ids]);
    if (found.length !== ids.length) throw notFound('department');
  }
  await ctx.query('DELETE FROM user_departments WHERE user_id = $1', [userId]);
  if (ids.length) {
    await ctx.query('INSERT INTO user_departments (tenant_id, user_id, department_id) SELECT app_tenant_id(), $1, unnest($2::uuid[])', [
      userId,
      ids,
    ]);
  }
}
