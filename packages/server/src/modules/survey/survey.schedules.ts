import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound, type FieldProblem } from '../../graphql/errors.js';
import { hashSecret } from '../../auth/secret.js';
import { backoffMs } from '../../db/claiming-worker.js';
import { Category } from '../category/category.entity.js';
import { Department } from '../department/department.entity.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { MailKind, queueMail } from '../mail/mail.outbox.js';
import { Survey, SurveyInvitation, SurveyVersion } from './survey.entity.js';
import { ScheduleCadence, SurveySchedule, SurveyScheduleError } from './survey-schedule.entity.js';
import type { SaveSurveyScheduleInput } from './survey.inputs.js';
import { surveyPath } from './survey.responses.js';

/** The company's survey schedules (one per survey at most). */
export function listSchedules(ctx: RequestContext): Promise<SurveySchedule[]> {
  return ctx.manager.find(SurveySchedule, { order: { createdAt: 'ASC', id: 'ASC' } });
}

/**
 * Creates or changes the schedule of a survey; `active: false` pauses it.
 * The next run is the first time of the cadence after now, in the
 * company's time zone.
 */
export async function saveSchedule(ctx: RequestContext, input: SaveSurveyScheduleInput): Promise<SurveySchedule> {
  const survey = await ctx.manager.findOne(Survey, { where: { id: input.surveyId }, lock: { mode: 'pessimistic_write' } });
  if (!survey) throw notFound('survey');
  const problems: FieldProblem[] = [];
  const weekly = input.cadence === ScheduleCadence.WEEKLY;
  if (weekly && !input.weekday) problems.push({ field: 'input.weekday', messages: ['a weekly schedule needs its weekday'] });
  if (!weekly && input.weekday) problems.push({ field: 'input.weekday', messages: ['only a weekly schedule has a weekday'] });
  const departmentIds = [...new Set(input.departmentIds.map((id) => id.toLowerCase()))];
  const categoryIds = [...new Set(input.categoryIds.map((id) => id.toLowerCase()))];
  if (departmentIds.length && (await ctx.manager.countBy(Department, { id: In(departmentIds) })) !== departmentIds.length) {
    problems.push({ field: 'input.departmentIds', messages: ['a department the company does not have'], reason: 'REFERENCE' });
  }
  if (categoryIds.length && (await ctx.manager.countBy(Category, { id: In(categoryIds) })) !== categoryIds.length) {
    problems.push({ field: 'input.categoryIds', messages: ['a category the company does not have'], reason: 'REFERENCE' });
  }
  if (problems.length) throw badInput(problems.map((p) => `${p.field}: ${p.messages?.join(', ')}`).join('; '), { fields: problems });

  const [hours, minutes] = input.time.split(':').map(Number) as [number, number];
  const atMinute = hours * 60 + minutes;
  const weekday = weekly ? input.weekday! : null;
  const [{ next }] = (await ctx.query<{ next: Date }>(
    'SELECT survey_schedule_next(t.time_zone, $1::int, $2::int, now()) AS next FROM tenants t WHERE t.id = app_tenant_id()',
    [weekday, atMinute],
  )) as [{ next: Date }];
  const now = new Date();
  const fields = {
    active: input.active,
    cadence: input.cadence,
    weekday,
    atMinute,
    closedWithinDays: input.closedWithinDays,
    departmentIds,
    categoryIds,
    sharePercent: input.sharePercent,
    cooldownDays: input.cooldownDays,
    nextRunAt: input.active ? new Date(next) : null,
    updatedAt: now,
    // Saved anew, it starts afresh (as a mailbox does): the next run is the regular one.
    failures: 0,
    lastErrorCode: null,
    lastErrorDetail: null,
  };
  const existing = await ctx.manager.findOne(SurveySchedule, { where: { surveyId: survey.id }, lock: { mode: 'pessimistic_write' } });
  if (existing) {
    await ctx.manager.update(SurveySchedule, { id: existing.id }, fields);
    return Object.assign(existing, fields);
  }
  const schedule = ctx.manager.create(SurveySchedule, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    surveyId: survey.id,
    lastRunAt: null,
    lastRunInvited: null,
    createdAt: now,
    ...fields,
  });
  await ctx.manager.insert(SurveySchedule, schedule);
  return schedule;
}

