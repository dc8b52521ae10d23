import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/auth/token.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, PASSWORD, Q, complaintInput, expectError, type ComplaintView, type World } from './fixtures.js';
import { WsClient } from './ws-client.js';

const SECRET = randomBytes(32).toString('hex');
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
let c: ComplaintView;
let foreignComplaint: ComplaintView;
let tracked: { number: string; accessToken: string };

beforeAll(async () => {
  server = await startTestServer({ jwtSecret: SECRET });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
  [c, foreignComplaint] = await Promise.all([fx.complaintAt(a, Stage.REGISTERED), fx.complaintAt(b, Stage.REGISTERED)]);
  await fx.department(a.t, 'Quality');
  tracked = ok(
    await server.portal(Q.submit, {
      slug: a.t.slug,
      input: {
        kind: 'CLAIM',
        subject: 'Broken zipper',
        description: 'It broke',
        customer: { name: 'Vera', email: 'vera@example.com' },
      },
    }),
  ).submitComplaint;
  const [row] = await fx.asTenant(a.t.tenantId, (m) => m.query('SELECT id FROM complaints WHERE number = $1', [tracked.number]));
  let p = await fx.get(a.staff.HEAD.token, row.id);
  for (const to of [Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FEEDBACK]) p = await fx.advance(a, p, to);
});
afterAll(() => server?.close());

type Code = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'CONFLICT';
/** A labelled value; a function is evaluated when the case runs (after the fixtures exist). */
type V = [label: string, value: unknown, code?: Code];

const SQL = "'; DROP TABLE complaints; --";
const SCRIPTS: V[] = [
  ['<script>', '<script>alert(1)</script>'],
  ['<img onerror>', '<img src=x onerror=alert(1)>'],
];
const TEXT: V[] = [
  ['empty', ''],
  ['whitespace only', ' \t \n '],
  ['10_001 characters', 'x'.repeat(10_001)],
  ...SCRIPTS,
  ['a number', 42],
  ['a NUL byte', 'a\u0000b'],
];
const IDS: V[] = [
  ['empty', ''],
  ["1' OR '1'='1", "1' OR '1'='1"],
  ['../../etc', '../../etc'],
  ['SQL', SQL],
  ['a number', 7],
  ['a random UUID', () => randomUUID(), 'NOT_FOUND'],
];
const ENUM: V[] = [
  ['unknown', 'BOGUS'],
  ['lower case', 'claim'],
  ['SQL', SQL],
  ['a number', 1],
  ['empty', ''],
];
const INT: V[] = [
  ['a string', '1'],
  ['a float', 1.5],
  ['beyond 32 bits', 2 ** 31],
  ['SQL', SQL],
];
const EMAIL: V[] = [
  ['empty', ''],
  ['SQL', SQL],
  ['no @', 'not-an-email'],
  ['SQL@', `${SQL}@example.com`],
  ['a script', '<script>alert(1)</script>@example.com'],
  ['too long', `${'x'.repeat(250)}@example.com`],
  ['a number', 5],
];
const foreign = (value: () => unknown): V => ["another tenant's", value, 'NOT_FOUND'];

