import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, expectError, type ComplaintView, type World } from './fixtures.js';

let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
/** A's complaint, registered to `a.dept` with a refund demand (so it has a legal deadline). */
let complaintA: ComplaintView;
let complaintB: ComplaintView;
/** A's and B's template naming every placeholder. */
let everyA: string;
let everyB: string;

const FIELDS = 'id name locale body createdAt updatedAt';
const D = {
  list: `query($locale: String) { responseTemplates(locale: $locale) { ${FIELDS} } }`,
  create: `mutation($input: CreateResponseTemplateInput!) { createResponseTemplate(input: $input) { ${FIELDS} } }`,
  update: `mutation($input: UpdateResponseTemplateInput!) { updateResponseTemplate(input: $input) { ${FIELDS} } }`,
  remove: `mutation($id: ID!) { deleteResponseTemplate(id: $id) }`,
  render: `query($t: ID!, $c: ID!) { renderResponseTemplate(templateId: $t, complaintId: $c) }`,
};
const EVERY = `{{number}}|{{subject}}|{{customer.name}}|{{stage}}|{{expectedBy}}|{{agent.name}}|{{company.name}}|{{department.name}}`;
const hex = () => randomBytes(3).toString('hex');

interface Template {
  id: string;
  name: string;
  locale: string | null;
  body: string;
  createdAt: string;
  updatedAt: string;
}

async function create(token: string, input: Record<string, unknown>): Promise<Template> {
  return ok(await server.staff(D.create, { input }, token)).createResponseTemplate;
}
const render = (token: string, t: string, c: string) => server.staff(D.render, { t, c }, token);
const list = async (token: string, locale?: string): Promise<Template[]> =>
  ok(await server.staff(D.list, { locale }, token)).responseTemplates;

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
  [complaintA, complaintB] = await Promise.all([fx.complaintAt(a, Stage.REGISTERED), fx.complaintAt(b, Stage.REGISTERED)]);
  everyA = (await create(a.t.adminToken, { name: 'Every placeholder', body: EVERY })).id;
  everyB = (await create(b.t.adminToken, { name: 'Every placeholder', body: EVERY })).id;
});
afterAll(() => server?.close());

describe('response templates', () => {
  it('are created, listed by name, filtered by language, updated and deleted', async () => {
    const token = a.staff.QUALITY_MANAGER.token;
    const ru = await create(token, {
      name: `  Ответ ${hex()}  `,
      locale: 'ru',
      body: '  Здравствуйте, {{customer.name}}!\nВаше обращение {{ number }} принято.  ',
    });
    expect(ru.name).toMatch(/^Ответ [0-9a-f]{6}$/);
    expect(ru.body).toBe('Здравствуйте, {{customer.name}}!\nВаше обращение {{ number }} принято.');
    const en = await create(token, { name: `Answer ${hex()}`, locale: 'en', body: 'Dear {{customer.name}},' });
    const any = await create(token, { name: `Any ${hex()}`, body: '{{number}}' });
    expect(any.locale).toBeNull();

    const all = await list(a.staff.OPERATOR.token);
    const names = all.map((t) => t.name);
    expect(names).toEqual([...names].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())));
    expect(all.map((t) => t.id)).toEqual(expect.arrayContaining([ru.id, en.id, any.id, everyA]));
    const english = (await list(a.staff.OPERATOR.token, 'en')).map((t) => t.id);
    expect(english).toEqual(expect.arrayContaining([en.id, any.id]));
    expect(english).not.toContain(ru.id);

    const updated = ok(
      await server.staff(
        D.update,
        { input: { id: en.id, name: 'Answer, revised', locale: null, body: 'Hello {{agent.name}}' } },
        a.t.adminToken,
      ),
    ).updateResponseTemplate;
    expect(updated).toMatchObject({
      id: en.id,
      name: 'Answer, revised',
      locale: null,
      body: 'Hello {{agent.name}}',
      createdAt: en.createdAt,
    });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(en.updatedAt).getTime());
    expect((await list(a.staff.HEAD.token)).find((t) => t.id === en.id)).toEqual(updated);
    // Keeping its own name (in another case) is not a duplicate.
    ok(await server.staff(D.update, { input: { id: en.id, name: 'ANSWER, REVISED', body: 'x' } }, a.t.adminToken));

    expect(ok(await server.staff(D.remove, { id: en.id }, token)).deleteResponseTemplate).toBe(true);
    expect((await list(token)).map((t) => t.id)).not.toContain(en.id);
    expectError(await server.staff(D.remove, { id: en.id }, token), 'NOT_FOUND');
  });
});

