import type { RequestContext } from '../../graphql/context.js';
import { badInput } from '../../graphql/errors.js';
import { templateProblems } from '../template/placeholders.js';
import { NotificationPreview, NotificationTemplate, NotificationTemplateRow } from './notification-template.entity.js';
import { DEFAULT_NOTIFICATION_TEXTS, NotificationEvent, audienceOf, isStaffEvent, type NotificationLocale } from './notification-texts.js';
import { knownFor, renderNotification, sampleValues } from './notifications.js';
import type { NotificationTemplateInput } from './dto/notification-template.input.js';

const LOCALES: NotificationLocale[] = ['ru', 'en'];

/** Every event, the customer's and then the staff's, in both languages: the company's text where it wrote one, else the built-in one. */
export async function listNotificationTemplates(ctx: RequestContext): Promise<NotificationTemplate[]> {
  const rows = await ctx.manager.find(NotificationTemplateRow);
  return Object.values(NotificationEvent).flatMap((event) =>
    LOCALES.map((locale) => {
      const row = rows.find((r) => r.event === event && r.locale === locale);
      const text = row ?? DEFAULT_NOTIFICATION_TEXTS[event][locale];
      return {
        event,
        audience: audienceOf(event),
        locale,
        subject: text.subject,
        body: text.body,
        custom: !!row,
        updatedAt: row?.updatedAt ?? null,
      };
    }),
  );
}

/** Unknown or unclosed placeholders in the subject or body (each event knows its audience's) are BAD_USER_INPUT naming the field; nothing is saved. */
function checkText(input: NotificationTemplateInput): { subject: string; body: string } {
  const subject = input.subject.replace(/\s+/g, ' ').trim();
  const body = input.body.trim();
  const known = knownFor(input.event);
  const fields = [
    { field: 'subject', messages: templateProblems(subject, known) },
    { field: 'body', messages: templateProblems(body, known) },
  ].filter((f) => f.messages.length);
  if (!subject || !body) throw badInput('a notification needs a subject and a text');
  if (fields.length) throw badInput(fields.flatMap((f) => f.messages).join('; '), { fields });
  return { subject, body };
}

export async function saveNotificationTemplate(ctx: RequestContext, input: NotificationTemplateInput): Promise<NotificationTemplate> {
  const text = checkText(input);
  const updatedAt = new Date();
  await ctx.manager.upsert(
    NotificationTemplateRow,
    { tenantId: ctx.tenantId, event: input.event, locale: input.locale, ...text, updatedAt },
    ['tenantId', 'event', 'locale'],
  );
  return { event: input.event, audience: audienceOf(input.event), locale: input.locale, ...text, custom: true, updatedAt };
}

/** Back to the built-in text. */
export async function resetNotificationTemplate(
  ctx: RequestContext,
  event: NotificationEvent,
  locale: NotificationLocale,
): Promise<NotificationTemplate> {
  if (!LOCALES.includes(locale)) throw badInput('locale must be ru or en', { fields: [{ field: 'locale', messages: ['ru or en'] }] });
  await ctx.manager.delete(NotificationTemplateRow, { event, locale });
  const text = DEFAULT_NOTIFICATION_TEXTS[event][locale];
  return { event, audience: audienceOf(event), locale, ...text, custom: false, updatedAt: null };
}

/** The text as it would read, with example values (checked as a save checks it). */
export async function previewNotificationTemplate(ctx: RequestContext, input: NotificationTemplateInput): Promise<NotificationPreview> {
  const text = checkText(input);
  const [tenant] = await ctx.query<{ name: string }>('SELECT name FROM tenants WHERE id = app_tenant_id()');
  return renderNotification(text, sampleValues(input.locale, tenant?.name ?? '', isStaffEvent(input.event)), knownFor(input.event));
}
