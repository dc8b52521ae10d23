import ExcelJS from 'exceljs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Action, GRANTS } from '../src/auth/permissions.js';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, type TenantFixture, type World } from './fixtures.js';

let server: TestServer;
let fx: Fixtures;
/** A Russian-language company (the default) and an English-language one. */
let ru: World;
let en: World;

const HYPERLINK = '=HYPERLINK("http://x","y")';

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  const enTenant: TenantFixture = await fx.tenant(undefined, 'English Co', undefined, {
    locale: 'en',
    timeZone: 'Europe/London',
    country: 'GB',
  });
  [ru, en] = await Promise.all([fx.world(), fx.world(enTenant)]);
  const op = ru.staff.OPERATOR.token;
  await fx.register(op, { subject: HYPERLINK, customer: { name: '@Мария Иванова', email: 'maria@example.com' } });
  await fx.register(op, { subject: 'Треснула крышка чайника; «гарантия», ёлка', channel: 'PHONE', priority: 'HIGH' });
  await fx.register(op, { subject: 'Line "one", two', channel: 'EMAIL', description: 'Needs quoting' });
  await fx.register(op, { subject: '-5% discount asked', channel: 'WEB', priority: 'LOW' });
  for (let i = 0; i < 3; i++) await fx.complaintAt(ru, Stage.REGISTERED, { input: { subject: `Registered ${i}`, channel: 'CHAT' } });
  await fx.complaintAt(ru, Stage.ANALYSIS, { input: { subject: 'Under analysis' } });
  await fx.register(en.staff.OPERATOR.token, { subject: 'Other company secret' });
});
afterAll(() => server?.close());

interface Download {
  status: number;
  type: string;
  body: Buffer;
  json: any;
}

