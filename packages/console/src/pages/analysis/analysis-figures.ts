import type { RouteLocationRaw } from 'vue-router';
import type {
  AnalysisGrouping,
  AnalysisOverviewQuery,
  AnalysisParetoQuery,
  AnalysisSurveysQuery,
  SurveyBreakdown,
  AnalysisRepeatsQuery,
  AnalysisTimesQuery,
  CauseGroup,
  CodedCauseFragment,
  CodedReasonFragment,
  SlaTarget,
} from '@reclaim/client/staff';
import { ALL_STAGES } from '@reclaim/client/staff';
import { CAUSE_GROUPS } from '../../components/use-coded-names.js';
import { escapeHtml, fishboneOption, funnelOption, paretoOption, seriesOption, type ChartOption } from './charts.js';

/**
 * Each chart of the Analysis page with its table: the same figures drawn and
 * listed (the table is what a screen reader or keyboard user reads, and what
 * a reader copies). Texts come translated, numbers and dates formatted in the
 * company's locale and time zone.
 */
export interface Cell {
  text: string;
  to?: RouteLocationRaw | null;
}
export interface Column {
  key: string;
  label: string;
  numeric?: boolean;
}
export interface Table {
  columns: Column[];
  rows: { key: string; cells: Record<string, Cell> }[];
}
export interface Figure {
  option: ChartOption;
  table: Table;
  empty: boolean;
}

export interface Words {
  t(key: string, values?: Record<string, unknown>): string;
  count(n: number): string;
  /** A share (0 to 1) as a percentage. */
  percent(share: number | null): string;
  money(amount: number): string;
  rating(value: number | null): string;
  duration(seconds: number | null): string;
  /** The start of a week or month (an instant), as that period's name. */
  period(iso: string | null, grouping: AnalysisGrouping): string;
  /** A coded cause's or reason's name in the reader's language (without its code). */
  causeName(cause: Pick<CodedCauseFragment, 'nameRu' | 'nameEn'>): string;
  reasonName(reason: CodedReasonFragment | null): string;
  departmentName(id: string | null): string;
}

const text = (value: string, to?: RouteLocationRaw | null): Cell => ({ text: value, ...(to && { to }) });
const OPERATIONAL_CLOCKS: readonly SlaTarget[] = ['FIRST_RESPONSE', 'STAGE', 'RESOLUTION'];

type Reason = CodedReasonFragment | null;

/**
 * The funnel over the whole period: a series split by week or month adds up
 * (each complaint belongs to the period it was received in), reasons too.
 */
export function funnelTotals(funnel: AnalysisOverviewQuery['funnel']) {
  return ALL_STAGES.map((stage) => {
    const rows = funnel.filter((f) => f.stage === stage);
    const reasons = new Map<string, { rejectionReason: Reason; count: number }>();
    for (const r of rows.flatMap((f) => f.rejectedBy)) {
      const key = r.rejectionReason?.id ?? '';
      reasons.set(key, { rejectionReason: r.rejectionReason, count: (reasons.get(key)?.count ?? 0) + r.count });
    }
    return {
      stage,
      entered: rows.reduce((n, f) => n + f.entered, 0),
      rejected: rows.reduce((n, f) => n + f.rejected, 0),
      rejectedBy: [...reasons.values()].sort((a, b) => b.count - a.count),
    };
  });
}

export function funnelFigure(funnel: AnalysisOverviewQuery['funnel'], w: Words): Figure {
  const stages = funnelTotals(funnel);
  const reasons = (s: (typeof stages)[number]) =>
    s.rejectedBy.map((r) => `${w.reasonName(r.rejectionReason)}: ${w.count(r.count)}`).join('; ');
  const flow = stages.filter((s) => s.stage !== 'REJECTED');
  const option = funnelOption(
    flow.map((s) => {
      const label = `${w.t(`stage.${s.stage}`)}: ${w.count(s.entered)}`;
      // The tooltip is HTML: reasons' names (typed by people) are escaped.
      const rejected = s.rejected
        ? `<br>${escapeHtml(`${w.t('analysis.rejectedHere', { n: w.count(s.rejected) })}${reasons(s) ? ` — ${reasons(s)}` : ''}`)}`
        : '';
      return { name: s.stage, value: s.entered, label, tooltip: `${escapeHtml(label)}${rejected}` };
    }),
  );
  return {
    option,
    empty: stages.every((s) => s.entered === 0),
    table: {
      columns: [
        { key: 'stage', label: w.t('analysis.stage') },
        { key: 'entered', label: w.t('analysis.entered'), numeric: true },
        { key: 'rejected', label: w.t('analysis.rejected'), numeric: true },
        { key: 'reasons', label: w.t('analysis.reasons') },
      ],
      rows: stages.map((s) => ({
        key: s.stage,
        cells: {
          stage: text(w.t(`stage.${s.stage}`)),
          entered: text(w.count(s.entered)),
          rejected: text(w.count(s.rejected)),
          reasons: text(reasons(s) || '—'),
        },
      })),
    },
  };
}

