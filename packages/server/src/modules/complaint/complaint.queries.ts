import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../../graphql/context.js';
import { badInput } from '../../graphql/errors.js';
import { checkFirst } from '../../graphql/limits.js';
import { Complaint } from './complaint.entity.js';
import { OPEN_STAGES, type Stage } from './complaint.enums.js';
import type { ComplaintFilter } from './dto/complaint-filter.input.js';
import { DEFAULT_ORDER, orderSql, type ComplaintOrdering } from './complaint.order.js';

/** SELECT list mapping complaint columns to entity property names, from the entity's own metadata. */
let selectList: string | undefined;
function complaintColumns(ctx: Pick<RequestContext, 'manager'>): string {
  selectList ??= ctx.manager.connection
    .getMetadata(Complaint)
    .columns.map((c) => `c.${c.databaseName} AS "${c.propertyName}"`)
    .join(', ');
  return selectList;
}

/** A SELECT list of only `properties` (and the id), for readers that need a few columns of many rows (the export). */
function someComplaintColumns(ctx: Pick<RequestContext, 'manager'>, properties: readonly (keyof Complaint)[]): string {
  const wanted = new Set<string>(['id', ...properties]);
  return ctx.manager.connection
    .getMetadata(Complaint)
    .columns.filter((c) => wanted.has(c.propertyName))
    .map((c) => `c.${c.databaseName} AS "${c.propertyName}"`)
    .join(', ');
}

function toComplaint(row: Record<string, unknown>): Complaint {
  const c = row as unknown as Complaint;
  if (c.remedyAmount !== null && c.remedyAmount !== undefined) c.remedyAmount = Number(c.remedyAmount);
  return c;
}

/** The departments an integration's key is limited to, or null (staff, or an integration of the whole company). */
const integrationDepartments = (ctx: RequestContext): string[] | null =>
  ctx.actor?.integration && ctx.actor.departmentIds.length ? ctx.actor.departmentIds : null;

export async function findComplaint(ctx: RequestContext, by: { id?: string | null; number?: string | null }): Promise<Complaint | null> {
  if (!by.id === !by.number) throw badInput('give exactly one of id and number');
  const limited = integrationDepartments(ctx);
  const within = limited ? ' AND c.department_id = ANY($2::uuid[])' : '';
  const [row] = by.id
    ? await ctx.query(`SELECT ${complaintColumns(ctx)} FROM complaints c WHERE c.id = $1${within}`, limited ? [by.id, limited] : [by.id])
    : await ctx.query(
        `SELECT ${complaintColumns(ctx)} FROM complaints c WHERE c.number = $1${within}`,
        limited ? [by.number!.trim().toUpperCase(), limited] : [by.number!.trim().toUpperCase()],
      );
  return row ? toComplaint(row) : null;
}

/** How many of a customer's other complaints a complaint shows, newest first. */
export const CUSTOMER_COMPLAINTS_SHOWN = 50;

/**
 * Each complaint's customer's other complaints, newest first: those of the
 * same customer record, or with the same e-mail (stored in lower case), or
 * the same phone however it was written (`contact_phone`: its last ten
 * digits, stored as customer_phone_key and phone_key); a
 * complaint's e-mail and phone are those it stated, else its record's. Every
 * staff member reads every complaint of the company (docs/roles.md), so
 * row-level security is the whole scope, as for the complaint list.
 */
export async function customerComplaintsOf(manager: EntityManager, ids: readonly string[]): Promise<Array<Complaint & { forId: string }>> {
  // One branch per way of being the same customer, each on its own index (an OR of them scanned every complaint), comparing
  // stored keys: row-level security lets an index serve only leakproof comparisons, such as text equality.
  const rows = await manager.query(
    `WITH me AS (
       SELECT c.id, c.customer_id, coalesce(c.customer_email, k.email) AS email, CASE WHEN c.customer_phone IS NULL THEN k.phone_key ELSE c.customer_phone_key END AS phone
         FROM complaints c JOIN customers k ON k.tenant_id = c.tenant_id AND k.id = c.customer_id
        WHERE c.id = ANY($1::uuid[])
     ), same AS (
       SELECT me.id AS for_id, c.id FROM me JOIN complaints c ON c.customer_id = me.customer_id
       UNION
       SELECT me.id, c.id FROM me JOIN complaints c ON c.customer_email = me.email
       UNION
       SELECT me.id, c.id FROM me JOIN complaints c ON c.customer_phone_key = me.phone
       UNION -- a complaint that stated no e-mail or phone has its customer record's
       SELECT me.id, c.id FROM me JOIN customers k ON k.email = me.email
         JOIN complaints c ON c.customer_id = k.id AND c.customer_email IS NULL
       UNION
       SELECT me.id, c.id FROM me JOIN customers k ON k.phone_key = me.phone
         JOIN complaints c ON c.customer_id = k.id AND c.customer_phone IS NULL
     ), ranked AS (
       SELECT s.for_id, c.id, row_number() OVER (PARTITION BY s.for_id ORDER BY c.received_at DESC, c.id DESC) AS n
         FROM same s JOIN complaints c ON c.id = s.id
        WHERE s.id <> s.for_id
     )
     SELECT r.for_id AS "forId", ${complaintColumns({ manager })}
       FROM ranked r JOIN complaints c ON c.id = r.id
      WHERE r.n <= ${CUSTOMER_COMPLAINTS_SHOWN}
      ORDER BY r.for_id, r.n`,
    [ids],
  );
  return rows.map(toComplaint);
}

export interface ComplaintPage {
  rows: Complaint[];
  hasNextPage: boolean;
  /** Counts all matches when asked for (the filter is kept for that). */
  count: () => Promise<number>;
}

