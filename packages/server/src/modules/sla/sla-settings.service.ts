import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { Role } from '../../auth/roles.js';
import { OPEN_STAGES } from '../complaint/complaint.enums.js';
import { requireActiveDepartment, requireCategory, requireDepartment } from '../complaint/references.js';
import { calendarProblems, localDate } from './business-time.js';
import { countryDays, type Language } from './public-holidays.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { BusinessCalendar } from './business-calendar.entity.js';
import { LegalPreset } from './legal-preset.entity.js';
import { SlaBreach } from './sla-breach.entity.js';
import { SlaPolicy, policyView, type SlaPolicyView } from './sla-policy.entity.js';
import { forgetSlaSettings, loadSlaSettings, syncSla } from './sla.service.js';
import type { SlaSettings } from './sla-clock.js';
import type { BusinessCalendarInput, LegalPresetInput, SlaPolicyInput } from './dto/sla.input.js';

const field = (name: string, messages: string[]) => ({ fields: [{ field: name, messages }] });

/**
 * After any change to the settings (the company's country and time zone,
 * which legal deadlines depend on, among them): every open complaint of the tenant gets
 * its clocks recomputed in this transaction (time already used is kept).
 * `before` is the settings as they were before the change (`loadSlaSettings`
 * before it), so that a clock the change stops is measured as it ran.
 */
export async function recomputeOpen(ctx: RequestContext, before: SlaSettings): Promise<void> {
  forgetSlaSettings(ctx);
  const open = await ctx.query<{ id: string }>('SELECT id FROM complaints WHERE stage = ANY($1) ORDER BY id', [OPEN_STAGES]);
  for (let i = 0; i < open.length; i += 500)
    await syncSla(
      ctx,
      open.slice(i, i + 500).map((c) => c.id),
      { ranUnder: before },
    );
}

export function listCalendars(ctx: RequestContext): Promise<BusinessCalendar[]> {
  return ctx.manager.find(BusinessCalendar, { order: { name: 'ASC' } });
}

/** The years a new calendar is loaded with: this one in the company's time zone, and the next. */
function thisAndNextYear(tenant: Tenant, now = Date.now()): number[] {
  const [year] = localDate(tenant.timeZone, now);
  return [year, year + 1];
}

/** The public holidays and transferred working days of the company's country in `years`. */
const tenantDays = (tenant: Tenant, years: number[]) => countryDays(tenant.country, tenant.locale as Language, years);

const tenantOf = (ctx: RequestContext) => ctx.manager.findOneByOrFail(Tenant, { id: ctx.tenantId });

/**
 * A new company's SLA settings: business hours, three policies and the legal
 * presets of its country (the SQL function install_sla_defaults), its
 * calendar loaded with the public holidays of this year and the next.
 */
export async function installSlaDefaults(ctx: RequestContext, now = Date.now()): Promise<void> {
  await ctx.query('SELECT install_sla_defaults()');
  const tenant = await tenantOf(ctx);
  const days = tenantDays(tenant, thisAndNextYear(tenant, now));
  await ctx.query('UPDATE business_calendars SET holidays = $1, working_days = $2', [
    JSON.stringify(days.holidays.sort()),
    JSON.stringify(days.workingDays.sort()),
  ]);
}

function checkCalendar(values: {
  timeZone: string;
  alwaysOpen: boolean;
  periods: BusinessCalendarInput['periods'];
  holidays: string[];
  workingDays: string[];
}): void {
  const problems = calendarProblems(values);
  if (!problems.length) return;
  // Each problem on its own field (time zone, periods, holidays, working days), so that a form shows it there.
  const fields = [...new Set(problems.map((p) => p.field))].map((name) => ({
    field: name,
    messages: problems.filter((p) => p.field === name).map((p) => p.message),
  }));
  throw badInput(problems.map((p) => p.message).join('; '), { fields });
}

