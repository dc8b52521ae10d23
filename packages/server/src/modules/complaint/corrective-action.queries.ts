import type { RequestContext } from '../../graphql/context.js';
import { badInput } from '../../graphql/errors.js';
import { checkFirst } from '../../graphql/limits.js';
import { CorrectiveAction } from './corrective-action.entity.js';
import { CorrectiveActionStatus } from './corrective-action.enums.js';
import type { CorrectiveActionFilter } from './dto/corrective-action.input.js';
import { capaDepartments } from './corrective-action.service.js';

/** Today in the company's time zone: an action is overdue once its due date is before it and it is not done. */
const TODAY_SQL = `(SELECT (now() AT TIME ZONE t.time_zone)::date FROM tenants t WHERE t.id = app_tenant_id())`;
const OVERDUE_SQL = `(a.done_at IS NULL AND a.due_date < ${TODAY_SQL})`;

const STATUS_SQL: Record<CorrectiveActionStatus, string> = {
  [CorrectiveActionStatus.OPEN]: 'a.done_at IS NULL',
  [CorrectiveActionStatus.DONE]: 'a.done_at IS NOT NULL AND a.effectiveness IS NULL',
  [CorrectiveActionStatus.VERIFIED_EFFECTIVE]: `a.effectiveness = 'EFFECTIVE'`,
  [CorrectiveActionStatus.NOT_EFFECTIVE]: `a.effectiveness = 'NOT_EFFECTIVE'`,
};

const todays = new WeakMap<RequestContext, Promise<string>>();

/** The company's date today (YYYY-MM-DD), read once per request on the database's clock, as the register's filter reads it. */
export function companyToday(ctx: RequestContext): Promise<string> {
  let today = todays.get(ctx);
  if (!today) {
    today = ctx.query<{ today: string }>(`SELECT to_char(${TODAY_SQL}, 'YYYY-MM-DD') AS today`).then(([r]) => r!.today);
    todays.set(ctx, today);
  }
  return today;
}

export async function isOverdue(ctx: RequestContext, a: Pick<CorrectiveAction, 'doneAt' | 'dueDate'>): Promise<boolean> {
  return !a.doneAt && a.dueDate < (await companyToday(ctx));
}

export interface ActionPage {
  rows: CorrectiveAction[];
  hasNextPage: boolean;
  count: () => Promise<number>;
}

/**
 * The register: actions of every complaint the actor's scope covers
 * (QUALITY_MANAGER: all; others: owned by or raised on a complaint of their
 * departments), by due date then id, keyset-paged with an opaque cursor.
 */
export async function listCorrectiveActions(
  ctx: RequestContext,
  filter: CorrectiveActionFilter | null | undefined,
  first: number,
  after?: string | null,
): Promise<ActionPage> {
  checkFirst(first);
  const f = filter ?? {};
  const scope = capaDepartments(ctx.staff);
  const query = ctx.manager
    .createQueryBuilder(CorrectiveAction, 'a')
    .innerJoin('complaints', 'c', 'c.tenant_id = a.tenant_id AND c.id = a.complaint_id')
    .where(scope ? '(a.owner_department_id = ANY(:scope) OR c.department_id = ANY(:scope))' : 'TRUE', { scope });
  if (f.ownerDepartmentId) query.andWhere('a.owner_department_id = :owner', { owner: f.ownerDepartmentId });
  if (f.kinds?.length) query.andWhere('a.kind = ANY(:kinds)', { kinds: f.kinds });
  if (f.statuses?.length) query.andWhere(`(${[...new Set(f.statuses)].map((s) => `(${STATUS_SQL[s]})`).join(' OR ')})`);
  if (f.overdue === true) query.andWhere(OVERDUE_SQL);
  if (f.overdue === false) query.andWhere(`NOT ${OVERDUE_SQL}`);
  const counted = query.clone();
  if (after) {
    const [dueDate, id] = decodeActionCursor(after);
    query.andWhere('(a.due_date, a.id) > (CAST(:dueDate AS date), CAST(:id AS uuid))', { dueDate, id });
  }
  const rows = await query
    .orderBy('a.due_date', 'ASC')
    .addOrderBy('a.id', 'ASC')
    .limit(first + 1)
    .getMany();
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first, count: () => counted.getCount() };
}

export function encodeActionCursor(a: Pick<CorrectiveAction, 'dueDate' | 'id'>): string {
  return Buffer.from(JSON.stringify([a.dueDate, a.id])).toString('base64url');
}

function decodeActionCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value[0]) &&
      !Number.isNaN(Date.parse(value[0])) &&
      /^[0-9a-f-]{36}$/.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    /* fall through */
  }
  throw badInput('invalid cursor');
}
