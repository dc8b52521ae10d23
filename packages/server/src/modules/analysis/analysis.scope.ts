import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput } from '../../graphql/errors.js';
import { Role } from '../../auth/roles.js';
import type { AnalysisFilterInput } from './analysis.types.js';

const MAX_SPAN_MS = 3 * 366 * 86_400_000;

/** Positional parameters of one statement. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

/** An analysis's filter, checked and scoped to who asks, as SQL over `complaints c`. */
export interface Scope {
  params: Params;
  /** Conditions on `c` (department scope, category, product); the period is applied by each query to its own instant. */
  where: string;
  /** Whether `where` holds any condition: without one, a query over visits or outcomes need not join the complaints. */
  filtered: boolean;
  from: string;
  to: string;
  /** The start of an instant's week or month in the company's zone, or NULL without grouping. */
  bucket(instant: string): string;
}

/**
 * QUALITY_MANAGER sees the whole company; a HEAD only complaints of their
 * departments (naming another department is FORBIDDEN). The period must be
 * forward and at most three years long.
 */
export async function analysisScope(ctx: RequestContext, filter: AnalysisFilterInput): Promise<Scope> {
  if (!(filter.to > filter.from))
    throw badInput('the period ends before it starts', { fields: [{ field: 'filter.to', messages: ['must be after from'] }] });
  if (filter.to.getTime() - filter.from.getTime() > MAX_SPAN_MS) {
    throw badInput('the period is longer than three years', {
      fields: [{ field: 'filter.to', messages: ['must be at most 3 years after from'] }],
    });
  }
  const actor = ctx.staff;
  const params = new Params();
  const where: string[] = [];
  // An integration limited to departments sees theirs; one that is not, the whole company, as a quality manager.
  const wholeCompany = actor.roles.includes(Role.QUALITY_MANAGER) || (Boolean(actor.integration) && !actor.departmentIds.length);
  if (!wholeCompany) {
    if (filter.departmentId && !actor.departmentIds.includes(filter.departmentId)) {
      throw new AppError('FORBIDDEN', 'a department head analyses the complaints of their own departments');
    }
    where.push(`c.department_id = ANY(${params.add(actor.departmentIds)}::uuid[])`);
  }
  if (filter.departmentId) where.push(`c.department_id = ${params.add(filter.departmentId)}`);
  if (filter.categoryId) where.push(`c.category_id = ${params.add(filter.categoryId)}`);
  if (filter.product?.trim()) where.push(`lower(c.product) = lower(${params.add(filter.product.trim())})`);
  // For the rest of this transaction: sorts of a year's rows in memory rather than on disk, and no JIT compilation,
  // which costs these queries more than it saves them (docs/benchmarks.md, bench:analytics).
  const [tenant] = await ctx.query<{ time_zone: string }>(
    `SELECT time_zone, set_config('work_mem', '32MB', true), set_config('jit', 'off', true) FROM tenants WHERE id = app_tenant_id()`,
  );
  const zone = tenant?.time_zone ?? 'UTC';
  const unit = filter.grouping?.toLowerCase();
  return {
    params,
    where: where.length ? where.join(' AND ') : 'true',
    filtered: where.length > 0,
    from: `${params.add(filter.from)}::timestamptz`,
    to: `${params.add(filter.to)}::timestamptz`,
    // Parameters added where used: PostgreSQL refuses a parameter that no expression types.
    bucket: (instant) =>
      unit
        ? `(date_trunc(${params.add(unit)}::text, ${instant} AT TIME ZONE ${params.add(zone)}::text) AT TIME ZONE ${params.add(zone)}::text)`
        : 'NULL::timestamptz',
  };
}
