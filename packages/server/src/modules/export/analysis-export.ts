import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from '../../graphql/context.js';
import { Cause, type CodedEntry } from '../cause/cause.entity.js';
import * as analysis from '../analysis/analysis.service.js';
import * as surveys from '../analysis/survey-figures.js';
import {
  AnalysisFilterInput,
  ParetoDimension,
  RepeatKey,
  SurveyBreakdown,
  type ParetoBar,
  type ParetoMeasure,
} from '../analysis/analysis.types.js';
import { LABELS, localDateTime } from './complaint-export.js';
import { ANALYSIS_LABELS, ANALYSIS_TABLES, type AnalysisLabels, type AnalysisTable } from './analysis-export.labels.js';
import { exportArguments, readExportRequest, type ExportLanguage, type ExportRequest } from './export.params.js';
import { companySettings, inStaffUnit, type ExportSource, type ExportedTable } from './export.source.js';
import type { Cell, TableColumn } from './table-writer.js';

/** A table's rows as read (its columns are the header's), before they are written. */
interface Sheet {
  headers: ReadonlyArray<string | [string, number]>;
  rows: Cell[][];
}

/** What a table's rows are made with: the reader's words, the company's zone. */
interface Words {
  lang: ExportLanguage;
  l: AnalysisLabels;
  /** The start of a week or month as its day (YYYY-MM-DD in the company's zone); the whole period without grouping. */
  period(at: Date | null): string;
  name(entry: CodedEntry): string;
}

const share = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
const hours = (seconds: number | null) => (seconds === null ? null : Math.round(seconds / 36) / 100);
const filterOf = (ask: ExportRequest) => ask.values.filter as AnalysisFilterInput;

/**
 * How each analysis table is read — the analysis query's own service
 * function, with the arguments the query takes — and laid out as rows
 * (docs/api.md, "Exports", lists the columns).
 */