interface Op {
  portal?: boolean;
  doc: string;
  token?: () => string;
  vars: () => Record<string, unknown>;
  bad: Record<string, V[]>;
}
const hex = () => randomBytes(3).toString('hex');
const admin = () => a.t.adminToken;
const OPS: Record<string, Op> = {
  signUpTenant: {
    doc: `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }`,
    vars: () => ({
      input: {
        slug: `new-${hex()}`,
        name: 'New Co',
        adminEmail: 'boss@new.test',
        adminPassword: PASSWORD,
        adminName: 'Boss',
        timeZone: 'Asia/Omsk',
      },
    }),
    bad: {
      'input.slug': [
        ['empty', ''],
        ['upper case', 'ACME'],
        ['SQL', SQL],
        ['../../etc', '../../etc'],
        ['41 characters', 'a'.repeat(41)],
        ['taken', () => a.t.slug, 'CONFLICT'],
        ...SCRIPTS,
      ],
      'input.name': TEXT,
      'input.adminName': TEXT,
      'input.adminEmail': EMAIL,
      'input.adminPassword': [
        ['empty', ''],
        ['9 characters', 'x'.repeat(9)],
        ['10_001 characters', 'x'.repeat(10_001)],
        ['a number', 1234567890],
      ],
      'input.timeZone': [
        ['unknown', 'Mars/Olympus'],
        ['SQL', SQL],
        ['NUL', 'Europe/Moscow\u0000'],
        ['too long', 'x'.repeat(65)],
      ],
      'input.locale': [
        ['unknown', 'de'],
        ['SQL', SQL],
      ],
      'input.country': [
        ['unknown', 'XX'],
        ['three letters', 'GBR'],
        ['a name', 'Russia'],
        ['SQL', SQL],
        ['a number', 7],
      ],
    },
  },
  login: {
    doc: `mutation($input: LoginInput!) { login(input: $input) { token } }`,
    vars: () => ({ input: { tenantSlug: a.t.slug, email: `admin@${a.t.slug}.test`, password: PASSWORD } }),
    bad: {
      'input.tenantSlug': [
        ['empty', '', 'UNAUTHENTICATED'],
        ['SQL', SQL, 'UNAUTHENTICATED'],
        ['../../etc', '../../etc', 'UNAUTHENTICATED'],
        ["another tenant's", () => b.t.slug, 'UNAUTHENTICATED'],
        ['41 characters', 'a'.repeat(41)],
        ['a NUL byte', 'a\u0000b'],
        ['a number', 1],
      ],
      'input.email': [
        ['empty', '', 'UNAUTHENTICATED'],
        ['SQL', SQL, 'UNAUTHENTICATED'],
        ["1' OR '1'='1", "x' OR '1'='1", 'UNAUTHENTICATED'],
        ['a NUL byte', 'a\u0000b'],
        ['too long', 'x'.repeat(255)],
      ],
      'input.password': [
        ['wrong', 'wrong password', 'UNAUTHENTICATED'],
        ['SQL', SQL, 'UNAUTHENTICATED'],
        ['empty', '', 'UNAUTHENTICATED'],
        ['10_001 characters', 'x'.repeat(10_001)],
      ],
    },
  },
  createDepartment: {
    doc: Q.createDepartment,
    token: admin,
    vars: () => ({ input: { name: `Dept ${hex()}` } }),
    bad: { 'input.name': [...TEXT, ['101 characters', 'x'.repeat(101)], ['taken (other case, padded)', '  QUALITY  ', 'CONFLICT']] },
  },
  renameDepartment: {
    doc: Q.renameDepartment,
    token: admin,
    vars: () => ({ input: { id: a.otherDept, name: `Dept ${hex()}` } }),
    bad: { 'input.id': [...IDS, foreign(() => b.dept)], 'input.name': TEXT },
  },
  createCategory: { doc: Q.createCategory, token: admin, vars: () => ({ input: { name: `Cat ${hex()}` } }), bad: { 'input.name': TEXT } },
  updateCategory: {
    doc: Q.updateCategory,
    token: admin,
    vars: () => ({ input: { id: a.cat, name: `Cat ${hex()}`, active: true } }),
    bad: {
      'input.id': [...IDS, foreign(() => b.cat)],
      'input.name': TEXT,
      'input.active': [
        ['a string', 'yes'],
        ['a number', 1],
      ],
    },
  },
  createUser: {
    doc: Q.createUser,
    token: admin,
    vars: () => ({
      input: { email: `u-${hex()}@example.com`, name: 'New Person', password: PASSWORD, roles: ['SPECIALIST'], departmentIds: [a.dept] },
    }),
    bad: {
      'input.email': [...EMAIL, ['taken', () => a.staff.HEAD.email, 'CONFLICT']],
      'input.name': TEXT,
      'input.password': [
        ['9 characters', 'x'.repeat(9)],
        ['201 characters', 'x'.repeat(201)],
      ],
      'input.roles': [
        ['none', []],
        ['unknown', ['ROOT']],
        ['SQL', [SQL]],
        ['not a list of enums', 'ADMIN, HEAD'],
      ],
      'input.departmentIds': [
        ['a malformed id', ["1' OR '1'='1"]],
        ['../../etc', ['../../etc']],
        ['a random UUID', () => [randomUUID()], 'NOT_FOUND'],
        ["another tenant's", () => [a.dept, b.dept], 'NOT_FOUND'],
      ],
    },
  },
  updateUser: {
    doc: Q.updateUser,
    token: admin,
    // Not a user whose token later tests use: moving departments ends the user's session.
    vars: () => ({
      input: {
        id: a.staff.QUALITY_MANAGER.id,
        name: 'Renamed Person',
        roles: ['QUALITY_MANAGER'],
        departmentIds: [a.otherDept],
        active: true,
      },
    }),
    bad: {
      'input.id': [...IDS, foreign(() => b.staff.OPERATOR.id), ['oneself, dropping ADMIN', () => a.t.adminId]],
      'input.name': TEXT,
      'input.roles': [
        ['none', []],
        ['unknown', ['ROOT']],
      ],
      'input.active': [['a string', 'no']],
      'input.departmentIds': [
        ["another tenant's", () => [b.dept], 'NOT_FOUND'],
        ['a malformed id', [SQL]],
      ],
    },
  },
  registerComplaint: {
    doc: Q.register,
    token: () => a.staff.OPERATOR.token,
    vars: () => ({
      input: complaintInput({
        channel: 'PHONE',
        departmentId: a.dept,
        categoryId: a.cat,
        demand: 'REFUND',
        assigneeId: a.staff.SPECIALIST.id,
        priority: 'HIGH',
        product: 'Kettle K-2',
        orderRef: 'SO-17',
        purchaseDate: '2026-01-15',
      }),
    }),
    bad: {
      'input.kind': ENUM,
      'input.channel': ENUM,
      'input.priority': ENUM,
      'input.demand': ENUM,
      'input.subject': [...TEXT, ['two lines', 'one\ntwo']],
      'input.description': TEXT,
      'input.product': TEXT,
      'input.orderRef': TEXT,
      'input.customer.name': TEXT,
      'input.customer.email': EMAIL.filter(([l]) => l !== 'empty'),
      'input.customer.phone': [
        ['letters', 'call me'],
        ['SQL', SQL],
        ['a script', '<script>alert(1)</script>'],
      ],
      'input.departmentId': [...IDS, foreign(() => b.dept)],
      'input.categoryId': [...IDS, foreign(() => b.cat)],
      'input.assigneeId': [...IDS, foreign(() => b.staff.SPECIALIST.id)],
      'input.purchaseDate': [
        ['30 February', '2024-02-30'],
        ['words', 'yesterday'],
        ['SQL', SQL],
        ['a number', 20240101],
      ],
      'input.idempotencyKey': [
        ['SQL', SQL],
        ['too short', 'abc'],
        ['a script', '<script>alert(1)</script>'],
      ],
    },
  },
  transitionComplaint: {
    doc: Q.transition,
    token: () => a.staff.HEAD.token,
    vars: () => ({ input: { id: c.id, expectedVersion: c.version, to: 'ANALYSIS', assigneeId: a.staff.SPECIALIST.id, note: 'Taking it' } }),
    bad: {
      'input.id': [...IDS, foreign(() => foreignComplaint.id)],
      'input.to': ENUM,
      'input.expectedVersion': [...INT, ['zero', 0], ['negative', -1]],
      'input.note': TEXT,
      'input.assigneeId': [...IDS, foreign(() => b.staff.SPECIALIST.id)],
      'input.remedyAmount': [
        ['negative', -1],
        ['huge', 1e12],
        ['a string', '10'],
      ],
      'input.satisfaction': [
        ['6', 6],
        ['0', 0],
        ['a string', '5'],
      ],
      'input.correctiveActions': [
        ['a bad due date', () => [{ description: 'x', ownerDepartmentId: a.dept, dueDate: '2030-13-01' }]],
        ['a script', () => [{ description: '<script>alert(1)</script>', ownerDepartmentId: a.dept, dueDate: '2030-01-01' }]],
      ],
    },
  },
  assignComplaint: {
    doc: Q.assign,
    token: () => a.staff.HEAD.token,
    vars: () => ({ input: { id: c.id, expectedVersion: c.version, assigneeId: a.staff.SPECIALIST.id, departmentId: a.dept } }),
    bad: {
      'input.id': [...IDS, foreign(() => foreignComplaint.id)],
      'input.expectedVersion': [...INT, ['zero', 0]],
      'input.assigneeId': [...IDS, foreign(() => b.staff.SPECIALIST.id)],
      'input.departmentId': [...IDS, foreign(() => b.dept)],
    },
  },
  addMessage: {
    doc: Q.addMessage,
    token: () => a.staff.HEAD.token,
    vars: () => ({ input: { complaintId: c.id, body: 'We called the customer', visibility: 'INTERNAL' } }),
    bad: {
      'input.complaintId': [...IDS, foreign(() => foreignComplaint.id)],
      'input.body': TEXT,
      'input.visibility': ENUM,
      'input.attachmentIds': [
        ['an unknown upload', () => [randomUUID()]],
        ['not an id', ['x']],
        ['six files', () => Array.from({ length: 6 }, () => randomUUID())],
      ],
    },
  },
  submitComplaint: {
    portal: true,
    doc: Q.submit,
    vars: () => ({
      slug: a.t.slug,
      input: {
        kind: 'COMPLAINT',
        subject: 'Rude courier',
        description: 'He shouted',
        demand: 'COMPENSATION',
        customer: { name: 'Lev', phone: '+7 900 555-44-33' },
        purchaseDate: '2026-02-01',
      },
    }),
    bad: {
      slug: [
        ['empty', '', 'NOT_FOUND'],
        ['SQL', SQL, 'NOT_FOUND'],
        ['../../etc', '../../etc', 'NOT_FOUND'],
        ['unknown', 'no-such-company', 'NOT_FOUND'],
        ['a NUL byte', 'a\u0000b'],
        ['a number', 3],
      ],
      'input.kind': ENUM,
      'input.demand': ENUM,
      'input.subject': TEXT,
      'input.description': TEXT,
      'input.customer.name': TEXT,
      'input.customer.phone': [
        ['none (and no e-mail)', null],
        ['letters', 'call me'],
      ],
      'input.customer.email': EMAIL.filter(([l]) => l !== 'empty'),
      'input.purchaseDate': [
        ['30 February', '2024-02-30'],
        ['SQL', SQL],
      ],
      'input.website': [['filled in (the honeypot)', 'https://cheap-pills.example']],
      'input.attachmentIds': [
        ['an unknown upload', () => [randomUUID()]],
        ['not an id', ['../../etc/passwd']],
        ['SQL', [SQL]],
        ['six files', () => Array.from({ length: 6 }, () => randomUUID())],
        ['a string', 'x'],
      ],
    },
  },
  replyToComplaint: {
    portal: true,
    doc: Q.reply,
    vars: () => ({ number: tracked.number, token: tracked.accessToken, body: 'Any news?' }),
    bad: {
      number: [
        ['SQL', SQL, 'NOT_FOUND'],
        ['empty', '', 'NOT_FOUND'],
        ["another complaint's", () => c.number, 'NOT_FOUND'],
        ["another tenant's", () => foreignComplaint.number, 'NOT_FOUND'],
        ['61 characters', 'x'.repeat(61)],
      ],
      token: [
        ['SQL', SQL, 'NOT_FOUND'],
        ['empty', '', 'NOT_FOUND'],
        ['guessed', () => randomBytes(32).toString('base64url'), 'NOT_FOUND'],
        ['201 characters', 'x'.repeat(201)],
      ],
      body: TEXT,
      attachmentIds: [
        ['an unknown upload', () => [randomUUID()]],
        ['not an id', ['x']],
        ['six files', () => Array.from({ length: 6 }, () => randomUUID())],
      ],
    },
  },
  rateComplaint: {
    portal: true,
    doc: Q.rate,
    vars: () => ({ number: tracked.number, token: tracked.accessToken, score: 5, comment: 'Thanks' }),
    bad: {
      score: [['0', 0], ['6', 6], ['-1', -1], ...INT],
      comment: TEXT,
      token: [
        ['SQL', SQL, 'NOT_FOUND'],
        ['guessed', () => randomBytes(32).toString('base64url'), 'NOT_FOUND'],
      ],
    },
  },
};

