import type { DataSource } from 'typeorm';
import { RequestContext } from '../../graphql/context.js';
import { enterAsStaff } from '../../graphql/context.js';
import type { TokenClaims } from '../../auth/token.js';
import { Action, authorize } from '../../auth/permissions.js';
import { UnitOfWork } from '../../db/unit-of-work.js';
import type { Complaint } from '../complaint/complaint.entity.js';
import { Channel, Priority, Stage } from '../complaint/complaint.enums.js';
import { readComplaintPage } from '../complaint/complaint.queries.js';
import { encodeCursor, type ComplaintOrdering } from '../complaint/complaint.order.js';
import type { ComplaintFilter } from '../complaint/dto/complaint-filter.input.js';
import type { ExportLanguage } from './export.params.js';
import type { TableColumn } from './table-writer.js';

/** Rows read per transaction: large enough that 100,000 rows take 100 short transactions, small enough that one holds little memory. */
export const EXPORT_PAGE = 1000;

/** A complaint of the list with the names its row shows. */
export interface ComplaintExportRow {
  complaint: Complaint;
  department: string | null;
  assignee: string | null;
  category: string | null;
}

type Labels = {
  columns: Record<'number' | 'subject' | 'customer' | 'stage' | 'priority' | 'channel' | 'category' | 'department' | 'assignee' | 'deadline' | 'receivedAt', string>;
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
      number: 'Number', subject: 'Subject', customer: 'Customer', stage: 'Stage', priority: 'Priority', channel: 'Channel',
      category: 'Category', department: 'Department', assignee: 'Assignee', deadline: 'Deadline', receivedAt: 'Received',
    },
    stage: {
      RECEIVED: 'Received', REGISTERED: 'Registered', ANALYSIS: 'Analysis', DECISION: 'Decision',
      IMPLEMENTATION: 'Implementation', FEEDBACK: 'Feedback', CLOSED: 'Closed', REJECTED: 'Rejected',
    },
    priority: { LOW: 'Low', NORMAL: 'Normal', HIGH: 'High', URGENT: 'Urgent' },
    channel: { WEB: 'Web', EMAIL: 'E-mail', PHONE: 'Phone', IN_PERSON: 'In person', API: 'API', CHAT: 'Chat' },
    sheet: 'Complaints',
  },
  ru: {
    columns: {
      number: 'Номер', subject: 'Тема', customer: 'Клиент', stage: 'Стадия', priority: 'Приоритет', channel: 'Канал',
      category: 'Категория', department: 'Отдел', assignee: 'Исполнитель', deadline: 'Срок', receivedAt: 'Получено',
    },
    stage: {
      RECEIVED: 'Получено', REGISTERED: 'Зарегистрировано', ANALYSIS: 'Анализ', DECISION: 'Решение',
      IMPLEMENTATION: 'Исполнение', FEEDBACK: 'Обратная связь', CLOSED: 'Закрыто', REJECTED: 'Отклонено',
    },
    priority: { LOW: 'Низкий', NORMAL: 'Обычный', HIGH: 'Высокий', URGENT: 'Срочный' },
    channel: { WEB: 'Сайт', EMAIL: 'Эл. почта', PHONE: 'Телефон', IN_PERSON: 'Лично', API: 'API', CHAT: 'Чат' },
    sheet: 'Обращения',
  },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `2026-12-02 15:04` in `timeZone`: sortable as text, and read the same in both languages. */
export function localDateTime(at: Date | null, timeZone: string): string | null {
  if (!at || !Number.isFinite(at.getTime())) return null;
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
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

export interface CompanySettings {
  locale: ExportLanguage;
  timeZone: string;
}

export interface ComplaintPages {
  company: CompanySettings;
  /** The pages, the first one read already (so that a refusal is answered before the file begins). */
  batches: AsyncIterable<ComplaintExportRow[]>;
}

/**
 * The complaints of the list with `filter` in `order`, a page of
 * EXPORT_PAGE at a time, each page in its own short unit of work: the
 * signed-in member loaded again (a member deactivated mid-export stops it),
 * READ_COMPLAINTS checked as the `complaints` query checks it, row-level
 * security through the company's role, and a connection taken from the
 * company's and the user's shares and given back before the client has
 * read the page. Pages follow each other by the list's own keyset cursor.
 */
export async function complaintPages(
  dataSource: DataSource, claims: Pick<TokenClaims, 'tenantId' | 'userId' | 'credentialsVersion'>, clientAddress: string,
  filter: ComplaintFilter | null, order: ComplaintOrdering, pageSize = EXPORT_PAGE,
): Promise<ComplaintPages> {
  let company: CompanySettings | null = null;
  const readPage = async (after: string | null) => {
    const uow = new UnitOfWork(dataSource, undefined, { clientAddress });
    try {
      const actor = await enterAsStaff(uow, claims);
      authorize(actor, Action.READ_COMPLAINTS);
      const ctx = new RequestContext(claims.tenantId, actor, await uow.manager(), uow);
      if (!company) {
        const [row] = await ctx.query<{ locale: string; time_zone: string }>('SELECT locale, time_zone FROM tenants WHERE id = $1', [claims.tenantId]);
        company = { locale: row?.locale === 'en' ? 'en' : 'ru', timeZone: row?.time_zone ?? 'UTC' };
      }
      const page = await readComplaintPage(ctx, filter, pageSize, after, order);
      const rows = await withNames(ctx, page.rows);
      await uow.finish(true);
      const last = page.rows.at(-1);
      return { rows, next: page.hasNextPage && last ? encodeCursor(order, last) : null };
    } catch (err) {
      await uow.finish(false).catch(() => undefined);
      throw err;
    }
  };
  const first = await readPage(null);
  async function* batches(): AsyncGenerator<ComplaintExportRow[]> {
    let page = first;
    yield page.rows;
    while (page.next) {
      page = await readPage(page.next);
      yield page.rows;
    }
  }
  return { company: company!, batches: batches() };
}

/** The names a row shows, through the request's loaders: one statement each for the page's departments, assignees and categories. */
async function withNames(ctx: RequestContext, complaints: Complaint[]): Promise<ComplaintExportRow[]> {
  const ids = (pick: (c: Complaint) => string | null) => [...new Set(complaints.map(pick).filter((id): id is string => !!id))];
  const names = async (loader: { loadMany(keys: string[]): Promise<Array<{ id: string; name: string } | null | Error>> }, keys: string[]) => {
    const found = new Map<string, string>();
    for (const row of await loader.loadMany(keys)) if (row && !(row instanceof Error)) found.set(row.id, row.name);
    return found;
  };
  // One after another: the statements of a unit of work share its one connection.
  const departments = await names(ctx.loaders.department, ids((c) => c.departmentId));
  const users = await names(ctx.loaders.user, ids((c) => c.assigneeId));
  const categories = await names(ctx.loaders.category, ids((c) => c.categoryId));
  return complaints.map((complaint) => ({
    complaint,
    department: complaint.departmentId ? departments.get(complaint.departmentId) ?? null : null,
    assignee: complaint.assigneeId ? users.get(complaint.assigneeId) ?? null : null,
    category: complaint.categoryId ? categories.get(complaint.categoryId) ?? null : null,
  }));
}