export async function saveCalendar(ctx: RequestContext, id: string | null, input: BusinessCalendarInput): Promise<BusinessCalendar> {
  const before = await loadSlaSettings(ctx);
  const existing = id ? await ctx.manager.findOne(BusinessCalendar, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
  if (id && !existing) throw notFound('calendar');
  const tenant = existing || (input.holidays && input.workingDays) ? null : await tenantOf(ctx);
  const preset = existing ?? (tenant ? tenantDays(tenant, thisAndNextYear(tenant)) : null);
  const values = {
    name: input.name.trim(),
    timeZone: input.timeZone.trim(),
    alwaysOpen: input.alwaysOpen,
    periods: input.periods.map((p) => ({ weekday: p.weekday, start: p.start, end: p.end })),
    holidays: [...new Set(input.holidays ?? preset!.holidays)].sort(),
    workingDays: [...new Set(input.workingDays ?? preset!.workingDays)].sort(),
  };
  checkCalendar(values);
  if (existing) {
    await ctx.manager.update(BusinessCalendar, { id: existing.id }, values);
    await recomputeOpen(ctx, before);
    return { ...existing, ...values };
  }
  const calendar = ctx.manager.create(BusinessCalendar, { tenantId: ctx.tenantId, id: randomUUID(), ...values, createdAt: new Date() });
  await ctx.manager.insert(BusinessCalendar, calendar);
  return calendar;
}

/**
 * Adds the public holidays and transferred working days of the company's
 * country in `year` to a calendar; the dates it already has stay, except that
 * a date the year makes a working day is no longer a holiday, and the reverse.
 */
export async function loadPublicHolidays(ctx: RequestContext, id: string, year: number): Promise<BusinessCalendar> {
  const before = await loadSlaSettings(ctx);
  const existing = await ctx.manager.findOne(BusinessCalendar, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!existing) throw notFound('calendar');
  const days = tenantDays(await tenantOf(ctx), [year]);
  const values = {
    holidays: [...new Set([...existing.holidays.filter((d) => !days.workingDays.includes(d)), ...days.holidays])].sort(),
    workingDays: [...new Set([...existing.workingDays.filter((d) => !days.holidays.includes(d)), ...days.workingDays])].sort(),
  };
  await ctx.manager.update(BusinessCalendar, { id }, values);
  await recomputeOpen(ctx, before);
  return { ...existing, ...values };
}

export async function deleteCalendar(ctx: RequestContext, id: string): Promise<boolean> {
  const [calendar] = await ctx.query('SELECT id FROM business_calendars WHERE id = $1 FOR UPDATE', [id]);
  if (!calendar) throw notFound('calendar');
  const users = await ctx.query<{ name: string }>('SELECT name FROM sla_policies WHERE calendar_id = $1 ORDER BY position', [id]);
  if (users.length) {
    throw new AppError('BAD_USER_INPUT', `the calendar is used by ${users.map((u) => JSON.stringify(u.name)).join(', ')}`, {
      reason: 'IN_USE',
    });
  }
  await ctx.query('DELETE FROM business_calendars WHERE id = $1', [id]);
  return true;
}

/** Policies in matching order: by position, the default last. */
export async function listPolicies(ctx: RequestContext): Promise<SlaPolicyView[]> {
  const policies = await ctx.manager.find(SlaPolicy, { order: { isDefault: 'ASC', position: 'ASC' } });
  return policies.map(policyView);
}

/**
 * Refuses targets shorter than `minSeconds` (SLA_MIN_TARGET_SECONDS): a deadline every few seconds for
 * each complaint is no service level, and would fill the scheduler's passes. Targets saved before the
 * minimum was raised stay until the policy is next saved.
 */
function checkTargets(input: SlaPolicyInput, minSeconds: number): void {
  const short = [
    ...(input.firstResponseSeconds != null && input.firstResponseSeconds < minSeconds ? ['firstResponseSeconds'] : []),
    ...(input.resolutionSeconds != null && input.resolutionSeconds < minSeconds ? ['resolutionSeconds'] : []),
    ...input.stageTargets.filter((t) => t.seconds < minSeconds).map((t) => `stageTargets.${t.stage}`),
  ];
  if (!short.length) return;
  const message = `a target must be at least ${minSeconds} seconds`;
  throw new AppError('BAD_USER_INPUT', `${message}: ${short.join(', ')}`, {
    reason: 'TARGET_TOO_SHORT',
    minSeconds,
    fields: short.map((name) => ({ field: name, messages: [message] })),
  });
}

async function policyValues(ctx: RequestContext, input: SlaPolicyInput, isDefault: boolean, minTargetSeconds: number) {
  checkTargets(input, minTargetSeconds);
  if (isDefault && (input.priorities.length || input.categoryIds.length)) {
    throw badInput(
      'the default policy matches every complaint; it takes no priorities or categories',
      field('priorities', ['must be empty for the default policy']),
    );
  }
  if (!(await ctx.manager.existsBy(BusinessCalendar, { id: input.calendarId }))) throw notFound('calendar');
  for (const id of new Set(input.categoryIds)) await requireCategory(ctx, id);
  const reassign = input.escalation?.reassignToDepartmentId ?? null;
  if (reassign) await requireActiveDepartment(ctx, reassign, 'input.escalation.reassignToDepartmentId');
  const stageSeconds: Record<string, number> = {};
  for (const t of input.stageTargets) {
    if (!OPEN_STAGES.includes(t.stage))
      throw badInput(`${t.stage} is final: no time runs in it`, field('stageTargets', [`${t.stage} is final`]));
    if (stageSeconds[t.stage]) throw badInput(`${t.stage} is given twice`, field('stageTargets', [`${t.stage} is given twice`]));
    stageSeconds[t.stage] = t.seconds;
  }
  return {
    name: input.name.trim(),
    priorities: [...new Set(input.priorities)],
    categoryIds: [...new Set(input.categoryIds)],
    calendarId: input.calendarId,
    warnPercent: input.warnPercent,
    firstResponseSeconds: input.firstResponseSeconds ?? null,
    resolutionSeconds: input.resolutionSeconds ?? null,
    stageSeconds,
    escalation: {
      notifyHead: input.escalation?.notifyHead ?? true,
      raisePriority: input.escalation?.raisePriority ?? false,
      reassignToDepartmentId: reassign,
    },
  };
}

export async function createPolicy(ctx: RequestContext, input: SlaPolicyInput, minTargetSeconds: number): Promise<SlaPolicyView> {
  const before = await loadSlaSettings(ctx);
  const values = await policyValues(ctx, input, false, minTargetSeconds);
  // Serialises concurrent creations, so positions stay distinct.
  await ctx.query('SELECT id FROM sla_policies WHERE is_default FOR UPDATE');
  const [{ next }] = await ctx.query<{ next: number }>(
    'SELECT coalesce(max(position), 0) + 1 AS next FROM sla_policies WHERE NOT is_default',
  );
  const policy = ctx.manager.create(SlaPolicy, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    position: Number(next),
    isDefault: false,
    ...values,
    createdAt: new Date(),
  });
  await ctx.manager.insert(SlaPolicy, policy);
  await recomputeOpen(ctx, before);
  return policyView(policy);
}

