import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../src/db/unit-of-work.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import {
  Fixtures,
  OWNER_TABLES,
  PASSWORD,
  Q,
  TENANT_TABLES,
  complaintInput,
  expectError,
  type ComplaintView,
  type World,
} from './fixtures.js';

let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
/** A's complaint: in IMPLEMENTATION with a corrective action, a public reply and an internal note; submitted on the portal. */
let secret: ComplaintView;
let portalA: { number: string; accessToken: string };
let portalA2: { number: string; accessToken: string };
const WORD = 'Zanzibarkettle';
const INTERNAL_NOTE = 'Internal: supplier batch 7 is bad';

/** A small JPEG-looking file uploaded to `path`; its id. */
async function uploadPhoto(path: string, token?: string): Promise<string> {
  let req = request(server.url).post(path).set('x-file-name', 'photo.jpg');
  if (token) req = req.set('authorization', `Bearer ${token}`);
  const res = await req.send(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]));
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
  const submit = async (subject: string) =>
    ok(
      await server.portal(Q.submit, {
        slug: a.t.slug,
        input: {
          kind: 'CLAIM',
          subject,
          description: 'It leaks',
          customer: { name: 'Pavel', email: `p-${randomBytes(3).toString('hex')}@example.com` },
          attachmentIds: [await uploadPhoto(`/portal/uploads?tenant=${a.t.slug}`)],
        },
      }),
    ).submitComplaint;
  portalA = await submit(`${WORD} leaks`);
  portalA2 = await submit('Second kettle');
  const [row] = await fx.asTenant(a.t.tenantId, (m) => m.query('SELECT id FROM complaints WHERE number = $1', [portalA.number]));
  let c = await fx.get(a.staff.HEAD.token, row.id);
  for (const to of [Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION]) c = await fx.advance(a, c, to);
  for (const [body, visibility] of [
    ['We will replace it', 'PUBLIC'],
    [INTERNAL_NOTE, 'INTERNAL'],
  ]) {
    ok(await server.staff(Q.addMessage, { input: { complaintId: c.id, body, visibility } }, a.staff.SPECIALIST.token));
  }
  secret = await fx.get(a.staff.HEAD.token, c.id);
  // B has data of its own, so that "B sees nothing of A" is not "B sees nothing at all".
  const own = await fx.complaintAt(b, Stage.IMPLEMENTATION);
  ok(
    await server.staff(
      Q.addMessage,
      {
        input: {
          complaintId: own.id,
          body: 'B note',
          visibility: 'INTERNAL',
          attachmentIds: [await uploadPhoto('/uploads', b.staff.HEAD.token)],
        },
      },
      b.staff.HEAD.token,
    ),
  );
  // A public reply of B's, so that B has outbound mail too.
  ok(await server.staff(Q.addMessage, { input: { complaintId: own.id, body: 'B reply', visibility: 'PUBLIC' } }, b.staff.HEAD.token));
  // A link between two complaints in each tenant.
  const [a2] = await fx.asTenant(a.t.tenantId, (m) => m.query('SELECT id FROM complaints WHERE number = $1', [portalA2.number]));
  const b2 = await fx.register(b.staff.OPERATOR.token);
  for (const [w, one, other] of [
    [a, secret.id, a2.id],
    [b, own.id, b2.id],
  ] as const) {
    ok(
      await server.staff(
        `mutation($input: LinkComplaintsInput!) { linkComplaints(input: $input) { id } }`,
        { input: { complaintId: one, otherComplaintId: other, kind: 'DUPLICATE' } },
        w.staff.HEAD.token,
      ),
    );
  }
  // A survey in each tenant, sent for the complaint and answered (by phone), as the survey service writes them.
  for (const [w, id] of [
    [a, secret.id],
    [b, own.id],
  ] as const)
    await fx.surveyAnswered(w, id);
  // What each company's staff set up (texts, an integration, mail settings, saved views of two of its staff, each seeing
  // only their own) and a warning in its SLA history (fx.companyRows).
  for (const [w, id] of [
    [a, secret.id],
    [b, own.id],
  ] as const)
    await fx.companyRows(w, id);
  // What the workers write in each tenant, as they write it (fx.workerRows).
  for (const [w, id] of [
    [a, secret.id],
    [b, own.id],
  ] as const)
    await fx.workerRows(w, id);
});
afterAll(() => server?.close());

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

