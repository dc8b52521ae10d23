import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { dayIn, dayStartIn, toDateValue } from '../../components/format.js';
import type {
  CauseGroup,
  Channel,
  ComplaintCardFragment,
  ComplaintFilter,
  ComplaintOrder,
  ComplaintSortField,
  Priority,
  SlaState,
  Stage,
} from '@reclaim/client/staff';

/**
 * The queue's filter and order live in the URL, so that a board or a list
 * can be bookmarked and shared; board and list read the same keys:
 *
 *   assignee   me | none | a user id
 *   department mine | all | a department id (the board opens on a default one when absent)
 *   priority, sla, channel, category, stages (comma-separated), q (search),
 *   from, to   received from and to, both days included (YYYY-MM-DD, days in the company's time zone)
 *   cause, causeGroup, reason, product   the analysis's drill-down (the list shows them as removable filters):
 *              a coded cause's id, a cause-and-effect group, a coded rejection reason's id, a product as written
 *   afterClosing  1: only those the customer wrote to by mail after closing, not yet cleared
 *   sort, dir  a ComplaintSortField and ASC | DESC (the list; by deadline when absent)
 *   view       the saved view picked last (only to show it in the picker)
 */
export const ME = 'me';
export const NOBODY = 'none';
export const MY_DEPARTMENTS = 'mine';
export const ALL_DEPARTMENTS = 'all';
export const FILTER_KEYS = [
  'view',
  'assignee',
  'department',
  'priority',
  'sla',
  'channel',
  'category',
  'stages',
  'q',
  'from',
  'to',
  'sort',
  'dir',
  'cause',
  'causeGroup',
  'reason',
  'product',
  'afterClosing',
] as const;
export const SORT_FIELDS: readonly ComplaintSortField[] = ['NUMBER', 'RECEIVED_AT', 'PRIORITY', 'DUE_AT', 'ASSIGNEE', 'STAGE'];
export const PRIORITIES: readonly Priority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];
export const SLA_STATES: readonly SlaState[] = ['ON_TRACK', 'AT_RISK', 'BREACHED', 'PAUSED', 'NONE'];

export const queryText = (v: LocationQuery[string] | undefined) => (typeof v === 'string' && v ? v : null);

/** A day of the URL (YYYY-MM-DD; an older link's epoch ms is read as its local day). */
export function queryDay(raw: LocationQuery[string] | undefined): string | null {
  const value = queryText(raw);
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return /^\d+$/.test(value) ? toDateValue(Number(value)) : null;
}

/**
 * What the URL asks for, as the server's ComplaintFilter (a department absent
 * or `all`: every department); the received days are the company's
 * (`timeZone`), from the start of `from` to the start of the day after `to`.
 */
export function filterFromQuery(q: LocationQuery, timeZone?: string): ComplaintFilter {
  const s = (key: string) => queryText(q[key]);
  const assignee = s('assignee');
  const department = s('department');
  const stages = s('stages');
  const from = queryDay(q.from);
  const to = queryDay(q.to);
  return {
    ...(stages && { stages: stages.split(',') as Stage[] }),
    ...(department === MY_DEPARTMENTS
      ? { inMyDepartments: true }
      : department && department !== ALL_DEPARTMENTS
        ? { departmentId: department }
        : {}),
    ...(assignee === ME ? { assignedToMe: true } : assignee === NOBODY ? { unassigned: true } : assignee ? { assigneeId: assignee } : {}),
    ...(s('sla') && { slaState: s('sla') as SlaState }),
    ...(s('channel') && { channel: s('channel') as Channel }),
    ...(s('category') && { categoryId: s('category') }),
    ...(s('priority') && { priority: s('priority') as Priority }),
    ...(from &&
      to && {
        receivedFrom: new Date(dayStartIn(from, timeZone)).toISOString(),
        receivedTo: new Date(dayStartIn(to, timeZone, 1)).toISOString(),
      }),
    ...(s('q') && { search: s('q') }),
    ...(s('cause') && { causeId: s('cause') }),
    ...(s('causeGroup') && { causeGroup: s('causeGroup') as CauseGroup }),
    ...(s('reason') && { rejectionReasonId: s('reason') }),
    ...(s('product') && { product: s('product') }),
    ...(s('afterClosing') === '1' && { mailAfterClosing: true }),
  };
}