/**
 * A run's sample: `sharePercent` of `customers`, exactly (of 200 at 30 %,
 * 60); when the share is not a whole number of customers, the fraction is
 * one more customer with that probability (of 1 at 30 %, one run in three
 * or so), so that small runs still invite their share over time. Customers
 * are ranked by the SHA-256 of the run and the customer, read as a number
 * in [0, 1): the same run samples the same customers, another run draws
 * again. Returned in their given order.
 */
export function sampleShare<T extends { customer_id: string }>(customers: readonly T[], runKey: string, sharePercent: number): T[] {
  if (sharePercent >= 100) return [...customers];
  const exact = (customers.length * sharePercent) / 100;
  const count = Math.floor(exact) + (draw(runKey) < exact - Math.floor(exact) ? 1 : 0);
  const picked = new Set(
    customers
      .map((c) => ({ c, at: draw(`${runKey}|${c.customer_id}`) }))
      .sort((a, b) => a.at - b.at)
      .slice(0, count)
      .map((x) => x.c),
  );
  return customers.filter((c) => picked.has(c));
}

/** A hash of `key` read as a number in [0, 1). */
function draw(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 0x1_0000_0000;
}

const TEXTS = {
  ru: (company: string, survey: string, link: string, days: number) => ({
    subject: `${company}: ${survey}`,
    text:
      `Здравствуйте!\n\nНедавно мы рассмотрели ваше обращение. Пожалуйста, ответьте на несколько вопросов — это займёт пару минут:\n\n${link}\n\n` +
      `Ссылка действует ${days} дн. и только для вас.\n\n${company}`,
  }),
  en: (company: string, survey: string, link: string, days: number) => ({
    subject: `${company}: ${survey}`,
    text:
      `Hello,\n\nWe recently resolved your complaint. Please answer a few questions; it takes a couple of minutes:\n\n${link}\n\n` +
      `The link is yours only and works for ${days} days.\n\n${company}`,
  }),
};

/** The form queueMail accepts. */
const MAILABLE = /^[^\s@]+@[^\s@]+$/;

interface Eligible {
  complaint_id: string;
  customer_id: string;
  customer_email: string;
}

/**
 * One run of a schedule leased until `lease` (the worker's claim), in the
 * caller's transaction: nothing when the lease is no longer this one (it ran
 * out and another node took the schedule, or it was changed or paused
 * meanwhile). Picks each customer's latest complaint closed in the window
 * (of the departments and categories, when given), skips customers invited
 * to any survey within the cooldown, samples the share, and writes for each
 * an invitation bound to that complaint and the SURVEY_INVITATION mail with
 * its one-time link; then sets the next run. Returns how many it invited,
 * or null when it did not run.
 */
