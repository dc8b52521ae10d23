import ExcelJS from 'exceljs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, type World } from './fixtures.js';

/**
 * `GET /exports/analysis/<table>.csv|xlsx` (docs/api.md, "Exports"): each
 * table's rows are the analysis query's figures for the same arguments,
 * authorised and scoped as the query, neutralised, in both languages.
 */
let server: TestServer;
let fx: Fixtures;
let w: World;
let other: World;

const HYPERLINK = '=HYPERLINK("http://x","y")';
const KETTLE = 'Чайник «Восход»';
const f = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [w, other] = await Promise.all([fx.world(), fx.world()]);
  await fx.asTenant(w.t.tenantId, (m) => m.query('UPDATE causes SET name_ru = $1, name_en = $1 WHERE id = $2', [HYPERLINK, w.cause]));
  await fx.complaintAt(w, Stage.CLOSED, { input: { product: KETTLE, productPrice: 5000, demand: 'REFUND' } });
  await fx.complaintAt(w, Stage.CLOSED, { input: { product: KETTLE }, fields: { [Stage.CLOSED]: { satisfaction: 2 } } });
  await fx.complaintAt(w, Stage.IMPLEMENTATION, { input: { product: HYPERLINK } });
  await fx.complaintAt(w, Stage.REJECTED);
  // In the other department: the head of the first one does not see it.
  await fx.register(w.staff.OPERATOR.token, {
    channel: 'PHONE',
    departmentId: w.otherDept,
    categoryId: w.cat,
    demand: 'REFUND',
    product: 'Другой отдел',
  });
  for (let i = 0; i < 3; i++)
    await fx.register(w.staff.OPERATOR.token, {
      channel: 'PHONE',
      departmentId: w.dept,
      categoryId: w.cat,
      demand: 'REFUND',
      product: 'Утюг',
    });
  // One clock missed, so that compliance is not all or nothing.
  // (As the connecting role: the application's may not change an outcome.)
  await server.dataSource.query(
    `UPDATE clock_outcomes SET met = false
    WHERE ctid = (SELECT ctid FROM clock_outcomes WHERE tenant_id = $1 AND clock = 'STAGE' ORDER BY ended_at LIMIT 1)`,
    [w.t.tenantId],
  );
  await fx.complaintAt(other, Stage.CLOSED, { input: { product: 'Other company secret' } });
});
afterAll(() => server?.close());

interface Download {
  status: number;
  type: string;
  disposition: string;
  body: Buffer;
  json: any;
}

async function download(path: string, token: string | undefined, query: Record<string, unknown>): Promise<Download> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) params.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  let req = request(server.url)
    .get(`${path}?${params}`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  if (token) req = req.set('authorization', `Bearer ${token}`);
  const res = await req;
  const body = res.body as Buffer;
  const type = String(res.headers['content-type'] ?? '');
  return {
    status: res.status,
    type,
    disposition: String(res.headers['content-disposition'] ?? ''),
    body,
    json: type.includes('json') ? JSON.parse(body.toString('utf8')) : null,
  };
}

/** RFC 4180 with `;` (the company is Russian-language), as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function csv(
  table: string,
  query: Record<string, unknown>,
  token = w.staff.QUALITY_MANAGER.token,
): Promise<{ raw: Buffer; rows: string[][] }> {
  const d = await download(`/exports/analysis/${table}.csv`, token, query);
  expect(d.status, d.body.toString()).toBe(200);
  expect(d.disposition).toMatch(new RegExp(`^attachment; filename="analysis-${table}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
  return { raw: d.body, rows: parseCsv(d.body.toString('utf8').replace(/^\uFEFF/, '')) };
}

async function xlsx(table: string, query: Record<string, unknown>, token = w.staff.QUALITY_MANAGER.token): Promise<unknown[][]> {
  const d = await download(`/exports/analysis/${table}.xlsx`, token, query);
  expect(d.status, d.body.toString()).toBe(200);
  expect(d.type).toContain('spreadsheetml');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(d.body as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

/** A CSV cell of a Russian-language company's file as a number (decimal comma), or its text. */
const cell = (text: string): number | string | null =>
  text === '' ? null : /^-?\d+(,\d+)?$/.test(text) ? Number(text.replace(',', '.')) : text;
