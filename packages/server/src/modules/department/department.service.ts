import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { Department } from './department.entity.js';
import type { CreateDepartmentInput, RenameDepartmentInput } from './department.resolver.js';

/** All departments of the company, by name. */
export function listDepartments(ctx: RequestContext): Promise<Department[]> {
  return ctx.manager.find(Department, { order: { name: 'ASC' } });
}

export async function createDepartment(ctx: RequestContext, input: CreateDepartmentInput): Promise<Department> {
  const department = ctx.manager.create(Department, { tenantId: ctx.tenantId, id: randomUUID(), name: input.name.trim(), createdAt: new Date() });
  await ctx.manager.insert(Department, department);
  return department;
}

export async function renameDepartment(ctx: RequestContext, input: RenameDepartmentInput): Promise<Department> {
  const department = await ctx.manager.findOneBy(Department, { id: input.id });
  if (!department) throw notFound('department');
  department.name = input.name.trim();
  await ctx.manager.update(Department, { id: input.id }, { name: department.name });
  return department;
}