async function download(path: string, token?: string, query: Record<string, unknown> = {}): Promise<Download> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) params.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  let req = request(server.url)
    .get(`${path}${params.size ? `?${params}` : ''}`)
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
  return { status: res.status, type, body, json: type.includes('json') ? JSON.parse(body.toString('utf8')) : null };
}

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string, separator: string): string[][] {
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
    else if (ch === separator) {
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

async function csv(token: string, query: Record<string, unknown> = {}, separator = ';'): Promise<{ raw: Buffer; rows: string[][] }> {
  const d = await download('/exports/complaints.csv', token, query);
  expect(d.status, d.body.toString()).toBe(200);
  return { raw: d.body, rows: parseCsv(d.body.toString('utf8').replace(/^\uFEFF/, ''), separator) };
}

async function xlsx(token: string, query: Record<string, unknown> = {}): Promise<unknown[][]> {
  const d = await download('/exports/complaints.xlsx', token, query);
  expect(d.status, d.body.toString()).toBe(200);
  expect(d.type).toContain('spreadsheetml');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(d.body as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

const LIST = `query($filter: ComplaintFilter, $orderBy: ComplaintOrder, $after: String) {
  complaints(filter: $filter, orderBy: $orderBy, first: 200, after: $after) { totalCount edges { node { number } } pageInfo { hasNextPage endCursor } } }`;

/** The numbers the `complaints` query gives for a filter and order, every page. */
async function listed(token: string, filter: unknown, orderBy?: unknown): Promise<{ total: number; numbers: string[] }> {
  const numbers: string[] = [];
  let after: string | null = null;
  let total: number;
  do {
    const page: any = ok(await server.staff(LIST, { filter, orderBy, after }, token)).complaints;
    total = page.totalCount;
    numbers.push(...page.edges.map((e: any) => e.node.number));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return { total, numbers };
}

describe('complaint export', () => {
  it('neutralises a formula in CSV and in XLSX', async () => {
    const { rows } = await csv(ru.staff.QUALITY_MANAGER.token);
    const subjects = rows.map((r) => r[1]);
    expect(subjects).toContain(`'${HYPERLINK}`);
    expect(subjects).not.toContain(HYPERLINK);
    expect(subjects).toContain("'-5% discount asked");
    expect(rows.map((r) => r[2])).toContain("'@Мария Иванова");

    const sheet = await xlsx(ru.staff.QUALITY_MANAGER.token);
    const cell = sheet.find((r) => String(r[1]).includes('HYPERLINK'))![1];
    // A plain string, never a formula object; shown as text.
    expect(cell).toBe(`'${HYPERLINK}`);
    expect(sheet.flat().some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
  });

  it('keeps Cyrillic, quotes and separators through a round trip, with a BOM and the headers in the asked language', async () => {
    const { raw, rows } = await csv(ru.staff.OPERATOR.token);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(rows[0]).toEqual([
      'Номер',
      'Тема',
      'Клиент',
      'Стадия',
      'Приоритет',
      'Канал',
      'Категория',
      'Отдел',
      'Исполнитель',
      'Срок',
      'Получено',
    ]);
    const subjects = rows.map((r) => r[1]);
    expect(subjects).toContain('Треснула крышка чайника; «гарантия», ёлка');
    expect(subjects).toContain('Line "one", two');
    const phone = rows.find((r) => r[1]!.startsWith('Треснула'))!;
    expect(phone[4]).toBe('Высокий');
    expect(phone[5]).toBe('Телефон');
    // Received in the company's zone (Europe/Moscow): YYYY-MM-DD HH:mm.
    expect(phone[10]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    const english = await csv(ru.staff.OPERATOR.token, { lang: 'en' });
    expect(english.rows[0]!.slice(0, 4)).toEqual(['Number', 'Subject', 'Customer', 'Stage']);

    const sheet = await xlsx(ru.staff.OPERATOR.token);
    expect(sheet[0]![0]).toBe('Номер');
    expect(sheet.map((r) => r[1])).toContain('Треснула крышка чайника; «гарантия», ёлка');
  });

  it('separates with ; for a Russian-language company and with , for an English-language one', async () => {
    const ruText = (await download('/exports/complaints.csv', ru.staff.OPERATOR.token)).body.toString('utf8');
    expect(ruText.split('\r\n')[0]).toBe('\uFEFFНомер;Тема;Клиент;Стадия;Приоритет;Канал;Категория;Отдел;Исполнитель;Срок;Получено');
    const enText = (await download('/exports/complaints.csv', en.staff.OPERATOR.token)).body.toString('utf8');
    expect(enText.split('\r\n')[0]).toBe(
      '\uFEFFNumber,Subject,Customer,Stage,Priority,Channel,Category,Department,Assignee,Deadline,Received',
    );
    expect(parseCsv(enText.slice(1), ',').length).toBe(2);
  });

  it('gives the rows and the order of the complaints query with the same filter', async () => {
    const token = ru.staff.SPECIALIST.token;
    const cases: Array<{ filter: unknown; orderBy?: unknown }> = [
      { filter: null },
      { filter: { stages: ['REGISTERED', 'ANALYSIS'] } },
      { filter: { departmentId: ru.dept }, orderBy: { field: 'NUMBER', direction: 'DESC' } },
      { filter: { inMyDepartments: true, channel: 'CHAT' } },
      { filter: { search: 'крышка' } },
      { filter: { priority: 'HIGH' }, orderBy: { field: 'RECEIVED_AT', direction: 'ASC' } },
      { filter: { unassigned: true }, orderBy: { field: 'ASSIGNEE', direction: 'DESC' } },
      { filter: { receivedFrom: new Date(Date.now() - 3600_000).toISOString(), stages: ['RECEIVED'] } },
    ];
    for (const c of cases) {
      const expected = await listed(token, c.filter, c.orderBy);
      const query = { ...(c.filter ? { filter: c.filter } : {}), ...(c.orderBy ? { orderBy: c.orderBy } : {}) };
      const { rows } = await csv(token, query);
      const numbers = rows.slice(1).map((r) => r[0]);
      expect(numbers.length, JSON.stringify(c)).toBe(expected.total);
      expect(numbers, JSON.stringify(c)).toEqual(expected.numbers);
      const sheet = await xlsx(token, query);
      expect(
        sheet.slice(1).map((r) => r[0]),
        JSON.stringify(c),
      ).toEqual(expected.numbers);
    }
    expect((await listed(token, null)).total).toBe(8);
  });

  it("never shows another company's complaints, and the names of the row's department and assignee", async () => {
    const { rows } = await csv(ru.staff.HEAD.token);
    expect(rows.flat().join(' ')).not.toContain('Other company secret');
    expect(rows.length).toBe(1 + 8);
    const analysed = rows.find((r) => r[1] === 'Under analysis')!;
    expect(analysed[7]).toMatch(/^Dept /);
    expect(analysed[8]).toBe('Staff SPECIALIST');
    const { rows: enRows } = await csv(en.staff.HEAD.token, {}, ',');
    expect(enRows.slice(1).map((r) => r[1])).toEqual(['Other company secret']);
  });

  it('refuses with 403 a role the complaints query refuses, and without a valid token with 401', async () => {
    // Every role may list complaints today (docs/roles.md), and users cannot be without a role: narrow the grant for this
    // test, to see the export apply the same rule as the query.
    const grants = GRANTS as Record<Action, readonly Role[]>;
    const before = grants[Action.READ_COMPLAINTS];
    grants[Action.READ_COMPLAINTS] = before.filter((r) => r !== Role.ADMIN);
    try {
      const token = ru.staff.ADMIN.token;
      expect((await server.staff(LIST, {}, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      for (const format of ['csv', 'xlsx']) {
        const refused = await download(`/exports/complaints.${format}`, token);
        expect(refused.status).toBe(403);
        expect(refused.json.error).toMatchObject({
          code: 'FORBIDDEN',
          message: expect.stringContaining('READ_COMPLAINTS needs one of the roles'),
        });
      }
    } finally {
      grants[Action.READ_COMPLAINTS] = before;
    }
    expect((await download('/exports/complaints.csv', ru.staff.ADMIN.token)).status).toBe(200);
    const anonymous = await download('/exports/complaints.csv');
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe('UNAUTHENTICATED');
    expect((await download('/exports/complaints.csv', 'not-a-token')).status).toBe(401);
    // A deactivated member's token no longer opens anything.
    const leaver = await fx.staff(ru.t, [Role.OPERATOR]);
    await fx.asTenant(ru.t.tenantId, (m) => m.query('UPDATE users SET active = false WHERE id = $1', [leaver.id]));
    expect((await download('/exports/complaints.xlsx', leaver.token)).json.error.code).toBe('UNAUTHENTICATED');
  });

  it("opens to an integration's API key as the complaints and analysis queries do: its scopes, its departments, its company; revoked, it opens nothing", async () => {
    const key = async (input: Record<string, unknown>) =>
      ok(
        await server.staff(
          `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { key integration { id } } }`,
          { input: { name: `Shop ${Math.random().toString(36).slice(2, 8)}`, ...input } },
          ru.t.adminToken,
        ),
      ).createIntegration as { key: string; integration: { id: string } };
    const reader = await key({ scopes: ['READ_COMPLAINTS'] });
    const staffRows = (await csv(ru.staff.ADMIN.token)).rows;
    const keyRows = (await csv(reader.key)).rows;
    expect(keyRows).toEqual(staffRows);
    expect(keyRows.flat().join(' ')).not.toContain('Other company secret');
    // Limited to a department: the rows its complaints query gives, in its order.
    const limited = await key({ scopes: ['READ_COMPLAINTS'], departmentIds: [ru.dept] });
    const expected = await listed(limited.key, null);
    expect(expected.total).toBeGreaterThan(0);
    expect(expected.total).toBeLessThan(staffRows.length - 1);
    expect((await csv(limited.key)).rows.slice(1).map((r) => r[0])).toEqual(expected.numbers);
    // The analysis tables need READ_ANALYSIS, as their queries do.
    const f = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
    const refused = await download('/exports/analysis/funnel.csv', reader.key, { filter: f });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE_MISSING' });
    const analyst = await key({ scopes: ['READ_ANALYSIS'] });
    expect((await download('/exports/analysis/funnel.xlsx', analyst.key, { filter: f })).status).toBe(200);
    expect((await download('/exports/complaints.csv', analyst.key)).json.error).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'SCOPE_MISSING',
    });
    // Revoked, unknown or malformed: 401.
    ok(
      await server.staff('mutation($id: ID!) { revokeIntegration(id: $id) { revokedAt } }', { id: reader.integration.id }, ru.t.adminToken),
    );
    const revoked = await download('/exports/complaints.csv', reader.key);
    expect(revoked.status).toBe(401);
    expect(revoked.json.error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'KEY_REVOKED' });
    const unknown = `rk_${'0'.repeat(16)}_${'A'.repeat(43)}`;
    expect((await download('/exports/complaints.csv', unknown)).json.error).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'unknown API key',
    });
    expect((await download('/exports/complaints.csv', 'rk_short')).status).toBe(401);
  });

  it('refuses bad input with a typed error and writes nothing', async () => {
    const token = ru.staff.OPERATOR.token;
    const attempts: Array<[Record<string, unknown>, string]> = [
      [{ filter: '{not json' }, 'filter'],
      [{ filter: { stages: ['NOPE'] } }, 'NOPE'],
      [{ filter: { departmentId: 'not-an-id' } }, 'departmentId'],
      [{ filter: { search: 'a\u200bb' } }, 'invisible'],
      [{ orderBy: { field: 'SALARY' } }, 'SALARY'],
      [{ lang: 'de' }, 'lang'],
      [{ limit: '5' }, 'limit'],
    ];
    await fx.expectNoWrites(async () => {
      for (const [query, mention] of attempts) {
        const refused = await download('/exports/complaints.csv', token, query);
        expect(refused.status, JSON.stringify(query)).toBe(400);
        expect(refused.json.error.code).toBe('BAD_USER_INPUT');
        expect(JSON.stringify(refused.json.error)).toContain(mention);
      }
    });
    const wrongMethod = await request(server.url).post('/exports/complaints.csv').set('authorization', `Bearer ${token}`);
    expect(wrongMethod.status).toBe(405);
  });
  it('pages the list and the export without repeating rows whose times share a millisecond', async () => {
    // Times written by now() carry microseconds; a cursor that kept only milliseconds started the next page before them.
    await fx.asTenant(ru.t.tenantId, (m) =>
      m.query(`UPDATE complaints c SET received_at = timestamptz '2026-11-30 10:00:00.123' + make_interval(secs => n / 1e6)
      FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM complaints) r WHERE r.id = c.id`),
    );
    const token = ru.staff.OPERATOR.token;
    const orderBy = { field: 'RECEIVED_AT', direction: 'DESC' };
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = ok(
        await server.staff(
          `query($orderBy: ComplaintOrder, $after: String) {
        complaints(orderBy: $orderBy, first: 3, after: $after) { edges { node { number } } pageInfo { hasNextPage endCursor } } }`,
          { orderBy, after },
          token,
        ),
      ).complaints;
      seen.push(...page.edges.map((e: any) => e.node.number));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen.length).toBe(8);
    expect(new Set(seen).size).toBe(8);
    const { rows } = await csv(token, { orderBy });
    expect(rows.slice(1).map((r) => r[0])).toEqual(seen);
    expect(rows[1]![10]).toBe('2026-11-30 13:00');
  });
});
