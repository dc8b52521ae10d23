import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { ActorKind, OPEN_STAGES, type Stage } from '../complaint/complaint.enums.js';
import { appendTimeline } from '../complaint/timeline.js';
import { notifyReassigned, notifyStaff } from '../mail/staff-notifications.js';
import { NotificationEvent } from '../mail/notification-texts.js';
import { BusinessCalendar, calendarRules } from './business-calendar.entity.js';
import { LegalPreset } from './legal-preset.entity.js';
import { SlaPolicy } from './sla-policy.entity.js';
import type { EscalationOutcome } from './sla-breach.entity.js';
import {
  dueSteps,
  legalFor,
  planClocks,
  raisedPriority,
  stoppedClocks,
  summarize,
  SlaTarget,
  type ClockOutcome,
  type ClockRow,
  type ClockSubject,
  type EscalationRule,
  type PolicyRules,
  type RanOn,
  type SlaSettings,
} from './sla-clock.js';
import { clockOf } from './sla.enums.js';

const settingsCache = new WeakMap<RequestContext, Promise<SlaSettings>>();

/** The tenant's policies (in matching order), calendars and legal presets; read once per transaction. */
export function loadSlaSettings(ctx: RequestContext): Promise<SlaSettings> {
  let settings = settingsCache.get(ctx);
  if (!settings) {
    settings = readSettings(ctx);
    settingsCache.set(ctx, settings);
  }
  return settings;
}

/** After a change to the settings in this transaction. */
export function forgetSlaSettings(ctx: RequestContext): void {
  settingsCache.delete(ctx);
}

async function readSettings(ctx: RequestContext): Promise<SlaSettings> {
  // One after another: the statements of a transaction share its connection.
  const policies = await ctx.manager.find(SlaPolicy, { order: { isDefault: 'ASC', position: 'ASC' } });
  const calendars = await ctx.manager.find(BusinessCalendar);
  const presets = await ctx.manager.find(LegalPreset);
  const [tenant] = await ctx.query<{ time_zone: string; country: string }>(
    'SELECT time_zone, country FROM tenants WHERE id = app_tenant_id()',
  );
  return {
    policies: policies.map(policyRules),
    calendars: new Map(calendars.map((c) => [c.id, calendarRules(c)])),
    legal: new Map(presets.map((p) => [p.demand, { days: p.days, penaltyPercentPerDay: p.penaltyPercentPerDay }])),
    timeZone: tenant?.time_zone ?? 'Europe/Moscow',
    country: tenant?.country ?? 'RU',
  };
}

export const policyRules = (p: SlaPolicy): PolicyRules => ({
  id: p.id,
  isDefault: p.isDefault,
  priorities: p.priorities,
  categoryIds: p.categoryIds,
  calendarId: p.calendarId,
  warnPercent: p.warnPercent,
  firstResponseSeconds: p.firstResponseSeconds,
  resolutionSeconds: p.resolutionSeconds,
  stageSeconds: p.stageSeconds,
  escalation: p.escalation,
});

export interface DeadlineRecord {
  complaint_id: string;
  clock: SlaTarget;
  stage: Stage | null;
  started_at: Date;
  budget_ms: string | null;
  consumed_ms: string;
  running_since: Date | null;
  warn_at: Date | null;
  due_at: Date | null;
  warned_at: Date | null;
  breached_at: Date | null;
}

export const clockRow = (d: DeadlineRecord): ClockRow => ({
  clock: d.clock,
  stage: d.stage,
  startedAt: d.started_at,
  budgetMs: d.budget_ms === null ? null : Number(d.budget_ms),
  consumedMs: Number(d.consumed_ms),
  runningSince: d.running_since,
  warnAt: d.warn_at,
  dueAt: d.due_at,
  warnedAt: d.warned_at,
  breachedAt: d.breached_at,
});