const body = (rows: string[][]) => rows.slice(1).map((r) => r.map(cell));
const share = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
const hours = (s: number | null) => (s === null ? null : Math.round(s / 36) / 100);
/** A period as the file writes it: the day it starts in the company's zone (Europe/Moscow, UTC+3), or the whole period. */
const period = (iso: string | null) => (iso ? new Date(Date.parse(iso) + 3 * 3600_000).toISOString().slice(0, 10) : 'Весь период');
const STAGE_RU: Record<string, string> = {
  RECEIVED: 'Получено',
  REGISTERED: 'Зарегистрировано',
  ANALYSIS: 'Анализ',
  DECISION: 'Решение',
  IMPLEMENTATION: 'Исполнение',
  FEEDBACK: 'Обратная связь',
  CLOSED: 'Закрыто',
  REJECTED: 'Отклонено',
};
const CLOCK_RU: Record<string, string> = { FIRST_RESPONSE: 'Первый ответ', RESOLUTION: 'Решение', STAGE: 'Стадия' };

const gql = async (query: string, variables: Record<string, unknown>, token = w.staff.QUALITY_MANAGER.token) =>
  ok(await server.staff(query, variables, token));

describe('analysis exports', () => {
  it('give the funnel, the compliance, the durations, satisfaction and legal deadlines of the queries, by period and for the whole period', async () => {
    for (const filter of [f, { ...f, grouping: 'MONTH' }, { ...f, departmentId: w.dept, grouping: 'WEEK' }]) {
      const data = await gql(
        `query($f: AnalysisFilterInput!) {
        funnel(filter: $f) { period stage entered rejected rejectedBy { count rejectionReason { code nameRu } } }
        slaCompliance(filter: $f) { period clock departmentId total met missed compliance }
        stageDurations(filter: $f) { period stage visits medianWorkingSeconds p90WorkingSeconds medianCalendarSeconds p90CalendarSeconds }
        satisfactionTrend(filter: $f) { period closed rated average satisfiedShare responseRate }
        legalCompliance(filter: $f) { period total met late penaltyAccrued } }`,
        { f: filter },
      );
      const label = JSON.stringify(filter);

      const funnel = await csv('funnel', { filter });
      expect(funnel.rows[0]).toEqual(['Период', 'Стадия', 'Вошло', 'Отклонено', 'Причины отклонения']);
      expect(body(funnel.rows), label).toEqual(
        data.funnel.map((s: any) => [
          period(s.period),
          STAGE_RU[s.stage],
          s.entered,
          s.rejected,
          s.rejectedBy.map((r: any) => `${r.rejectionReason.code} — ${r.rejectionReason.nameRu}: ${r.count}`).join('; ') || null,
        ]),
      );
      expect(data.funnel.find((s: any) => s.stage === 'RECEIVED').entered).toBeGreaterThan(0);

      const departments = new Map([
        [w.dept, expect.stringMatching(/^Dept /)],
        [w.otherDept, expect.stringMatching(/^Dept /)],
      ]);
      const sla = await csv('sla-compliance', { filter });
      expect(sla.rows[0]).toEqual(['Период', 'Срок', 'Отдел', 'Остановлено сроков', 'Соблюдено', 'Нарушено', 'Соблюдение']);
      expect(data.slaCompliance.some((r: any) => r.met > 0 && r.missed > 0)).toBe(true);
      expect(body(sla.rows), label).toEqual(
        data.slaCompliance.map((r: any) => [
          period(r.period),
          CLOCK_RU[r.clock],
          r.departmentId ? departments.get(r.departmentId) : 'без отдела',
          r.total,
          r.met,
          r.missed,
          share(r.compliance),
        ]),
      );

      const durations = await csv('stage-durations', { filter });
      expect(durations.rows[0]!.slice(0, 4)).toEqual(['Период', 'Стадия', 'Пребываний', 'Медиана, рабочее, ч']);
      expect(data.stageDurations.length).toBeGreaterThan(0);
      expect(body(durations.rows), label).toEqual(
        data.stageDurations.map((r: any) => [
          period(r.period),
          STAGE_RU[r.stage],
          r.visits,
          hours(r.medianWorkingSeconds),
          hours(r.p90WorkingSeconds),
          hours(r.medianCalendarSeconds),
          hours(r.p90CalendarSeconds),
        ]),
      );

      const satisfaction = await csv('satisfaction-trend', { filter });
      expect(satisfaction.rows[0]).toEqual(['Период', 'Закрыто', 'Оценено', 'Средняя оценка', 'Оценки 4–5', 'Доля ответивших']);
      expect(body(satisfaction.rows), label).toEqual(
        data.satisfactionTrend.map((p: any) => [
          period(p.period),
          p.closed,
          p.rated,
          p.average,
          share(p.satisfiedShare),
          share(p.responseRate),
        ]),
      );
      expect(data.satisfactionTrend[0].average).toBe(3);

      const legal = await csv('legal-compliance', { filter });
      expect(legal.rows[0]).toEqual(['Период', 'Сроков', 'Соблюдено', 'С опозданием', 'Начисленная неустойка']);
      expect(body(legal.rows), label).toEqual(
        data.legalCompliance.map((r: any) => [period(r.period), r.total, r.met, r.late, r.penaltyAccrued]),
      );
    }
  });

  it('give the Pareto bars, the fishbone and the repeats of the queries, causes by name with their code beside', async () => {
    const cases = [
      { by: 'CAUSE' },
      { by: 'PRODUCT', measure: 'COUNT' },
      { by: 'DEPARTMENT', measure: 'REMEDY_AMOUNT' },
      { by: 'CAUSE_GROUP' },
      { by: 'REJECTION_REASON' },
      { by: 'CATEGORY' },
    ];
    for (const args of cases) {
      const { pareto } = await gql(
        `query($f: AnalysisFilterInput!, $by: ParetoDimension!, $measure: ParetoMeasure) {
        pareto(filter: $f, by: $by, measure: $measure) { measure bars { label complaints value share cumulativeShare vital cause { code nameRu } group rejectionReason { code nameRu } } } }`,
        { f, ...args },
      );
      const { rows } = await csv('pareto', { filter: f, ...args });
      const coded = ['CAUSE', 'CAUSE_GROUP', 'REJECTION_REASON'].includes(args.by);
      expect(rows[0]!.length, args.by).toBe(coded ? 7 : 6);
      expect(pareto.bars.length, args.by).toBeGreaterThan(0);
      const groupRu: Record<string, string> = { MATERIAL: 'Материал' };
      expect(body(rows), args.by).toEqual(
        pareto.bars.map((b: any) =>
          [
            b.cause?.nameRu ?? b.rejectionReason?.nameRu ?? (b.group ? groupRu[b.group] : b.label),
            ...(coded ? [b.cause?.code ?? b.rejectionReason?.code ?? b.group] : []),
            b.complaints,
            b.value,
            share(b.share),
            share(b.cumulativeShare),
            b.vital ? 'да' : null,
          ].map((v) => (typeof v === 'string' && /^[=+\-@]/.test(v) ? `'${v}` : v)),
        ),
      );
    }
    expect((await csv('pareto', { filter: f, by: 'CAUSE' })).rows[0]).toEqual([
      'Причина',
      'Код',
      'Обращения',
      'Обращения',
      'Доля',
      'Накопленная доля',
      'В пределах 80 %',
    ]);

    const { causeEffect } = await gql(
      `query($f: AnalysisFilterInput!) { causeEffect(filter: $f) { group count causes { count cause { code } } } }`,
      { f },
    );
    const fishbone = body((await csv('cause-effect', { filter: f })).rows);
    expect(fishbone.map((r) => [r[1], r[3]])).toEqual(
      causeEffect.flatMap((b: any) => [[b.group, b.count], ...b.causes.map((c: any) => [c.cause.code, c.count])]),
    );
    expect(fishbone.find((r) => r[1] === 'SUPPLIER_DEFECT')).toEqual(['Материал', 'SUPPLIER_DEFECT', `'${HYPERLINK}`, 3]);

    for (const args of [{ by: 'PRODUCT' }, { by: 'CAUSE', withinDays: 30 }, { by: 'CUSTOMER', withinDays: 730 }]) {
      const { repeats } = await gql(
        `query($f: AnalysisFilterInput!, $by: RepeatKey!, $withinDays: Int) {
        repeats(filter: $f, by: $by, withinDays: $withinDays) { complaints repeats top { label complaints repeats } } }`,
        { f, ...args },
      );
      const rows = body((await csv('repeats', { filter: f, ...args })).rows);
      if (args.by !== 'CUSTOMER') expect(repeats.repeats, args.by).toBeGreaterThan(0);
      const numbers = (r: unknown[]) => r.slice(-2);
      expect(rows.map(numbers), args.by).toEqual([
        ...repeats.top.map((g: any) => [g.complaints, g.repeats]),
        [repeats.complaints, repeats.repeats],
      ]);
      expect(rows.at(-1)![0]).toBe('Итого');
      if (args.by === 'CAUSE') expect(rows[0]!.slice(0, 2)).toEqual([`'${HYPERLINK}`, 'SUPPLIER_DEFECT']);
      if (args.by === 'PRODUCT') expect(rows.map((r) => r[0])).toContain(KETTLE);
    }
  });

  it('neutralise a cause or product that reads as a formula, in CSV and in XLSX, and keep Cyrillic in both', async () => {
    const { raw, rows } = await csv('pareto', { filter: f, by: 'PRODUCT' });
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const names = rows.map((r) => r[0]);
    expect(names).toContain(`'${HYPERLINK}`);
    expect(names).not.toContain(HYPERLINK);
    expect(names).toContain(KETTLE);
    expect(rows[0]![0]).toBe('Товар');

    const sheet = await xlsx('pareto', { filter: f, by: 'CAUSE' });
    expect(sheet[0]).toEqual(['Причина', 'Код', 'Обращения', 'Обращения', 'Доля', 'Накопленная доля', 'В пределах 80 %']);
    expect(sheet[1]).toEqual([`'${HYPERLINK}`, 'SUPPLIER_DEFECT', 3, 3, 1, 1, 'да']);
    expect(sheet.flat().some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
    const products = await xlsx('pareto', { filter: f, by: 'PRODUCT' });
    expect(products.map((r) => r[0])).toEqual(expect.arrayContaining(['Товар', KETTLE, `'${HYPERLINK}`]));

    // In English on asking, with the names in English.
    const english = await xlsx('cause-effect', { filter: f, lang: 'en' });
    expect(english[0]).toEqual(['Group', 'Code', 'Cause', 'Complaints']);
    expect(english[1]).toEqual(['People', 'PEOPLE', 'all causes', expect.any(Number)]);
  });

  it('show a HEAD their departments only, and another company nothing of this one', async () => {
    const head = w.staff.HEAD.token;
    const byDepartment = body((await csv('pareto', { filter: f, by: 'DEPARTMENT' }, head)).rows);
    const { pareto } = await gql(
      `query($f: AnalysisFilterInput!) { pareto(filter: $f, by: DEPARTMENT) { bars { key complaints } } }`,
      { f },
      head,
    );
    expect(pareto.bars).toEqual([{ key: w.dept, complaints: 6 }]);
    expect(byDepartment.map((r) => r[1])).toEqual([6]);
    const all = body((await csv('pareto', { filter: f, by: 'DEPARTMENT' })).rows);
    expect(all.map((r) => r[1])).toEqual([6, 1]);
    const products = body((await csv('pareto', { filter: f, by: 'PRODUCT' }, head)).rows).map((r) => r[0]);
    expect(products).not.toContain('Другой отдел');
    expect(body((await csv('pareto', { filter: f, by: 'PRODUCT' })).rows).map((r) => r[0])).toContain('Другой отдел');
    // Naming a department not theirs is refused, as the query refuses it.
    const refused = await download('/exports/analysis/funnel.csv', head, { filter: { ...f, departmentId: w.otherDept } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('FORBIDDEN');

    const mine = (await csv('pareto', { filter: f, by: 'PRODUCT' })).rows.flat().join(' ');
    expect(mine).not.toContain('Other company secret');
    const theirs = (await csv('pareto', { filter: f, by: 'PRODUCT' }, other.staff.QUALITY_MANAGER.token)).rows;
    expect(theirs.slice(1).map((r) => r[0])).toEqual(['Other company secret']);
    const theirFunnel = body((await csv('funnel', { filter: f }, other.staff.QUALITY_MANAGER.token)).rows);
    expect(theirFunnel.find((r) => r[1] === 'Получено')![2]).toBe(1);
  });

  it('refuse the roles the queries refuse, with a typed error and no file', async () => {
    for (const role of ['OPERATOR', 'SPECIALIST', 'ADMIN'] as const) {
      for (const format of ['csv', 'xlsx']) {
        const refused = await download(`/exports/analysis/pareto.${format}`, w.staff[role].token, { filter: f, by: 'CAUSE' });
        expect(refused.status, role).toBe(403);
        expect(refused.type).toContain('json');
        expect(refused.disposition).toBe('');
        expect(refused.json.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('VIEW_ANALYSIS') });
      }
    }
    const anonymous = await download('/exports/analysis/funnel.csv', undefined, { filter: f });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe('UNAUTHENTICATED');
    const unknown = await download('/exports/analysis/nothing.csv', w.staff.QUALITY_MANAGER.token, { filter: f });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('NOT_FOUND');
  });

  it('refuse bad arguments with BAD_USER_INPUT, as the queries do, and write nothing', async () => {
    const token = w.staff.QUALITY_MANAGER.token;
    const attempts: Array<[string, Record<string, unknown>, string]> = [
      ['funnel', {}, 'filter'],
      ['funnel', { filter: '{not json' }, 'filter'],
      ['funnel', { filter: { from: f.to, to: f.from } }, 'filter.to'],
      ['funnel', { filter: { ...f, grouping: 'DAY' } }, 'DAY'],
      ['funnel', { filter: { ...f, departmentId: 'not-an-id' } }, 'departmentId'],
      ['funnel', { filter: { ...f, product: 'a\u200bb' } }, 'INVISIBLE_CHARACTERS'],
      ['funnel', { filter: f, by: 'CAUSE' }, 'unknown parameter by'],
      ['pareto', { filter: f }, 'by'],
      ['pareto', { filter: f, by: 'SALARY' }, 'SALARY'],
      ['pareto', { filter: f, by: 'CAUSE', measure: 'LOVE' }, 'LOVE'],
      ['repeats', { filter: f, by: 'CUSTOMER', withinDays: 0 }, 'withinDays'],
      ['repeats', { filter: f, by: 'CUSTOMER', withinDays: 'soon' }, 'soon'],
      ['legal-compliance', { filter: f, lang: 'de' }, 'lang'],
    ];
    await fx.expectNoWrites(async () => {
      for (const [table, query, mention] of attempts) {
        const refused = await download(`/exports/analysis/${table}.xlsx`, token, query);
        expect(refused.status, `${table} ${JSON.stringify(query)}`).toBe(400);
        expect(refused.json.error.code).toBe('BAD_USER_INPUT');
        expect(JSON.stringify(refused.json.error), `${table} ${JSON.stringify(query)}`).toContain(mention);
      }
    });
    // The same arguments over GraphQL get the same code.
    const bad = await server.staff(
      `query($f: AnalysisFilterInput!) { repeats(filter: $f, by: CUSTOMER, withinDays: 0) { complaints } }`,
      { f },
      token,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('survey figures exports', () => {
  const Q = (type: string, parameter: string, textEn: string) => ({ type, parameter, textRu: `${textEn} (ru)`, textEn });
  const SURVEY = `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { id versions { questions { id } } } }`;
  const PHONE = `mutation($input: EnterPhoneSurveyResponseInput!) { enterPhoneSurveyResponse(input: $input) { id } }`;
  /** A survey of the company, active, answered by phone for a complaint of each department with `scores` (CSAT, NPS, CES). */
  async function answered(world: World, answers: Array<{ departmentId: string; scores: number[] }>) {
    const token = world.staff.QUALITY_MANAGER.token;
    const survey = (
      await gql(
        SURVEY,
        {
          input: {
            nameRu: 'Опрос',
            nameEn: 'Survey',
            questions: [Q('CSAT', 'OVERALL', 'Satisfied?'), Q('NPS', 'OVERALL', 'Recommend?'), Q('CES', 'SUPPORT_LINE', 'Easy?')],
          },
        },
        token,
      )
    ).createSurvey;
    await gql(`mutation($id: ID!) { activateSurvey(id: $id) { id } }`, { id: survey.id }, world.staff.ADMIN.token);
    const questions = survey.versions[0].questions.map((q: { id: string }) => q.id);
    for (const a of answers) {
      const c = await fx.register(world.staff.OPERATOR.token, {
        channel: 'PHONE',
        departmentId: a.departmentId,
        categoryId: world.cat,
        demand: 'REFUND',
        product: 'Опрос',
      });
      await gql(
        PHONE,
        { input: { complaintId: c.id, answers: questions.map((questionId: string, i: number) => ({ questionId, score: a.scores[i] })) } },
        token,
      );
    }
  }
  const FIGURES = `query($f: AnalysisFilterInput!, $by: SurveyBreakdown!) {
    surveyResponseRates(filter: $f, by: $by) { period key label invited answered responseRate responses lowSample }
    surveyScores(filter: $f, by: $by) { period key label parameter type answers average satisfiedShare promoterShare passiveShare detractorShare nps lowSample } }`;
  const PARAMETER_RU: Record<string, string> = { OVERALL: 'В целом', SUPPORT_LINE: 'Линия поддержки' };
  const SCALE: Record<string, string> = { CSAT: 'CSAT (1–5)', NPS: 'NPS (0–10)', CES: 'CES (1–7)' };
  const whose = (by: string, r: { label: string | null }) => (by === 'COMPANY' ? 'Вся компания' : (r.label ?? 'без отдела'));

  beforeAll(async () => {
    await answered(w, [
      { departmentId: w.dept, scores: [5, 10, 7] },
      { departmentId: w.dept, scores: [2, 3, 2] },
      { departmentId: w.otherDept, scores: [4, 8, 5] },
    ]);
    await answered(other, [{ departmentId: other.dept, scores: [1, 0, 1] }]);
  });

  it('are the response rates and the scores of the queries, for the company, by department and by category, in CSV and XLSX', async () => {
    for (const [filter, by] of [
      [f, 'COMPANY'],
      [{ ...f, grouping: 'MONTH' }, 'DEPARTMENT'],
      [f, 'CATEGORY'],
    ] as const) {
      const data = await gql(FIGURES, { f: filter, by });
      const label = `${JSON.stringify(filter)} ${by}`;
      expect(data.surveyScores.length, label).toBeGreaterThan(0);
      const rates = await csv('survey-responses', { filter, by });
      expect(rates.rows[0]).toEqual([
        'Период',
        by === 'COMPANY' ? 'Вся компания' : by === 'DEPARTMENT' ? 'Отдел' : 'Категория',
        'Приглашено',
        'Ответило',
        'Доля ответивших',
        'Получено ответов',
        'Мало ответов',
      ]);
      expect(body(rates.rows), label).toEqual(
        data.surveyResponseRates.map((r: any) => [
          period(r.period),
          whose(by, r),
          r.invited,
          r.answered,
          share(r.responseRate),
          r.responses,
          r.lowSample ? 'да' : null,
        ]),
      );
      const scores = await csv('survey-scores', { filter, by });
      expect(scores.rows[0]!.slice(2)).toEqual([
        'Параметр',
        'Шкала',
        'Ответов',
        'Средний балл',
        'Оценки 4–5',
        'Сторонники',
        'Нейтральные',
        'Критики',
        'NPS',
        'Мало ответов',
      ]);
      const expected = data.surveyScores.map((r: any) => [
        period(r.period),
        whose(by, r),
        PARAMETER_RU[r.parameter],
        SCALE[r.type],
        r.answers,
        r.average,
        share(r.satisfiedShare),
        share(r.promoterShare),
        share(r.passiveShare),
        share(r.detractorShare),
        r.nps,
        r.lowSample ? 'да' : null,
      ]);
      expect(body(scores.rows), label).toEqual(expected);
      expect(await xlsx('survey-scores', { filter, by }), label).toEqual(
        [scores.rows[0], ...expected.map((r: unknown[]) => r.map((x) => x ?? undefined))].map((r) => {
          const row = [...r];
          while (row.length && row[row.length - 1] === undefined) row.pop();
          return row;
        }),
      );
    }
    // The company's three phone answers (the other company's never), whole period.
    const company = await gql(FIGURES, { f, by: 'COMPANY' });
    expect(company.surveyScores.map((r: any) => [r.parameter, r.type, r.answers, r.average])).toEqual([
      ['OVERALL', 'CSAT', 3, 3.67],
      ['OVERALL', 'NPS', 3, 7],
      ['SUPPORT_LINE', 'CES', 3, 4.67],
    ]);
    expect(company.surveyScores.find((r: any) => r.type === 'NPS')).toMatchObject({
      nps: 0,
      promoterShare: 1 / 3,
      detractorShare: 1 / 3,
      lowSample: true,
    });
  });

  it('show a HEAD their departments only', async () => {
    const data = await gql(FIGURES, { f, by: 'DEPARTMENT' }, w.staff.HEAD.token);
    expect(data.surveyScores.every((r: any) => r.key === w.dept)).toBe(true);
    const scores = await csv('survey-scores', { filter: f, by: 'DEPARTMENT' }, w.staff.HEAD.token);
    expect(body(scores.rows).map((r) => r[4])).toEqual(data.surveyScores.map((r: any) => r.answers));
    expect(data.surveyScores.map((r: any) => r.answers)).toEqual([2, 2, 2]);
  });

  it("give an API key limited to a department that department's figures only, in its queries and in its files", async () => {
    const made = await gql(
      `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { key } }`,
      { input: { name: 'BI', scopes: ['READ_ANALYSIS'], departmentIds: [w.otherDept] } },
      w.t.adminToken,
    );
    const key = made.createIntegration.key;
    const data = await gql(FIGURES, { f, by: 'COMPANY' }, key);
    expect(data.surveyScores.map((r: any) => [r.parameter, r.type, r.answers, r.average])).toEqual([
      ['OVERALL', 'CSAT', 1, 4],
      ['OVERALL', 'NPS', 1, 8],
      ['SUPPORT_LINE', 'CES', 1, 5],
    ]);
    expect(data.surveyResponseRates.map((r: any) => r.responses)).toEqual([1]);
    // The key's file: the same figures as its query, the department's answers only (the company has three).
    const scores = await csv('survey-scores', { filter: f, by: 'COMPANY' }, key);
    expect(body(scores.rows).map((r) => [r[2], r[3], r[4], r[5]])).toEqual([
      [PARAMETER_RU.OVERALL, SCALE.CSAT, 1, 4],
      [PARAMETER_RU.OVERALL, SCALE.NPS, 1, 8],
      [PARAMETER_RU.SUPPORT_LINE, SCALE.CES, 1, 5],
    ]);
  });
});