const TABLES: Record<AnalysisTable, { query: string; read(ctx: RequestContext, ask: ExportRequest, w: Words): Promise<Sheet> }> = {
  funnel: {
    query: 'funnel',
    async read(ctx, ask, { l: { words: t }, ...w }) {
      const stages = await analysis.funnel(ctx, filterOf(ask));
      return {
        headers: [t.period, t.stage, t.entered, t.rejected, [t.reasons, 40]],
        rows: stages.map((s) => [
          w.period(s.period),
          STAGE_WORDS[w.lang][s.stage],
          s.entered,
          s.rejected,
          s.rejectedBy
            .map((r) => `${r.rejectionReason ? `${r.rejectionReason.code} — ${w.name(r.rejectionReason)}` : t.uncodedReason}: ${r.count}`)
            .join('; ') || null,
        ]),
      };
    },
  },
  pareto: {
    query: 'pareto',
    async read(ctx, ask, w) {
      const by = ask.values.by as ParetoDimension;
      const measure = ask.values.measure as ParetoMeasure;
      const result = await analysis.pareto(ctx, filterOf(ask), by, measure);
      const t = w.l.words;
      const coded = by === ParetoDimension.CAUSE || by === ParetoDimension.CAUSE_GROUP || by === ParetoDimension.REJECTION_REASON;
      return {
        headers: [[w.l.dimension[by], 32], ...(coded ? [t.code] : []), t.complaints, w.l.measure[measure], t.share, t.cumulative, t.vital],
        rows: result.bars.map((b) => [
          barName(b, w),
          ...(coded ? [b.cause?.code ?? b.rejectionReason?.code ?? b.group] : []),
          b.complaints,
          b.value,
          share(b.share),
          share(b.cumulativeShare),
          b.vital ? t.yes : null,
        ]),
      };
    },
  },
  'cause-effect': {
    query: 'causeEffect',
    async read(ctx, ask, w) {
      const t = w.l.words;
      const branches = await analysis.causeEffect(ctx, filterOf(ask));
      return {
        headers: [t.group, t.code, [t.cause, 32], t.complaints],
        rows: branches.flatMap((b) => [
          [w.l.causeGroup[b.group], b.group, t.allCauses, b.count],
          ...b.causes.map((c): Cell[] => [w.l.causeGroup[b.group], c.cause.code, w.name(c.cause), c.count]),
        ]),
      };
    },
  },
  'sla-compliance': {
    query: 'slaCompliance',
    async read(ctx, ask, w) {
      const t = w.l.words;
      const rows = await analysis.slaCompliance(ctx, filterOf(ask));
      const ids = [...new Set(rows.map((r) => r.departmentId).filter((id): id is string => id !== null))];
      const departments = await ctx.loaders.department.loadMany(ids);
      const names = new Map(
        ids.map((id, i) => {
          const d = departments[i];
          return [id, d && !(d instanceof Error) ? d.name : id];
        }),
      );
      return {
        headers: [t.period, t.clock, [t.department, 24], t.stopped, t.met, t.missed, t.compliance],
        rows: rows.map((r) => [
          w.period(r.period),
          w.l.clock[r.clock],
          r.departmentId ? names.get(r.departmentId)! : t.noDepartment,
          r.total,
          r.met,
          r.missed,
          share(r.compliance),
        ]),
      };
    },
  },
  'stage-durations': {
    query: 'stageDurations',
    async read(ctx, ask, w) {
      const t = w.l.words;
      const h = (word: string) => [`${word}, ${t.hours}`, 20] as [string, number];
      const rows = await analysis.stageDurations(ctx, filterOf(ask));
      return {
        headers: [t.period, t.stage, t.visits, h(t.medianWorking), h(t.p90Working), h(t.medianCalendar), h(t.p90Calendar)],
        rows: rows.map((r) => [
          w.period(r.period),
          STAGE_WORDS[w.lang][r.stage],
          r.visits,
          hours(r.medianWorkingSeconds),
          hours(r.p90WorkingSeconds),
          hours(r.medianCalendarSeconds),
          hours(r.p90CalendarSeconds),
        ]),
      };
    },
  },
  'satisfaction-trend': {
    query: 'satisfactionTrend',
    async read(ctx, ask, w) {
      const t = w.l.words;
      const points = await analysis.satisfactionTrend(ctx, filterOf(ask));
      return {
        headers: [t.period, t.closed, t.rated, t.average, t.satisfied, t.responseRate],
        rows: points.map((p) => [w.period(p.period), p.closed, p.rated, p.average, share(p.satisfiedShare), share(p.responseRate)]),
      };
    },
  },
  'legal-compliance': {
    query: 'legalCompliance',
    async read(ctx, ask, w) {
      const t = w.l.words;
      const rows = await analysis.legalCompliance(ctx, filterOf(ask));
      return {
        headers: [t.period, t.legalTotal, t.met, t.late, t.penalty],
        rows: rows.map((r) => [w.period(r.period), r.total, r.met, r.late, r.penaltyAccrued]),
      };
    },
  },
  repeats: {
    query: 'repeats',
    async read(ctx, ask, w) {
      const t = w.l.words;
      const by = ask.values.by as RepeatKey;
      const result = await analysis.repeats(ctx, filterOf(ask), by, ask.values.withinDays as number);
      // By cause the query labels a key with its code: the file names it, with the code beside.
      const causes = by === RepeatKey.CAUSE ? new Map((await ctx.manager.find(Cause)).map((c) => [c.id, c])) : null;
      const coded = (key: string): Cell[] => (causes ? [causes.get(key)?.code ?? null] : []);
      const label = (key: string, text: string) => {
        const cause = causes?.get(key);
        return cause ? w.name(cause) : text;
      };
      return {
        headers: [[w.l.repeatBy[by], 32], ...(causes ? [t.code] : []), t.complaints, t.repeatsCount],
        rows: [
          ...result.top.map((g): Cell[] => [label(g.key, g.label), ...coded(g.key), g.complaints, g.repeats]),
          [t.total, ...(causes ? [null] : []), result.complaints, result.repeats],
        ],
      };
    },
  },
  'survey-responses': {
    query: 'surveyResponseRates',
    async read(ctx, ask, w) {
      const t = w.l.words;
      const by = ask.values.by as SurveyBreakdown;
      const rows = await surveys.surveyResponseRates(ctx, filterOf(ask), by);
      return {
        headers: [t.period, [w.l.surveyBy[by], 28], t.invited, t.answered, t.responseRate, t.responses, t.lowSample],
        rows: rows.map((r) => [
          w.period(r.period),
          surveyKey(by, r, t),
          r.invited,
          r.answered,
          share(r.responseRate),
          r.responses,
          r.lowSample ? t.yes : null,
        ]),
      };
    },
  },
  'survey-scores': {
    query: 'surveyScores',
    async read(ctx, ask, w) {
      const t = w.l.words;
      const by = ask.values.by as SurveyBreakdown;
      const rows = await surveys.surveyScores(ctx, filterOf(ask), by);
      return {
        headers: [
          t.period,
          [w.l.surveyBy[by], 28],
          [t.parameter, 22],
          t.scale,
          t.answers,
          t.scoreAverage,
          t.csatSatisfied,
          t.promoters,
          t.passives,
          t.detractors,
          t.nps,
          t.lowSample,
        ],
        rows: rows.map((r) => [
          w.period(r.period),
          surveyKey(by, r, t),
          w.l.parameter[r.parameter],
          w.l.scale[r.type as 'CSAT'],
          r.answers,
          r.average,
          share(r.satisfiedShare),
          share(r.promoterShare),
          share(r.passiveShare),
          share(r.detractorShare),
          r.nps,
          r.lowSample ? t.yes : null,
        ]),
      };
    },
  },
};