describe('bad input', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const valid = () => ({ name: `Reply ${hex()}`, locale: 'en', body: 'Dear {{customer.name}}, about {{number}}' });
  const cases: Array<[label: string, input: () => Record<string, unknown>, code: string, mentions?: string]> = [
    ['an empty name', () => ({ ...valid(), name: '' }), 'BAD_USER_INPUT'],
    ['a blank name', () => ({ ...valid(), name: ' \t ' }), 'BAD_USER_INPUT'],
    ['a name of 101 characters', () => ({ ...valid(), name: 'x'.repeat(101) }), 'BAD_USER_INPUT'],
    ['a name on two lines', () => ({ ...valid(), name: 'one\ntwo' }), 'BAD_USER_INPUT'],
    ['a script in the name', () => ({ ...valid(), name: SCRIPT }), 'BAD_USER_INPUT'],
    ['a number for the name', () => ({ ...valid(), name: 42 }), 'BAD_USER_INPUT'],
    ['an unknown language', () => ({ ...valid(), locale: 'de' }), 'BAD_USER_INPUT'],
    ['a language in capitals', () => ({ ...valid(), locale: 'EN' }), 'BAD_USER_INPUT'],
    ['an empty body', () => ({ ...valid(), body: '' }), 'BAD_USER_INPUT'],
    ['a blank body', () => ({ ...valid(), body: '\n \n' }), 'BAD_USER_INPUT'],
    ['a body of 5001 characters', () => ({ ...valid(), body: 'x'.repeat(5001) }), 'BAD_USER_INPUT'],
    ['a script in the body', () => ({ ...valid(), body: `Hi ${SCRIPT}` }), 'BAD_USER_INPUT'],
    ['a NUL byte in the body', () => ({ ...valid(), body: 'a\u0000b' }), 'BAD_USER_INPUT'],
    [
      'an unknown placeholder',
      () => ({ ...valid(), body: 'Call {{customer.phone}} about {{number}}' }),
      'BAD_USER_INPUT',
      '{{customer.phone}}',
    ],
    ['a placeholder in the wrong case', () => ({ ...valid(), body: '{{Number}}' }), 'BAD_USER_INPUT', '{{Number}}'],
    ['an unclosed placeholder', () => ({ ...valid(), body: 'Your number is {{number' }), 'BAD_USER_INPUT', '{{number'],
    ['a placeholder opened twice', () => ({ ...valid(), body: '{{ {{stage}}' }), 'BAD_USER_INPUT', '{{ '],
    ['a taken name (other case, padded)', () => ({ ...valid(), name: '  EVERY PLACEHOLDER ' }), 'CONFLICT'],
  ];

  it.each(cases)('create with %s: %s, nothing written', async (_label, input, code, mentions) => {
    const r = await fx.expectNoWrites(() => server.staff(D.create, { input: input() }, a.t.adminToken));
    const error = expectError(r, code);
    if (mentions) expect(error.message).toContain(mentions);
  });

  it.each(cases)('update with %s: %s, nothing written', async (_label, input, code, mentions) => {
    const target = await create(a.t.adminToken, valid());
    const r = await fx.expectNoWrites(() => server.staff(D.update, { input: { ...input(), id: target.id } }, a.t.adminToken));
    const error = expectError(r, code);
    if (mentions) expect(error.message).toContain(mentions);
  });

  it("the unchanged input succeeds, so each refusal above is its value's doing", async () => {
    const target = await create(a.t.adminToken, valid());
    ok(await server.staff(D.update, { input: { ...valid(), id: target.id } }, a.t.adminToken));
  });

  const ids: Array<[label: string, id: () => string, code: string]> = [
    ['a malformed id', () => "1' OR '1'='1", 'BAD_USER_INPUT'],
    ['an empty id', () => '', 'BAD_USER_INPUT'],
    ['an unknown id', () => randomUUID(), 'NOT_FOUND'],
    ["another tenant's template", () => everyB, 'NOT_FOUND'],
  ];

  it.each(ids)('update, delete and render of %s: %s, nothing written', async (_label, id, code) => {
    await fx.expectNoWrites(async () => {
      expectError(await server.staff(D.update, { input: { ...valid(), id: id() } }, a.t.adminToken), code);
      expectError(await server.staff(D.remove, { id: id() }, a.t.adminToken), code);
      expectError(await render(a.t.adminToken, id(), complaintA.id), code);
    });
  });

  it.each(ids.slice(0, 3))('render for %s of a complaint: %s', async (_label, id, code) => {
    expectError(await render(a.t.adminToken, everyA, id()), code);
  });

  it('a language filter other than ru or en: BAD_USER_INPUT', async () => {
    expectError(await server.staff(D.list, { locale: 'xx' }, a.t.adminToken), 'BAD_USER_INPUT');
  });

  it('without a token: UNAUTHENTICATED', async () => {
    await fx.expectNoWrites(async () => {
      expectError(await server.staff(D.list, {}), 'UNAUTHENTICATED');
      expectError(await server.staff(D.create, { input: valid() }), 'UNAUTHENTICATED');
      expectError(await render('', everyA, complaintA.id), 'UNAUTHENTICATED');
    });
  });
});

