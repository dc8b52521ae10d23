import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { NAlert, NSelect } from 'naive-ui';
import { CombinedGraphQLErrors } from '@apollo/client';
import type {
  AnalysisOverviewQuery,
  AnalysisParetoQuery,
  AnalysisRepeatsQuery,
  AnalysisSurveysQuery,
  AnalysisTimesQuery,
} from '@reclaim/client/staff';
import AnalysisPage from '../src/pages/analysis/AnalysisPage.vue';
import {
  analysisFilter,
  choiceFromQuery,
  listLinkOfBar,
  presetDays,
  queryFromChoice,
  type AnalysisChoice,
} from '../src/pages/analysis/analysis-filter.js';
import { fishboneFigure, funnelFigure, funnelTotals, paretoFigure, type Words } from '../src/pages/analysis/analysis-figures.js';
import { filterFromQuery } from '../src/pages/queue/queue-query.js';
import DrillDownFilters from '../src/pages/list/DrillDownFilters.vue';
import { createConsoleI18n } from '../src/i18n/index.js';
import { FakeClient, mountPage, PENDING, reference } from './fixtures.js';

const ZONE = 'Asia/Yekaterinburg'; // UTC+5, no clock changes
const NOW = Date.parse('2026-12-02T20:30:00Z'); // 3 December already, in Yekaterinburg
const choice = (patch: Partial<AnalysisChoice> = {}): AnalysisChoice => ({ ...choiceFromQuery({}), ...patch });