describe("reads with another tenant's token", () => {
  it('find no complaint of A by id or number', async () => {
    for (const args of [{ id: secret.id }, { number: secret.number }, { number: secret.number.toLowerCase() }]) {
      expect(ok(await server.staff(Q.complaint, args, b.staff.HEAD.token)).complaint).toBeNull();
      expect(ok(await server.staff(Q.complaint, args, a.staff.HEAD.token)).complaint.id).toBe(secret.id);
    }
  });

  it("list and search only B's complaints", async () => {
    const list = `query($filter: ComplaintFilter) { complaints(filter: $filter, first: 200) { totalCount edges { node { id tenantNumber: number } } } }`;
    const all = ok(await server.staff(list, {}, b.staff.HEAD.token)).complaints;
    // B's two: one moved to IMPLEMENTATION, one linked to it.
    expect(all.totalCount).toBe(2);
    for (const edge of all.edges) expect(edge.node.tenantNumber.startsWith(b.t.slug.toUpperCase())).toBe(true);
    for (const filter of [{ search: WORD }, { search: secret.number }, { departmentId: a.dept }, { assigneeId: a.staff.SPECIALIST.id }]) {
      expect(ok(await server.staff(list, { filter }, b.staff.HEAD.token)).complaints).toEqual({ totalCount: 0, edges: [] });
    }
    // The same search as A finds it, so the word is really there.
    expect(
      ids(ok(await server.staff(list, { filter: { search: WORD } }, a.staff.HEAD.token)).complaints.edges.map((e: any) => e.node)),
    ).toEqual([secret.id]);
  });

  it('see only their own departments, users and categories', async () => {
    const q = `{ departments { id } users { id } categories { id } deptUsers: users(departmentId: "${a.dept}") { id } }`;
    const [seenByA, seenByB] = [ok(await server.staff(q, {}, a.t.adminToken)), ok(await server.staff(q, {}, b.t.adminToken))];
    expect(ids(seenByA.departments).sort()).toEqual([a.dept, a.otherDept].sort());
    expect(ids(seenByB.departments).sort()).toEqual([b.dept, b.otherDept].sort());
    expect(ids(seenByB.categories)).toEqual([b.cat]);
    expect(ids(seenByB.users)).toHaveLength(6);
    expect(ids(seenByB.users)).not.toContain(a.staff.HEAD.id);
    expect(ids(seenByB.users).filter((id) => ids(seenByA.users).includes(id))).toEqual([]);
    expect(seenByB.deptUsers).toEqual([]);
    expect(ids(seenByA.deptUsers).sort()).toEqual([a.staff.HEAD.id, a.staff.SPECIALIST.id].sort());
  });

  it('reach no message of A (messages hang off the complaint, which is invisible)', async () => {
    const q = `query($id: ID!) { complaint(id: $id) { messages { body visibility } } }`;
    expect(ok(await server.staff(q, { id: secret.id }, b.staff.HEAD.token)).complaint).toBeNull();
    expect(ok(await server.staff(q, { id: secret.id }, a.staff.HEAD.token)).complaint.messages).toHaveLength(2);
  });

  it('see only their own tenant', async () => {
    const me = ok(await server.staff(`{ tenant { id slug } me { id } }`, {}, b.staff.HEAD.token));
    expect(me).toEqual({ tenant: { id: b.t.tenantId, slug: b.t.slug }, me: { id: b.staff.HEAD.id } });
  });
});