export async function updatePolicy(
  ctx: RequestContext,
  id: string,
  input: SlaPolicyInput,
  minTargetSeconds: number,
): Promise<SlaPolicyView> {
  const before = await loadSlaSettings(ctx);
  const existing = await ctx.manager.findOne(SlaPolicy, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!existing) throw notFound('SLA policy');
  const values = await policyValues(ctx, input, existing.isDefault, minTargetSeconds);
  await ctx.manager.update(SlaPolicy, { id }, values);
  await recomputeOpen(ctx, before);
  return policyView({ ...existing, ...values });
}

export async function deletePolicy(ctx: RequestContext, id: string): Promise<boolean> {
  const before = await loadSlaSettings(ctx);
  const existing = await ctx.manager.findOne(SlaPolicy, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!existing) throw notFound('SLA policy');
  if (existing.isDefault)
    throw new AppError('BAD_USER_INPUT', 'the default policy cannot be deleted; change its targets instead', { reason: 'DEFAULT_POLICY' });
  await ctx.manager.delete(SlaPolicy, { id });
  // The open complaints move to another policy; those that ran under this one keep it until then, to be measured on its calendar.
  await recomputeOpen(ctx, before);
  await ctx.query('UPDATE complaints SET sla_policy_id = NULL WHERE sla_policy_id = $1', [id]);
  return true;
}

