import type { RequestContext } from '../../graphql/context.js';
import type { Remedy, Stage } from '../complaint/complaint.enums.js';
import { STAGE_LABELS } from '../complaint/complaint.portal-types.js';
import {
  NOTIFICATION_PLACEHOLDERS,
  STAFF_NOTIFICATION_PLACEHOLDERS,
  renderTemplate,
  type PlaceholderValues,
} from '../template/placeholders.js';
import { formatExpectedBy, formatTemplateDate } from '../template/template.service.js';
import { MailKind, queueComplaintMail, queueMail } from './mail.outbox.js';
import { inviteAfterResolution, surveyPath } from '../survey/survey.responses.js';
import {
  ARRIVAL_PHRASES,
  DEFAULT_NOTIFICATION_TEXTS,
  NotificationEvent,
  REMEDY_PHRASES,
  SLA_STATE_PHRASES,
  STAFF_STAGE_LABELS,
  isStaffEvent,
  type CustomerEvent,
  type NotificationLocale,
  type NotificationText,
} from './notification-texts.js';

export const NOTIFICATION_KNOWN: ReadonlySet<string> = new Set<string>(NOTIFICATION_PLACEHOLDERS);
export const STAFF_NOTIFICATION_KNOWN: ReadonlySet<string> = new Set<string>(STAFF_NOTIFICATION_PLACEHOLDERS);
/** The placeholders an event's text may use. */
export const knownFor = (event: NotificationEvent): ReadonlySet<string> =>
  isStaffEvent(event) ? STAFF_NOTIFICATION_KNOWN : NOTIFICATION_KNOWN;

interface Facts {
  number: string;
  subject: string;
  customer_name: string;
  customer_email: string | null;
  stage: Stage;
  legal_due_at: Date | null;
  sla_due_at: Date | null;
  remedy: Remedy | null;
  remedy_amount: string | null;
  access_token_hash: Buffer | null;
  locale: string;
  time_zone: string;
  company: string;
  slug: string;
  currency: string | null;
  department: string | null;
  agent: string | null;
  custom: NotificationText | null;
}

export function formatAmount(amount: number | null, locale: NotificationLocale, currency: string | null): string {
  if (amount === null) return '';
  const tag = locale === 'ru' ? 'ru-RU' : 'en-GB';
  return currency
    ? new Intl.NumberFormat(tag, { style: 'currency', currency }).format(amount)
    : new Intl.NumberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
}

/** The placeholders' values shown in the admin's preview, in the language being edited (staff texts name the stages as the console does). */
export function sampleValues(locale: NotificationLocale, company: string, staff = false): PlaceholderValues {
  const ru = locale === 'ru';
  const amount = formatAmount(1500, locale, ru ? 'RUB' : 'EUR');
  return {
    number: 'ACME-2026-000042',
    subject: ru ? 'Треснула крышка чайника' : 'Cracked kettle lid',
    'customer.name': ru ? 'Иван Петров' : 'Ivan Petrov',
    stage: (staff ? STAFF_STAGE_LABELS : STAGE_LABELS)[locale].ANALYSIS,
    expectedBy: formatTemplateDate(new Date(Date.now() + 10 * 86400_000), locale, 'UTC'),
    'agent.name': ru ? 'Мария Соколова' : 'Maria Sokolova',
    'company.name': company,
    'department.name': ru ? 'Сервис' : 'Service',
    message: ru ? 'Пришлите, пожалуйста, фотографию крышки.' : 'Could you send us a photo of the lid?',
    remedy: REMEDY_PHRASES[locale].REFUND(amount),
    amount,
    trackingLink: 'https://reclaim.example/p/acme/track/ACME-2026-000042#…',
    ratingLink: 'https://reclaim.example/p/acme/track/ACME-2026-000042#…',
    complaintLink: 'https://reclaim.example/complaints/ACME-2026-000042',
    slaState: SLA_STATE_PHRASES[locale].AT_RISK,
    dueAt: formatTemplateDateTime(new Date(Date.now() + 4 * 3600_000), locale, 'UTC'),
    arrival: ARRIVAL_PHRASES[locale].new,
  };
}

