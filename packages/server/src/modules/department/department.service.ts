import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import { OPEN_STAGES } from '../complaint/complaint.enums.js';
import { Department } from './department.entity.js';

/** The company's departments by name; archived ones only when asked for (pickers for new work leave them out). */
export function listDepartments(ctx: RequestContext, includeArchived: boolean): Promise<Department[]> {
  return ctx.manager.find(Department, { where: includeArchived ? {} : { archivedAt: IsNull() }, order: { name: 'ASC' } });
}

export async function createDepartment(ctx: RequestContext, name: string): Promise<Department> {
  const department = ctx.manager.create(Department, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    name: name.trim(),
    createdAt: new Date(),
    archivedAt: null,
  });
  await ctx.manager.insert(Department, department);
  return department;
}

export async function renameDepartment(ctx: RequestContext, id: string, name: string): Promise<Department> {
  const department = await ctx.manager.findOneBy(Department, { id });
  if (!department) throw notFound('department');
  department.name = name.trim();
  await ctx.manager.update(Department, { id }, { name: department.name });
  return department;
}

/**
 * Archives a department: it is offered for no new work, and its complaints,
 * history and reports keep it. Refused while it has open complaints (they
 * would sit in a queue nobody can pick; move or finish them first: the
 * error says how many, `openComplaints`) or while an SLA policy escalates
 * into it (IN_USE). Archiving an archived department changes nothing.
 */
export async function archiveDepartment(ctx: RequestContext, id: string): Promise<Department> {
  // The row is locked first, as an update would: work that is bringing a complaint into it (requireActiveDepartment)
  // has committed by then and is counted below, and work that comes later sees it archived. An archived one is not
  // written again.
  if (!(await lockDepartment(ctx, id)).archived) await ctx.query('UPDATE departments SET archived_at = now() WHERE id = $1', [id]);
  const [open] = await ctx.query<{ n: number }>('SELECT count(*)::int AS n FROM complaints WHERE department_id = $1 AND stage = ANY($2)', [
    id,
    OPEN_STAGES,
  ]);
  if (open!.n > 0) {
    throw new AppError(
      'BAD_USER_INPUT',
      `the department has ${open!.n} open complaint(s); move them to another department or finish them first`,
      {
        reason: 'OPEN_COMPLAINTS',
        openComplaints: open!.n,
      },
    );
  }
  const policies = await ctx.query<{ name: string }>(
    `SELECT name FROM sla_policies WHERE escalation->>'reassignToDepartmentId' = $1 ORDER BY name`,
    [id],
  );
  if (policies.length) {
    throw new AppError(
      'BAD_USER_INPUT',
      `SLA policies escalate into this department: ${policies.map((p) => JSON.stringify(p.name)).join(', ')}`,
      { reason: 'IN_USE' },
    );
  }
  return ctx.manager.findOneByOrFail(Department, { id });
}

/** Offers an archived department for new work again; restoring one that is not archived changes nothing. */
export async function restoreDepartment(ctx: RequestContext, id: string): Promise<Department> {
  if ((await lockDepartment(ctx, id)).archived) await ctx.query('UPDATE departments SET archived_at = NULL WHERE id = $1', [id]);
  return ctx.manager.findOneByOrFail(Department, { id });
}

/** Locks the department's row as an update of it would (NOT_FOUND when there is none); whether it is archived. */
async function lockDepartment(ctx: RequestContext, id: string): Promise<{ archived: boolean }> {
  const [department] = await ctx.query<{ archived: boolean }>(
    'SELECT archived_at IS NOT NULL AS archived FROM departments WHERE id = $1 FOR NO KEY UPDATE',
    [id],
  );
  if (!department) throw notFound('department');
  return department;
}
