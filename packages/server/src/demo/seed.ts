/**
 * Demo data for embedded mode: two tenants with staff in every role and a
 * few hundred complaints in every stage, written through row-level security
 * (one unit of work per tenant) with one multi-row INSERT per table.
 *
 * Tenants (sign in with the tenant slug, the e-mail and the password `demo-password`):
 *   acme       ООО «Акме Бытовая Техника», ru, Europe/Moscow, 180 complaints (ACME-<year>-000001...)
 *   northwind  Northwind Appliances Ltd, en, Europe/London, 120 complaints (NORTHWIND-<year>-000001...)
 *
 * Staff, the same logins in both tenants (<login>@acme.demo, <login>@northwind.demo):
 *   admin                       ADMIN
 *   operator, operator2         OPERATOR (Customer care)
 *   quality.manager             QUALITY_MANAGER (Quality)
 *   head.<department>           HEAD of quality, service, logistics, sales, care
 *   specialist.<department>     SPECIALIST in quality, service, logistics, sales, care
 *   specialist2.service         SPECIALIST (Service centre)
 *
 * Each tenant also gets a few response templates in its language (demo-templates.ts) and a
 * satisfaction survey, sent after resolution over the last quarter and paused now, with its
 * invitations and answers (demo-survey.ts).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from '../auth/password.js';
import { inTenant } from '../db/unit-of-work.js';
import { Channel, Stage } from '../modules/complaint/complaint.enums.js';
import { generateTenantData, inTimeOrder, type TenantData } from './demo-generator.js';
import { staffWith, type Row } from './demo-organization.js';
import type { DemoTexts } from './demo-texts.js';
import { RequestContext } from '../graphql/context.js';
import { Role } from '../auth/roles.js';
import { createSurvey, questionsOf, versionsOf } from '../modules/survey/survey.service.js';
import { DEMO_SURVEY, DEMO_SURVEY_DAYS, feedbackVisits, planSurveyRows } from './demo-survey.js';
import { DAY } from './demo-random.js';
import { fireDueClocks, syncSla } from '../modules/sla/sla.service.js';
import { newTrackingToken, trackingPath } from '../modules/complaint/tracking.js';
import { installSlaDefaults } from '../modules/sla/sla-settings.service.js';
import { RU_TEXTS } from './demo-texts-ru.js';
import { EN_TEXTS } from './demo-texts-en.js';
import { DEMO_TEMPLATES } from './demo-templates.js';
import { seedAnalysis } from './demo-analysis.js';

export const DEMO_PASSWORD = 'demo-password';
export const DEMO_TENANTS: ReadonlyArray<{ texts: DemoTexts; complaints: number }> = [
  { texts: RU_TEXTS, complaints: 180 },
  { texts: EN_TEXTS, complaints: 120 },
];

/** Column definitions of each table's rows as json_to_recordset reads them (tenant_id comes from the unit of work). */
const COLUMNS = {
  departments: 'id uuid, name text, created_at timestamptz',
  categories: 'id uuid, name text, active boolean, created_at timestamptz',
  users: 'id uuid, email text, name text, password_hash text, roles text[], active boolean, created_at timestamptz',
  user_departments: 'user_id uuid, department_id uuid',
  customers: 'id uuid, name text, email text, phone text, created_at timestamptz',
  complaints: `id uuid, number text, kind text, channel text, stage text, priority text, demand text, subject text,
    description text, product text, product_price numeric, order_ref text, purchase_date date, customer_id uuid, customer_name text,
    customer_email text, customer_phone text,
    category_id uuid, department_id uuid, assignee_id uuid, validity text, root_cause text, remedy text,
    remedy_amount numeric, decision_note text, rejection_reason text, satisfaction smallint, satisfaction_comment text,
    access_token_hash bytea, sla_due_at timestamptz, sla_state text, legal_due_at timestamptz, version int,
    received_at timestamptz, stage_entered_at timestamptz, closed_at timestamptz, created_at timestamptz, updated_at timestamptz`,
  corrective_actions: `id uuid, complaint_id uuid, kind text, description text, owner_department_id uuid, due_date date,
    done_at timestamptz, done_by_user_id uuid, created_at timestamptz`,
  messages: `id uuid, complaint_id uuid, visibility text, author_kind text, author_user_id uuid, body text,
    created_at timestamptz`,
  timeline_events: `complaint_id uuid, type text, from_stage text, to_stage text, actor_kind text, actor_user_id uuid,
    data jsonb, at timestamptz`,
  response_templates: 'id uuid, name text, locale text, body text, created_at timestamptz, updated_at timestamptz',
  survey_invitations: `id uuid, survey_id uuid, version_id uuid, complaint_id uuid, token_hash bytea, expires_at timestamptz,
    answered_at timestamptz, created_at timestamptz`,
  survey_responses: `id uuid, survey_id uuid, version_id uuid, complaint_id uuid, invitation_id uuid, channel text,
    entered_by_user_id uuid, detractor boolean, created_at timestamptz`,
  survey_answers: 'id uuid, response_id uuid, question_id uuid, type text, parameter text, score int, option_codes text[], text text',
} as const;