export function renderNotification(
  text: NotificationText,
  values: PlaceholderValues,
  known: ReadonlySet<string> = NOTIFICATION_KNOWN,
): NotificationText {
  return {
    subject: renderTemplate(text.subject, values, known).replace(/\s+/g, ' ').trim(),
    body: renderTemplate(text.body, values, known),
  };
}

/** A moment as a staff mail gives it: the date and the time of day in the company's time zone. */
export function formatTemplateDateTime(at: Date | null, locale: NotificationLocale, timeZone: string): string {
  if (!at) return '';
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(at);
}

/**
 * Tells the complaint's customer by mail, in the caller's transaction (it
 * is sent once that commits), from the company's text for the event in its
 * language, or the built-in one. Nothing when the complaint has no e-mail
 * address. Tracking links are signed (MailLinks), never the complaint's
 * token itself, so no mail text stored in the outbox holds a token.
 * `message`: the reply's text, for reply mails.
 */
export async function notifyCustomer(
  ctx: RequestContext,
  complaintId: string,
  event: CustomerEvent,
  extra: { message?: string } = {},
): Promise<boolean> {
  const [f] = await ctx.query<Facts>(
    `
    SELECT c.number, c.subject, c.customer_name, c.customer_email, c.stage, c.legal_due_at, c.sla_due_at, c.remedy, c.remedy_amount,
           c.access_token_hash, t.locale, t.time_zone, t.name AS company, t.slug, t.currency,
           (SELECT d.name FROM departments d WHERE d.id = c.department_id) AS department,
           (SELECT u.name FROM users u WHERE u.id = $3) AS agent,
           (SELECT jsonb_build_object('subject', n.subject, 'body', n.body) FROM notification_templates n
             WHERE n.event = $2 AND n.locale = t.locale) AS custom
      FROM complaints c JOIN tenants t ON t.id = c.tenant_id
     WHERE c.id = $1 AND c.customer_email LIKE '%_@_%'`,
    [complaintId, event, ctx.actor?.userId ?? null],
  );
  if (!f) return false;
  const locale: NotificationLocale = f.locale === 'en' ? 'en' : 'ru';
  const links = ctx.mailLinks;
  if (!links) throw new Error('notifyCustomer: this context has no mail links (MailLinks) to write tracking links with');
  const token = f.access_token_hash ? links.token(ctx.tenantId, f.number, f.access_token_hash) : null;
  const link = token ? links.url(f.slug, f.number, token) : '';
  // With an after-resolution survey, the rating link is the survey's one-time link (docs/surveys.md).
  const survey = event === NotificationEvent.FEEDBACK ? await inviteAfterResolution(ctx, complaintId) : null;
  const amount = formatAmount(f.remedy_amount === null ? null : Number(f.remedy_amount), locale, f.currency);
  const values: PlaceholderValues = {
    number: f.number,
    subject: f.subject,
    'customer.name': f.customer_name,
    stage: STAGE_LABELS[locale][f.stage],
    expectedBy: formatExpectedBy(f.legal_due_at, f.sla_due_at, locale, f.time_zone),
    'agent.name': f.agent ?? '',
    'company.name': f.company,
    'department.name': f.department ?? '',
    message: extra.message ?? '',
    remedy: f.remedy ? REMEDY_PHRASES[locale][f.remedy](amount) : '',
    amount,
    trackingLink: link,
    ratingLink: survey ? new URL(surveyPath(f.slug, survey), links.publicUrl).toString() : link,
  };
  const mail = renderNotification(f.custom ?? DEFAULT_NOTIFICATION_TEXTS[event][locale], values);
  if (survey) {
    // The survey link answers once: the body is blanked once sent, as other one-time links are.
    await queueMail(ctx, {
      kind: MailKind.FEEDBACK,
      to: f.customer_email!,
      complaintId,
      subject: mail.subject,
      text: mail.body,
      secret: true,
    });
    return true;
  }
  return queueComplaintMail(ctx, { complaintId, kind: event, subject: mail.subject, text: mail.body });
}
