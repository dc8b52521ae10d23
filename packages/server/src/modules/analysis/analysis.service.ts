/**
 * Effectiveness analysis (docs/api.md#analysis). Every figure is read from
 * what is kept as complaints move — stage visits, clock outcomes and the
 * complaints' own columns — never from the running clocks. Each query runs
 * in the request's transaction under row-level security, scoped by
 * `analysisScope` (HEAD: their departments).
 */
import type { RequestContext } from '../../graphql/context.js';
import { Stage } from '../complaint/complaint.enums.js';
import { Cause, CAUSE_GROUPS, CauseGroup, RejectionReason } from '../cause/cause.entity.js';
import type { SlaTarget } from '../sla/sla-clock.js';
import { badInput } from '../../graphql/errors.js';
import { analysisScope } from './analysis.scope.js';
import {
  ParetoDimension,
  ParetoMeasure,
  RepeatKey,
  type AnalysisFilterInput,
  type CauseEffectBranch,
  type FunnelStage,
  type LegalComplianceRow,
  type Pareto,
  type ParetoBar,
  type Repeats,
  type SatisfactionPoint,
  type SlaComplianceRow,
  type StageDurationRow,
} from './analysis.types.js';

/** The funnel's stages, in lifecycle order. */
const FUNNEL_STAGES: readonly Stage[] = [
  Stage.RECEIVED,
  Stage.REGISTERED,
  Stage.ANALYSIS,
  Stage.DECISION,
  Stage.IMPLEMENTATION,
  Stage.FEEDBACK,
  Stage.CLOSED,
  Stage.REJECTED,
];
const periodKey = (d: Date | null) => (d ? d.getTime() : 0);

/**
 * Complaints received in the period (the cohort), and for each stage how many
 * of them entered it at least once and how many were rejected from it: the
 * complaints' bit sets of stages entered and rejected from (kept by
 * `enterStage`), counted in one pass over the cohort.
 */
export async function funnel(ctx: RequestContext, filter: AnalysisFilterInput): Promise<FunnelStage[]> {
  const s = await analysisScope(ctx, filter);
  const counts = (set: string) =>
    `ARRAY[${FUNNEL_STAGES.map((stage) => `count(*) FILTER (WHERE c.${set} & analysis_stage_bit('${stage}') <> 0)`).join(', ')}]::int[]`;
  const rows = await ctx.query<{ period: Date | null; reason: string | null; entered: number[]; rejected: number[] }>(
    `SELECT ${s.bucket('c.received_at')} AS period, CASE WHEN c.rejected_from <> 0 THEN c.rejection_reason_id END AS reason,
            ${counts('stages_entered')} AS entered, ${counts('rejected_from')} AS rejected
       FROM complaints c
      WHERE c.received_at >= ${s.from} AND c.received_at < ${s.to} AND ${s.where}
      GROUP BY 1, 2`,
    s.params.values,
  );
  const reasons = new Map((await ctx.manager.find(RejectionReason)).map((r) => [r.id, r]));
  const periods = [...new Map(rows.map((r) => [periodKey(r.period), r.period])).values()].sort((a, b) => periodKey(a) - periodKey(b));
  return (periods.length ? periods : [null]).flatMap((period) =>
    FUNNEL_STAGES.map((stage, i) => {
      const mine = rows.filter((r) => periodKey(r.period) === periodKey(period));
      return {
        period,
        stage,
        entered: mine.reduce((n, r) => n + r.entered[i]!, 0),
        rejected: mine.reduce((n, r) => n + r.rejected[i]!, 0),
        rejectedBy: mine
          .filter((r) => r.rejected[i]! > 0)
          .sort((a, b) => b.rejected[i]! - a.rejected[i]!)
          .map((r) => ({ rejectionReason: r.reason ? (reasons.get(r.reason) ?? null) : null, count: r.rejected[i]! })),
      };
    }),
  );
}

/**
 * What a Pareto groups by: the complaints' column (`id`, grouped first, over
 * the receipt index alone), then the key and label of each group (over `g`,
 * joined to the coded table when there is one).
 */