describe("writes with another tenant's ids", () => {
  const attempts: Array<[string, () => Promise<GqlResult>]> = [
    [
      "transition A's complaint",
      () =>
        fx.transition(b.staff.HEAD.token, secret, Stage.FEEDBACK, {
          completedCorrectiveActionIds: secret.correctiveActions.map((x) => x.id),
        }),
    ],
    [
      "reject A's complaint",
      () =>
        fx.transition(b.staff.HEAD.token, secret, Stage.REJECTED, { rejectionReasonId: b.rejectionReason, rejectionReason: 'mine now' }),
    ],
    [
      "assign A's complaint",
      () =>
        server.staff(
          Q.assign,
          { input: { id: secret.id, expectedVersion: secret.version, assigneeId: b.staff.SPECIALIST.id } },
          b.staff.HEAD.token,
        ),
    ],
    [
      "message A's complaint",
      () => server.staff(Q.addMessage, { input: { complaintId: secret.id, body: 'hello', visibility: 'PUBLIC' } }, b.staff.HEAD.token),
    ],
    [
      "create a user in A's department",
      () =>
        server.staff(
          Q.createUser,
          {
            input: {
              email: `x-${randomBytes(3).toString('hex')}@b.test`,
              name: 'X',
              password: PASSWORD,
              roles: ['HEAD'],
              departmentIds: [a.dept],
            },
          },
          b.t.adminToken,
        ),
    ],
    ["update A's user", () => server.staff(Q.updateUser, { input: { id: a.staff.HEAD.id, roles: ['OPERATOR'] } }, b.t.adminToken)],
    [
      "give B's user A's department",
      () => server.staff(Q.updateUser, { input: { id: b.staff.HEAD.id, departmentIds: [b.dept, a.dept] } }, b.t.adminToken),
    ],
    ["rename A's department", () => server.staff(Q.renameDepartment, { input: { id: a.dept, name: 'Pwned' } }, b.t.adminToken)],
    ["rename A's category", () => server.staff(Q.updateCategory, { input: { id: a.cat, name: 'Pwned' } }, b.t.adminToken)],
    ...(['departmentId', 'categoryId', 'assigneeId'] as const).map((field): [string, () => Promise<GqlResult>] => [
      `register with A's ${field}`,
      () =>
        server.staff(
          Q.register,
          {
            input: complaintInput({
              channel: 'PHONE',
              departmentId: b.dept,
              categoryId: b.cat,
              demand: 'REFUND',
              [field]: { departmentId: a.dept, categoryId: a.cat, assigneeId: a.staff.SPECIALIST.id }[field],
            }),
          },
          b.staff.OPERATOR.token,
        ),
    ]),
  ];

  it.each(attempts)('%s: NOT_FOUND, nothing written anywhere', async (_name, attempt) => {
    const beforeA = await fx.tenantCounts(a.t.tenantId);
    expectError(await fx.expectNoWrites(attempt), 'NOT_FOUND');
    expect(await fx.tenantCounts(a.t.tenantId)).toEqual(beforeA);
    const now = await fx.get(a.staff.HEAD.token, secret.id);
    expect({ stage: now.stage, version: now.version, assignee: now.assignee }).toEqual({
      stage: secret.stage,
      version: secret.version,
      assignee: secret.assignee,
    });
  });

  it("B's own complaint cannot point at A's department, category, user or corrective action", async () => {
    const mine = await fx.complaintAt(b, Stage.RECEIVED);
    const tries: Array<[Stage, Record<string, unknown>]> = [
      [Stage.REGISTERED, { ...fx.stageFields(b, mine, Stage.REGISTERED), departmentId: a.dept }],
      [Stage.REGISTERED, { ...fx.stageFields(b, mine, Stage.REGISTERED), categoryId: a.cat }],
      [Stage.REGISTERED, { ...fx.stageFields(b, mine, Stage.REGISTERED), assigneeId: a.staff.SPECIALIST.id }],
    ];
    await fx.expectNoWrites(async () => {
      // As OPERATOR: a HEAD would be refused first (FORBIDDEN) for not belonging to the department.
      for (const [to, fields] of tries) expectError(await fx.transition(b.staff.OPERATOR.token, mine, to, fields), 'NOT_FOUND');
      expectError(
        await server.staff(Q.assign, { input: { id: mine.id, expectedVersion: mine.version, departmentId: a.dept } }, b.staff.HEAD.token),
        'NOT_FOUND',
      );
    });
    const impl = await fx.complaintAt(b, Stage.IMPLEMENTATION);
    await fx.expectNoWrites(async () => {
      const foreign = [...ids(impl.correctiveActions), ...ids(secret.correctiveActions)];
      expectError(await fx.transition(b.staff.HEAD.token, impl, Stage.FEEDBACK, { completedCorrectiveActionIds: foreign }), 'NOT_FOUND');
    });
  });

  it('guessed ids find nothing', async () => {
    const guess = randomUUID();
    await fx.expectNoWrites(async () => {
      expect(ok(await server.staff(Q.complaint, { id: guess }, a.staff.HEAD.token)).complaint).toBeNull();
      expectError(
        await fx.transition(a.staff.HEAD.token, { id: guess, version: 1 }, Stage.REJECTED, {
          rejectionReasonId: a.rejectionReason,
          rejectionReason: 'x',
        }),
        'NOT_FOUND',
      );
      expectError(await server.staff(Q.assign, { input: { id: guess, expectedVersion: 1 } }, a.staff.HEAD.token), 'NOT_FOUND');
      expectError(
        await server.staff(Q.addMessage, { input: { complaintId: guess, body: 'x', visibility: 'PUBLIC' } }, a.staff.HEAD.token),
        'NOT_FOUND',
      );
      expectError(await server.staff(Q.updateUser, { input: { id: guess, name: 'x' } }, a.t.adminToken), 'NOT_FOUND');
      expectError(await server.staff(Q.renameDepartment, { input: { id: guess, name: 'x' } }, a.t.adminToken), 'NOT_FOUND');
      expectError(await server.staff(Q.updateCategory, { input: { id: guess, name: 'x' } }, a.t.adminToken), 'NOT_FOUND');
    });
  });
});