interface SubjectRecord {
  id: string;
  stage: Stage;
  priority: string;
  category_id: string | null;
  demand: string | null;
  received_at: Date;
  stage_entered_at: Date;
  first_responded_at: Date | null;
  awaiting_customer_since: Date | null;
  product_price: string | null;
  sla_policy_id: string | null;
}

const SUBJECT_COLUMNS =
  'id, stage, priority, category_id, demand, received_at, stage_entered_at, first_responded_at, awaiting_customer_since, product_price, sla_policy_id';
const subject = (c: SubjectRecord): ClockSubject => ({
  stage: c.stage,
  priority: c.priority,
  categoryId: c.category_id,
  demand: c.demand,
  receivedAt: c.received_at,
  stageEnteredAt: c.stage_entered_at,
  firstRespondedAt: c.first_responded_at,
  awaitingCustomerSince: c.awaiting_customer_since,
});

export interface SyncOptions {
  /** The instant to compute the clocks at: now, unless the scheduler replays the past (see `fireDueClocks`). */
  now?: Date;
  /**
   * The settings the clocks ran under until now, when this transaction has just changed them (read before the
   * change): a clock the change stops is measured on the calendar and presets it ran under. The current ones otherwise.
   */
  ranUnder?: SlaSettings;
}

/** The calendar of the policy a complaint's clocks ran under, if that policy is among `settings`. */
function calendarOfPolicy(settings: SlaSettings, policyId: string | null): RanOn | undefined {
  const policy = policyId ? settings.policies.find((p) => p.id === policyId) : undefined;
  const calendar = policy ? settings.calendars.get(policy.calendarId) : undefined;
  return policy && calendar ? { calendarId: policy.calendarId, calendar } : undefined;
}

/**
 * Brings the clocks of `complaintIds` in line with each complaint as it is
 * now in this transaction (its stage, priority, category, demand, pause) and
 * with the tenant's settings: opens, moves, pauses, resumes and closes
 * clocks, and updates the complaints' `slaDueAt`, `slaState`, `legalDueAt`.
 * Call it after every change that can affect them, in the same transaction.
 */