interface Seeded {
  texts: DemoTexts;
  complaints: number;
  portal: { number: string; token: string } | null;
}

/** Seeds the demo tenants into an empty database; returns a summary, or null when data exists. */
export async function seedDemoData(dataSource: DataSource, now = Date.now()): Promise<string | null> {
  if (await anyTenantExists(dataSource)) return null;
  const started = performance.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD); // once: scrypt is slow on purpose
  const seeded: Seeded[] = [];
  for (const { texts, complaints } of DEMO_TENANTS) {
    const data = generateTenantData({ texts, passwordHash, count: complaints, now });
    const portal = issueTrackingTokens(data);
    const tenantId = randomUUID();
    const written = await inTenant(dataSource, tenantId, (manager, uow) =>
      writeTenant(new RequestContext(tenantId, null, manager, uow), texts, data, now),
    );
    if (written) seeded.push({ texts, complaints: data.complaints.length, portal });
  }
  return seeded.length ? summary(seeded, performance.now() - started) : null;
}

/** Any tenant at all, or one of the demo slugs (through functions: the nodes' role sees no company's rows outside a unit of work). */
async function anyTenantExists(dataSource: DataSource): Promise<boolean> {
  const [row] = await dataSource.query(
    `SELECT any_tenant_exists() OR tenant_id_by_slug($1) IS NOT NULL OR tenant_id_by_slug($2) IS NOT NULL AS taken`,
    DEMO_TENANTS.map((t) => t.texts.slug),
  );
  return row?.taken === true || row?.taken === 't';
}

/**
 * Writes one tenant in the current unit of work. The tenant row goes first
 * (the tenants policy admits the row of the current tenant); if another node
 * seeded the same slug meanwhile, nothing is written and the result is false.
 */
async function writeTenant(ctx: RequestContext, texts: DemoTexts, data: TenantData, now: number): Promise<boolean> {
  const { manager } = ctx;
  const created = new Date(now - 120 * 24 * 3600 * 1000).toISOString();
  const inserted = await manager.query(
    // The demo companies' addresses count as confirmed: they can invite staff and receive mail at once.
    `INSERT INTO tenants (id, slug, number_prefix, name, locale, time_zone, country, branding, created_at, currency, address_confirmed_at)
     VALUES (app_tenant_id(), $1, $2, $3, $4, $5, $8, $7, $6, $9, $6) ON CONFLICT DO NOTHING RETURNING id`,
    [
      texts.slug,
      texts.slug.toUpperCase(),
      texts.tenantName,
      texts.locale,
      texts.timeZone,
      created,
      JSON.stringify(texts.branding),
      texts.country,
      texts.currency,
    ],
  );
  if (inserted.length === 0) return false;
  const org = data.organization.rows;
  await insertRows(manager, 'departments', org.departments);
  await insertRows(manager, 'categories', org.categories);
  await insertRows(manager, 'users', org.users);
  await insertRows(manager, 'user_departments', org.user_departments);
  await insertRows(manager, 'customers', data.customers);
  await insertRows(manager, 'complaints', data.complaints);
  await insertRows(manager, 'corrective_actions', data.corrective_actions);
  await insertRows(manager, 'messages', data.messages);
  await manager.query('INSERT INTO complaint_counters (tenant_id, year, last_value) VALUES (app_tenant_id(), $1, $2)', [
    data.counter.year,
    data.counter.lastValue,
  ]);
  await insertRows(
    manager,
    'response_templates',
    DEMO_TEMPLATES[texts.locale].map((t) => ({ id: randomUUID(), ...t, created_at: created, updated_at: created })),
  );
  const survey = await seedSurvey(ctx, texts, data, now);
  await seedSla(ctx, inTimeOrder([...data.timeline_events, ...survey.timeline_events]), new Date(now));
  await seedAnalysis(ctx);
  return true;
}

