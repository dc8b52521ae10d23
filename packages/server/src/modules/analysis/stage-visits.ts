import type { RequestContext } from '../../graphql/context.js';
import type { Stage } from '../complaint/complaint.enums.js';
import { workingTimeBetween } from '../sla/business-time.js';
import { loadSlaSettings } from '../sla/sla.service.js';
import type { SlaSettings } from '../sla/sla-clock.js';

/**
 * A complaint enters `stage` at `at`: the visit it is in (if any) ends there,
 * with the working time (in the business calendar of the complaint's SLA
 * policy, the default policy's if it has none yet) and the calendar time it
 * lasted, and a new visit begins; the complaint's bit sets of stages entered
 * and rejected from (what the funnel counts) take the stage in the same
 * statement. Called in the transaction of the change.
 */
export async function enterStage(ctx: RequestContext, complaintId: string, stage: Stage, at: Date): Promise<void> {
  const [open] = await ctx.query<{ seq: number; stage: Stage; entered_at: Date; sla_policy_id: string | null }>(
    `SELECT v.seq, v.stage, v.entered_at, c.sla_policy_id FROM stage_visits v JOIN complaints c ON c.id = v.complaint_id
      WHERE v.complaint_id = $1 ORDER BY v.seq DESC LIMIT 1`,
    [complaintId],
  );
  if (open) {
    const from = new Date(open.entered_at);
    const working = workingMs(await loadSlaSettings(ctx), open.sla_policy_id, from, at);
    await ctx.query(
      `UPDATE stage_visits SET left_at = $3, next_stage = $4, working_ms = $5, calendar_ms = greatest(0, $6::bigint)
        WHERE complaint_id = $1 AND seq = $2 AND left_at IS NULL`,
      [complaintId, open.seq, at, stage, working, at.getTime() - from.getTime()],
    );
  }
  await ctx.query(
    `WITH visit AS (INSERT INTO stage_visits (tenant_id, complaint_id, seq, stage, entered_at) VALUES (app_tenant_id(), $1, $2, $3, $4))
     UPDATE complaints SET stages_entered = stages_entered | analysis_stage_bit($3),
            rejected_from = rejected_from | CASE WHEN $3 = 'REJECTED' THEN coalesce(analysis_stage_bit($5), 0) ELSE 0 END
      WHERE id = $1`,
    [complaintId, (open?.seq ?? 0) + 1, stage, at, open?.stage ?? null],
  );
}

/**
 * The working time from `from` to `to` in the business calendar of policy
 * `policyId` (the default policy's when the complaint has none yet); without
 * any calendar, the calendar time (a company open around the clock).
 */
function workingMs(settings: SlaSettings, policyId: string | null, from: Date, to: Date): number {
  const policy = settings.policies.find((p) => p.id === policyId) ?? settings.policies.find((p) => p.isDefault);
  const calendar = policy ? settings.calendars.get(policy.calendarId) : undefined;
  if (!calendar) return Math.max(0, to.getTime() - from.getTime());
  return to > from ? Math.round(workingTimeBetween(calendar, from, to)) : 0;
}

/**
 * Working time of the company's ended visits that have none yet (visits
 * rebuilt from the timeline: the demo data), in the calendar of each
 * complaint's SLA policy, `batch` visits at a time.
 */
export async function fillWorkingTimes(ctx: RequestContext, batch = 1000): Promise<number> {
  const settings = await loadSlaSettings(ctx);
  let filled = 0;
  for (;;) {
    const visits = await ctx.query<{ complaint_id: string; seq: number; entered_at: Date; left_at: Date; sla_policy_id: string | null }>(
      `SELECT v.complaint_id, v.seq, v.entered_at, v.left_at, c.sla_policy_id FROM stage_visits v JOIN complaints c ON c.id = v.complaint_id
        WHERE v.working_ms IS NULL AND v.left_at IS NOT NULL ORDER BY v.complaint_id, v.seq LIMIT $1`,
      [batch],
    );
    if (!visits.length) return filled;
    const rows = visits.map((v) => ({
      complaint_id: v.complaint_id,
      seq: v.seq,
      working_ms: workingMs(settings, v.sla_policy_id, new Date(v.entered_at), new Date(v.left_at)),
    }));
    await ctx.query(
      `UPDATE stage_visits v SET working_ms = x.working_ms FROM jsonb_to_recordset($1::jsonb) AS x (complaint_id uuid, seq int, working_ms bigint)
        WHERE v.complaint_id = x.complaint_id AND v.seq = x.seq`,
      [JSON.stringify(rows)],
    );
    filled += rows.length;
  }
}
