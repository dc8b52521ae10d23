import type { RequestContext } from '../../graphql/context.js';
import type { Complaint } from '../complaint/complaint.entity.js';
import { Channel, Priority, Stage } from '../complaint/complaint.enums.js';
import { readComplaintPage } from '../complaint/complaint.queries.js';
import { encodeCursor, type ComplaintOrdering } from '../complaint/complaint.order.js';
import type { ComplaintFilter } from '../complaint/dto/complaint-filter.input.js';
import { parseComplaintExport, type ComplaintExportRequest, type ExportLanguage } from './export.params.js';
import {
  companySettings,
  inStaffUnit,
  type CompanySettings,
  type ExportReader,
  type ExportSource,
  type ExportedTable,
} from './export.source.js';
import type { TableColumn } from './table-writer.js';
import { wallClock } from '../sla/business-time.js';

/** Rows read per transaction: 100,000 rows take 50 short transactions (about 10 ms of the database each), and a page holds about 2 MB. */
export const EXPORT_PAGE = 2000;

/** A complaint of the list with the names its row shows. */
export interface ComplaintExportRow {
  complaint: Complaint;
  department: string | null;
  assignee: string | null;
  category: string | null;
}

type Labels = {
  columns: Record<
    | 'number'
    | 'subject'
    | 'customer'
    | 'stage'
    | 'priority'
    | 'channel'
    | 'category'
    | 'department'
    | 'assignee'
    | 'deadline'
    | 'receivedAt',
    string
  >;
  stage: Record<Stage, string>;
  priority: Record<Priority, string>;
  channel: Record<Channel, string>;
  sheet: string;
};

/**
 * The console's own words for the list's columns and values (its i18n
 * files: list.*, complaint.receivedAt, stage.*, priority.*, channel.*;
 * src/modules/export/__tests__ compares them), so a downloaded table reads
 * like the page it came from.
 */