describe('the analysis filter', () => {
  it("counts presets from the company's day, from its midnight to the midnight after the last day", () => {
    expect(presetDays('last30', '2026-12-03')).toEqual({ from: '2026-11-04', to: '2026-12-03' });
    expect(presetDays('thisMonth', '2026-12-03')).toEqual({ from: '2026-12-01', to: '2026-12-03' });
    expect(presetDays('lastMonth', '2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetDays('last12m', '2026-12-03')).toEqual({ from: '2026-01-01', to: '2026-12-03' });
    expect(presetDays('thisYear', '2026-12-03')).toEqual({ from: '2026-01-01', to: '2026-12-03' });
    expect(analysisFilter(choice({ period: 'thisMonth' }), NOW, ZONE)).toEqual({
      from: '2026-11-30T19:00:00.000Z',
      to: '2026-12-03T19:00:00.000Z',
    });
  });

  it('sends a custom period, the grouping of the series and the filters chosen, nothing else', () => {
    const q = {
      period: 'custom',
      from: '2026-11-01',
      to: '2026-11-30',
      grouping: 'WEEK',
      department: 'd-service',
      category: 'c-defect',
      product: ' KT-1720 ',
    };
    const c = choiceFromQuery(q);
    expect(analysisFilter(c, NOW, ZONE, c.grouping)).toEqual({
      from: '2026-10-31T19:00:00.000Z',
      to: '2026-11-30T19:00:00.000Z',
      grouping: 'WEEK',
      departmentId: 'd-service',
      categoryId: 'c-defect',
      product: 'KT-1720',
    });
    // A custom period with days missing or reversed falls back to the default preset.
    expect(choiceFromQuery({ period: 'custom', from: '2026-11-30', to: '2026-11-01' }).period).toBe('last90');
    expect(choiceFromQuery({ by: 'NONSENSE', measure: 'PENALTY' })).toMatchObject({ by: 'CAUSE', measure: 'PENALTY' });
  });

  it('keeps the choice in the URL without its defaults, and reads it back', () => {
    const c = choice({ period: 'custom', from: '2026-11-01', to: '2026-11-30', by: 'CATEGORY', departmentId: 'd-quality' });
    const query = queryFromChoice(c, { other: 'kept' });
    expect(query).toEqual({
      other: 'kept',
      period: 'custom',
      from: '2026-11-01',
      to: '2026-11-30',
      department: 'd-quality',
      by: 'CATEGORY',
    });
    expect(choiceFromQuery(query as never)).toEqual(c);
    expect(queryFromChoice(choice())).toEqual({});
  });
});

describe('click-through from a Pareto bar to the complaint list', () => {
  const days = { from: '2026-11-04', to: '2026-12-03' };
  it("opens the list on the same days with the bar's category or department and the page's filters", () => {
    const c = choice({ period: 'last30', departmentId: 'd-service' });
    expect(listLinkOfBar(c, 'CATEGORY', 'c-defect', NOW, ZONE)).toEqual({
      name: 'complaints',
      query: { ...days, department: 'd-service', category: 'c-defect' },
    });
    expect(listLinkOfBar(choice({ period: 'last30', categoryId: 'c-defect' }), 'DEPARTMENT', 'd-quality', NOW, ZONE)).toEqual({
      name: 'complaints',
      query: { ...days, department: 'd-quality', category: 'c-defect' },
    });
    expect(listLinkOfBar(choice({ period: 'last30' }), 'PRODUCT', 'kt-1720', NOW, ZONE)).toEqual({
      name: 'complaints',
      query: { ...days, product: 'kt-1720' },
    });
  });

  it("links causes, groups and rejection reasons by the list's own keys, which the list sends as its filter", () => {
    const c = choice({ period: 'last30', product: 'KT-1720' });
    const links = (['CAUSE', 'CAUSE_GROUP', 'REJECTION_REASON'] as const).map((by) =>
      listLinkOfBar(c, by, by === 'CAUSE_GROUP' ? 'MATERIAL' : 'k-1', NOW, ZONE),
    );
    expect(links).toEqual([
      { name: 'complaints', query: { ...days, product: 'KT-1720', cause: 'k-1' } },
      { name: 'complaints', query: { ...days, product: 'KT-1720', causeGroup: 'MATERIAL' } },
      { name: 'complaints', query: { ...days, product: 'KT-1720', reason: 'k-1' } },
    ]);
    const query = { ...days, product: 'KT-1720', cause: 'k-1', causeGroup: 'MATERIAL', reason: 'r-1' };
    expect(filterFromQuery(query, ZONE)).toEqual({
      receivedFrom: '2026-11-03T19:00:00.000Z',
      receivedTo: '2026-12-03T19:00:00.000Z',
      product: 'KT-1720',
      causeId: 'k-1',
      causeGroup: 'MATERIAL',
      rejectionReasonId: 'r-1',
    });
  });
});

describe('the funnel over a period split into weeks', () => {
  it('adds the weeks up, reasons too', () => {
    const reason = reference.rejectionReasons[0]!;
    const totals = funnelTotals([
      { period: '2026-11-02T19:00:00Z', stage: 'RECEIVED', entered: 3, rejected: 1, rejectedBy: [{ count: 1, rejectionReason: reason }] },
      { period: '2026-11-09T19:00:00Z', stage: 'RECEIVED', entered: 2, rejected: 2, rejectedBy: [{ count: 2, rejectionReason: reason }] },
    ]);
    expect(totals.find((s) => s.stage === 'RECEIVED')).toEqual({
      stage: 'RECEIVED',
      entered: 5,
      rejected: 3,
      rejectedBy: [{ count: 3, rejectionReason: reason }],
    });
    expect(totals.find((s) => s.stage === 'CLOSED')).toMatchObject({ entered: 0, rejected: 0 });
  });
});

const cause = reference.causes[0]!;
const OVERVIEW: AnalysisOverviewQuery = {
  funnel: [
    {
      period: null,
      stage: 'RECEIVED',
      entered: 1234,
      rejected: 4,
      rejectedBy: [{ count: 4, rejectionReason: reference.rejectionReasons[0]! }],
    },
    { period: null, stage: 'REGISTERED', entered: 1200, rejected: 0, rejectedBy: [] },
  ],
  causeEffect: [{ group: 'MATERIAL', count: 7, causes: [{ count: 7, cause }] }],
  satisfactionTrend: [{ period: '2026-11-30T19:00:00Z', closed: 10, rated: 8, average: 4.25, satisfiedShare: 0.75, responseRate: 0.8 }],
  legalCompliance: [{ period: '2026-11-30T19:00:00Z', total: 5, met: 4, late: 1, penaltyAccrued: 1500 }],
};
const TIMES: AnalysisTimesQuery = {
  slaCompliance: [{ period: null, clock: 'RESOLUTION', departmentId: 'd-service', total: 4, met: 3, missed: 1, compliance: 0.75 }],
  stageDurations: [
    {
      period: null,
      stage: 'ANALYSIS',
      visits: 3,
      medianWorkingSeconds: 7200,
      p90WorkingSeconds: 90000,
      medianCalendarSeconds: 86400,
      p90CalendarSeconds: 172800,
    },
  ],
};
const REPEATS: AnalysisRepeatsQuery = {
  repeats: {
    by: 'CUSTOMER',
    withinDays: 90,
    complaints: 20,
    repeats: 2,
    top: [{ key: 'cu-1', label: 'Daria', complaints: 3, repeats: 2 }],
  },
};
const PARETO = (by: AnalysisParetoQuery['pareto']['by']): AnalysisParetoQuery => ({
  pareto: {
    by,
    measure: 'COUNT',
    total: 10,
    bars: [
      {
        key: 'c-defect',
        label: 'Defect',
        group: null,
        complaints: 8,
        value: 8,
        share: 0.8,
        cumulativeShare: 0.8,
        vital: true,
        cause: null,
        rejectionReason: null,
      },
      {
        key: 'c-old',
        label: 'Retired',
        group: null,
        complaints: 2,
        value: 2,
        share: 0.2,
        cumulativeShare: 1,
        vital: false,
        cause: null,
        rejectionReason: null,
      },
    ],
  },
});

const score = (patch: Partial<AnalysisSurveysQuery['surveyScores'][number]>): AnalysisSurveysQuery['surveyScores'][number] => ({
  period: null,
  key: null,
  label: null,
  parameter: 'OVERALL',
  type: 'CSAT',
  answers: 40,
  average: 4.2,
  satisfiedShare: 0.8,
  promoterShare: null,
  passiveShare: null,
  detractorShare: null,
  nps: null,
  lowSample: false,
  ...patch,
});
const SURVEYS: AnalysisSurveysQuery = {
  surveyResponseRates: [{ period: '2026-11-30T19:00:00Z', invited: 120, answered: 48, responseRate: 0.4, responses: 50, lowSample: false }],
  surveyScores: [
    score({}),
    score({
      type: 'NPS',
      answers: 40,
      average: 8.1,
      satisfiedShare: null,
      promoterShare: 0.5,
      passiveShare: 0.3,
      detractorShare: 0.2,
      nps: 30,
    }),
    score({ parameter: 'STAFF', answers: 12, average: 3.5, satisfiedShare: 0.5, lowSample: true }),
  ],
};

interface Options {
  by?: AnalysisParetoQuery['pareto']['by'];
  answers?: Record<string, unknown>;
  user?: { id: string; roles: string[]; departments: { id: string; name: string }[] };
}

/** The Analysis page at `url`, its charts stubbed, over a client answering its five queries (`options.answers` replacing some). */
async function mountAnalysis(url: string, locale: 'ru' | 'en' = 'en', options: Options = {}) {
  const client = new FakeClient({
    Reference: reference,
    AnalysisOverview: OVERVIEW,
    AnalysisTimes: TIMES,
    AnalysisRepeats: REPEATS,
    AnalysisPareto: PARETO(options.by ?? 'CATEGORY'),
    AnalysisSurveys: SURVEYS,
    ...options.answers,
  });
  const session = {
    state: {
      token: 'token',
      tenant: { timeZone: ZONE, currency: 'RUB' },
      user: options.user ?? { id: 'u-qm', roles: ['QUALITY_MANAGER'], departments: [] },
    },
    may: () => true,
  };
  const w = await mountPage(AnalysisPage, client, locale, {
    path: url,
    session,
    attach: true,
    stubs: { AnalysisChart: { props: ['option'], template: '<div class="chart-stub" />' } },
  });
  /** The variables of each query `name` the page watched, in order. */
  const calls = (name: string) => client.watched.filter((q) => q.name === name).map((q) => q.variables);
  return { w, client, calls };
}

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('the Analysis page', { timeout: 20_000 }, () => {
  it("asks for the URL's period and filters: totals without grouping, the overview's series by it", async () => {
    const { calls } = await mountAnalysis(
      '/analysis?period=custom&from=2026-11-01&to=2026-11-30&grouping=WEEK&category=c-defect&by=CATEGORY&measure=PENALTY',
    );
    const filter = { from: '2026-10-31T19:00:00.000Z', to: '2026-11-30T19:00:00.000Z', categoryId: 'c-defect' };
    expect(calls('AnalysisOverview').at(-1)).toEqual({ filter: { ...filter, grouping: 'WEEK' } });
    expect(calls('AnalysisTimes').at(-1)).toEqual({ filter });
    expect(calls('AnalysisPareto').at(-1)).toEqual({ filter, by: 'CATEGORY', measure: 'PENALTY' });
    expect(calls('AnalysisRepeats').at(-1)).toEqual({ filter, by: 'CUSTOMER', withinDays: 90 });
  });

  it('gives every chart a table with a caption, header cells and the figures in the locale (Russian)', async () => {
    const { w } = await mountAnalysis('/analysis?by=CATEGORY', 'ru');
    const tables = w.findAll('table');
    expect(tables.map((t) => t.find('caption').text())).toEqual([
      'Воронка',
      'Соблюдение SLA',
      'Парето',
      'Причины и следствие',
      'Время на стадии',
      'Удовлетворённость',
      'Ответы на опросы',
      'Оценки в опросах',
      'Законные сроки',
      'Повторы',
    ]);
    for (const t of tables) expect(t.findAll('thead th[scope=col]').length).toBeGreaterThan(1);
    const funnel = w.find('[data-test=funnel] tr[data-row=RECEIVED]');
    expect(funnel.find('[data-column=entered]').text()).toBe('1\u00a0234');
    expect(funnel.find('[data-column=reasons]').text()).toBe('MISUSE — Нарушение правил эксплуатации: 4');
    expect(w.find('[data-test=sla] [data-column=compliance]').text()).toBe('75\u00a0%');
    expect(w.find('[data-test=durations] [data-column=medianWorking]').text()).toBe('2 ч');
    expect(w.find('[data-test=legal] [data-column=penalty]').text()).toMatch(/^1\s500\s₽$/);
    expect(w.find('[data-test=legal] tbody th').text()).toBe('дек. 2026 г.');
    expect(w.find('[data-test=fishbone] tbody').text()).toContain('SUPPLIER_DEFECT — Дефект материала поставщика');
  });

  it('shows the survey figures in words, with the warning when too few answers back one, in both languages', async () => {
    const { w, calls } = await mountAnalysis('/analysis?period=custom&from=2026-11-01&to=2026-11-30&grouping=MONTH', 'en');
    const filter = { from: '2026-10-31T19:00:00.000Z', to: '2026-11-30T19:00:00.000Z' };
    expect(calls('AnalysisSurveys').at(-1)).toEqual({ series: { ...filter, grouping: 'MONTH' }, filter, by: 'COMPANY' });
    const responses = w.find('[data-test=survey-responses]');
    expect(responses.find('caption').text()).toBe('Survey responses');
    expect(responses.find('[data-column=invited]').text()).toBe('120');
    expect(responses.find('[data-column=responseRate]').text()).toBe('40%');
    expect(responses.find('.note').text()).not.toContain('Too few answers');
    const scores = w.find('[data-test=survey-scores]');
    expect(scores.findAll('thead th').map((th) => th.text())).toEqual([
      'Parameter',
      'Scale',
      'Answers',
      'Average score',
      'Scored 4–5',
      'Promoters',
      'Passives',
      'Detractors',
      'NPS',
      'Too few answers',
    ]);
    expect(scores.find('tr[data-row=all-OVERALL-NPS] [data-column=nps]').text()).toBe('30.0');
    expect(scores.find('tr[data-row=all-OVERALL-NPS] [data-column=promoters]').text()).toBe('50%');
    expect(scores.find('tr[data-row=all-STAFF-CSAT]').text()).toContain('Staff');
    expect(scores.find('tr[data-row=all-STAFF-CSAT] [data-column=lowSample]').text()).toBe('yes');
    expect(scores.find('tr[data-row=all-OVERALL-CSAT] [data-column=lowSample]').text()).toBe('');
    expect(scores.find('.note').text()).toContain('Figures marked “Too few answers” rest on fewer than 30 answers');
    expect(scores.find('footer').exists()).toBe(true);

    const ru = await mountAnalysis('/analysis', 'ru', {
      answers: {
        AnalysisSurveys: { ...SURVEYS, surveyResponseRates: [{ ...SURVEYS.surveyResponseRates[0]!, invited: 9, lowSample: true }] },
      },
    });
    const ruScores = ru.w.find('[data-test=survey-scores]');
    expect(ruScores.find('caption').text()).toBe('Оценки в опросах');
    expect(ruScores.find('tr[data-row=all-STAFF-CSAT]').text()).toContain('Сотрудники');
    expect(ruScores.find('.note').text()).toContain('Цифры с отметкой «Мало ответов» основаны менее чем на 30 ответах');
    expect(ru.w.find('[data-test=survey-responses] .note').text()).toContain('Мало ответов');
    expect(ru.w.find('[data-test=survey-responses] [data-column=lowSample]').text()).toBe('да');
  });

  it('asks the survey scores by department when chosen, naming each', async () => {
    const byDepartment: AnalysisSurveysQuery = {
      ...SURVEYS,
      surveyScores: [score({ key: 'd-service', label: 'Service', lowSample: true, answers: 3 })],
    };
    const { w, calls } = await mountAnalysis('/analysis', 'en', { answers: { AnalysisSurveys: byDepartment } });
    const select = w.findAllComponents(NSelect).find((c) => c.attributes('data-field') === 'survey-by')!;
    select.vm.$emit('update:value', 'DEPARTMENT');
    await flushPromises();
    expect(calls('AnalysisSurveys').at(-1)).toMatchObject({ by: 'DEPARTMENT' });
    const scores = w.find('[data-test=survey-scores]');
    expect(scores.find('thead th').text()).toBe('Department');
    expect(scores.find('tbody th').text()).toBe('Service');
  });

  it('links each Pareto row to the list', async () => {
    const { w } = await mountAnalysis('/analysis?period=last30&by=CATEGORY');
    const link = w.find('[data-test=pareto] tr[data-row=c-defect] a');
    expect(link.attributes('href')).toMatch(/^\/complaints\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&category=c-defect$/);
    const causes = await mountAnalysis('/analysis?by=CAUSE', 'en', { by: 'CAUSE' });
    expect(causes.w.find('[data-test=pareto] tr[data-row=c-defect] a').attributes('href')).toMatch(/&cause=c-defect$/);
  });

  it('refreshes on complaint events at most once per three seconds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { client } = await mountAnalysis('/analysis');
    const refetches = client.refetched;
    const fire = () => client.push(undefined);
    fire();
    await vi.advanceTimersByTimeAsync(0);
    expect(refetches).toHaveBeenCalledTimes(5); // the five queries, at once for the first change
    fire();
    fire();
    await vi.advanceTimersByTimeAsync(2900);
    expect(refetches).toHaveBeenCalledTimes(5);
    await vi.advanceTimersByTimeAsync(200);
    expect(refetches).toHaveBeenCalledTimes(10); // the next two, gathered into one
  });

  it('offers a head only their departments, and a quality manager every one', async () => {
    const options = (w: ReturnType<typeof mount>) =>
      (
        w
          .findAllComponents(NSelect)
          .find((c) => c.attributes('data-field') === 'department')!
          .props('options') as { label: string }[]
      ).map((o) => o.label);
    const head = await mountAnalysis('/analysis', 'en', {
      user: { id: 'u-head', roles: ['HEAD'], departments: [{ id: 'd-service', name: 'Service' }] },
    });
    expect(options(head.w)).toEqual(['Service']);
    const qm = await mountAnalysis('/analysis');
    expect(options(qm.w)).toEqual(['Service', 'Quality', 'Old returns desk (archived)']);
  });

  it('says a refusal in words, and shows loading and empty charts as such', async () => {
    const refused = new CombinedGraphQLErrors({ errors: [{ message: 'not yours', extensions: { code: 'FORBIDDEN' } }] });
    const empty: AnalysisTimesQuery = { slaCompliance: [], stageDurations: [] };
    const { w } = await mountAnalysis('/analysis', 'en', {
      answers: { AnalysisPareto: refused, AnalysisOverview: PENDING, AnalysisTimes: empty },
    });
    expect(w.findComponent(NAlert).text()).toBe('Your role does not allow this action.');
    expect(w.find('[data-test=funnel]').text()).toContain('Loading…');
    expect(w.find('[data-test=sla]').text()).toContain('Nothing to show for this period and these filters.');
    expect(w.find('[data-test=sla] table').exists()).toBe(false);
  });
});

describe('the Pareto chart by cause', () => {
  it("names the bars under the axis by the cause's name, with its code at the head of the tooltip, escaped", () => {
    const words = {
      t: (key: string) => key,
      count: String,
      percent: String,
      money: String,
      rating: String,
      duration: String,
      period: () => '',
      causeName: (c: { nameEn: string }) => c.nameEn,
      reasonName: () => '',
      departmentName: String,
    } as unknown as Words;
    const odd = { ...cause, id: 'k-odd', code: 'ODD', nameEn: '<img src=x onerror=alert(1)>' };
    const bar = (c: typeof cause, value: number, cumulativeShare: number) => ({
      key: c.id,
      label: c.code,
      group: c.group,
      complaints: value,
      value,
      share: value / 4,
      cumulativeShare,
      vital: true,
      cause: c,
      rejectionReason: null,
    });
    const figure = paretoFigure(
      { by: 'CAUSE', measure: 'COUNT', total: 4, bars: [bar(cause, 3, 0.75), bar(odd, 1, 1)] },
      words,
      () => null,
    );
    const option = figure.option as { xAxis: { data: string[] }; tooltip: { formatter: (items: unknown[]) => string } };
    expect(option.xAxis.data).toEqual(['Supplier material defect', '<img src=x onerror=alert(1)>']);
    const tooltip = option.tooltip.formatter([
      { dataIndex: 1, seriesIndex: 0, marker: '•', seriesName: 'Complaints', value: 1 },
      { dataIndex: 1, seriesIndex: 1, marker: '•', seriesName: 'Cumulative', value: 100 },
    ]);
    expect(tooltip).toBe('ODD — &lt;img src=x onerror=alert(1)&gt;<br>•Complaints: 1<br>•Cumulative: 100.0 %');
    expect(figure.table.rows.map((r) => r.cells.name!.text)).toEqual([
      'SUPPLIER_DEFECT — Supplier material defect',
      'ODD — <img src=x onerror=alert(1)>',
    ]);

    // The funnel's tooltip names rejection reasons: escaped too.
    const reason = { ...reference.rejectionReasons[0]!, code: '<b>' };
    const funnel = funnelFigure(
      [{ period: null, stage: 'RECEIVED', entered: 2, rejected: 1, rejectedBy: [{ count: 1, rejectionReason: reason }] }],
      { ...words, reasonName: (r: { code: string }) => r.code } as unknown as Words,
    );
    const data = (funnel.option as { series: Array<{ data: Array<{ tooltip: string }> }> }).series[0]!.data[0]!;
    expect(data.tooltip).toBe('stage.RECEIVED: 2<br>analysis.rejectedHere — &lt;b&gt;: 1');
  });
});

describe('the cause-and-effect chart', () => {
  it('names the causes on the bones by their names (shortened, with their counts), printed as written', () => {
    const words = {
      t: (key: string, v?: Record<string, unknown>) => (v ? `${key} ${JSON.stringify(v)}` : key),
      count: String,
      percent: String,
      causeName: (c: { nameEn: string }) => c.nameEn,
    } as unknown as Words;
    const long = { ...cause, id: 'k-long', code: 'LONG', nameEn: 'Packaging line {b} settings drifted between two shifts' };
    const figure = fishboneFigure(
      [
        {
          group: cause.group,
          count: 5,
          causes: [
            { count: 4, cause: long },
            { count: 1, cause },
            { count: 0, cause: { ...cause, id: 'k-none' } },
          ],
        },
      ],
      words,
    );
    const nodes = (
      figure.option as { series: Array<{ data: Array<{ name: string; label: { show: boolean; formatter?: () => string } }> }> }
    ).series[0]!.data;
    const ribs = nodes.filter((n) => n.name.startsWith('rib-')).map((n) => n.label.formatter!());
    expect(ribs).toEqual(['Packaging line {b} settings… (4)', 'Supplier material defect (1)']);
    expect(nodes.find((n) => n.name === 'bone-0' || n.name.startsWith('bone-'))!.label.formatter!()).toMatch(/\(\d+\)$/);
    expect(figure.table.rows.map((r) => r.cells.cause!.text)).toContain('LONG — Packaging line {b} settings drifted between two shifts');
  });
});

describe("the Analysis page's downloads", { timeout: 20_000 }, () => {
  it('offer every card as CSV and Excel, named for screen readers, each with the arguments its query was given', async () => {
    const { w, calls } = await mountAnalysis(
      '/analysis?period=custom&from=2026-11-01&to=2026-11-30&grouping=WEEK&category=c-defect&by=CATEGORY&measure=PENALTY',
      'ru',
    );
    const groups = w.findAll('.figure-card [role=group]');
    expect(groups.map((g) => g.attributes('aria-label'))).toEqual(
      [
        'Воронка',
        'Соблюдение SLA',
        'Парето',
        'Причины и следствие',
        'Время на стадии',
        'Удовлетворённость',
        'Ответы на опросы',
        'Оценки в опросах',
        'Законные сроки',
        'Повторы',
      ].map((title) => `Скачать таблицу «${title}» с текущими фильтрами`),
    );
    for (const g of groups) expect(g.findAll('button').map((b) => b.text())).toEqual(['Скачать CSV', 'Скачать Excel']);

    const fetch = vi.fn(
      async () =>
        new Response('\uFEFF', { status: 200, headers: { 'content-disposition': 'attachment; filename="analysis-x-2026-12-03.csv"' } }),
    );
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }));
    const asked = async (card: string, format: 'csv' | 'xlsx') => {
      fetch.mockClear();
      await w.find(`[data-test=${card}] [data-test=export-${format}]`).trigger('click');
      await flushPromises();
      expect(fetch).toHaveBeenCalledOnce();
      const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
      expect(init).toEqual({ headers: { authorization: 'Bearer token' } });
      const url = new URL(path, 'http://x');
      return {
        path: url.pathname,
        params: Object.fromEntries([...url.searchParams].map(([k, v]) => [k, k === 'filter' ? JSON.parse(v) : v])),
      };
    };
    const series = calls('AnalysisOverview').at(-1)!.filter;
    const whole = calls('AnalysisTimes').at(-1)!.filter;
    expect(await asked('funnel', 'csv')).toEqual({ path: '/exports/analysis/funnel.csv', params: { filter: series, lang: 'ru' } });
    expect(await asked('fishbone', 'xlsx')).toEqual({
      path: '/exports/analysis/cause-effect.xlsx',
      params: { filter: series, lang: 'ru' },
    });
    expect(await asked('sla', 'csv')).toEqual({ path: '/exports/analysis/sla-compliance.csv', params: { filter: whole, lang: 'ru' } });
    expect(await asked('pareto', 'xlsx')).toEqual({
      path: '/exports/analysis/pareto.xlsx',
      params: { filter: whole, by: 'CATEGORY', measure: 'PENALTY', lang: 'ru' },
    });
    expect(await asked('repeats', 'csv')).toEqual({
      path: '/exports/analysis/repeats.csv',
      params: { filter: whole, by: 'CUSTOMER', withinDays: '90', lang: 'ru' },
    });
    expect(await asked('survey-responses', 'csv')).toEqual({
      path: '/exports/analysis/survey-responses.csv',
      params: { filter: series, lang: 'ru' },
    });
    expect(await asked('survey-scores', 'xlsx')).toEqual({
      path: '/exports/analysis/survey-scores.xlsx',
      params: { filter: whole, by: 'COMPANY', lang: 'ru' },
    });
    expect(series).toMatchObject({ grouping: 'WEEK', categoryId: 'c-defect' });
    expect(w.find('[data-test=repeats] [role=status]').text()).toBe('Файл analysis-x-2026-12-03.csv скачан');
    vi.unstubAllGlobals();
  });

  it('are buttons a keyboard reaches, and say a refusal in words', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'VIEW_ANALYSIS needs one of the roles' } }), {
            status: 403,
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    const { w } = await mountAnalysis('/analysis');
    const button = w.find('[data-test=legal] [data-test=export-xlsx]');
    expect(button.element.tagName).toBe('BUTTON');
    expect(button.attributes('tabindex') ?? '0').not.toBe('-1');
    await button.trigger('click');
    await flushPromises();
    const status = w.find('[data-test=legal] [role=status]');
    expect(status.text()).toBe('Your role does not allow this action.');
    expect(status.classes()).toContain('failed');
    vi.unstubAllGlobals();
  });
});

describe("the list's drill-down filters", () => {
  it('says each in words, and a button removes it from the URL', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/complaints', name: 'complaints', component: { render: () => null } }],
    });
    await router.push('/complaints?from=2026-11-01&to=2026-11-30&cause=k-supplier&causeGroup=MATERIAL&product=KT-1720');
    const w = mount(DrillDownFilters, {
      props: { reference },
      global: { plugins: [createConsoleI18n('en'), router] },
      attachTo: document.body,
    });
    expect(w.findAll('li').map((li) => li.find('span').text())).toEqual([
      'Cause: SUPPLIER_DEFECT — Supplier material defect',
      'Cause group: Material',
      'Product: KT-1720',
    ]);
    const remove = w.find('[data-drill=cause] button');
    expect(remove.attributes('aria-label')).toBe('Remove the filter Cause: SUPPLIER_DEFECT — Supplier material defect');
    await remove.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ from: '2026-11-01', to: '2026-11-30', causeGroup: 'MATERIAL', product: 'KT-1720' });
  });
});
