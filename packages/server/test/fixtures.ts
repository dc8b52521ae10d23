import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { DataSource, EntityManager } from 'typeorm';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { EDGES } from '../src/modules/complaint/lifecycle.js';
import { inUnit } from '../src/db/unit-of-work.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Builders } from './builders.js';

export const PASSWORD = 'correct horse battery';

export interface TenantFixture {
  slug: string;
  tenantId: string;
  adminToken: string;
  adminId: string;
}

export interface StaffFixture {
  id: string;
  email: string;
  token: string;
}

/** A tenant with two departments, a category and one member of each role (SPECIALIST and HEAD in `dept`). */
export interface World {
  t: TenantFixture;
  dept: string;
  otherDept: string;
  cat: string;
  /** The default cause SUPPLIER_DEFECT and rejection reason MISUSE (signUpTenant installs them). */
  cause: string;
  rejectionReason: string;
  staff: Record<Role, StaffFixture>;
}

/** A complaint as the suites select it. */
export interface ComplaintView {
  id: string;
  number: string;
  stage: Stage;
  version: number;
  channel: string;
  validity: string | null;
  satisfaction: number | null;
  rejectionReason: string | null;
  closedAt: string | null;
  department: { id: string } | null;
  assignee: { id: string } | null;
  timeline: Array<{
    type: string;
    fromStage: Stage | null;
    toStage: Stage | null;
    actorKind: string;
    actor: { id: string } | null;
    data: Record<string, unknown>;
  }>;
  correctiveActions: Array<{ id: string; description: string; doneAt: string | null }>;
}

export const COMPLAINT_FIELDS = `id number stage version channel validity satisfaction rejectionReason closedAt
  department { id } assignee { id }
  timeline { type fromStage toStage actorKind actor { id } data }
  correctiveActions { id description doneAt }`;