/**
 * One page of complaints in `order` (by deadline, soonest first, unless
 * asked otherwise), keyset-paged on (the order's key, id). The cursor is
 * opaque to clients and belongs to its order.
 */
export async function listComplaints(
  ctx: RequestContext,
  filter: ComplaintFilter | null | undefined,
  first: number,
  after?: string | null,
  order: ComplaintOrdering = DEFAULT_ORDER,
): Promise<ComplaintPage> {
  checkFirst(first);
  return readComplaintPage(ctx, filter, first, after, order);
}

/**
 * listComplaints without the API's ceiling on `first`: the export
 * (modules/export) reads the same filter and order in larger pages, each in
 * its own short transaction, and only the `properties` it shows (the rest
 * of the row is then absent).
 */
export async function readComplaintPage(
  ctx: RequestContext,
  filter: ComplaintFilter | null | undefined,
  first: number,
  after: string | null | undefined,
  order: ComplaintOrdering,
  properties?: readonly (keyof Complaint)[],
): Promise<ComplaintPage> {
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  const where = filterConditions(ctx, filter ?? {}, param);
  const filterSql = where.length ? where.join(' AND ') : 'true';
  const filterParams = [...params];

  const sort = orderSql(order, param, after);
  if (sort.condition) where.push(sort.condition);
  const rows = await ctx.query(
    `SELECT ${properties ? someComplaintColumns(ctx, properties) : complaintColumns(ctx)}, ${sort.select} FROM complaints c ${sort.join}
      WHERE ${where.length ? where.join(' AND ') : 'true'}
      ORDER BY ${sort.orderBy} LIMIT ${first + 1}`,
    params,
  );
  return {
    rows: rows.slice(0, first).map(toComplaint),
    hasNextPage: rows.length > first,
    count: async () => {
      const [r] = await ctx.query<{ n: string }>(`SELECT count(*) AS n FROM complaints c WHERE ${filterSql}`, filterParams);
      return Number(r?.n ?? 0);
    },
  };
}

/** The filter as SQL conditions on `complaints c`; "me" and "my departments" are the signed-in staff member's. */
function filterConditions(ctx: RequestContext, f: ComplaintFilter, param: (v: unknown) => string): string[] {
  const where: string[] = [];
  if (f.stages?.length) {
    where.push(`c.stage = ANY(${param(f.stages)}::text[])`);
    // Lets the planner use the partial queue index.
    if (f.stages.every((s: Stage) => OPEN_STAGES.includes(s))) where.push(`c.stage NOT IN ('CLOSED', 'REJECTED')`);
  }
  const limited = integrationDepartments(ctx);
  if (limited) where.push(`c.department_id = ANY(${param(limited)}::uuid[])`);
  if (f.departmentId) where.push(`c.department_id = ${param(f.departmentId)}`);
  if (f.inMyDepartments) where.push(`c.department_id = ANY(${param(ctx.staff.departmentIds)}::uuid[])`);
  if (f.assigneeId) where.push(`c.assignee_id = ${param(f.assigneeId)}`);
  if (f.assignedToMe) where.push(`c.assignee_id = ${param(ctx.staff.userId)}`);
  if (f.unassigned) where.push('c.assignee_id IS NULL');
  if (f.categoryId) where.push(`c.category_id = ${param(f.categoryId)}`);
  if (f.causeId) where.push(`c.cause_id = ${param(f.causeId)}`);
  if (f.causeGroup) where.push(`c.cause_id IN (SELECT k.id FROM causes k WHERE k.cause_group = ${param(f.causeGroup)})`);
  if (f.rejectionReasonId) where.push(`c.rejection_reason_id = ${param(f.rejectionReasonId)}`);
  if (f.product?.trim()) where.push(`lower(c.product) = lower(${param(f.product.trim())})`);
  if (f.slaState) where.push(`c.sla_state = ${param(f.slaState)}`);
  if (f.channel) where.push(`c.channel = ${param(f.channel)}`);
  if (f.mailAfterClosing !== null && f.mailAfterClosing !== undefined)
    where.push(`c.mail_after_closing_at IS ${f.mailAfterClosing ? 'NOT ' : ''}NULL`);
  if (f.priority) where.push(`c.priority = ${param(f.priority)}`);
  if (f.receivedFrom) where.push(`c.received_at >= ${param(f.receivedFrom)}`);
  if (f.receivedTo) where.push(`c.received_at < ${param(f.receivedTo)}`);
  if (f.search) {
    const query = toSearchQuery(f.search);
    const number = f.search.trim().toUpperCase();
    where.push(
      query ? `(c.search @@ to_tsquery('simple', ${param(query)}) OR c.number = ${param(number)})` : `c.number = ${param(number)}`,
    );
  }
  return where;
}

/**
 * 'мятая короб' -> 'мятая:* & короб:*' (words of letters and digits only; prefix match);
 * '+7 (916) 555-12-34' -> '(7:* & 916:* & …) | 9165551234:*'.
 */
export function toSearchQuery(search: string): string | null {
  // As the stored text (search_text in the migrations): lower case, ё as е; words are runs of letters and digits.
  const words =
    search
      .toLowerCase()
      .replace(/ё/g, 'е')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  if (!words.length) return null;
  const all = words
    .slice(0, 8)
    .map((w) => `${w}:*`)
    .join(' & ');
  // Something that looks like a phone number is also looked for by its last ten digits (+7 or 8 in front or not).
  const digits = search.replace(/\D/g, '');
  const phone = /^[\d\s()+\-.]+$/.test(search.trim()) && digits.length >= 7 ? `${digits.slice(-10)}:*` : null;
  return phone ? `(${all}) | ${phone}` : all;
}