describe('row-level security in the database', () => {
  const scopedTables = TENANT_TABLES.filter((t) => t !== 'tenants');
  /** Whom a table's rows are read as: a company's HEAD, whose own rows (saved views) the owner-only tables show. */
  const reader = (table: string, w: World) => (OWNER_TABLES.includes(table) ? w.staff.HEAD.id : undefined);

  it.each(scopedTables)("SELECT * FROM %s without WHERE returns only the tenant's rows", async (table) => {
    for (const tenant of [a, b]) {
      const user = reader(table, tenant);
      const rows = await fx.asTenant(tenant.t.tenantId, (m) => m.query(`SELECT * FROM ${table}`), user);
      const [{ n }] = await server.dataSource.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1${user ? ' AND user_id = $2' : ''}`,
        user ? [tenant.t.tenantId, user] : [tenant.t.tenantId],
      );
      expect(rows.length).toBe(Number(n));
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r: { tenant_id: string }) => r.tenant_id))).toEqual(new Set([tenant.t.tenantId]));
      if (user) expect(new Set(rows.map((r: { user_id: string }) => r.user_id))).toEqual(new Set([user]));
    }
  });

  it('saved views show only their owner: not another user of the company, nor a user of another company', async () => {
    const views = (w: World, userId?: string) => fx.asTenant(w.t.tenantId, (m) => m.query('SELECT id, user_id FROM saved_views'), userId);
    const [headsA, operatorsA, headsB] = [
      await views(a, a.staff.HEAD.id),
      await views(a, a.staff.OPERATOR.id),
      await views(b, b.staff.HEAD.id),
    ];
    expect(headsA.map((v: { user_id: string }) => v.user_id)).toEqual([a.staff.HEAD.id]);
    expect(operatorsA.map((v: { user_id: string }) => v.user_id)).toEqual([a.staff.OPERATOR.id]);
    expect(headsB.map((v: { user_id: string }) => v.user_id)).toEqual([b.staff.HEAD.id]);
    // A's staff member named in B's company (no session has both) sees nothing either, and the company alone sees no one's.
    expect(await views(b, a.staff.HEAD.id)).toEqual([]);
    expect(await views(a)).toEqual([]);
    const [{ n }] = await server.dataSource.query('SELECT count(*)::int AS n FROM saved_views WHERE tenant_id = $1', [a.t.tenantId]);
    expect(Number(n)).toBe(2);
  });

  it('every table with a tenant_id has row-level security with a policy, and the tests above read it', async () => {
    const tables: Array<{ name: string; tenant: boolean; rls: boolean; policies: number }> = await server.dataSource.query(
      `SELECT c.relname AS name, c.relrowsecurity AS rls,
              EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p')`,
    );
    const named = (rows: typeof tables) => rows.map((t) => t.name).sort();
    // Of the tenant data, and the tenants themselves (keyed by id): none without a policy, none the sweep leaves out.
    const scoped = tables.filter((t) => t.tenant || t.name === 'tenants');
    expect(named(scoped.filter((t) => !t.rls || t.policies === 0))).toEqual([]);
    expect(named(scoped)).toEqual([...TENANT_TABLES].sort());
    // Every other table holds no company's data: the migrations' record, and the slugs of deleted companies (never reused).
    expect(named(tables.filter((t) => !scoped.includes(t)))).toEqual(['migrations', 'retired_slugs']);
  });

  it('tenants shows only the own row', async () => {
    const rows = await fx.asTenant(b.t.tenantId, (m) => m.query('SELECT id, slug FROM tenants'));
    expect(rows).toEqual([{ id: b.t.tenantId, slug: b.t.slug }]);
  });

  it('without a tenant every table is empty, although the rows exist', async () => {
    const uow = new UnitOfWork(server.dataSource);
    try {
      const m = await uow.manager();
      expect((await m.query('SELECT current_user AS u'))[0].u).toBe('reclaim_app');
      for (const table of TENANT_TABLES) expect(await m.query(`SELECT * FROM ${table}`), table).toEqual([]);
    } finally {
      await uow.finish(false);
    }
    const all = await fx.counts();
    expect(all.complaints).toBeGreaterThan(2);
    expect(all.tenants).toBe(2);
  });

  it('refuses to write a row for another tenant, and updates only the own rows', async () => {
    await expect(
      fx.asTenant(b.t.tenantId, (m) =>
        m.query('INSERT INTO departments (tenant_id, id, name) VALUES ($1, $2, $3)', [a.t.tenantId, randomUUID(), 'Smuggled']),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await fx.asTenant(b.t.tenantId, (m) => m.query(`UPDATE complaints SET subject = subject || '' RETURNING tenant_id`));
    const rows = Array.isArray(updated[0]) ? updated[0] : updated;
    expect(new Set(rows.map((r: { tenant_id: string }) => r.tenant_id))).toEqual(new Set([b.t.tenantId]));
    expect(ids(await fx.asTenant(b.t.tenantId, (m) => m.query('SELECT id FROM departments WHERE name = $1', ['Smuggled'])))).toEqual([]);
  });
});

describe('tenants sharing an e-mail', () => {
  it('each login opens its own tenant', async () => {
    const email = `same-${randomBytes(3).toString('hex')}@example.com`;
    const [x, y] = await Promise.all([fx.tenant(undefined, 'X', email), fx.tenant(undefined, 'Y', email)]);
    for (const t of [x, y]) {
      const token = await fx.login(t.slug, email);
      const seen = ok(await server.staff(`{ tenant { id } me { id email } }`, {}, token));
      expect(seen).toEqual({ tenant: { id: t.tenantId }, me: { id: t.adminId, email } });
    }
    expect(x.adminId).not.toBe(y.adminId);
  });
});

describe('portal', () => {
  it('opens a complaint only with its own access token', async () => {
    const status = (number: string, token: string) => server.portal(Q.status, { number, token });
    expect(ok(await status(portalA.number, portalA.accessToken)).complaintStatus.number).toBe(portalA.number);
    expect(ok(await status(portalA.number, portalA2.accessToken)).complaintStatus).toBeNull();
    expect(ok(await status(portalA2.number, portalA.accessToken)).complaintStatus).toBeNull();
    for (const guess of ['', 'x', randomBytes(32).toString('base64url'), portalA.number]) {
      expect(ok(await status(portalA.number, guess)).complaintStatus).toBeNull();
    }
    expectError(
      await server.portal(`query($n: String!) { complaintStatus(number: $n) { stage } }`, { n: portalA.number }),
      'BAD_USER_INPUT',
    );
  });

  it('refuses replies and ratings with a wrong token, writing nothing', async () => {
    await fx.expectNoWrites(async () => {
      expectError(await server.portal(Q.reply, { number: portalA.number, token: portalA2.accessToken, body: 'hi' }), 'NOT_FOUND');
      expectError(await server.portal(Q.rate, { number: portalA.number, token: portalA2.accessToken, score: 1 }), 'NOT_FOUND');
    });
  });

  it('never shows internal notes', async () => {
    const seen = ok(await server.portal(Q.status, { number: portalA.number, token: portalA.accessToken })).complaintStatus;
    expect(seen.messages).toEqual([{ body: 'We will replace it', author: 'STAFF' }]);
    expect(JSON.stringify(seen)).not.toContain(INTERNAL_NOTE);
    const staffView = ok(
      await server.staff(`query($id: ID!) { complaint(id: $id) { messages { body } } }`, { id: secret.id }, a.staff.HEAD.token),
    );
    expect(staffView.complaint.messages.map((m: { body: string }) => m.body)).toContain(INTERNAL_NOTE);
  });
});