export async function runSchedule(ctx: RequestContext, scheduleId: string, lease: string, publicUrl: string): Promise<number | null> {
  // The lease as the database wrote it (to the microsecond): the run is this node's only while it holds.
  const held = await ctx.query('SELECT 1 FROM survey_schedules WHERE id = $1 AND active AND next_run_at = $2::timestamptz FOR UPDATE', [
    scheduleId,
    lease,
  ]);
  if (!held.length) return null;
  const schedule = await ctx.manager.findOneByOrFail(SurveySchedule, { id: scheduleId });
  const survey = await ctx.manager.findOneByOrFail(Survey, { id: schedule.surveyId });
  const version = await ctx.manager.findOneBy(SurveyVersion, { surveyId: survey.id, number: survey.currentVersion });
  const tenant = await ctx.manager.findOneByOrFail(Tenant, { id: ctx.tenantId });
  let invited = 0;
  if (version) {
    const eligible = await ctx.query<Eligible>(
      `WITH latest AS (
         SELECT DISTINCT ON (c.customer_id) c.id AS complaint_id, c.customer_id, c.customer_email
           FROM complaints c
          WHERE c.stage = 'CLOSED' AND c.closed_at > now() - make_interval(days => $1) AND c.closed_at <= now()
            AND c.customer_email LIKE '%_@_%'
            AND (cardinality($2::uuid[]) = 0 OR c.department_id = ANY ($2::uuid[]))
            AND (cardinality($3::uuid[]) = 0 OR c.category_id = ANY ($3::uuid[]))
          ORDER BY c.customer_id, c.closed_at DESC, c.id
       )
       SELECT l.complaint_id, l.customer_id, l.customer_email FROM latest l
        WHERE $4::int = 0 OR NOT EXISTS (
          SELECT 1 FROM survey_invitations i JOIN complaints o ON o.tenant_id = i.tenant_id AND o.id = i.complaint_id
           WHERE o.customer_id = l.customer_id AND i.created_at > now() - make_interval(days => $4))
        ORDER BY l.customer_id`,
      [schedule.closedWithinDays, schedule.departmentIds, schedule.categoryIds, schedule.cooldownDays],
    );
    const runKey = `${schedule.id}|${lease}`;
    const locale = tenant.locale === 'en' ? 'en' : 'ru';
    const now = new Date();
    const expiresAt = new Date(now.getTime() + survey.answerDays * 86_400_000);
    // An address the outbox would refuse (a customer typed it on the phone) is skipped rather than failing the run for everyone.
    const mailable = eligible.filter((c) => MAILABLE.test(c.customer_email.trim()) && c.customer_email.trim().length <= 320);
    for (const customer of sampleShare(mailable, runKey, schedule.sharePercent)) {
      const token = randomBytes(32).toString('base64url');
      await ctx.manager.insert(SurveyInvitation, {
        tenantId: ctx.tenantId,
        id: randomUUID(),
        surveyId: survey.id,
        versionId: version.id,
        complaintId: customer.complaint_id,
        tokenHash: hashSecret(token),
        expiresAt,
        answeredAt: null,
        createdAt: now,
      });
      const link = new URL(surveyPath(tenant.slug, token), publicUrl).toString();
      const mail = TEXTS[locale](tenant.name, locale === 'en' ? survey.nameEn : survey.nameRu, link, survey.answerDays);
      await queueMail(ctx, {
        kind: MailKind.SURVEY_INVITATION,
        to: customer.customer_email,
        complaintId: customer.complaint_id,
        secret: true,
        ...mail,
      });
      invited++;
    }
  }
  const [{ next }] = (await ctx.query<{ next: Date }>(
    'SELECT survey_schedule_next(t.time_zone, $1::int, $2::int, greatest(now(), $3::timestamptz)) AS next FROM tenants t WHERE t.id = app_tenant_id()',
    [schedule.weekday, schedule.atMinute, lease],
  )) as [{ next: Date }];
  await ctx.manager.update(
    SurveySchedule,
    { id: schedule.id },
    {
      nextRunAt: new Date(next),
      lastRunAt: new Date(),
      lastRunInvited: invited,
      failures: 0,
      lastErrorCode: null,
      lastErrorDetail: null,
    },
  );
  return invited;
}

/** PostgreSQL's codes for a statement cancelled by statement_timeout, and for a lock not had within lock_timeout. */
const TIMEOUT_CODES = new Set(['57014', '55P03']);

/** A schedule as a node leased it: until `lease`, with the `failures` in a row it had then. */
export interface LeasedSchedule {
  id: string;
  lease: string;
  failures: number;
}

/**
 * The run of schedule `s` failed with `err` (its transaction rolled back:
 * nothing of it was written): records why on the schedule, unless the lease
 * is no longer this one, and makes it due again after `retryMs`, twice as
 * long after each failure in a row, up to an hour (backoffMs). Under the
 * lease nobody else writes the schedule, so the count it was leased with is
 * still its count, as a mailbox's read counts. Returns the failures in a
 * row, or null when the lease was lost.
 */
export async function recordScheduleFailure(ctx: RequestContext, s: LeasedSchedule, err: unknown, retryMs: number): Promise<number | null> {
  const code = TIMEOUT_CODES.has((err as { code?: string }).code ?? '') ? SurveyScheduleError.TIMEOUT : SurveyScheduleError.OTHER;
  const detail = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  const failures = s.failures + 1;
  // A SELECT over the UPDATE: TypeORM answers a bare UPDATE with [rows, count].
  const rows = await ctx.query<{ failures: number }>(
    `WITH failed AS (
       UPDATE survey_schedules SET failures = $3, last_error_code = $4, last_error_detail = $5, last_failed_at = now(),
              next_run_at = now() + make_interval(secs => $6::float8 / 1000)
        WHERE id = $1 AND active AND next_run_at = $2::timestamptz
        RETURNING failures
     )
     SELECT failures FROM failed`,
    [s.id, s.lease, failures, code, detail, backoffMs(retryMs, failures)],
  );
  return rows[0]?.failures ?? null;
}