/** Sets the matching order: `ids` lists every policy but the default, first tried first. */
export async function reorderPolicies(ctx: RequestContext, ids: string[]): Promise<SlaPolicyView[]> {
  const before = await loadSlaSettings(ctx);
  const current = await ctx.manager.find(SlaPolicy, { where: { isDefault: false }, lock: { mode: 'pessimistic_write' } });
  const known = new Set(current.map((p) => p.id));
  if (ids.length !== known.size || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id))) {
    throw badInput('list every policy except the default, each once', field('ids', [`expected the ${known.size} non-default policy ids`]));
  }
  await ctx.query('UPDATE sla_policies p SET position = x.n FROM unnest($1::uuid[]) WITH ORDINALITY AS x (id, n) WHERE p.id = x.id', [ids]);
  await recomputeOpen(ctx, before);
  return listPolicies(ctx);
}

export function listLegalPresets(ctx: RequestContext): Promise<LegalPreset[]> {
  return ctx.manager.find(LegalPreset, { order: { demand: 'ASC' } });
}

export async function setLegalPreset(ctx: RequestContext, input: LegalPresetInput): Promise<LegalPreset> {
  const before = await loadSlaSettings(ctx);
  const preset = {
    tenantId: ctx.tenantId,
    demand: input.demand,
    days: input.days ?? null,
    penaltyPercentPerDay: input.penaltyPercentPerDay,
  };
  await ctx.manager.upsert(LegalPreset, preset, ['tenantId', 'demand']);
  await recomputeOpen(ctx, before);
  return preset;
}

/** Back to the law of the company's country: Russian consumer law (design.md section 6) for RU, no legal deadline elsewhere. */
export async function resetLegalPresets(ctx: RequestContext): Promise<LegalPreset[]> {
  const before = await loadSlaSettings(ctx);
  await ctx.query('SELECT reset_legal_presets()');
  await recomputeOpen(ctx, before);
  return listLegalPresets(ctx);
}

export interface EscalationFilter {
  departmentId?: string | null;
  includeAcknowledged: boolean;
  first: number;
}

/**
 * Breaches that escalated to a department's heads, newest first: a HEAD
 * sees their departments', a QUALITY_MANAGER every department's.
 */
export async function listEscalations(ctx: RequestContext, filter: EscalationFilter): Promise<SlaBreach[]> {
  const actor = ctx.staff;
  if (filter.departmentId) await requireDepartment(ctx, filter.departmentId);
  const overseer = actor.roles.includes(Role.QUALITY_MANAGER);
  const departments = filter.departmentId ? [filter.departmentId] : overseer ? null : actor.departmentIds;
  if (departments && !overseer && departments.some((d) => !actor.departmentIds.includes(d))) {
    throw new AppError('FORBIDDEN', 'escalations of a department go to its heads and to quality managers');
  }
  return ctx.manager
    .createQueryBuilder(SlaBreach, 'b')
    .where("b.kind = 'BREACHED' AND b.escalation ? 'notifiedUserIds'")
    .andWhere(departments ? 'b.department_id = ANY(:departments)' : 'TRUE', { departments })
    .andWhere(filter.includeAcknowledged ? 'TRUE' : 'b.acknowledged_at IS NULL')
    .orderBy('b.fired_at', 'DESC')
    .addOrderBy('b.id', 'DESC')
    .limit(filter.first)
    .getMany();
}

export async function acknowledgeEscalation(ctx: RequestContext, id: string): Promise<SlaBreach> {
  const actor = ctx.staff;
  const breach = await ctx.manager.findOneBy(SlaBreach, { id });
  if (!breach) throw notFound('escalation');
  if (!actor.roles.includes(Role.QUALITY_MANAGER) && !(breach.departmentId && actor.departmentIds.includes(breach.departmentId))) {
    throw new AppError('FORBIDDEN', 'escalations of a department go to its heads and to quality managers');
  }
  if (breach.acknowledgedAt) return breach;
  const now = new Date();
  await ctx.query('UPDATE sla_breaches SET acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1', [id, now, actor.userId]);
  return { ...breach, acknowledgedAt: now, acknowledgedBy: actor.userId };
}