describe('roles', () => {
  const writers = [Role.ADMIN, Role.QUALITY_MANAGER];

  it.each(Object.values(Role))('%s lists and renders; creates, edits and deletes only as ADMIN or QUALITY_MANAGER', async (role) => {
    const token = a.staff[role].token;
    expect((await list(token)).map((t) => t.id)).toContain(everyA);
    expect(ok(await render(token, everyA, complaintA.id)).renderResponseTemplate).toContain(complaintA.number);
    const target = await create(a.t.adminToken, { name: `Target ${hex()}`, body: '{{number}}' });
    const input = { name: `By ${role} ${hex()}`, body: 'Dear {{customer.name}}' };
    if (writers.includes(role)) {
      const made = await create(token, input);
      ok(await server.staff(D.update, { input: { ...input, id: target.id, name: `${input.name} 2` } }, token));
      expect(ok(await server.staff(D.remove, { id: made.id }, token)).deleteResponseTemplate).toBe(true);
    } else {
      await fx.expectNoWrites(async () => {
        expectError(await server.staff(D.create, { input }, token), 'FORBIDDEN');
        expectError(await server.staff(D.update, { input: { ...input, id: target.id } }, token), 'FORBIDDEN');
        expectError(await server.staff(D.remove, { id: target.id }, token), 'FORBIDDEN');
      });
    }
  });
});