export const LABELS: Record<ExportLanguage, Labels> = {
  en: {
    columns: {
      number: 'Number',
      subject: 'Subject',
      customer: 'Customer',
      stage: 'Stage',
      priority: 'Priority',
      channel: 'Channel',
      category: 'Category',
      department: 'Department',
      assignee: 'Assignee',
      deadline: 'Deadline',
      receivedAt: 'Received',
    },
    stage: {
      RECEIVED: 'Received',
      REGISTERED: 'Registered',
      ANALYSIS: 'Analysis',
      DECISION: 'Decision',
      IMPLEMENTATION: 'Implementation',
      FEEDBACK: 'Feedback',
      CLOSED: 'Closed',
      REJECTED: 'Rejected',
    },
    priority: { LOW: 'Low', NORMAL: 'Normal', HIGH: 'High', URGENT: 'Urgent' },
    channel: { WEB: 'Web', EMAIL: 'E-mail', PHONE: 'Phone', IN_PERSON: 'In person', API: 'API', CHAT: 'Chat' },
    sheet: 'Complaints',
  },
  ru: {
    columns: {
      number: 'Номер',
      subject: 'Тема',
      customer: 'Клиент',
      stage: 'Стадия',
      priority: 'Приоритет',
      channel: 'Канал',
      category: 'Категория',
      department: 'Отдел',
      assignee: 'Исполнитель',
      deadline: 'Срок',
      receivedAt: 'Получено',
    },
    stage: {
      RECEIVED: 'Получено',
      REGISTERED: 'Зарегистрировано',
      ANALYSIS: 'Анализ',
      DECISION: 'Решение',
      IMPLEMENTATION: 'Исполнение',
      FEEDBACK: 'Обратная связь',
      CLOSED: 'Закрыто',
      REJECTED: 'Отклонено',
    },
    priority: { LOW: 'Низкий', NORMAL: 'Обычный', HIGH: 'Высокий', URGENT: 'Срочный' },
    channel: { WEB: 'Сайт', EMAIL: 'Эл. почта', PHONE: 'Телефон', IN_PERSON: 'Лично', API: 'API', CHAT: 'Чат' },
    sheet: 'Обращения',
  },
};

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `2026-12-02 15:04` in `timeZone`: sortable as text, and read the same in both languages. */
export function localDateTime(at: Date | null, timeZone: string): string | null {
  const time = at?.getTime();
  if (time === undefined || !Number.isFinite(time)) return null;
  const local = wallClock(timeZone, time);
  return `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}

/** The list's columns (and its channel and category filters), headed in `lang`, times in the company's zone. */
export function complaintColumns(lang: ExportLanguage, timeZone: string): Array<TableColumn<ComplaintExportRow>> {
  const l = LABELS[lang];
  const closed = (c: Complaint) => c.stage === Stage.CLOSED || c.stage === Stage.REJECTED;
  return [
    { header: l.columns.number, width: 20, value: (r) => r.complaint.number },
    { header: l.columns.subject, width: 40, value: (r) => r.complaint.subject },
    { header: l.columns.customer, width: 24, value: (r) => r.complaint.customerName },
    { header: l.columns.stage, value: (r) => l.stage[r.complaint.stage] },
    { header: l.columns.priority, value: (r) => l.priority[r.complaint.priority] },
    { header: l.columns.channel, value: (r) => l.channel[r.complaint.channel] },
    { header: l.columns.category, width: 20, value: (r) => r.category },
    { header: l.columns.department, width: 20, value: (r) => r.department },
    { header: l.columns.assignee, width: 20, value: (r) => r.assignee },
    // As the list: a closed or rejected complaint has no deadline left.
    { header: l.columns.deadline, width: 18, value: (r) => (closed(r.complaint) ? null : localDateTime(r.complaint.slaDueAt, timeZone)) },
    { header: l.columns.receivedAt, width: 18, value: (r) => localDateTime(r.complaint.receivedAt, timeZone) },
  ];
}

/** What the columns read of a complaint: only these are selected. */
const SHOWN: ReadonlyArray<keyof Complaint> = [
  'number',
  'subject',
  'customerName',
  'stage',
  'priority',
  'channel',
  'categoryId',
  'departmentId',
  'assigneeId',
  'slaDueAt',
  'receivedAt',
];

/**
 * The complaints of the list with `filter` in `order`, a page of
 * EXPORT_PAGE at a time, each page in its own short unit of work
 * (`inStaffUnit`: the member loaded again, so that one deactivated
 * mid-export stops it; the `complaints` query's declaration applied; a
 * connection taken from the company's and the user's shares and given back
 * before the client has read the page). Pages follow each other by the
 * list's own keyset cursor.
 */
export async function complaintPages(
  reader: ExportReader,
  filter: ComplaintFilter | null,
  order: ComplaintOrdering,
  pageSize = EXPORT_PAGE,
): Promise<{ company: CompanySettings; batches: AsyncIterable<ComplaintExportRow[]> }> {
  let company: CompanySettings | null = null;
  const names: Names = new Map();
  const readPage = (after: string | null) =>
    inStaffUnit(reader, async (ctx) => {
      company ??= await companySettings(ctx);
      const page = await readComplaintPage(ctx, filter, pageSize, after, order, SHOWN);
      const rows = await withNames(ctx, page.rows, names);
      const last = page.rows.at(-1);
      return { rows, next: page.hasNextPage && last ? encodeCursor(order, last) : null };
    });
  let first: Awaited<ReturnType<typeof readPage>> | null = await readPage(null);
  async function* batches(): AsyncGenerator<ComplaintExportRow[]> {
    let next = first!.next;
    const rows = first!.rows;
    first = null;
    yield rows;
    // Each page is let go before the next is read (a binding per turn): an export holds one page at a time.
    while (next) {
      const page = await readPage(next);
      next = page.next;
      yield page.rows;
    }
  }
  return { company: company!, batches: batches() };
}

/** `GET /exports/complaints.csv|xlsx`: the staff list with the `complaints` query's filter and order. */
export const complaintSource: ExportSource<ComplaintExportRequest> = {
  query: 'complaints',
  parse: parseComplaintExport,
  async read(reader, ask) {
    const { company, batches } = await complaintPages(reader, ask.filter, ask.order);
    const lang = ask.lang ?? company.locale;
    return {
      company,
      name: 'complaints',
      sheetName: LABELS[lang].sheet,
      columns: complaintColumns(lang, company.timeZone),
      batches,
    } as ExportedTable;
  },
};

/** Names of departments, users and categories by id, kept across the pages of one export (a company has few of them). */
type Names = Map<string, string | null>;

/**
 * The names a row shows, through the page's loaders: one statement each for
 * the departments, assignees and categories not met on an earlier page.
 */
async function withNames(ctx: RequestContext, complaints: Complaint[], names: Names): Promise<ComplaintExportRow[]> {
  const missing = (pick: (c: Complaint) => string | null) => [
    ...new Set(complaints.map(pick).filter((id): id is string => !!id && !names.has(id))),
  ];
  const load = async (
    loader: { loadMany(keys: string[]): Promise<Array<{ id: string; name: string } | null | Error>> },
    keys: string[],
  ) => {
    const rows = await loader.loadMany(keys);
    keys.forEach((id, i) => {
      const row = rows[i];
      names.set(id, row && !(row instanceof Error) ? row.name : null);
    });
  };
  // One after another: the statements of a unit of work share its one connection.
  await load(
    ctx.loaders.department,
    missing((c) => c.departmentId),
  );
  await load(
    ctx.loaders.user,
    missing((c) => c.assigneeId),
  );
  await load(
    ctx.loaders.category,
    missing((c) => c.categoryId),
  );
  const name = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  return complaints.map((complaint) => ({
    complaint,
    department: name(complaint.departmentId),
    assignee: name(complaint.assigneeId),
    category: name(complaint.categoryId),
  }));
}