export function orderFromQuery(q: LocationQuery): ComplaintOrder {
  const field = queryText(q.sort) as ComplaintSortField | null;
  return {
    field: field && SORT_FIELDS.includes(field) ? field : 'DUE_AT',
    direction: queryText(q.dir) === 'DESC' ? 'DESC' : 'ASC',
  };
}

/** The URL keys of a saved view (its filter as the server keeps it, and its order); `view` remembers which one. */
export function queryFromView(
  view: { id: string; filter: Record<string, unknown>; orderBy: ComplaintOrder },
  timeZone?: string,
): LocationQueryRaw {
  const f = view.filter as ComplaintFilter;
  const query: LocationQueryRaw = { view: view.id };
  const set = (key: string, value: unknown) => {
    if (value !== null && value !== undefined && value !== '') query[key] = String(value);
  };
  set('assignee', f.assignedToMe ? ME : f.unassigned ? NOBODY : f.assigneeId);
  set('department', f.inMyDepartments ? MY_DEPARTMENTS : (f.departmentId ?? ALL_DEPARTMENTS));
  set('priority', f.priority);
  set('sla', f.slaState);
  set('channel', f.channel);
  set('category', f.categoryId);
  set('stages', Array.isArray(f.stages) && f.stages.length ? f.stages.join(',') : null);
  set('q', f.search);
  set('cause', f.causeId);
  set('causeGroup', f.causeGroup);
  set('reason', f.rejectionReasonId);
  set('product', f.product);
  set('afterClosing', f.mailAfterClosing ? '1' : null);
  if (typeof f.receivedFrom === 'string' && typeof f.receivedTo === 'string') {
    set('from', dayIn(Date.parse(f.receivedFrom), timeZone));
    set('to', dayIn(Date.parse(f.receivedTo) - 1, timeZone));
  }
  if (view.orderBy.field !== 'DUE_AT' || view.orderBy.direction !== 'ASC') {
    set('sort', view.orderBy.field);
    set('dir', view.orderBy.direction);
  }
  return query;
}

/** The URL with one key set (or removed, for null); a changed filter no longer is the view picked. */
export function withKey(q: LocationQuery, key: string, value: string | null): LocationQueryRaw {
  const query: LocationQueryRaw = { ...q };
  delete query.view;
  if (value === null || value === '') delete query[key];
  else query[key] = value;
  return query;
}

/** The URL without any filter or order (other keys kept). */
export function withoutFilters(q: LocationQuery): LocationQueryRaw {
  const query: LocationQueryRaw = { ...q };
  for (const key of FILTER_KEYS) delete query[key];
  return query;
}

/**
 * Whether a card shown live on the board still matches the filter (the
 * server applied it to the fetch; live changes are checked here). Search,
 * channel, category and dates are not offered on the board.
 */
export function cardMatches(
  filter: ComplaintFilter,
  card: ComplaintCardFragment,
  user: { id: string; departmentIds: readonly string[] },
): boolean {
  if (filter.assignedToMe && card.assignee?.id !== user.id) return false;
  if (filter.unassigned && card.assignee) return false;
  if (filter.assigneeId && card.assignee?.id !== filter.assigneeId) return false;
  if (filter.inMyDepartments && !user.departmentIds.includes(card.department?.id ?? '')) return false;
  if (filter.priority && card.priority !== filter.priority) return false;
  if (filter.slaState && card.slaState !== filter.slaState) return false;
  if (filter.mailAfterClosing && !card.mailAfterClosingAt) return false;
  return true;
}