/** A survey row's department or category as the reader reads it: the whole company, or its name (`noDepartment` without one). */
function surveyKey(by: SurveyBreakdown, row: { key: string | null; label: string | null }, t: AnalysisLabels['words']): string {
  if (by === SurveyBreakdown.COMPANY) return t.company;
  return row.label ?? row.key ?? (by === SurveyBreakdown.DEPARTMENT ? t.noDepartment : '—');
}

/** A Pareto bar as the reader names it: a cause or reason by its name (its code has a column), a group by its word, else the label. */
function barName(bar: ParetoBar, w: Words): string {
  if (bar.cause) return w.name(bar.cause);
  if (bar.rejectionReason) return w.name(bar.rejectionReason);
  if (bar.group) return w.l.causeGroup[bar.group];
  return bar.label;
}

/** The console's stage words, as the complaint list's export writes them. */
const STAGE_WORDS = { ru: LABELS.ru.stage, en: LABELS.en.stage };

function source(table: AnalysisTable): ExportSource<ExportRequest> {
  const { query, read } = TABLES[table];
  return {
    query,
    parse: (schema: GraphQLSchema, params: URLSearchParams) =>
      readExportRequest(schema, exportArguments(schema, query, { filter: AnalysisFilterInput }), params),
    async read(reader, ask): Promise<ExportedTable> {
      // One unit of work: an analysis table is a few dozen rows, read by one statement or two.
      return inStaffUnit(reader, async (ctx) => {
        const company = await companySettings(ctx);
        const lang = ask.lang ?? company.locale;
        const l = ANALYSIS_LABELS[lang];
        const words: Words = {
          lang,
          l,
          period: (at) => (at ? localDateTime(at, company.timeZone)!.slice(0, 10) : l.words.wholePeriod),
          name: (entry) => (lang === 'en' ? entry.nameEn : entry.nameRu),
        };
        const sheet = await read(ctx, ask, words);
        const columns: Array<TableColumn<Cell[]>> = sheet.headers.map((h, i) => {
          const [header, width] = typeof h === 'string' ? [h, undefined] : h;
          return { header, width, value: (row) => row[i] ?? null };
        });
        return { company, name: `analysis-${table}`, sheetName: l.titles[table], columns, batches: once(sheet.rows) } as ExportedTable;
      });
    },
  };
}

async function* once<R>(rows: R[]): AsyncGenerator<R[]> {
  yield rows;
}

/** Every analysis table's export, by its path under /exports/analysis/. */
export const ANALYSIS_SOURCES = Object.fromEntries(ANALYSIS_TABLES.map((table) => [table, source(table)])) as Record<
  AnalysisTable,
  ExportSource<ExportRequest>
>;