const DIMENSIONS: Record<ParetoDimension, { id: string; key: string; label: string; join: string }> = {
  [ParetoDimension.CAUSE]: { id: 'c.cause_id', key: 'x.id::text', label: 'min(x.code)', join: 'JOIN causes x ON x.id = g.id' },
  [ParetoDimension.CAUSE_GROUP]: {
    id: 'c.cause_id',
    key: 'x.cause_group',
    label: 'min(x.cause_group)',
    join: 'JOIN causes x ON x.id = g.id',
  },
  [ParetoDimension.CATEGORY]: { id: 'c.category_id', key: 'x.id::text', label: 'min(x.name)', join: 'JOIN categories x ON x.id = g.id' },
  [ParetoDimension.PRODUCT]: { id: 'lower(c.product)', key: 'g.id', label: 'min(g.product)', join: '' },
  [ParetoDimension.DEPARTMENT]: {
    id: 'c.department_id',
    key: 'x.id::text',
    label: 'min(x.name)',
    join: 'JOIN departments x ON x.id = g.id',
  },
  [ParetoDimension.REJECTION_REASON]: {
    id: 'c.rejection_reason_id',
    key: 'x.id::text',
    label: 'min(x.code)',
    join: 'JOIN rejection_reasons x ON x.id = g.id',
  },
};

const MEASURES: Record<ParetoMeasure, string> = {
  [ParetoMeasure.COUNT]: '1',
  [ParetoMeasure.REMEDY_AMOUNT]: 'coalesce(c.remedy_amount, 0)',
  [ParetoMeasure.PENALTY]: 'coalesce(lp.penalty, 0)',
};
/** A complaint's statutory penalty: that of its last legal outcome (the amount accrued by its last closing). */
const LAST_PENALTY = `LEFT JOIN (SELECT DISTINCT ON (o.complaint_id) o.complaint_id, o.penalty FROM clock_outcomes o WHERE o.clock = 'LEGAL'
  ORDER BY o.complaint_id, o.ended_at DESC) lp ON lp.complaint_id = c.id`;

/** Complaints received in the period with a value for `by`, grouped by it, largest first, with the cumulative share. */
export async function pareto(
  ctx: RequestContext,
  filter: AnalysisFilterInput,
  by: ParetoDimension,
  measure: ParetoMeasure,
): Promise<Pareto> {
  const s = await analysisScope(ctx, filter);
  const d = DIMENSIONS[by];
  const product = by === ParetoDimension.PRODUCT ? `AND nullif(trim(c.product), '') IS NOT NULL` : '';
  const rows = await ctx.query<{ key: string; label: string; complaints: number; value: number }>(
    `SELECT ${d.key} AS key, ${d.label} AS label, sum(g.complaints)::int AS complaints, sum(g.value)::float8 AS value
       FROM (SELECT ${d.id} AS id, min(c.product) AS product, count(*) FILTER (WHERE ${MEASURES[measure]} > 0) AS complaints,
                    sum(${MEASURES[measure]}) AS value
               FROM complaints c ${measure === ParetoMeasure.PENALTY ? LAST_PENALTY : ''}
              WHERE c.received_at >= ${s.from} AND c.received_at < ${s.to} AND ${s.where} AND ${d.id} IS NOT NULL ${product}
              GROUP BY 1) g ${d.join}
      GROUP BY 1 HAVING sum(g.value) > 0 ORDER BY value DESC, label, key`,
    s.params.values,
  );
  const total = rows.reduce((n, r) => n + r.value, 0);
  const causes = by === ParetoDimension.CAUSE ? new Map((await ctx.manager.find(Cause)).map((c) => [c.id, c])) : null;
  const reasons = by === ParetoDimension.REJECTION_REASON ? new Map((await ctx.manager.find(RejectionReason)).map((r) => [r.id, r])) : null;
  let before = 0;
  const bars = rows.map((r): ParetoBar => {
    const cause = causes?.get(r.key) ?? null;
    const bar = {
      key: r.key,
      label: r.label,
      complaints: r.complaints,
      value: round(r.value),
      share: r.value / total,
      cumulativeShare: (before + r.value) / total,
      vital: before / total < 0.8,
      cause,
      rejectionReason: reasons?.get(r.key) ?? null,
      group: cause?.group ?? (by === ParetoDimension.CAUSE_GROUP ? (r.key as CauseGroup) : null),
    };
    before += r.value;
    return bar;
  });
  return { by, measure, total: round(total), bars };
}