function withValue(vars: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(vars);
  const keys = path.split('.');
  let at = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy;
}

function send(op: Op, vars: Record<string, unknown>, token = op.token?.()): Promise<GqlResult> {
  return op.portal ? server.portal(op.doc, vars) : server.staff(op.doc, vars, token);
}

const cases = Object.entries(OPS).flatMap(([name, op]) =>
  Object.entries(op.bad).flatMap(([path, values]) =>
    values.map(([label, value, code]) => ({ name, path, label, value, code: code ?? 'BAD_USER_INPUT' })),
  ),
);

describe('hostile values', () => {
  it('cover every mutation of the brief', () => {
    expect(Object.keys(OPS)).toHaveLength(15);
    expect(cases.length).toBeGreaterThan(250);
  });

  it.each(cases)('$name $path = $label: $code, nothing written', async ({ name, path, value, code }) => {
    const op = OPS[name]!;
    const vars = withValue(op.vars(), path, typeof value === 'function' ? value() : value);
    const r = await fx.expectNoWrites(() => send(op, vars));
    expectError(r, code);
  });

  it.each(
    Object.entries(OPS)
      .filter(([, op]) => op.token)
      .map(([name]) => name),
  )('%s without a token: UNAUTHENTICATED', async (name) => {
    const op = OPS[name]!;
    expectError(await fx.expectNoWrites(() => send(op, op.vars(), '')), 'UNAUTHENTICATED');
  });

  it('refuses a rating while the complaint does not await feedback', async () => {
    const other = ok(await server.portal(Q.submit, OPS.submitComplaint!.vars())).submitComplaint;
    expectError(
      await fx.expectNoWrites(() => server.portal(Q.rate, { number: other.number, token: other.accessToken, score: 4 })),
      'BAD_USER_INPUT',
    );
  });

  it("and the untouched inputs all succeed, so each refusal above is the hostile value's doing", async () => {
    for (const [name, op] of Object.entries(OPS)) {
      c = await fx.get(a.staff.HEAD.token, c.id); // the transition before moved it on
      const r = await send(op, op.vars());
      expect(r.errors, name).toBeUndefined();
    }
  });
});