export const Q = {
  register: `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { ${COMPLAINT_FIELDS} } }`,
  transition: `mutation($input: TransitionComplaintInput!) { transitionComplaint(input: $input) { ${COMPLAINT_FIELDS} } }`,
  assign: `mutation($input: AssignComplaintInput!) { assignComplaint(input: $input) { id version department { id } assignee { id } } }`,
  addMessage: `mutation($input: AddMessageInput!) { addMessage(input: $input) { id visibility body } }`,
  complaint: `query($id: ID, $number: String) { complaint(id: $id, number: $number) { ${COMPLAINT_FIELDS} } }`,
  createUser: `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
  updateUser: `mutation($input: UpdateUserInput!) { updateUser(input: $input) { id name } }`,
  createDepartment: `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`,
  renameDepartment: `mutation($input: RenameDepartmentInput!) { renameDepartment(input: $input) { id name } }`,
  createCategory: `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`,
  updateCategory: `mutation($input: UpdateCategoryInput!) { updateCategory(input: $input) { id name } }`,
  submit: `mutation($slug: String!, $input: SubmitComplaintInput!) {
    submitComplaint(tenantSlug: $slug, input: $input) { number accessToken complaint { stage } } }`,
  status: `query($number: String!, $token: String!) {
    complaintStatus(number: $number, accessToken: $token) { number stage messages { body author } } }`,
  reply: `mutation($number: String!, $token: String!, $body: String!, $attachmentIds: [ID!]) {
    replyToComplaint(number: $number, accessToken: $token, body: $body, attachmentIds: $attachmentIds) { id } }`,
  rate: `mutation($number: String!, $token: String!, $score: Int!, $comment: String) {
    rateComplaint(number: $number, accessToken: $token, score: $score, comment: $comment) { stage satisfaction } }`,
} as const;

/**
 * The tenants and the tables of tenant data that "writes nothing" compares (ROW: what of a row) and `counts()` and
 * `tenantCounts()` count; a company sees all of its rows in them. Every table of tenant data is in TENANT_TABLES.
 */
export const TABLES = [
  'tenants',
  'departments',
  'users',
  'user_departments',
  'categories',
  'customers',
  'complaint_counters',
  'complaints',
  'corrective_actions',
  'messages',
  'timeline_events',
  'outbox_events',
  'business_calendars',
  'sla_policies',
  'legal_presets',
  'sla_deadlines',
  'sla_breaches',
  'response_templates',
  'attachments',
  'attachment_blobs',
  'complaint_links',
  'causes',
  'rejection_reasons',
  'stage_visits',
  'clock_outcomes',
  'outbound_mails',
  'notification_templates',
  'account_links',
  'surveys',
  'survey_versions',
  'survey_questions',
  'survey_invitations',
  'survey_responses',
  'survey_answers',
  'staff_notification_settings',
] as const;
/**
 * What "writes nothing" compares besides TABLES: tables whose rows no worker changes after the write that made them,
 * but that are one user's (their policy admits only their owner, `app.user_id`, so a company's counts never see them).
 */
const REQUEST_WRITTEN = ['saved_views'] as const;
/**
 * Tables of tenant data that workers write after the commit that made their rows, so that "writes nothing" cannot
 * compare them: the webhook tables (the worker's deliveries and attempts, an endpoint failing), integrations (a key's
 * use is recorded), mailboxes and inbound mail (the reader's), upload receipts (the purge's), survey schedules (the
 * scheduler's leases).
 */
const WORKER_WRITTEN = [
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_attempts',
  'integrations',
  'mail_mailboxes',
  'inbound_mails',
  'upload_receipts',
  'survey_schedules',
] as const;
/**
 * Every table of tenant data, and the tenants: what the row-level security tests read as a company (isolation.test.ts
 * checks that the schema has no other). More than TABLES, as "writes nothing" cannot compare what workers write.
 */
export const TENANT_TABLES = [...TABLES, ...REQUEST_WRITTEN, ...WORKER_WRITTEN] as const;
/** Of TENANT_TABLES, those whose policy admits only the row's owner within the company (`user_id = app_user_id()`). */
export const OWNER_TABLES: readonly string[] = ['saved_views'];
/**
 * What the checksum of "writes nothing" covers of a row: its version (where it lies, `ctid`, and the transaction that
 * wrote it, `xmin`), which any insert, update or delete that commits changes, even one that writes the same values;
 * reading a version is a quarter of the cost of reading every value as text. Of the tables that workers write
 * asynchronously after commit, the values that are the attempt's own instead (not the outbox's publication time,
 * not an outbound mail's sending state).
 */
const ROW = (t: string) =>
  t === 'outbox_events'
    ? '(x.id, x.tenant_id, x.complaint_id, x.seq, x.type)::text'
    : // A mail's delivery (its status, attempts and, for a one-time link, its blanked body) is the mail worker's write, not the attempt's.
      t === 'outbound_mails'
      ? "(x.tenant_id, x.id, x.complaint_id, x.kind, x.to_address, x.subject, CASE WHEN x.body_secret THEN '' ELSE x.body_text END, x.created_at)::text"
      : '(x.ctid, x.xmin)::text';
export type Counts = Record<(typeof TABLES)[number], number>;
const COUNT_SQL = `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`;
const toCounts = (rows: Array<Record<string, unknown>>) => Object.fromEntries(TABLES.map((t) => [t, Number(rows[0]![t])])) as Counts;

/** A valid RegisterComplaintInput; `overrides` replace (or, with undefined, drop) fields. */
export function complaintInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const input: Record<string, unknown> = {
    kind: 'CLAIM',
    channel: 'API',
    subject: 'Cracked kettle lid',
    description: 'The lid cracked on first use',
    customer: { name: 'Ivan Petrov', email: 'ivan@example.com' },
    ...overrides,
  };
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  return input;
}

/** Stages from RECEIVED to `to` along EDGES (shortest path, forward edges first). */
export function pathTo(to: Stage): Stage[] {
  const prev = new Map<Stage, Stage>();
  const queue: Stage[] = [Stage.RECEIVED];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === to) break;
    for (const e of EDGES) {
      if (e.from === at && e.to !== Stage.RECEIVED && !prev.has(e.to)) {
        prev.set(e.to, at);
        queue.push(e.to);
      }
    }
  }
  const path: Stage[] = [];
  for (let s: Stage | undefined = to; s && s !== Stage.RECEIVED; s = prev.get(s)) path.unshift(s);
  return path;
}

/** The first error of a failed result, checked to carry `code` (and `reason` when given). */
export function expectError(result: GqlResult, code: string, reason?: string) {
  expect(result.errors, `expected ${code}, got data ${JSON.stringify(result.data)}`).toBeDefined();
  const error = result.errors![0]!;
  expect(error.extensions?.code, error.message).toBe(code);
  if (reason) expect(error.extensions?.reason, error.message).toBe(reason);
  return error;
}

/**
 * Fields that satisfy the requirements of moving `c` to `to` in world `w`
 * (over the API or in the service tier: what both worlds and complaints share).
 */
export function stageFields(
  w: { dept: string; cat: string; cause: string; rejectionReason: string; staff: { SPECIALIST: { id: string } } },
  c: { stage: Stage; correctiveActions: Array<{ id: string; doneAt: unknown }> },
  to: Stage,
): Record<string, unknown> {
  switch (to) {
    case Stage.REGISTERED:
      return { departmentId: w.dept, categoryId: w.cat, demand: 'REFUND' };
    case Stage.ANALYSIS:
      return c.stage === Stage.CLOSED ? { note: 'the customer is not satisfied' } : { assigneeId: w.staff.SPECIALIST.id };
    case Stage.DECISION:
      return { validity: 'OBJECTIVE', causeId: w.cause, rootCause: 'a faulty seal batch' };
    case Stage.IMPLEMENTATION:
      return {
        remedy: 'REFUND',
        remedyAmount: 1500,
        decisionNote: 'full refund',
        correctiveActions: [{ description: 'replace the seal supplier', ownerDepartmentId: w.dept, dueDate: '2030-01-31' }],
      };
    case Stage.FEEDBACK:
      return { completedCorrectiveActionIds: c.correctiveActions.filter((a) => !a.doneAt).map((a) => a.id) };
    case Stage.CLOSED:
      return { satisfaction: 4, satisfactionComment: 'fine' };
    case Stage.REJECTED:
      return { rejectionReasonId: w.rejectionReason, rejectionReason: 'the product was used against its manual' };
    default:
      return {};
  }
}

/**
 * What the HTTP tier's tests start from. Companies sign up over the API;
 * their staff are inserted directly (test/builders.ts) and hold tokens the
 * server itself signs, as a sign-in would give them: sign-in and user
 * management have tests of their own, and a password hashed and checked for
 * every fixture cost more than most tests.
 */
export class Fixtures {
  readonly build: Builders;

  constructor(readonly server: TestServer) {
    this.build = new Builders(server.dataSource);
  }

  /**
   * A company signed up with `extra` fields of SignUpTenantInput (locale, timeZone, country), its admin address
   * confirmed (`unconfirmed`: left as sign-up leaves it).
   */
  async tenant(
    slug = `t-${randomBytes(4).toString('hex')}`,
    name = 'Test Company',
    adminEmail = `admin@${slug}.test`,
    extra: Record<string, unknown> = {},
    options: { unconfirmed?: boolean } = {},
  ): Promise<TenantFixture> {
    const data = ok(
      await this.server.staff(`mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token user { id } tenant { id } } }`, {
        input: { slug, name, adminEmail, adminPassword: PASSWORD, adminName: 'Admin', ...extra },
      }),
    );
    if (!options.unconfirmed) await this.build.confirmAddress(data.signUpTenant.tenant.id);
    return { slug, tenantId: data.signUpTenant.tenant.id, adminToken: data.signUpTenant.token, adminId: data.signUpTenant.user.id };
  }

  async department(t: TenantFixture, name = `Dept ${randomBytes(3).toString('hex')}`): Promise<string> {
    return this.build.newDepartment(t.tenantId, name);
  }

  async category(t: TenantFixture, name = `Cat ${randomBytes(3).toString('hex')}`): Promise<string> {
    return this.build.newCategory(t.tenantId, name);
  }

  /** A token the server signs now for a user of `t` whose credentials never changed. */
  token(t: Pick<TenantFixture, 'tenantId'>, userId: string): Promise<string> {
    return this.server.app.tokens.sign({ userId, tenantId: t.tenantId, credentialsVersion: 0 });
  }

  /** An active staff member with `roles` in `departmentIds` (password PASSWORD) and a token the server signed for them. */
  async staff(t: TenantFixture, roles: Role[], departmentIds: string[] = [], email?: string): Promise<StaffFixture> {
    const member = await this.build.newUser(t.tenantId, t.slug, roles, departmentIds, email);
    return { id: member.id, email: member.email, token: await this.token(t, member.id) };
  }

  async login(tenantSlug: string, email: string, password = PASSWORD): Promise<string> {
    return ok(
      await this.server.staff(`mutation($input: LoginInput!) { login(input: $input) { token } }`, {
        input: { tenantSlug, email, password },
      }),
    ).login.token;
  }

  /** A tenant with departments, a category and one single-role member of each role. */
  async world(t?: TenantFixture): Promise<World> {
    const tenant = t ?? (await this.tenant());
    const [dept, otherDept, cat] = await Promise.all([this.department(tenant), this.department(tenant), this.category(tenant)]);
    const member = (role: Role) => (role === Role.SPECIALIST || role === Role.HEAD ? [dept] : []);
    const roles = Object.values(Role);
    const staff = await Promise.all(roles.map((r) => this.staff(tenant, [r], member(r))));
    return {
      t: tenant,
      dept,
      otherDept,
      cat,
      ...(await this.build.codes(tenant.tenantId)),
      staff: Object.fromEntries(roles.map((r, i) => [r, staff[i]])) as Record<Role, StaffFixture>,
    };
  }

  async register(token: string, overrides: Record<string, unknown> = {}): Promise<ComplaintView> {
    return ok(await this.server.staff(Q.register, { input: complaintInput(overrides) }, token)).registerComplaint;
  }

  transition(token: string, c: Pick<ComplaintView, 'id' | 'version'>, to: Stage, fields: Record<string, unknown> = {}): Promise<GqlResult> {
    return this.server.staff(Q.transition, { input: { id: c.id, expectedVersion: c.version, to, ...fields } }, token);
  }

  async get(token: string, id: string): Promise<ComplaintView> {
    return ok(await this.server.staff(Q.complaint, { id }, token)).complaint;
  }

  /** Fields that satisfy the requirements of moving `c` to `to` in world `w`. */
  stageFields(w: World, c: ComplaintView, to: Stage): Record<string, unknown> {
    return stageFields(w, c, to);
  }

  /** Moves `c` to `to` with the fields it needs (`extra` adds, replaces or with undefined drops some), as HEAD of `w.dept`. */
  async advance(w: World, c: ComplaintView, to: Stage, extra: Record<string, unknown> = {}): Promise<ComplaintView> {
    return ok(await this.transition(w.staff.HEAD.token, c, to, { ...this.stageFields(w, c, to), ...extra })).transitionComplaint;
  }

  /**
   * A new complaint of `w` (received over the API, `input` overriding the registration) moved along
   * EDGES to `stage`; `fields` adds to the fields of a step.
   */
  async complaintAt(
    w: World,
    stage: Stage,
    options: { input?: Record<string, unknown>; fields?: Partial<Record<Stage, Record<string, unknown>>> } = {},
  ): Promise<ComplaintView> {
    let c = await this.register(w.staff.OPERATOR.token, options.input);
    for (const next of pathTo(stage)) c = await this.advance(w, c, next, options.fields?.[next]);
    return c;
  }

  /**
   * What `w`'s staff set up in their company, each through its operation: a notification text and a response template,
   * an integration, its HEAD's mail settings, saved views of its HEAD and its OPERATOR (each sees only their own); and
   * a warning in its SLA history on complaint `complaintId`, as the scheduler records one.
   */
  async companyRows(w: World, complaintId: string): Promise<void> {
    const run = async (query: string, input: Record<string, unknown>, token: string) =>
      ok(await this.server.staff(query, { input }, token));
    await run(
      'mutation($input: NotificationTemplateInput!) { saveNotificationTemplate(input: $input) { custom } }',
      { event: 'CLOSED', locale: 'ru', subject: 'Закрыто: {{number}}', body: 'Обращение {{number}} закрыто.' },
      w.t.adminToken,
    );
    await run(
      'mutation($input: CreateResponseTemplateInput!) { createResponseTemplate(input: $input) { id } }',
      { name: 'Acknowledgement', body: 'We received {{number}}.' },
      w.t.adminToken,
    );
    await run(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { key } }',
      { name: 'ERP', scopes: ['READ_COMPLAINTS'] },
      w.t.adminToken,
    );
    await run(
      'mutation($input: StaffNotificationSettingsInput!) { setMyNotificationSettings(input: $input) { event } }',
      { settings: [{ event: 'STAFF_SLA', enabled: false }] },
      w.staff.HEAD.token,
    );
    for (const [token, name] of [
      [w.staff.HEAD.token, 'Urgent kettles'],
      [w.staff.OPERATOR.token, 'Kettles by phone'],
    ] as const) {
      await run(
        'mutation($input: SaveViewInput!) { saveView(input: $input) { id } }',
        { name, filter: { search: 'kettle' }, orderBy: { field: 'PRIORITY', direction: 'DESC' } },
        token,
      );
    }
    await this.asTenant(w.t.tenantId, (m) =>
      m.query(
        `INSERT INTO sla_breaches (tenant_id, id, complaint_id, clock, stage, kind, due_at, fired_at, department_id)
       SELECT app_tenant_id(), gen_random_uuid(), id, 'RESOLUTION', stage, 'AT_RISK', now(), now(), $2 FROM complaints WHERE id = $1`,
        [complaintId, w.dept],
      ),
    );
  }

  /** A survey of `w`'s company, sent for complaint `complaintId` and answered by phone (entered by its OPERATOR), as the survey service writes them. */
  surveyAnswered(w: World, complaintId: string): Promise<unknown> {
    return this.asTenant(w.t.tenantId, (m) =>
      m.query(
        `WITH s AS (INSERT INTO surveys (tenant_id, id, name_ru, name_en, current_version, after_resolution, created_at, updated_at)
                  VALUES (app_tenant_id(), gen_random_uuid(), 'Опрос', 'Survey', 1, true, now(), now()) RETURNING id),
            v AS (INSERT INTO survey_versions (tenant_id, id, survey_id, number, published_at)
                  SELECT app_tenant_id(), gen_random_uuid(), s.id, 1, now() FROM s RETURNING id, survey_id),
            q AS (INSERT INTO survey_questions (tenant_id, id, version_id, position, type, parameter, text_ru, text_en, required)
                  SELECT app_tenant_id(), gen_random_uuid(), v.id, 1, 'CSAT', 'OVERALL', 'Довольны?', 'Satisfied?', true FROM v RETURNING id),
            i AS (INSERT INTO survey_invitations (tenant_id, id, survey_id, version_id, complaint_id, token_hash, expires_at, answered_at, created_at)
                  SELECT app_tenant_id(), gen_random_uuid(), v.survey_id, v.id, $1, sha256(gen_random_uuid()::text::bytea), now() + interval '14 days', now(), now()
                    FROM v RETURNING id, survey_id, version_id),
            r AS (INSERT INTO survey_responses (tenant_id, id, survey_id, version_id, complaint_id, invitation_id, channel, entered_by_user_id, detractor, created_at)
                  SELECT app_tenant_id(), gen_random_uuid(), i.survey_id, i.version_id, $1, i.id, 'PHONE', $2, false, now() FROM i RETURNING id)
       INSERT INTO survey_answers (tenant_id, id, response_id, question_id, type, parameter, score)
       SELECT app_tenant_id(), gen_random_uuid(), r.id, q.id, 'CSAT', 'OVERALL', 4 FROM r, q`,
        [complaintId, w.staff.OPERATOR.id],
      ),
    );
  }

  /**
   * What the workers write in `w`'s company, as they write it, in states no worker picks up: a webhook endpoint (since
   * disabled by the admin) with a delivery of complaint `complaintId`'s last event and its attempt, a reply received by
   * mail, the company's mailbox (paused), a weekly schedule of each of its surveys (paused), and an upload still being
   * received (its receipt and first part).
   */
  workerRows(w: World, complaintId: string): Promise<unknown> {
    return this.asTenant(w.t.tenantId, (m) =>
      m.query(
        `WITH e AS (INSERT INTO webhook_endpoints (tenant_id, id, url, description, event_types, secret, enabled, disabled_reason)
                  VALUES (app_tenant_id(), gen_random_uuid(), 'https://erp.example.com/reclaim', 'ERP', ARRAY['complaint.stage_changed'], $2, false, 'BY_ADMIN')
                  RETURNING id),
            d AS (INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, complaint_id, seq, event_type, payload, status, attempts, delivered_at, created_at)
                  SELECT app_tenant_id(), gen_random_uuid(), e.id, o.id, o.complaint_id, o.seq, 'complaint.stage_changed',
                         jsonb_build_object('type', 'complaint.stage_changed', 'data', jsonb_build_object(
                           'eventId', o.id::text, 'complaintId', o.complaint_id, 'sequence', o.seq, 'stage', o.stage))::text,
                         'DELIVERED', 1, now(), now()
                    FROM e, (SELECT * FROM outbox_events WHERE complaint_id = $1 ORDER BY seq DESC LIMIT 1) o RETURNING id),
            x AS (INSERT INTO webhook_attempts (tenant_id, id, delivery_id, at, duration_ms, status_code)
                  SELECT app_tenant_id(), gen_random_uuid(), d.id, now(), 85, 200 FROM d),
            i AS (INSERT INTO inbound_mails (tenant_id, id, message_id, complaint_id, from_address, subject, outcome, threaded_by, spf, dkim, dmarc)
                  VALUES (app_tenant_id(), gen_random_uuid(), $3, $1, 'customer@example.com', 'Re: the kettle', 'THREADED', 'REFERENCES', 'pass', 'pass', 'pass')),
            mb AS (INSERT INTO mail_mailboxes (tenant_id, host, port, security, username, password_sealed, enabled)
                   VALUES (app_tenant_id(), 'imap.example.com', 993, 'TLS', 'complaints@example.com', $4, false)),
            s AS (INSERT INTO survey_schedules (tenant_id, id, survey_id, active, cadence, weekday, at_minute, closed_within_days,
                                                share_percent, cooldown_days, created_at, updated_at)
                  SELECT app_tenant_id(), gen_random_uuid(), id, false, 'WEEKLY', 1, 600, 7, 50, 90, now(), now() FROM surveys),
            r AS (INSERT INTO upload_receipts (tenant_id, attachment_id) VALUES (app_tenant_id(), $5))
       INSERT INTO attachment_blobs (tenant_id, attachment_id, byte_offset, data) VALUES (app_tenant_id(), $5, 0, $6)`,
        [
          complaintId,
          `whsec_${randomBytes(24).toString('base64')}`,
          `<${randomUUID()}@example.com>`,
          randomBytes(48),
          randomUUID(),
          Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]),
        ],
      ),
    );
  }

  /** Rows per table over all tenants, read as the connecting (superuser) role, which bypasses row-level security. */
  async counts(): Promise<Counts> {
    return toCounts(await this.server.dataSource.query(COUNT_SQL));
  }

  /**
   * Runs `work` inside a tenant's unit of work (role reclaim_app, app.tenant_id set), and with `userId` as that
   * staff member (app.user_id set too, as for a signed-in request: their own rows, saved views, are visible).
   */
  asTenant<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>, userId?: string): Promise<T> {
    return inUnit(this.server.dataSource, async (uow) => {
      await uow.enterTenant(tenantId, { userId });
      return work(await uow.manager());
    });
  }

  /** Rows per table that tenant `tenantId` sees through row-level security. */
  async tenantCounts(tenantId: string): Promise<Counts> {
    return toCounts(await this.asTenant(tenantId, (m) => m.query(COUNT_SQL)));
  }

  /**
   * Runs `attempt` and checks that it inserted, updated or deleted no row of any table; with `tenantId`, no row of
   * that company (where the server's background work for other companies, an SLA clock of an earlier test firing,
   * may write meanwhile).
   */
  expectNoWrites<T>(attempt: () => Promise<T>, scope: { tenantId?: string } = {}): Promise<T> {
    return expectNoWritesIn(this.server.dataSource, attempt, scope.tenantId);
  }
}

/** A test server with its Fixtures and one World in it, as most suites start: `({ server, fx, w } = await startWorld())`. */
export async function startWorld(
  options: Parameters<typeof startTestServer>[0] = {},
): Promise<{ server: TestServer; fx: Fixtures; w: World }> {
  const server = await startTestServer(options);
  const fx = new Fixtures(server);
  return { server, fx, w: await fx.world() };
}

/**
 * Per table, its row count and a checksum of its rows (of one company, with `tenantId`), read as the superuser: any
 * insert, update or delete that commits changes it. The checksum is a sum of 64-bit hashes, which needs no sort.
 */
export async function dbState(dataSource: DataSource, tenantId?: string): Promise<Record<string, string>> {
  const of = (t: string) => (tenantId ? ` WHERE x.${t === 'tenants' ? 'id' : 'tenant_id'} = $1::uuid` : '');
  const sql = [...TABLES, ...REQUEST_WRITTEN].map(
    (t) => `(SELECT count(*) || ':' || coalesce(sum(hashtextextended(${ROW(t)}, 0)), 0) FROM ${t} x${of(t)}) AS ${t}`,
  );
  const [row] = await dataSource.query(`SELECT ${sql.join(', ')}`, tenantId ? [tenantId] : []);
  return row;
}

/** Runs `attempt` and checks that it inserted, updated or deleted no row of any table (of one company, with `tenantId`). */
export async function expectNoWritesIn<T>(dataSource: DataSource, attempt: () => Promise<T>, tenantId?: string): Promise<T> {
  const before = await dbState(dataSource, tenantId);
  const result = await attempt();
  expect(await dbState(dataSource, tenantId)).toEqual(before);
  return result;
}