export async function syncSla(ctx: RequestContext, complaintIds: readonly string[], options: SyncOptions = {}): Promise<void> {
  if (!complaintIds.length) return;
  const ids = [...new Set(complaintIds)];
  const settings = await loadSlaSettings(ctx);
  const complaints = await ctx.query<SubjectRecord>(`SELECT ${SUBJECT_COLUMNS} FROM complaints WHERE id = ANY($1::uuid[])`, [ids]);
  // Locked: a scheduler firing one of these clocks right now finishes first, and its marks are read here.
  const existing = await ctx.query<DeadlineRecord>('SELECT * FROM sla_deadlines WHERE complaint_id = ANY($1::uuid[]) FOR UPDATE', [ids]);
  const now = options.now ?? new Date();
  const rows: Array<ClockRow & { complaintId: string }> = [];
  const summaries: Array<Record<string, unknown>> = [];
  const outcomes: Array<ClockOutcome & { complaintId: string }> = [];
  for (const c of complaints) {
    const mine = existing.filter((d) => d.complaint_id === c.id).map(clockRow);
    // Clocks are measured as they ran: on their policy's calendar up to now (the new policy's only when that one is unknown).
    const ranUnder = options.ranUnder ?? settings;
    const ranOn = calendarOfPolicy(ranUnder, c.sla_policy_id);
    const plan = planClocks(subject(c), mine, settings, now, ranOn);
    rows.push(...plan.rows.map((r) => ({ ...r, complaintId: c.id })));
    const calendar = ranOn?.calendar ?? (plan.policy ? settings.calendars.get(plan.policy.calendarId) : undefined);
    const legal = {
      price: c.product_price === null ? null : Number(c.product_price),
      percentPerDay: (c.demand && ranUnder.legal.get(c.demand)?.penaltyPercentPerDay) || 0,
    };
    outcomes.push(...stoppedClocks(mine, plan.rows, calendar, now, legal).map((o) => ({ ...o, complaintId: c.id })));
    const { slaDueAt, slaState } = summarize(plan.rows, c.awaiting_customer_since !== null);
    summaries.push({
      id: c.id,
      sla_due_at: slaDueAt,
      sla_state: slaState,
      legal_due_at: plan.legalDueAt,
      policy_id: plan.policy?.id ?? null,
    });
  }
  await ctx.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (complaint_id uuid, clock text, stage text, started_at timestamptz,
         budget_ms bigint, consumed_ms bigint, running_since timestamptz, warn_at timestamptz, due_at timestamptz,
         warned_at timestamptz, breached_at timestamptz)
     ), gone AS (
       DELETE FROM sla_deadlines d WHERE d.complaint_id = ANY($2::uuid[])
          AND NOT EXISTS (SELECT 1 FROM input i WHERE i.complaint_id = d.complaint_id AND i.clock = d.clock)
     )
     INSERT INTO sla_deadlines (tenant_id, complaint_id, clock, stage, started_at, budget_ms, consumed_ms, running_since,
                                warn_at, due_at, warned_at, breached_at)
     SELECT app_tenant_id(), complaint_id, clock, stage, started_at, budget_ms, consumed_ms, running_since,
            warn_at, due_at, warned_at, breached_at FROM input
     ON CONFLICT (tenant_id, complaint_id, clock) DO UPDATE SET stage = excluded.stage, started_at = excluded.started_at,
       budget_ms = excluded.budget_ms, consumed_ms = excluded.consumed_ms, running_since = excluded.running_since,
       warn_at = excluded.warn_at, due_at = excluded.due_at, warned_at = excluded.warned_at, breached_at = excluded.breached_at`,
    [JSON.stringify(rows.map(record)), ids],
  );
  await writeSummaries(ctx, summaries);
  await insertOutcomes(ctx, outcomes);
  const next = Math.min(...rows.map(nextFire).filter((t): t is number => t !== null));
  if (Number.isFinite(next)) ctx.deadlineWritten(next);
}

/** When the scheduler should next look at a clock (as the database's `next_fire_at` computes it). */
function nextFire(r: ClockRow): number | null {
  if (!r.dueAt || r.breachedAt) return null;
  return (!r.warnedAt && r.warnAt && r.warnAt < r.dueAt ? r.warnAt : r.dueAt).getTime();
}

function record(r: ClockRow & { complaintId: string }) {
  return {
    complaint_id: r.complaintId,
    clock: r.clock,
    stage: r.stage,
    started_at: r.startedAt,
    budget_ms: r.budgetMs,
    consumed_ms: Math.round(r.consumedMs),
    running_since: r.runningSince,
    warn_at: r.warnAt,
    due_at: r.dueAt,
    warned_at: r.warnedAt,
    breached_at: r.breachedAt,
  };
}

/** Kept for analysis: how each stopped clock ended (docs/api.md#analysis). */
async function insertOutcomes(ctx: RequestContext, outcomes: Array<ClockOutcome & { complaintId: string }>): Promise<void> {
  if (!outcomes.length) return;
  await ctx.query(
    `INSERT INTO clock_outcomes (tenant_id, id, complaint_id, clock, stage, started_at, ended_at, budget_ms, consumed_ms, due_at, breached_at, met, penalty)
     SELECT app_tenant_id(), gen_random_uuid(), x.* FROM jsonb_to_recordset($1::jsonb) AS x (complaint_id uuid, clock text, stage text,
       started_at timestamptz, ended_at timestamptz, budget_ms bigint, consumed_ms bigint, due_at timestamptz, breached_at timestamptz,
       met boolean, penalty numeric)`,
    [
      JSON.stringify(
        outcomes.map((o) => ({
          complaint_id: o.complaintId,
          clock: o.clock,
          stage: o.stage,
          started_at: o.startedAt,
          ended_at: o.endedAt,
          budget_ms: o.budgetMs,
          consumed_ms: o.consumedMs,
          due_at: o.dueAt,
          breached_at: o.breachedAt,
          met: o.met,
          penalty: o.penalty,
        })),
      ),
    ],
  );
}

async function writeSummaries(ctx: RequestContext, summaries: Array<Record<string, unknown>>): Promise<void> {
  await ctx.query(
    `UPDATE complaints c SET sla_due_at = x.sla_due_at, sla_state = x.sla_state, legal_due_at = x.legal_due_at,
            sla_policy_id = coalesce(x.policy_id, c.sla_policy_id)
       FROM jsonb_to_recordset($1::jsonb) AS x (id uuid, sla_due_at timestamptz, sla_state text, legal_due_at timestamptz, policy_id uuid)
      WHERE c.id = x.id`,
    [JSON.stringify(summaries)],
  );
}

async function insertBreaches(ctx: RequestContext, rows: Array<Record<string, unknown>>): Promise<void> {
  await ctx.query(
    `INSERT INTO sla_breaches (tenant_id, id, complaint_id, clock, stage, kind, due_at, fired_at, department_id, escalation)
     SELECT app_tenant_id(), x.id, x.complaint_id, x.clock, coalesce(x.stage, c.stage), x.kind, x.due_at, x.fired_at,
            coalesce(x.department_id, c.department_id), coalesce(x.escalation, '{}')
       FROM jsonb_to_recordset($1::jsonb) AS x (id uuid, complaint_id uuid, clock text, stage text, kind text, due_at timestamptz,
              fired_at timestamptz, department_id uuid, escalation jsonb)
       JOIN complaints c ON c.id = x.complaint_id`,
    [JSON.stringify(rows)],
  );
}

interface ClaimedRecord extends DeadlineRecord {
  now: Date;
}

export interface FireOptions {
  /**
   * Fire as of this past instant instead of now: the clocks due by then, each
   * step at that instant (timeline, history, escalation). Only for replaying
   * the past over data written without the scheduler (the demo data).
   */
  asOf?: Date;
}

interface LockedComplaint {
  id: string;
  stage: Stage;
  demand: string | null;
  department_id: string | null;
  assignee_id: string | null;
  priority: string;
  sla_policy_id: string | null;
}

/**
 * Fires up to `limit` due clocks of the context's tenant: claims them with
 * FOR UPDATE SKIP LOCKED (a clock another node is firing is skipped, so
 * each warning and breach fires once), and for each writes the mark, the
 * history row, the timeline entry and its outbox event, and the escalation,
 * all in the caller's transaction. Returns how many clocks it claimed.
 *
 * A complaint that a user's transaction holds is skipped (SKIP LOCKED on
 * the complaint too), so the scheduler never waits on a lock and never
 * deadlocks with a user; that transaction recomputes the clocks itself,
 * or the next pass fires them.
 */
export async function fireDueClocks(ctx: RequestContext, limit: number, options: FireOptions = {}): Promise<number> {
  // "(SELECT ...)" is evaluated once (an init plan), so the range uses the index; a bare volatile call would not.
  const claimed = await ctx.query<ClaimedRecord>(
    `SELECT d.*, coalesce($2::timestamptz, clock_timestamp()) AS now FROM sla_deadlines d
      WHERE d.next_fire_at <= (SELECT coalesce($2::timestamptz, clock_timestamp())) ORDER BY d.next_fire_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit, options.asOf ?? null],
  );
  const at = options.asOf;
  if (!claimed.length) return 0;
  const ids = [...new Set(claimed.map((d) => d.complaint_id))];
  const complaints = new Map(
    (
      await ctx.query<LockedComplaint>(
        'SELECT id, stage, demand, department_id, assignee_id, priority, sla_policy_id FROM complaints WHERE id = ANY($1::uuid[]) FOR UPDATE SKIP LOCKED',
        [ids],
      )
    ).map((c) => [c.id, c]),
  );
  const touched = new Set<string>();
  const history: Array<Record<string, unknown>> = [];
  for (const d of claimed) {
    const c = complaints.get(d.complaint_id);
    if (!c) continue;
    // An escalation earlier in this pass may have recomputed this complaint's clocks: read this one again.
    const current = touched.has(c.id)
      ? (await ctx.query<DeadlineRecord>('SELECT * FROM sla_deadlines WHERE complaint_id = $1 AND clock = $2', [c.id, d.clock]))[0]
      : d;
    if (!current) continue;
    const row = clockRow(current);
    const steps = dueSteps(row, d.now);
    if (!steps.length) continue;
    // A legal deadline computed under other rules (stored before the days off in Russia moved last days, or before
    // a release changed those days) is recomputed instead of fired; the next pass fires it if it is still due.
    if (
      row.clock === SlaTarget.LEGAL &&
      !sameInstant(legalFor({ demand: c.demand, receivedAt: row.startedAt }, await loadSlaSettings(ctx)), row.dueAt)
    ) {
      await syncSla(ctx, [c.id], { now: d.now });
      touched.add(c.id);
      continue;
    }
    touched.add(c.id);
    await ctx.query(
      `UPDATE sla_deadlines SET warned_at = CASE WHEN $3 THEN coalesce(warned_at, $5) ELSE warned_at END,
              breached_at = CASE WHEN $4 THEN $5 ELSE breached_at END
        WHERE complaint_id = $1 AND clock = $2`,
      [c.id, row.clock, steps.includes('AT_RISK'), steps.includes('BREACHED'), d.now],
    );
    for (const kind of steps) {
      const breachId = randomUUID();
      await appendTimeline(
        ctx,
        {
          complaintId: c.id,
          type: `SLA_${kind}`,
          data: { clock: row.clock, stage: c.stage, dueAt: row.dueAt!.toISOString(), breachId },
          detail: { clock: clockOf(row.clock), target: row.clock, dueAt: row.dueAt!.toISOString(), breachId },
          at,
        },
        ActorKind.SYSTEM,
      );
      // The department's heads and quality managers and the assignee, as they opted in; once per clock, stage and state.
      await notifyStaff(ctx, c.id, NotificationEvent.STAFF_SLA, {
        sla: { clock: row.clock, stage: c.stage, state: kind, dueAt: row.dueAt!, departmentId: c.department_id, assigneeId: c.assignee_id },
      });
      const escalation = kind === 'BREACHED' ? await escalate(ctx, c, row.clock, at) : {};
      history.push({
        id: breachId,
        complaint_id: c.id,
        clock: row.clock,
        stage: c.stage,
        kind,
        due_at: row.dueAt,
        fired_at: d.now,
        department_id: c.department_id,
        escalation,
      });
      // The department that breached is recorded; an escalation may have moved the complaint since.
      if (escalation.reassignedToDepartmentId) Object.assign(c, { department_id: escalation.reassignedToDepartmentId, assignee_id: null });
    }
  }
  if (history.length) await insertBreaches(ctx, history);
  await refreshSummaries(ctx, [...touched]);
  return claimed.length;
}