type Bar = AnalysisParetoQuery['pareto']['bars'][number];

/** A Pareto bar's full name (its table row, its tooltip): the cause's code and name, the group's or reason's name, else the server's label. */
export function barName(bar: Bar, w: Words): string {
  if (bar.cause) return `${bar.cause.code} — ${w.causeName(bar.cause)}`;
  if (bar.rejectionReason) return w.reasonName(bar.rejectionReason);
  if (bar.group) return w.t(`causeGroup.${bar.group}`);
  return bar.label;
}

/** A Pareto bar's name under the axis, where room is short: a cause's or reason's name without its code. */
export function barShortName(bar: Bar, w: Words): string {
  if (bar.cause) return w.causeName(bar.cause);
  if (bar.rejectionReason) return w.causeName(bar.rejectionReason);
  return barName(bar, w);
}

export function paretoFigure(pareto: AnalysisParetoQuery['pareto'], w: Words, linkOf: (key: string) => RouteLocationRaw | null): Figure {
  const value = pareto.measure === 'COUNT' ? w.count : w.money;
  const names = pareto.bars.map((b) => barName(b, w));
  const option = paretoOption({
    names: pareto.bars.map((b) => barShortName(b, w)),
    titles: names,
    values: pareto.bars.map((b) => b.value),
    cumulative: pareto.bars.map((b) => Math.round(b.cumulativeShare * 1000) / 10),
    vital: pareto.bars.map((b) => b.vital),
    valueLabel: w.t(`analysis.measure.${pareto.measure}`),
    cumulativeLabel: w.t('analysis.cumulative'),
    markLabel: '80 %',
    format: value,
  });
  return {
    option,
    empty: pareto.bars.length === 0,
    table: {
      columns: [
        { key: 'name', label: w.t(`analysis.dimension.${pareto.by}`) },
        { key: 'complaints', label: w.t('analysis.complaints'), numeric: true },
        { key: 'value', label: w.t(`analysis.measure.${pareto.measure}`), numeric: true },
        { key: 'share', label: w.t('analysis.share'), numeric: true },
        { key: 'cumulative', label: w.t('analysis.cumulative'), numeric: true },
        { key: 'vital', label: w.t('analysis.vital') },
      ],
      rows: pareto.bars.map((b, i) => ({
        key: b.key,
        cells: {
          name: text(names[i]!, linkOf(b.key)),
          complaints: text(w.count(b.complaints)),
          value: text(value(b.value)),
          share: text(w.percent(b.share)),
          cumulative: text(w.percent(b.cumulativeShare)),
          vital: text(b.vital ? w.t('analysis.yes') : ''),
        },
      })),
    },
  };
}