/**
 * The company's survey (DEMO_SURVEY), created by its quality manager the
 * way the console does (`createSurvey`), dated to when it began to be sent
 * after resolution; its invitations and answers over the quarter it was
 * sent (planSurveyRows), from the complaints' stays in FEEDBACK. It is
 * paused now. Returns the answers' timeline entries, for the timeline's
 * replay to write in their place.
 */
async function seedSurvey(ctx: RequestContext, texts: DemoTexts, data: TenantData, now: number): Promise<{ timeline_events: Row[] }> {
  const { manager } = ctx;
  const qm = staffWith(data.organization, Role.QUALITY_MANAGER)[0]!;
  const author = new RequestContext(ctx.tenantId, { userId: qm.id, tenantId: ctx.tenantId, roles: qm.roles, departmentIds: [] }, manager);
  const survey = await createSurvey(author, DEMO_SURVEY);
  const from = new Date(now - DEMO_SURVEY_DAYS.from * DAY);
  const paused = new Date(now - DEMO_SURVEY_DAYS.to * DAY);
  await manager.query('UPDATE surveys SET created_at = $2, updated_at = $3 WHERE id = $1', [survey.id, from, paused]);
  await manager.query('UPDATE survey_versions SET published_at = $2 WHERE survey_id = $1', [survey.id, from]);
  const [version] = await versionsOf(ctx, survey.id);
  const rows = planSurveyRows(
    feedbackVisits(data.complaints, data.timeline_events),
    await questionsOf(ctx, version!.id),
    { id: survey.id, versionId: version!.id, answerDays: DEMO_SURVEY.answerDays },
    { from: from.getTime(), to: paused.getTime() },
    { timeZone: texts.timeZone, operatorIds: staffWith(data.organization, Role.OPERATOR).map((u) => u.id) },
  );
  await insertRows(manager, 'survey_invitations', rows.survey_invitations);
  await insertRows(manager, 'survey_responses', rows.survey_responses);
  await insertRows(manager, 'survey_answers', rows.survey_answers);
  return rows;
}

/**
 * The tenant's default SLA settings and every complaint's clocks, then the
 * SLA scheduler's own pass (`fireDueClocks`) run over the past as if it had
 * been running all along: at each instant a clock warned or breached, it
 * fires what was due then, with its history, timeline entries and the
 * escalations the policies ask for (the heads notified, the priority
 * raised). The timeline's seeded entries are written as time reaches them,
 * so its identity order stays its time order. Events are left to the outbox
 * relay, as after a node that stopped before publishing.
 */