const sameInstant = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** Recomputes the summary columns from the clocks as they are (after firing). */
async function refreshSummaries(ctx: RequestContext, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const deadlines = await ctx.query<DeadlineRecord>('SELECT * FROM sla_deadlines WHERE complaint_id = ANY($1::uuid[])', [ids]);
  const paused = await ctx.query<{ id: string; legal_due_at: Date | null; sla_policy_id: string | null; paused: boolean }>(
    'SELECT id, legal_due_at, sla_policy_id, awaiting_customer_since IS NOT NULL AS paused FROM complaints WHERE id = ANY($1::uuid[])',
    [ids],
  );
  await writeSummaries(
    ctx,
    paused.map((c) => ({
      id: c.id,
      legal_due_at: c.legal_due_at,
      policy_id: c.sla_policy_id,
      ...toColumns(summarize(deadlines.filter((d) => d.complaint_id === c.id).map(clockRow), c.paused)),
    })),
  );
}

const toColumns = (s: ReturnType<typeof summarize>) => ({ sla_due_at: s.slaDueAt, sla_state: s.slaState });

/**
 * What the complaint's policy says a breach sets off: the department's heads
 * are notified (the breach lists them; they see it in `escalations`), the
 * priority goes up a step (and the clocks are recomputed), the complaint
 * moves to another department. Each action has its timeline entry.
 */