/** `name` cut to `max` characters with an ellipsis: the fishbone's ribs have little room; the table beside it names them whole. */
export function shorten(name: string, max: number): string {
  const chars = [...name.trim()];
  return chars.length <= max
    ? chars.join('')
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

export function fishboneFigure(branches: AnalysisOverviewQuery['causeEffect'], w: Words): Figure {
  const byGroup = new Map(branches.map((b) => [b.group, b]));
  const ordered = CAUSE_GROUPS.map((group: CauseGroup) => byGroup.get(group) ?? { group, count: 0, causes: [] });
  const total = ordered.reduce((n, b) => n + b.count, 0);
  const option = fishboneOption(
    w.t('analysis.effect', { n: w.count(total) }),
    ordered.map((b) => ({
      name: b.group,
      label: `${w.t(`causeGroup.${b.group}`)} (${w.count(b.count)})`,
      causes: b.causes.filter((c) => c.count > 0).map((c) => ({ label: `${shorten(w.causeName(c.cause), 28)} (${w.count(c.count)})` })),
    })),
    (n) => w.t('analysis.moreCauses', { n }),
  );
  return {
    option,
    empty: total === 0,
    table: {
      columns: [
        { key: 'group', label: w.t('analysis.group') },
        { key: 'cause', label: w.t('analysis.cause') },
        { key: 'count', label: w.t('analysis.complaints'), numeric: true },
      ],
      rows: ordered.flatMap((b) => [
        {
          key: b.group,
          cells: { group: text(w.t(`causeGroup.${b.group}`)), cause: text(w.t('analysis.allCauses')), count: text(w.count(b.count)) },
        },
        ...b.causes
          .filter((c) => c.count > 0)
          .map((c) => ({
            key: c.cause.id,
            cells: {
              group: text(w.t(`causeGroup.${b.group}`)),
              cause: text(`${c.cause.code} — ${w.causeName(c.cause)}`),
              count: text(w.count(c.count)),
            },
          })),
      ]),
    },
  };
}

export function slaFigure(rows: AnalysisTimesQuery['slaCompliance'], w: Words): Figure {
  const clocks = OPERATIONAL_CLOCKS.filter((c) => rows.some((r) => r.clock === c));
  const departments = [...new Set(rows.map((r) => r.departmentId))];
  const option = seriesOption(
    clocks.map((c) => w.t(`slaPanel.${c}`)),
    departments.map((d) => ({
      name: w.departmentName(d),
      kind: 'bar' as const,
      values: clocks.map((c) => {
        const row = rows.find((r) => r.clock === c && r.departmentId === d);
        return row ? Math.round(row.compliance * 1000) / 10 : null;
      }),
    })),
    [{ format: (v) => `${v} %` }],
  );
  return {
    option,
    empty: rows.length === 0,
    table: {
      columns: [
        { key: 'clock', label: w.t('analysis.clock') },
        { key: 'department', label: w.t('analysis.department') },
        { key: 'total', label: w.t('analysis.stopped'), numeric: true },
        { key: 'met', label: w.t('analysis.met'), numeric: true },
        { key: 'missed', label: w.t('analysis.missed'), numeric: true },
        { key: 'compliance', label: w.t('analysis.compliance'), numeric: true },
      ],
      rows: rows.map((r) => ({
        key: `${r.clock}-${r.departmentId ?? ''}`,
        cells: {
          clock: text(w.t(`slaPanel.${r.clock}`)),
          department: text(w.departmentName(r.departmentId)),
          total: text(w.count(r.total)),
          met: text(w.count(r.met)),
          missed: text(w.count(r.missed)),
          compliance: text(w.percent(r.compliance)),
        },
      })),
    },
  };
}

export function durationsFigure(rows: AnalysisTimesQuery['stageDurations'], time: 'WORKING' | 'CALENDAR', w: Words): Figure {
  const stages = ALL_STAGES.filter((s) => rows.some((r) => r.stage === s));
  const row = (s: string) => rows.find((r) => r.stage === s)!;
  const median = (r: (typeof rows)[number]) => (time === 'WORKING' ? r.medianWorkingSeconds : r.medianCalendarSeconds);
  const p90 = (r: (typeof rows)[number]) => (time === 'WORKING' ? r.p90WorkingSeconds : r.p90CalendarSeconds);
  const hours = (s: number | null) => (s === null ? null : Math.round(s / 360) / 10);
  const option = seriesOption(
    stages.map((s) => w.t(`stage.${s}`)),
    [
      { name: w.t('analysis.median'), kind: 'bar', values: stages.map((s) => hours(median(row(s)))) },
      { name: w.t('analysis.p90'), kind: 'bar', values: stages.map((s) => hours(p90(row(s)))) },
    ],
    [{ format: (v) => w.duration(v * 3600), fractional: true }],
  );
  return {
    option,
    empty: rows.length === 0,
    table: {
      columns: [
        { key: 'stage', label: w.t('analysis.stage') },
        { key: 'visits', label: w.t('analysis.visits'), numeric: true },
        { key: 'medianWorking', label: w.t('analysis.medianWorking'), numeric: true },
        { key: 'p90Working', label: w.t('analysis.p90Working'), numeric: true },
        { key: 'medianCalendar', label: w.t('analysis.medianCalendar'), numeric: true },
        { key: 'p90Calendar', label: w.t('analysis.p90Calendar'), numeric: true },
      ],
      rows: stages.map((s) => {
        const r = row(s);
        return {
          key: s,
          cells: {
            stage: text(w.t(`stage.${s}`)),
            visits: text(w.count(r.visits)),
            medianWorking: text(w.duration(r.medianWorkingSeconds)),
            p90Working: text(w.duration(r.p90WorkingSeconds)),
            medianCalendar: text(w.duration(r.medianCalendarSeconds)),
            p90Calendar: text(w.duration(r.p90CalendarSeconds)),
          },
        };
      }),
    },
  };
}

export function satisfactionFigure(points: AnalysisOverviewQuery['satisfactionTrend'], grouping: AnalysisGrouping, w: Words): Figure {
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  const option = seriesOption(
    points.map((p) => w.period(p.period, grouping)),
    [
      { name: w.t('analysis.average'), kind: 'line', values: points.map((p) => p.average) },
      { name: w.t('analysis.satisfied'), kind: 'line', axis: 1, values: points.map((p) => pct(p.satisfiedShare)) },
      { name: w.t('analysis.responseRate'), kind: 'line', axis: 1, values: points.map((p) => pct(p.responseRate)) },
    ],
    [{ format: (v) => w.rating(v), fractional: true }, { format: (v) => `${v} %` }],
  );
  return {
    option,
    empty: points.every((p) => p.closed === 0),
    table: {
      columns: [
        { key: 'period', label: w.t('analysis.period') },
        { key: 'closed', label: w.t('analysis.closed'), numeric: true },
        { key: 'rated', label: w.t('analysis.rated'), numeric: true },
        { key: 'average', label: w.t('analysis.average'), numeric: true },
        { key: 'satisfied', label: w.t('analysis.satisfied'), numeric: true },
        { key: 'responseRate', label: w.t('analysis.responseRate'), numeric: true },
      ],
      rows: points.map((p) => ({
        key: p.period ?? 'all',
        cells: {
          period: text(w.period(p.period, grouping)),
          closed: text(w.count(p.closed)),
          rated: text(w.count(p.rated)),
          average: text(w.rating(p.average)),
          satisfied: text(w.percent(p.satisfiedShare)),
          responseRate: text(w.percent(p.responseRate)),
        },
      })),
    },
  };
}

export function legalFigure(rows: AnalysisOverviewQuery['legalCompliance'], grouping: AnalysisGrouping, w: Words): Figure {
  const option = seriesOption(
    rows.map((r) => w.period(r.period, grouping)),
    [
      { name: w.t('analysis.met'), kind: 'bar', stack: 'deadlines', values: rows.map((r) => r.met) },
      { name: w.t('analysis.late'), kind: 'bar', stack: 'deadlines', values: rows.map((r) => r.late) },
      { name: w.t('analysis.penalty'), kind: 'line', axis: 1, values: rows.map((r) => r.penaltyAccrued) },
    ],
    [{ format: (v) => w.count(v) }, { format: (v) => w.money(v) }],
  );
  return {
    option,
    empty: rows.every((r) => r.total === 0),
    table: {
      columns: [
        { key: 'period', label: w.t('analysis.period') },
        { key: 'total', label: w.t('analysis.legalTotal'), numeric: true },
        { key: 'met', label: w.t('analysis.met'), numeric: true },
        { key: 'late', label: w.t('analysis.late'), numeric: true },
        { key: 'penalty', label: w.t('analysis.penalty'), numeric: true },
      ],
      rows: rows.map((r) => ({
        key: r.period ?? 'all',
        cells: {
          period: text(w.period(r.period, grouping)),
          total: text(w.count(r.total)),
          met: text(w.count(r.met)),
          late: text(w.count(r.late)),
          penalty: text(w.money(r.penaltyAccrued)),
        },
      })),
    },
  };
}

export function repeatsFigure(repeats: AnalysisRepeatsQuery['repeats'], w: Words): Figure {
  const top = repeats.top.slice(0, 10);
  const option = seriesOption(
    top.map((g) => g.label),
    [
      { name: w.t('analysis.complaints'), kind: 'bar', values: top.map((g) => g.complaints) },
      { name: w.t('analysis.repeatsCount'), kind: 'bar', values: top.map((g) => g.repeats) },
    ],
    [{ format: (v) => w.count(v) }],
  );
  return {
    option,
    empty: repeats.top.length === 0,
    table: {
      columns: [
        { key: 'label', label: w.t(`analysis.repeatBy.${repeats.by}`) },
        { key: 'complaints', label: w.t('analysis.complaints'), numeric: true },
        { key: 'repeats', label: w.t('analysis.repeatsCount'), numeric: true },
      ],
      rows: repeats.top.map((g) => ({
        key: g.key,
        cells: { label: text(g.label), complaints: text(w.count(g.complaints)), repeats: text(w.count(g.repeats)) },
      })),
    },
  };
}

/** Fewer answers (or invitations) than this back a survey figure too thinly (the server's `lowSample`; docs/surveys.md). */
export const SURVEY_LOW_SAMPLE = 30;

/** Invitations and answers per period: bars of invited and answered, the response rate as a line. */
export function surveyResponsesFigure(rows: AnalysisSurveysQuery['surveyResponseRates'], grouping: AnalysisGrouping, w: Words): Figure {
  const option = seriesOption(
    rows.map((r) => w.period(r.period, grouping)),
    [
      { name: w.t('analysis.invited'), kind: 'bar', values: rows.map((r) => r.invited) },
      { name: w.t('analysis.answered'), kind: 'bar', values: rows.map((r) => r.answered) },
      { name: w.t('analysis.responses'), kind: 'bar', values: rows.map((r) => r.responses) },
      {
        name: w.t('analysis.responseRate'),
        kind: 'line',
        axis: 1,
        values: rows.map((r) => (r.responseRate === null ? null : Math.round(r.responseRate * 1000) / 10)),
      },
    ],
    [{ format: (v) => w.count(v) }, { format: (v) => `${v} %` }],
  );
  return {
    option,
    empty: rows.every((r) => r.invited === 0 && r.responses === 0),
    table: {
      columns: [
        { key: 'period', label: w.t('analysis.period') },
        { key: 'invited', label: w.t('analysis.invited'), numeric: true },
        { key: 'answered', label: w.t('analysis.answered'), numeric: true },
        { key: 'responseRate', label: w.t('analysis.responseRate'), numeric: true },
        { key: 'responses', label: w.t('analysis.responses'), numeric: true },
        { key: 'lowSample', label: w.t('analysis.lowSample') },
      ],
      rows: rows.map((r) => ({
        key: r.period ?? 'all',
        cells: {
          period: text(w.period(r.period, grouping)),
          invited: text(w.count(r.invited)),
          answered: text(w.count(r.answered)),
          responseRate: text(w.percent(r.responseRate)),
          responses: text(w.count(r.responses)),
          lowSample: text(r.lowSample ? w.t('analysis.yes') : ''),
        },
      })),
    },
  };
}

/**
 * Scores by parameter (and department or category): the average of each as a
 * bar; the table adds CSAT's share of 4–5 and NPS with its three shares.
 */
export function surveyScoresFigure(rows: AnalysisSurveysQuery['surveyScores'], by: SurveyBreakdown, w: Words): Figure {
  const whose = (r: (typeof rows)[number]) => (by === 'COMPANY' ? '' : (r.label ?? (by === 'DEPARTMENT' ? w.departmentName(null) : '—')));
  const name = (r: (typeof rows)[number]) => [whose(r), w.t(`surveys.parameterName.${r.parameter}`), r.type].filter(Boolean).join(' · ');
  const option = seriesOption(
    rows.map(name),
    [{ name: w.t('analysis.scoreAverage'), kind: 'bar', values: rows.map((r) => r.average) }],
    [{ format: (v) => w.rating(v), fractional: true }],
  );
  const nps = (v: number | null) => (v === null ? '—' : w.rating(v));
  return {
    option,
    empty: rows.length === 0,
    table: {
      columns: [
        ...(by === 'COMPANY' ? [] : [{ key: 'whose', label: w.t(`analysis.surveyBy.${by}`) }]),
        { key: 'parameter', label: w.t('analysis.parameter') },
        { key: 'scale', label: w.t('analysis.scale') },
        { key: 'answers', label: w.t('analysis.answers'), numeric: true },
        { key: 'average', label: w.t('analysis.scoreAverage'), numeric: true },
        { key: 'satisfied', label: w.t('analysis.csatSatisfied'), numeric: true },
        { key: 'promoters', label: w.t('analysis.promoters'), numeric: true },
        { key: 'passives', label: w.t('analysis.passives'), numeric: true },
        { key: 'detractors', label: w.t('analysis.detractors'), numeric: true },
        { key: 'nps', label: w.t('analysis.nps'), numeric: true },
        { key: 'lowSample', label: w.t('analysis.lowSample') },
      ],
      rows: rows.map((r) => ({
        key: `${r.key ?? 'all'}-${r.parameter}-${r.type}`,
        cells: {
          whose: text(whose(r)),
          parameter: text(w.t(`surveys.parameterName.${r.parameter}`)),
          scale: text(w.t(`analysis.scaleName.${r.type}`)),
          answers: text(w.count(r.answers)),
          average: text(w.rating(r.average)),
          satisfied: text(w.percent(r.satisfiedShare)),
          promoters: text(w.percent(r.promoterShare)),
          passives: text(w.percent(r.passiveShare)),
          detractors: text(w.percent(r.detractorShare)),
          nps: text(nps(r.nps)),
          lowSample: text(r.lowSample ? w.t('analysis.yes') : ''),
        },
      })),
    },
  };
}
