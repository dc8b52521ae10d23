import type { ComplaintDetailFragment } from '@reclaim/client/staff';

export interface FieldChange {
  /** An i18n key under `complaint.` */
  field: string;
  before: string | null;
  after: string | null;
  /** How to label the values: an i18n prefix for enums, or none for free text. */
  enumPrefix?: string;
}

type Complaint = ComplaintDetailFragment;

const FIELDS: { field: string; read: (c: Complaint) => string | number | null | undefined; enumPrefix?: string }[] = [
  { field: 'stage', read: (c) => c.stage, enumPrefix: 'stage' },
  { field: 'kind', read: (c) => c.kind, enumPrefix: 'kind' },
  { field: 'priority', read: (c) => c.priority, enumPrefix: 'priority' },
  { field: 'demand', read: (c) => c.demand, enumPrefix: 'demand' },
  { field: 'category', read: (c) => c.category?.name },
  { field: 'department', read: (c) => c.department?.name },
  { field: 'assignee', read: (c) => c.assignee?.name },
  { field: 'validity', read: (c) => c.validity, enumPrefix: 'validity' },
  { field: 'cause', read: (c) => c.cause?.code },
  { field: 'rootCause', read: (c) => c.rootCause },
  { field: 'remedy', read: (c) => c.remedy, enumPrefix: 'remedy' },
  { field: 'remedyAmount', read: (c) => c.remedyAmount },
  { field: 'decisionNote', read: (c) => c.decisionNote },
  { field: 'rejectionCode', read: (c) => c.codedRejectionReason?.code },
  { field: 'rejectionReason', read: (c) => c.rejectionReason },
  { field: 'satisfaction', read: (c) => c.satisfaction },
  { field: 'satisfactionComment', read: (c) => c.satisfactionComment },
  { field: 'correctiveActions', read: (c) => c.correctiveActions.map((a) => `${a.description}${a.doneAt ? ' ✓' : ''}`).join('; ') || null },
  { field: 'messages', read: (c) => c.messages.length || null },
];

/** What another user changed between the version a form was opened on and the current one. */
export function changesBetween(before: Complaint, after: Complaint): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const { field, read, enumPrefix } of FIELDS) {
    const a = read(before) ?? null;
    const b = read(after) ?? null;
    if (a !== b) changes.push({ field, before: a === null ? null : String(a), after: b === null ? null : String(b), enumPrefix });
  }
  return changes;
}