describe('inline literals of the wrong type', () => {
  it.each([
    [
      'an unknown enum',
      `mutation { registerComplaint(input: { kind: BOGUS, channel: API, subject: "s", description: "d", customer: { name: "n" } }) { id } }`,
    ],
    [
      'an enum as a string',
      `mutation { registerComplaint(input: { kind: "CLAIM", channel: API, subject: "s", description: "d", customer: { name: "n" } }) { id } }`,
    ],
    ['a number for a string', `mutation { createDepartment(input: { name: 42 }) { id } }`],
    [
      'a string for an Int',
      `mutation { transitionComplaint(input: { id: "${randomUUID()}", to: ANALYSIS, expectedVersion: "1" }) { id } }`,
    ],
    ['an unknown role', `mutation { createUser(input: { email: "a@b.cd", name: "n", password: "long enough pw", roles: [ROOT] }) { id } }`],
    ['an unknown visibility', `mutation { addMessage(input: { complaintId: "${randomUUID()}", body: "b", visibility: SECRET }) { id } }`],
  ])('%s: BAD_USER_INPUT', async (_label, doc) => {
    expectError(await fx.expectNoWrites(() => server.staff(doc, {}, a.t.adminToken)), 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED');
  });
});

describe('SQL in free text', () => {
  it('is stored literally and harms nothing', async () => {
    const subject = "Robert'); DROP TABLE complaints;--";
    const description = `1' OR '1'='1; ${SQL} UNION SELECT password_hash FROM users`;
    const before = await fx.counts();
    const created = await fx.register(a.staff.OPERATOR.token, {
      subject,
      description,
      customer: { name: "O'Brien; DELETE FROM users", email: 'ob@example.com' },
    });
    const read = ok(
      await server.staff(
        `query($id: ID!) { complaint(id: $id) { subject description customer { name } } }`,
        { id: created.id },
        a.staff.HEAD.token,
      ),
    );
    expect(read.complaint).toEqual({ subject, description, customer: { name: "O'Brien; DELETE FROM users" } });
    const after = await fx.counts();
    expect(after).toEqual({
      ...before,
      complaints: before.complaints + 1,
      customers: before.customers + 1,
      timeline_events: before.timeline_events + 1,
      outbox_events: before.outbox_events + 1,
      // Received over the API: first-response, resolution and stage clocks (no demand, so no legal one).
      sla_deadlines: before.sla_deadlines + 3,
      // Its first stay in a stage (RECEIVED).
      stage_visits: before.stage_visits + 1,
      // The customer is told the number by mail.
      outbound_mails: before.outbound_mails + 1,
      complaint_counters: after.complaint_counters,
    });
    const found = ok(
      await server.staff(
        `query($s: String) { complaints(filter: { search: $s }) { edges { node { id } } } }`,
        { s: 'Robert' },
        a.staff.HEAD.token,
      ),
    );
    expect(found.complaints.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([created.id]);
  });
});

describe('query limits', () => {
  const deep = (levels: number) =>
    `{ __schema { types { fields { type ${'{ ofType '.repeat(levels - 5)}{ name }${' }'.repeat(levels - 5)} } } } }`;
  it('refuses a query deeper than 10 levels', async () => {
    expect(ok(await server.staff(deep(10), {}, a.t.adminToken)).__schema.types.length).toBeGreaterThan(10);
    expect(expectError(await server.staff(deep(11), {}, a.t.adminToken), 'BAD_USER_INPUT', 'QUERY_LIMIT').message).toContain(
      'deeper than 10',
    );
  });

  it('refuses more than 30 aliases', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect(Object.keys(ok(await server.staff(aliased(30), {}, a.t.adminToken)))).toHaveLength(30);
    expect(expectError(await server.staff(aliased(31), {}, a.t.adminToken), 'BAD_USER_INPUT', 'QUERY_LIMIT').message).toContain('aliases');
  });

  it('refuses two mutations in one request, writing neither', async () => {
    const doc = `mutation { a: createDepartment(input: { name: "Twin A" }) { id } b: createDepartment(input: { name: "Twin B" }) { id } }`;
    const r = await fx.expectNoWrites(() => server.staff(doc, {}, a.t.adminToken));
    expect(expectError(r, 'BAD_USER_INPUT', 'QUERY_LIMIT').message).toContain('one mutation per request');
  });
});

describe('tokens', () => {
  const me = (authorization?: string) => server.staff('{ me { id } }', {}, authorization);
  const claims = () => ({ userId: a.staff.OPERATOR.id, tenantId: a.t.tenantId });

  it('a valid token works (the control)', async () => {
    expect(ok(await me(await new TokenService(SECRET, 60).sign(claims()))).me.id).toBe(a.staff.OPERATOR.id);
  });

  it.each([
    ['missing', async () => undefined],
    ['garbage', async () => 'not-a-token'],
    ['signed with another secret', () => new TokenService(randomBytes(32).toString('hex'), 60).sign(claims())],
    ['expired', () => new TokenService(SECRET, -60).sign(claims())],
    [
      'unsigned (alg none)',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: claims().userId, tid: claims().tenantId, aud: 'reclaim-staff' })).toString('base64url')}.`,
    ],
    ['for a user that does not exist', () => new TokenService(SECRET, 60).sign({ userId: randomUUID(), tenantId: a.t.tenantId })],
    [
      'naming another tenant for the user',
      () => new TokenService(SECRET, 60).sign({ userId: a.staff.OPERATOR.id, tenantId: b.t.tenantId }),
    ],
    [
      'with a malformed tenant claim',
      () =>
        new SignJWT({ tid: "x' OR '1'='1" })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(claims().userId)
          .setAudience('reclaim-staff')
          .setExpirationTime('1m')
          .sign(new TextEncoder().encode(SECRET)),
    ],
  ])('%s: UNAUTHENTICATED', async (_label, token) => {
    expectError(await me(await token()), 'UNAUTHENTICATED');
  });

  it('of a deactivated user stops working at once', async () => {
    const temp = await fx.staff(a.t, ['OPERATOR' as never]);
    expect(ok(await me(temp.token)).me.id).toBe(temp.id);
    ok(await server.staff(Q.updateUser, { input: { id: temp.id, active: false } }, a.t.adminToken));
    expectError(await me(temp.token), 'UNAUTHENTICATED');
  });
});

describe('ids read by hand', () => {
  const refusedOn = (r: GqlResult, field: string) => {
    const e = expectError(r, 'BAD_USER_INPUT');
    expect({ message: e.message, fields: e.extensions?.fields }).toEqual({
      message: `${field} is not a valid id`,
      fields: [{ field, messages: ['is not a valid id'] }],
    });
  };

  it('are checked one way: BAD_USER_INPUT naming the field, nothing written', async () => {
    refusedOn(
      await fx.expectNoWrites(() =>
        server.staff('mutation($id: ID!) { stopAwaitingCustomer(id: $id) { id } }', { id: SQL }, a.staff.HEAD.token),
      ),
      'id',
    );
    refusedOn(
      await fx.expectNoWrites(() => server.staff('mutation($id: ID!) { deleteSlaPolicy(id: $id) }', { id: '../../etc' }, admin())),
      'id',
    );
    refusedOn(
      await fx.expectNoWrites(() =>
        server.staff('mutation($ids: [ID!]!) { reorderSlaPolicies(ids: $ids) { id } }', { ids: [randomUUID(), "1' OR '1'='1"] }, admin()),
      ),
      'ids.1',
    );
  });

  it("in a subscription's arguments too", async () => {
    const client = await WsClient.staff(server.url, a.staff.HEAD.token);
    try {
      client.subscribe('subscription($d: ID) { complaintStageChanged(departmentId: $d) { to } }', { d: SQL });
      const error = await client.waitFor((m) => m.type === 'error');
      expect(error.payload[0]).toMatchObject({
        message: 'departmentId is not a valid id',
        extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'departmentId', messages: ['is not a valid id'] }] },
      });
    } finally {
      client.close();
    }
  });
});

describe('a page of a list', () => {
  it.each(['complaints', 'correctiveActions'])('%s: a cursor over 200 characters is BAD_USER_INPUT on `after`', async (list) => {
    const r = await server.staff(
      `query($after: String) { ${list}(after: $after) { pageInfo { hasNextPage } } }`,
      { after: 'x'.repeat(201) },
      a.staff.HEAD.token,
    );
    expect(expectError(r, 'BAD_USER_INPUT').extensions?.fields).toEqual([
      expect.objectContaining({ field: 'after', constraints: ['maxLength'] }),
    ]);
    ok(
      await server.staff(
        `query($after: String) { ${list}(after: $after) { pageInfo { hasNextPage } } }`,
        { after: null },
        a.staff.HEAD.token,
      ),
    );
  });
});
