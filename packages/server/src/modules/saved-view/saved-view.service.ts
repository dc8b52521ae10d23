import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound, unlessTaken } from '../../graphql/errors.js';
import { OPEN_STAGES, SlaState } from '../complaint/complaint.enums.js';
import { DEFAULT_ORDER, type ComplaintOrdering } from '../complaint/complaint.order.js';
import type { ComplaintFilter } from '../complaint/dto/complaint-filter.input.js';
import { SavedView } from './saved-view.entity.js';
import type { RenameViewInput, SaveViewInput } from './dto/saved-view.input.js';

/** How many views one user may keep: a picker, not a store. */
export const MAX_VIEWS = 50;

export enum BuiltInView {
  MY_QUEUE = 'MY_QUEUE',
  OVERDUE_IN_MY_DEPARTMENTS = 'OVERDUE_IN_MY_DEPARTMENTS',
}

/** A view as the picker shows it: a built-in one (the same for everybody, relative to the user) or the user's own. */
export interface QueueView {
  id: string;
  name: string;
  builtIn: BuiltInView | null;
  filter: Record<string, unknown>;
  orderBy: ComplaintOrdering;
}

const BUILT_IN: QueueView[] = [
  {
    id: BuiltInView.MY_QUEUE,
    name: 'My queue',
    builtIn: BuiltInView.MY_QUEUE,
    filter: { stages: [...OPEN_STAGES], assignedToMe: true },
    orderBy: DEFAULT_ORDER,
  },
  {
    id: BuiltInView.OVERDUE_IN_MY_DEPARTMENTS,
    name: 'Overdue in my departments',
    builtIn: BuiltInView.OVERDUE_IN_MY_DEPARTMENTS,
    filter: { stages: [...OPEN_STAGES], inMyDepartments: true, slaState: SlaState.BREACHED },
    orderBy: DEFAULT_ORDER,
  },
];

const toView = (v: SavedView): QueueView => ({
  id: v.id,
  name: v.name,
  builtIn: null,
  filter: v.filter,
  orderBy: { field: v.sortField, direction: v.sortDirection },
});

/** The filter as stored: only the fields given, dates as ISO 8601 (what the `complaints` query reads back). */
function storedFilter(filter: ComplaintFilter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter)
      .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && !v.length))
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}

/** The built-in views, then the user's own by name (row-level security shows no one else's). */
export async function listViews(ctx: RequestContext): Promise<QueueView[]> {
  const own = await ctx.manager.createQueryBuilder(SavedView, 'v').orderBy('lower(v.name)', 'ASC').addOrderBy('v.id', 'ASC').getMany();
  return [...BUILT_IN, ...own.map(toView)];
}

/** A name in use (the unique index decides, also between concurrent saves) is CONFLICT with reason DUPLICATE. */
const unlessDuplicate = <T>(name: string, write: () => Promise<T>) =>
  unlessTaken('name', `you have a view named ${JSON.stringify(name)} already`, write);

export async function saveView(ctx: RequestContext, input: SaveViewInput): Promise<QueueView> {
  const userId = ctx.staff.userId;
  const [{ n }] = (await ctx.query<{ n: string }>('SELECT count(*) AS n FROM saved_views')) as [{ n: string }];
  if (Number(n) >= MAX_VIEWS) throw badInput(`at most ${MAX_VIEWS} saved views; delete one first`, { reason: 'VIEW_LIMIT' });
  const order = { ...DEFAULT_ORDER, ...input.orderBy };
  const now = new Date();
  const view = ctx.manager.create(SavedView, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    userId,
    name: input.name.trim(),
    filter: storedFilter(input.filter),
    sortField: order.field,
    sortDirection: order.direction,
    createdAt: now,
    updatedAt: now,
  });
  await unlessDuplicate(view.name, () => ctx.manager.insert(SavedView, view as never));
  return toView(view);
}

export async function renameView(ctx: RequestContext, input: RenameViewInput): Promise<QueueView> {
  const view = await ctx.manager.findOne(SavedView, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
  if (!view) throw notFound('saved view');
  const changed = { name: input.name.trim(), updatedAt: new Date() };
  await unlessDuplicate(changed.name, () => ctx.manager.update(SavedView, { id: view.id }, changed));
  return toView({ ...view, ...changed });
}

export async function deleteView(ctx: RequestContext, id: string): Promise<boolean> {
  const { affected } = await ctx.manager.delete(SavedView, { id });
  if (!affected) throw notFound('saved view');
  return true;
}