/** Complaints received in the period with a coded cause, on the six bones of the fishbone. */
export async function causeEffect(ctx: RequestContext, filter: AnalysisFilterInput): Promise<CauseEffectBranch[]> {
  const s = await analysisScope(ctx, filter);
  const counts = new Map(
    (
      await ctx.query<{ cause_id: string; n: number }>(
        `SELECT c.cause_id, count(*)::int AS n FROM complaints c
      WHERE c.cause_id IS NOT NULL AND c.received_at >= ${s.from} AND c.received_at < ${s.to} AND ${s.where} GROUP BY 1`,
        s.params.values,
      )
    ).map((r) => [r.cause_id, r.n]),
  );
  const causes = (await ctx.manager.find(Cause, { order: { code: 'ASC' } })).filter((c) => !c.archivedAt || counts.has(c.id));
  return CAUSE_GROUPS.map((group) => {
    const mine = causes
      .filter((c) => c.group === group)
      .map((cause) => ({ cause, count: counts.get(cause.id) ?? 0 }))
      .sort((a, b) => b.count - a.count);
    return { group, count: mine.reduce((n, c) => n + c.count, 0), causes: mine };
  });
}

/** Operational SLA clocks that stopped in the period (clock outcomes), by clock and the complaint's department. */
export async function slaCompliance(ctx: RequestContext, filter: AnalysisFilterInput): Promise<SlaComplianceRow[]> {
  const s = await analysisScope(ctx, filter);
  const rows = await ctx.query<{ period: Date | null; clock: SlaTarget; department_id: string | null; total: number; met: number }>(
    `SELECT ${s.bucket('o.ended_at')} AS period, o.clock, c.department_id, count(*)::int AS total, count(*) FILTER (WHERE o.met)::int AS met
       FROM clock_outcomes o JOIN complaints c ON c.id = o.complaint_id
      WHERE o.clock <> 'LEGAL' AND o.ended_at >= ${s.from} AND o.ended_at < ${s.to} AND ${s.where}
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    s.params.values,
  );
  return rows.map((r) => ({
    period: r.period,
    clock: r.clock,
    departmentId: r.department_id,
    total: r.total,
    met: r.met,
    missed: r.total - r.met,
    compliance: r.met / r.total,
  }));
}

/** Stays in a stage that ended in the period: median and 90th percentile, in working and in calendar time. */
export async function stageDurations(ctx: RequestContext, filter: AnalysisFilterInput): Promise<StageDurationRow[]> {
  const s = await analysisScope(ctx, filter);
  const rows = await ctx.query<StageDurationRow>(
    `SELECT ${s.bucket('v.left_at')} AS period, v.stage, count(*)::int AS visits,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY v.working_ms) / 1000)::float8 AS "medianWorkingSeconds",
            (percentile_cont(0.9) WITHIN GROUP (ORDER BY v.working_ms) / 1000)::float8 AS "p90WorkingSeconds",
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY v.calendar_ms) / 1000)::float8 AS "medianCalendarSeconds",
            (percentile_cont(0.9) WITHIN GROUP (ORDER BY v.calendar_ms) / 1000)::float8 AS "p90CalendarSeconds"
       FROM stage_visits v ${s.filtered ? 'JOIN complaints c ON c.id = v.complaint_id' : ''}
      WHERE v.left_at >= ${s.from} AND v.left_at < ${s.to} AND v.stage NOT IN ('CLOSED', 'REJECTED') AND ${s.where}
      GROUP BY 1, 2`,
    s.params.values,
  );
  return rows.sort((a, b) => periodKey(a.period) - periodKey(b.period) || FUNNEL_STAGES.indexOf(a.stage) - FUNNEL_STAGES.indexOf(b.stage));
}

/** Complaints closed (and still closed) in the period: how many were rated, the average, the share of 4-5. */
export async function satisfactionTrend(ctx: RequestContext, filter: AnalysisFilterInput): Promise<SatisfactionPoint[]> {
  const s = await analysisScope(ctx, filter);
  const rows = await ctx.query<{ period: Date | null; closed: number; rated: number; average: number | null; satisfied: number }>(
    `SELECT ${s.bucket('c.closed_at')} AS period, count(*)::int AS closed, count(c.satisfaction)::int AS rated,
            avg(c.satisfaction)::float8 AS average, count(*) FILTER (WHERE c.satisfaction >= 4)::int AS satisfied
       FROM complaints c
      WHERE c.stage = 'CLOSED' AND c.closed_at >= ${s.from} AND c.closed_at < ${s.to} AND ${s.where}
      GROUP BY 1 ORDER BY 1`,
    s.params.values,
  );
  return rows.map((r) => ({
    period: r.period,
    closed: r.closed,
    rated: r.rated,
    average: r.average === null ? null : round(r.average),
    satisfiedShare: r.rated ? r.satisfied / r.rated : null,
    responseRate: r.closed ? r.rated / r.closed : null,
  }));
}

/** Legal deadlines of complaints closed or rejected in the period: each complaint once, as of its last closing in it. */
export async function legalCompliance(ctx: RequestContext, filter: AnalysisFilterInput): Promise<LegalComplianceRow[]> {
  const s = await analysisScope(ctx, filter);
  return ctx.query<LegalComplianceRow>(
    `SELECT period, count(*)::int AS total, count(*) FILTER (WHERE met)::int AS met, count(*) FILTER (WHERE NOT met)::int AS late,
            coalesce(sum(penalty), 0)::float8 AS "penaltyAccrued"
       FROM (SELECT DISTINCT ON (o.complaint_id) ${s.bucket('o.ended_at')} AS period, o.met, o.penalty
               FROM clock_outcomes o ${s.filtered ? 'JOIN complaints c ON c.id = o.complaint_id' : ''}
              WHERE o.clock = 'LEGAL' AND o.ended_at >= ${s.from} AND o.ended_at < ${s.to} AND ${s.where}
              ORDER BY o.complaint_id, o.ended_at DESC) last
      GROUP BY 1 ORDER BY 1`,
    s.params.values,
  );
}

/**
 * A repeat's key over `complaints c`, and the label of a key `t.key` (looked
 * up for the top keys only). Keys keep their own type (an id compared as
 * text could not use the index under row-level security) and text sorts
 * bytewise: the order within a key does not matter, only the grouping.
 */
const REPEAT_KEYS: Record<RepeatKey, { key: string; label: string }> = {
  [RepeatKey.CUSTOMER]: { key: 'c.customer_id', label: '(SELECT u.name FROM customers u WHERE u.id = t.key)' },
  [RepeatKey.PRODUCT]: { key: `lower(nullif(trim(c.product), '')) COLLATE "C"`, label: 't.product' },
  [RepeatKey.CAUSE]: { key: 'c.cause_id', label: '(SELECT x.code FROM causes x WHERE x.id = t.key)' },
};
const TOP_REPEATS = 20;

/**
 * Complaints received in the period with the key, and those among them that
 * repeat an earlier complaint (same filters, any time up to `withinDays` before).
 */
export async function repeats(ctx: RequestContext, filter: AnalysisFilterInput, by: RepeatKey, withinDays: number): Promise<Repeats> {
  if (!Number.isInteger(withinDays) || withinDays < 1 || withinDays > 730) {
    throw badInput('withinDays must be 1 to 730', { fields: [{ field: 'withinDays', messages: ['must be 1 to 730'] }] });
  }
  const s = await analysisScope(ctx, filter);
  const k = REPEAT_KEYS[by];
  const days = s.params.add(withinDays);
  const rows = await ctx.query<{
    key: string | null;
    label: string | null;
    complaints: number;
    repeats: number;
    all_complaints: number;
    all_repeats: number;
  }>(
    // The complaint just before, by receipt, of the same key: if any earlier one is within the window, that one is.
    // The totals ride on every row; a row with no key carries them when no key repeats.
    `WITH pool AS (
       SELECT c.received_at, ${k.key} AS k, c.product,
              lag(c.received_at) OVER (PARTITION BY ${k.key} ORDER BY c.received_at, c.id) AS previous
         FROM complaints c
        WHERE c.received_at >= ${s.from} - make_interval(days => ${days}) AND c.received_at < ${s.to} AND ${s.where}
     ), per AS (
       SELECT p.k AS key, min(p.product) AS product, count(*)::int AS complaints,
              count(*) FILTER (WHERE p.previous >= p.received_at - make_interval(days => ${days}))::int AS repeats
         FROM pool p WHERE p.k IS NOT NULL AND p.received_at >= ${s.from} GROUP BY p.k
     ), top AS (
       SELECT per.*, sum(complaints) OVER ()::int AS all_complaints, sum(repeats) OVER ()::int AS all_repeats FROM per
        ORDER BY repeats DESC, complaints DESC, key LIMIT ${TOP_REPEATS}
     )
     SELECT t.key::text, ${k.label} AS label, t.complaints, t.repeats, t.all_complaints, t.all_repeats FROM top t
      ORDER BY t.repeats DESC, t.complaints DESC, t.key`,
    s.params.values,
  );
  return {
    by,
    withinDays,
    complaints: rows[0]?.all_complaints ?? 0,
    repeats: rows[0]?.all_repeats ?? 0,
    top: rows
      .filter((r) => r.repeats > 0)
      .map((r) => ({ key: r.key!, complaints: r.complaints, repeats: r.repeats, label: r.label ?? r.key! })),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