describe('rendering', () => {
  async function facts(w: World, c: ComplaintView) {
    const data = ok(
      await server.staff(
        `query($id: ID!) { complaint(id: $id) { number subject legalDueAt customer { name } department { name } } tenant { name } }`,
        { id: c.id },
        w.t.adminToken,
      ),
    );
    return { ...data.complaint, company: data.tenant.name };
  }

  it("fills every placeholder in the company's language and time zone", async () => {
    const f = await facts(a, complaintA);
    expect(f.legalDueAt).toBeTruthy();
    // The legal deadline falls due at the midnight after its last day: the text names the last day.
    const lastDay = new Intl.DateTimeFormat('ru-RU', { dateStyle: 'long', timeZone: 'Europe/Moscow' }).format(Date.parse(f.legalDueAt) - 1);
    const rendered = (r: GqlResult) => ok(r).renderResponseTemplate.split('|');
    // A new company speaks Russian.
    expect(rendered(await render(a.staff.SPECIALIST.token, everyA, complaintA.id))).toEqual([
      f.number,
      'Cracked kettle lid',
      'Ivan Petrov',
      'Зарегистрирована',
      lastDay,
      'Staff SPECIALIST',
      f.company,
      f.department.name,
    ]);
    expect(f.department.name).toMatch(/^Dept /);

    const update = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { locale } }`;
    ok(await server.staff(update, { input: { locale: 'en', timeZone: 'Pacific/Kiritimati', name: 'Kettles & Co' } }, a.t.adminToken));
    try {
      const [number, , , stage, expectedBy, agent, company] = rendered(await render(a.staff.OPERATOR.token, everyA, complaintA.id));
      expect([number, stage, agent, company]).toEqual([f.number, 'Registered', 'Staff OPERATOR', 'Kettles & Co']);
      // The company's new zone recomputed the deadline (its days counted from the day of receipt there, sla.md).
      const moved = Date.parse((await facts(a, complaintA)).legalDueAt);
      expect(moved).not.toBe(Date.parse(f.legalDueAt));
      expect(expectedBy).toBe(new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Pacific/Kiritimati' }).format(moved - 1));
      expect(expectedBy).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);
    } finally {
      ok(await server.staff(update, { input: { locale: 'ru', timeZone: 'Europe/Moscow', name: 'Test Company' } }, a.t.adminToken));
    }
  });

  it('renders what a complaint does not have yet as nothing', async () => {
    const fresh = await fx.register(a.staff.OPERATOR.token, { demand: undefined });
    const parts = ok(await render(a.staff.OPERATOR.token, everyA, fresh.id)).renderResponseTemplate.split('|');
    expect(parts[3]).toBe('Получена');
    expect(parts[7]).toBe('');
  });

  it('writes nothing', async () => {
    await fx.expectNoWrites(() => render(a.staff.HEAD.token, everyA, complaintA.id));
  });
});

describe('tenant isolation', () => {
  it("B lists none of A's templates, and A none of B's", async () => {
    const seenByB = (await list(b.t.adminToken)).map((t) => t.id);
    expect(seenByB).toContain(everyB);
    expect(seenByB).not.toContain(everyA);
    expect((await list(a.t.adminToken)).map((t) => t.id)).not.toContain(everyB);
  });

  it("B cannot render A's template, nor its own against A's complaint: NOT_FOUND", async () => {
    expectError(await render(b.staff.OPERATOR.token, everyA, complaintB.id), 'NOT_FOUND');
    expectError(await render(b.staff.OPERATOR.token, everyB, complaintA.id), 'NOT_FOUND');
    // The same calls within each tenant work, so the refusals are the tenant boundary's doing.
    expect(ok(await render(b.staff.OPERATOR.token, everyB, complaintB.id)).renderResponseTemplate).toContain(complaintB.number);
    expect(ok(await render(a.staff.OPERATOR.token, everyA, complaintA.id)).renderResponseTemplate).toContain(complaintA.number);
  });

  it('B may use a name A uses', async () => {
    const name = `Shared ${hex()}`;
    await create(a.t.adminToken, { name, body: 'x' });
    expect((await create(b.t.adminToken, { name, body: 'y' })).name).toBe(name);
  });

  it('the database refuses a row written for another tenant', async () => {
    await expect(
      fx.asTenant(b.t.tenantId, (m) =>
        m.query(`INSERT INTO response_templates (tenant_id, id, name, body) VALUES ($1, $2, 'Smuggled', 'x')`, [
          a.t.tenantId,
          randomUUID(),
        ]),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});
