import { registerEnumType } from 'type-graphql';
import { badInput } from '../../graphql/errors.js';
import { Priority, Stage } from './complaint.enums.js';

export enum ComplaintSortField {
  DUE_AT = 'DUE_AT',
  RECEIVED_AT = 'RECEIVED_AT',
  NUMBER = 'NUMBER',
  PRIORITY = 'PRIORITY',
  STAGE = 'STAGE',
  ASSIGNEE = 'ASSIGNEE',
}
export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(ComplaintSortField, {
  name: 'ComplaintSortField',
  description:
    'DUE_AT: the nearest deadline (SLA, else legal; none last); PRIORITY: LOW < NORMAL < HIGH < URGENT; STAGE: in lifecycle order; ASSIGNEE: by name, unassigned first',
});
registerEnumType(SortDirection, { name: 'SortDirection' });

export interface ComplaintOrdering {
  field: ComplaintSortField;
  direction: SortDirection;
}

export const DEFAULT_ORDER: ComplaintOrdering = { field: ComplaintSortField.DUE_AT, direction: SortDirection.ASC };

const rank = (column: string, values: readonly string[]) =>
  `(CASE ${column} ${values.map((v, i) => `WHEN '${v}' THEN ${i}`).join(' ')} END)`;

type KeyType = 'timestamp' | 'text' | 'int';

/**
 * Each order is one key and the id, both in the one direction: a row
 * comparison `(key, id) > (…)` pages through it, and the id makes the order
 * total (ties never swap between pages). Each key but the assignee's name
 * has an index on (tenant_id, key, id) that reads it in order (the ranks of
 * priority and stage are expression indexes: keep them and these CASEs alike).
 */
const KEYS: Record<ComplaintSortField, { sql: string; type: KeyType; join?: string }> = {
  DUE_AT: { sql: 'c.due_at', type: 'timestamp' },
  RECEIVED_AT: { sql: 'c.received_at', type: 'timestamp' },
  NUMBER: { sql: 'c.number', type: 'text' },
  PRIORITY: { sql: rank('c.priority', Object.values(Priority)), type: 'int' },
  STAGE: { sql: rank('c.stage', Object.values(Stage)), type: 'int' },
  // The name lives on users: no index serves it, the matching rows are sorted (docs/api.md, "The queue").
  ASSIGNEE: { sql: `coalesce(lower(au.name), '')`, type: 'text', join: 'LEFT JOIN users au ON au.id = c.assignee_id' },
};

const CAST: Record<KeyType, string> = { timestamp: 'timestamptz', text: 'text', int: 'int' };

/** The SELECT item, the join it needs, the ORDER BY and, after a cursor, the WHERE condition of an order. */
export function orderSql(order: ComplaintOrdering, param: (v: unknown) => string, after: string | null | undefined) {
  const key = KEYS[order.field];
  const dir = order.direction === SortDirection.DESC ? 'DESC' : 'ASC';
  let condition: string | null = null;
  if (after) {
    const [value, id] = decodeCursor(after, order);
    condition = `(${key.sql}, c.id) ${dir === 'DESC' ? '<' : '>'} (${param(value)}::${CAST[key.type]}, ${param(id)}::uuid)`;
  }
  // A time is read back as text with its microseconds: as a JS Date it would lose them, and the next page would start
  // before rows that share the millisecond, repeating them (rows written with now() have microseconds).
  const select =
    key.type === 'timestamp'
      ? `CASE WHEN isfinite(${key.sql}) THEN to_char(${key.sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') ELSE 'infinity' END`
      : key.sql;
  return { select: `${select} AS "sortKey"`, join: key.join ?? '', orderBy: `${key.sql} ${dir}, c.id ${dir}`, condition };
}

/** A row's place in its order, opaque to clients: the order itself, its key and the id. */
export function encodeCursor(order: ComplaintOrdering, row: { id: string; sortKey?: unknown }): string {
  let value = row.sortKey;
  // A time comes as text (orderSql); anything else is a deadline that is not set, 'infinity'.
  if (KEYS[order.field].type === 'timestamp' && !(typeof value === 'string' && isCursorDate(value))) value = 'infinity';
  if (KEYS[order.field].type === 'int') value = Number(value);
  return Buffer.from(JSON.stringify([order.field, order.direction, value, row.id])).toString('base64url');
}

/**
 * A time as encodeCursor writes it (ISO 8601, UTC, with milliseconds or microseconds), within years 1970 to 9999:
 * what PostgreSQL and every client read alike.
 */
function isCursorDate(text: string): boolean {
  const m = /^(.*\.\d{3})(\d{3})?Z$/.exec(text);
  if (!m) return false;
  const time = Date.parse(`${m[1]}Z`);
  return time >= 0 && time < Date.UTC(10_000, 0, 1) && new Date(time).toISOString() === `${m[1]}Z`;
}

function validKey(type: KeyType, value: unknown): boolean {
  if (type === 'timestamp') return typeof value === 'string' && (value === 'infinity' || isCursorDate(value));
  if (type === 'int') return Number.isInteger(value) && (value as number) >= 0 && (value as number) < 100;
  return typeof value === 'string' && value.length <= 400;
}

function decodeCursor(cursor: string, order: ComplaintOrdering): [unknown, string] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    /* refused below */
  }
  if (
    Array.isArray(value) &&
    value.length === 4 &&
    value[0] === order.field &&
    value[1] === order.direction &&
    validKey(KEYS[order.field].type, value[2]) &&
    typeof value[3] === 'string' &&
    /^[0-9a-f-]{36}$/.test(value[3])
  ) {
    return [value[2], value[3]];
  }
  // A cursor of another order is as invalid as a forged one: the client starts again from the first page.
  throw badInput('invalid cursor');
}