async function seedSla(ctx: RequestContext, timeline: Row[], now: Date): Promise<void> {
  const { manager } = ctx;
  await installSlaDefaults(ctx, now.getTime());
  await manager.query(`UPDATE complaints c SET first_responded_at = (SELECT min(m.created_at) FROM messages m
     WHERE m.complaint_id = c.id AND m.visibility = 'PUBLIC' AND m.author_kind = 'STAFF')`);
  const ids: Array<{ id: string }> = await manager.query('SELECT id FROM complaints ORDER BY id');
  for (let i = 0; i < ids.length; i += 500)
    await syncSla(
      ctx,
      ids.slice(i, i + 500).map((c) => c.id),
      { now },
    );
  let written = 0;
  let last = 0;
  for (;;) {
    const [next] = await manager.query<Array<{ at: Date | null }>>(
      'SELECT min(next_fire_at) AS at FROM sla_deadlines WHERE next_fire_at <= $1',
      [now],
    );
    // An escalation's recompute may leave a deadline already passed: live, it fires at once, i.e. now in the replay.
    const until = next?.at ? Math.max(next.at.getTime(), last) : Infinity;
    let end = written;
    while (end < timeline.length && Date.parse(timeline[end]!.at as string) <= until) end++;
    // Identity ids follow `seq`, i.e. time order, as if the events had been appended live.
    await insertRows(manager, 'timeline_events', timeline.slice(written, end), 'seq');
    written = end;
    if (!next?.at) break;
    if ((await fireDueClocks(ctx, 1000, { asOf: new Date(until) })) === 0)
      throw new Error(`SLA replay: nothing fired at ${new Date(until).toISOString()}`);
    last = until;
  }
}

/** One INSERT ... SELECT over json_to_recordset for all rows of a table. */
async function insertRows(manager: EntityManager, table: keyof typeof COLUMNS, rows: Row[], orderBy?: string): Promise<void> {
  if (rows.length === 0) return;
  const spec = COLUMNS[table].replace(/\s+/g, ' ');
  const names = spec
    .split(', ')
    .map((c) => c.split(' ')[0])
    .join(', ');
  const order = orderBy ? `, ${orderBy} int` : '';
  await manager.query(
    `INSERT INTO ${table} (tenant_id, ${names})
     SELECT app_tenant_id(), ${names} FROM json_to_recordset($1::json) AS r(${spec}${order})
     ${orderBy ? `ORDER BY r.${orderBy}` : ''}`,
    [JSON.stringify(rows)],
  );
}

/**
 * Every complaint gets a tracking token, as submitComplaint and
 * registerComplaint give them; only hashes are stored. One portal
 * complaint's token is kept for the summary, to try the portal with.
 */
function issueTrackingTokens(data: TenantData): { number: string; token: string } | null {
  const tokens = new Map<Row, string>();
  for (const c of data.complaints) {
    const { token, hash } = newTrackingToken();
    c.access_token_hash = `\\x${hash.toString('hex')}`;
    tokens.set(c, token);
  }
  const withMessages = new Set(data.messages.map((m) => m.complaint_id));
  const web = [...tokens.keys()].filter((c) => c.channel === Channel.WEB);
  const example = web.find((c) => c.stage === Stage.ANALYSIS && !c.remedy && withMessages.has(c.id)) ?? web[0];
  return example ? { number: example.number as string, token: tokens.get(example)! } : null;
}

function summary(seeded: Seeded[], ms: number): string {
  const slugs = seeded.map((s) => s.texts.slug);
  const byRole = new Map<string, string[]>();
  for (const u of seeded[0]!.texts.staff) {
    const role = u.roles.join('+');
    byRole.set(role, [...(byRole.get(role) ?? []), u.login]);
  }
  const portal = seeded.filter((s) => s.portal).map((s) => trackingPath(s.texts.slug, s.portal!.number, s.portal!.token));
  return [
    `${seeded.map((s) => `${s.texts.slug} (${s.complaints} complaints)`).join(', ')} in ${Math.round(ms)} ms`,
    `  staff: tenant ${slugs.join(' or ')}, e-mail <login>@<tenant>.demo (e.g. admin@${slugs[0]}.demo), password "${DEMO_PASSWORD}"`,
    ...[...byRole].map(([role, logins]) => `    ${role}: ${logins.join(', ')}`),
    ...(portal.length ? [`  portal: /p/${slugs.join('/ or /p/')}/; tracking links: ${portal.join(', ')}`] : []),
  ].join('\n');
}