async function escalate(ctx: RequestContext, c: LockedComplaint, clock: SlaTarget, at: Date | undefined): Promise<EscalationOutcome> {
  const policy = (await loadSlaSettings(ctx)).policies.find((p) => p.id === c.sla_policy_id);
  const rule: EscalationRule = policy?.escalation ?? {};
  const outcome: EscalationOutcome = {};
  if (rule.notifyHead && c.department_id) {
    const heads = await ctx.query<{ id: string }>(
      `SELECT u.id FROM users u JOIN user_departments ud ON ud.user_id = u.id
        WHERE ud.department_id = $1 AND 'HEAD' = ANY (u.roles) AND u.active ORDER BY u.id`,
      [c.department_id],
    );
    outcome.notifiedUserIds = heads.map((h) => h.id);
  }
  const raised = rule.raisePriority ? raisedPriority(c.priority) : null;
  if (raised) {
    await ctx.query('UPDATE complaints SET priority = $2, version = version + 1, updated_at = coalesce($3, now()) WHERE id = $1', [
      c.id,
      raised,
      at ?? null,
    ]);
    await appendTimeline(
      ctx,
      {
        complaintId: c.id,
        type: 'PRIORITY_CHANGED',
        data: { from: c.priority, to: raised, reason: 'SLA_ESCALATION', clock },
        at,
      },
      ActorKind.SYSTEM,
    );
    outcome.priorityRaisedTo = raised as EscalationOutcome['priorityRaisedTo'];
    c.priority = raised;
  }
  const target = rule.reassignToDepartmentId;
  if (target && target !== c.department_id && OPEN_STAGES.includes(c.stage)) {
    const [exists] = await ctx.query('SELECT 1 FROM departments WHERE id = $1', [target]);
    if (exists) {
      const [before] = await ctx.query<{ assignee_id: string | null }>('SELECT assignee_id FROM complaints WHERE id = $1', [c.id]);
      await ctx.query(
        'UPDATE complaints SET department_id = $2, assignee_id = NULL, version = version + 1, updated_at = coalesce($3, now()) WHERE id = $1',
        [c.id, target, at ?? null],
      );
      await appendTimeline(
        ctx,
        {
          complaintId: c.id,
          type: 'ASSIGNED',
          previousDepartmentId: c.department_id,
          at,
          data: {
            departmentId: target,
            assigneeId: null,
            previousDepartmentId: c.department_id,
            previousAssigneeId: before?.assignee_id ?? null,
            reason: 'SLA_ESCALATION',
          },
        },
        ActorKind.SYSTEM,
      );
      await notifyReassigned(ctx, c.id, {
        assigneeId: null,
        previousAssigneeId: before?.assignee_id ?? null,
        departmentId: target,
        previousDepartmentId: c.department_id,
      });
      outcome.reassignedToDepartmentId = target;
    }
  }
  if (Object.keys(outcome).length) {
    await appendTimeline(ctx, { complaintId: c.id, type: 'ESCALATED', data: { clock, ...outcome }, at }, ActorKind.SYSTEM);
  }
  if (raised) await syncSla(ctx, [c.id], { now: at });
  return outcome;
}
