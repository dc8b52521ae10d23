import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound, unlessTaken } from '../../graphql/errors.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { STAGE_LABELS } from '../complaint/complaint.portal-types.js';
import { renderTemplate, templateProblems, type PlaceholderValues } from './placeholders.js';
import { ResponseTemplate } from './template.entity.js';
import type { CreateResponseTemplateInput, UpdateResponseTemplateInput } from './dto/template.input.js';

/** Templates by name; with a locale, those in that language and those for any language. */
export function listTemplates(ctx: RequestContext, locale: string | null): Promise<ResponseTemplate[]> {
  const q = ctx.manager.createQueryBuilder(ResponseTemplate, 't');
  if (locale) q.where('(t.locale = :locale OR t.locale IS NULL)', { locale });
  return q.orderBy('lower(t.name)', 'ASC').addOrderBy('t.id', 'ASC').getMany();
}

function checkBody(body: string): void {
  const problems = templateProblems(body);
  if (problems.length) throw badInput(problems.join('; '), { fields: [{ field: 'body', messages: problems }] });
}

/** A taken name (the unique index on lower(name) decides, also between concurrent saves) is CONFLICT, not a generic error. */
const unlessDuplicate = <T>(name: string, write: () => Promise<T>) =>
  unlessTaken('name', `a template named ${JSON.stringify(name)} exists already`, write);

function values(input: CreateResponseTemplateInput) {
  return { name: input.name.trim(), locale: input.locale ?? null, body: input.body.trim() };
}

export async function createTemplate(ctx: RequestContext, input: CreateResponseTemplateInput): Promise<ResponseTemplate> {
  const v = values(input);
  checkBody(v.body);
  const now = new Date();
  const template = ctx.manager.create(ResponseTemplate, { tenantId: ctx.tenantId, id: randomUUID(), ...v, createdAt: now, updatedAt: now });
  await unlessDuplicate(v.name, () => ctx.manager.insert(ResponseTemplate, template));
  return template;
}

export async function updateTemplate(ctx: RequestContext, input: UpdateResponseTemplateInput): Promise<ResponseTemplate> {
  const existing = await ctx.manager.findOne(ResponseTemplate, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
  if (!existing) throw notFound('response template');
  const v = values(input);
  checkBody(v.body);
  const changed = { ...v, updatedAt: new Date() };
  await unlessDuplicate(v.name, () => ctx.manager.update(ResponseTemplate, { id: existing.id }, changed));
  return { ...existing, ...changed };
}

export async function deleteTemplate(ctx: RequestContext, id: string): Promise<boolean> {
  const { affected } = await ctx.manager.delete(ResponseTemplate, { id });
  if (!affected) throw notFound('response template');
  return true;
}

interface RenderFacts {
  locale: 'ru' | 'en';
  time_zone: string;
  company: string;
  agent: string | null;
  department: string | null;
}

/** A date as the company's language writes it, on the company's calendar day. */
export function formatTemplateDate(at: Date | null, locale: 'ru' | 'en', timeZone: string): string {
  if (!at) return '';
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'long', timeZone }).format(at);
}

/**
 * `{{expectedBy}}`: the last day of the legal deadline (which falls due at the
 * midnight ending that day), else the day of the soonest SLA deadline, on the
 * company's calendar.
 */
export function formatExpectedBy(legalDueAt: Date | null, slaDueAt: Date | null, locale: 'ru' | 'en', timeZone: string): string {
  return formatTemplateDate(legalDueAt ? new Date(legalDueAt.getTime() - 1) : slaDueAt, locale, timeZone);
}

/**
 * The template's text for one complaint, in the company's language and time
 * zone. `{{agent.name}}` is the staff member asking (the one who will send
 * the reply); `{{expectedBy}}` is the legal deadline, else the soonest SLA
 * deadline; values a complaint does not have yet render as nothing.
 */
export async function renderForComplaint(ctx: RequestContext, templateId: string, complaintId: string): Promise<string> {
  const actor = ctx.staff;
  const template = await ctx.manager.findOneBy(ResponseTemplate, { id: templateId });
  if (!template) throw notFound('response template');
  const complaint = await ctx.manager.findOneBy(Complaint, { id: complaintId });
  if (!complaint) throw notFound('complaint');
  const [facts] = await ctx.query<RenderFacts>(
    `
    SELECT t.locale, t.time_zone, t.name AS company,
           (SELECT u.name FROM users u WHERE u.id = $1) AS agent,
           (SELECT d.name FROM departments d WHERE d.id = $2) AS department
      FROM tenants t WHERE t.id = app_tenant_id()`,
    [actor.userId, complaint.departmentId],
  );
  if (!facts) throw notFound('company');
  const locale = facts.locale === 'en' ? 'en' : 'ru';
  const placeholders: PlaceholderValues = {
    number: complaint.number,
    subject: complaint.subject,
    'customer.name': complaint.customerName,
    stage: STAGE_LABELS[locale][complaint.stage],
    expectedBy: formatExpectedBy(complaint.legalDueAt, complaint.slaDueAt, locale, facts.time_zone),
    'agent.name': facts.agent ?? '',
    'company.name': facts.company,
    'department.name': facts.department ?? '',
  };
  return renderTemplate(template.body, placeholders);
}
