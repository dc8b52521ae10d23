import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../../../test/harness.js';
import { inTenant } from '../../db/unit-of-work.js';
import { Role } from '../../auth/roles.js';
import { Demand, Priority, Stage, Validity, type Remedy } from '../../modules/complaint/complaint.enums.js';
import { findEdge, missingFields, refuseTransition } from '../../modules/complaint/lifecycle.js';
import { legalDueAt } from '../../modules/sla/sla-clock.js';
import { DEMO_PASSWORD, DEMO_TENANTS, seedDemoData } from '../seed.js';
import { DEFAULT_STAGE_TARGET_HOURS, defaultCalendar, legalDays } from '../demo-plan.js';
import { templateProblems } from '../../modules/template/placeholders.js';
import { DEMO_SURVEY, DEMO_SURVEY_DAYS } from '../demo-survey.js';
import { DAY } from '../demo-random.js';

type Row = Record<string, any>;

let server: TestServer;
let summary: string | null;
let seedMs: number;
/** The instant the demo was seeded as of (what "90 days before seeding" counts from). */
let seededAt: number;

beforeAll(async () => {
  server = await startTestServer();
  const started = performance.now();
  seededAt = Date.now();
  summary = await seedDemoData(server.dataSource, seededAt);
  seedMs = performance.now() - started;
  console.log(`demo seed on ${server.mode}: ${Math.round(seedMs)} ms\n${summary}`);
});
afterAll(() => server?.close());

async function tenantId(slug: string): Promise<string | null> {
  const [row] = await server.dataSource.query('SELECT tenant_id_by_slug($1) AS id', [slug]);
  return row?.id ?? null;
}

/** Reads through row-level security, as the application does. */
async function read(slug: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const id = await tenantId(slug);
  if (!id) throw new Error(`no tenant ${slug}`);
  return inTenant(server.dataSource, id, (m) => m.query(sql, params));
}

async function login(slug: string, email: string): Promise<string> {
  const data = ok(
    await server.staff(`mutation($input: LoginInput!) { login(input: $input) { token user { roles } } }`, {
      input: { tenantSlug: slug, email, password: DEMO_PASSWORD },
    }),
  );
  return data.login.token;
}

interface Snapshot {
  complaints: Row[];
  actions: Row[];
  events: Row[];
  users: Row[];
  legalDays: Map<Demand, number | null>;
  timeZone: string;
  country: string;
}

async function snapshot(slug: string): Promise<Snapshot> {
  const complaints = await read(slug, `SELECT *, remedy_amount::float8 AS amount FROM complaints ORDER BY number`);
  const actions = await read(slug, 'SELECT * FROM corrective_actions');
  const events = await read(slug, 'SELECT id::int8 AS seq, * FROM timeline_events ORDER BY id');
  const users = await read(
    slug,
    `SELECT u.id, u.roles,
    ARRAY(SELECT department_id FROM user_departments d WHERE d.user_id = u.id) AS departments FROM users u`,
  );
  const presets = await read(slug, 'SELECT demand, days FROM legal_presets');
  const [tenant] = await read(slug, 'SELECT time_zone, country FROM tenants');
  const legalDays = new Map(presets.map((p) => [p.demand, p.days]));
  return { complaints, actions, events, users, legalDays, timeZone: tenant!.time_zone, country: tenant!.country };
}

describe('demo data', () => {
  it('seeds both tenants, quickly', async () => {
    expect(summary).toContain('admin@acme.demo');
    expect(summary).toMatch(/acme \(180 complaints\), northwind \(120 complaints\)/);
    for (const { texts } of DEMO_TENANTS) expect(await tenantId(texts.slug)).toBeTruthy();
    // Most of it is the SLA scheduler's pass over the past (a few hundred warnings, breaches and escalations, each
    // fired as live): about 25 s on PGlite on a busy two-core machine; it must not keep a demo server from starting for long.
    expect(seedMs).toBeLessThan(90_000);
  });

  for (const { texts, complaints: expected } of DEMO_TENANTS) {
    describe(texts.slug, () => {
      let s: Snapshot;
      beforeAll(async () => {
        s = await snapshot(texts.slug);
      });

      it('has complaints in every stage, departments, categories and staff in every role', async () => {
        expect(s.complaints).toHaveLength(expected);
        for (const stage of Object.values(Stage)) {
          expect(s.complaints.filter((c) => c.stage === stage).length, stage).toBeGreaterThan(0);
        }
        for (const role of Object.values(Role))
          expect(
            s.users.some((u) => u.roles.includes(role)),
            role,
          ).toBe(true);
        for (const u of s.users.filter((x) => x.roles.includes(Role.HEAD) || x.roles.includes(Role.SPECIALIST))) {
          expect(u.departments.length).toBeGreaterThan(0);
        }
        const [counts] = await read(
          texts.slug,
          `SELECT (SELECT count(*) FROM departments)::int AS d,
          (SELECT count(*) FROM categories)::int AS c, (SELECT count(*) FROM messages)::int AS m`,
        );
        expect(counts!.d).toBeGreaterThanOrEqual(4);
        expect(counts!.c).toBeGreaterThanOrEqual(6);
        expect(counts!.m).toBeGreaterThan(expected / 3);
        const [tenant] = await read(texts.slug, 'SELECT locale, time_zone, country FROM tenants');
        expect(tenant).toEqual({ locale: texts.locale, time_zone: texts.timeZone, country: texts.country });
      });

      it('follows the law and the public holidays of its country', async () => {
        const withDeadline = [...s.legalDays.values()].filter((d) => d !== null);
        const [calendar] = await read(texts.slug, 'SELECT holidays FROM business_calendars');
        const year = new Date().getUTCFullYear() + 1;
        if (texts.country === 'RU') {
          expect(s.legalDays.get('REPAIR' as Demand)).toBe(45);
          expect(calendar!.holidays).toEqual(expect.arrayContaining([`${year}-01-01`, `${year}-01-08`]));
        } else {
          expect(withDeadline).toEqual([]);
          expect(s.complaints.filter((c) => c.legal_due_at !== null)).toEqual([]);
          expect(calendar!.holidays).toContain(`${year}-12-25`);
          expect(calendar!.holidays).not.toContain(`${year}-01-08`);
        }
      });

      it('numbers complaints consecutively from 1 in order of receipt, matching the counter', async () => {
        const [counter] = await read(texts.slug, 'SELECT year, last_value FROM complaint_counters');
        expect(counter!.last_value).toBe(expected);
        const byReceipt = [...s.complaints].sort((a, b) => a.received_at - b.received_at);
        byReceipt.forEach((c, i) => {
          expect(c.number).toBe(`${texts.slug.toUpperCase()}-${counter!.year}-${String(i + 1).padStart(6, '0')}`);
        });
      });

      it('holds on every complaint what its stage requires', () => {
        for (const c of s.complaints) {
          const actions = s.actions.filter((a) => a.complaint_id === c.id);
          const transitions = s.events.filter((e) => e.complaint_id === c.id && e.type === 'TRANSITIONED');
          const last = transitions.at(-1);
          const missing = missingFields(c.stage, {
            from: last?.from_stage ?? Stage.RECEIVED,
            departmentId: c.department_id,
            categoryId: c.category_id,
            demand: c.demand,
            assigneeId: c.assignee_id,
            validity: c.validity,
            rootCause: c.root_cause,
            remedy: c.remedy as Remedy | null,
            remedyAmount: c.amount,
            satisfaction: c.satisfaction,
            feedbackUnavailable: last?.data.feedbackUnavailable ?? null,
            rejectionReasonId: c.rejection_reason_id,
            causeId: c.cause_id,
            note: last?.data.note ?? null,
            correctiveActions: actions.map((a) => ({ kind: a.kind, done: a.done_at !== null })),
          });
          expect(missing, `${c.number} in ${c.stage}`).toEqual([]);
          checkStageFields(c, actions, last);
          const days = s.legalDays.get(c.demand as Demand);
          expect(c.legal_due_at?.getTime() ?? null).toBe(days ? legalDueAt(c.received_at, days, s.timeZone, s.country).getTime() : null);
        }
      });

      it('gives every complaint a timeline along allowed edges, by allowed actors, in time order', () => {
        const users = new Map(s.users.map((u) => [u.id, u]));
        for (const c of s.complaints) {
          const events = s.events.filter((e) => e.complaint_id === c.id);
          expect(events[0]).toMatchObject({ type: 'RECEIVED', to_stage: Stage.RECEIVED });
          let stage = Stage.RECEIVED;
          for (const [i, e] of events.entries()) {
            if (i > 0) expect(e.at.getTime()).toBeGreaterThanOrEqual(events[i - 1]!.at.getTime());
            expect(e.at.getTime()).toBeLessThanOrEqual(Date.now());
            if (e.type !== 'TRANSITIONED') continue;
            expect(e.from_stage).toBe(stage);
            expect(findEdge(e.from_stage, e.to_stage), `${c.number}: ${e.from_stage} -> ${e.to_stage}`).toBeTruthy();
            const actor = users.get(e.actor_user_id)!;
            expect(refuseTransition(e.from_stage, e.to_stage, actor.roles, actor.departments, c.department_id)).toBeNull();
            stage = e.to_stage;
          }
          expect(stage, c.number).toBe(c.stage);
          expect(c.stage_entered_at.getTime()).toBe(
            events
              .filter((e) => e.type === 'RECEIVED' || e.type === 'TRANSITIONED')
              .at(-1)!
              .at.getTime(),
          );
        }
      });

      it('keeps an SLA clock on open complaints, in several states', () => {
        const open = s.complaints.filter((c) => c.stage !== Stage.CLOSED && c.stage !== Stage.REJECTED);
        const states = new Set(open.filter((c) => c.sla_due_at).map((c) => c.sla_state));
        expect([...states].sort()).toEqual(['AT_RISK', 'BREACHED', 'ON_TRACK']);
        for (const c of open.filter((x) => x.sla_due_at)) {
          const breached = c.sla_due_at.getTime() <= Date.now();
          expect(c.sla_state === 'BREACHED', c.number).toBe(breached);
        }
        for (const c of s.complaints.filter((x) => !open.includes(x))) expect(c.sla_state).toBe('NONE');
      });

      // The plan places open complaints by the calendar, stage targets and legal terms a company is given; they must be the database's.
      it('plans with the business calendar, stage targets and legal terms the database installs', async () => {
        const presets = await read(texts.slug, 'SELECT demand, days FROM legal_presets ORDER BY demand');
        expect(presets.map((p) => [p.demand, p.days])).toEqual(presets.map((p) => [p.demand, legalDays(texts.country, p.demand)]));
        expect(presets.length).toBe(Object.keys(Demand).length);
        const [calendar] = await read(texts.slug, 'SELECT time_zone, periods, holidays, working_days FROM business_calendars');
        const planned = defaultCalendar(texts.timeZone, texts.country, texts.locale, Date.now());
        expect({
          timeZone: calendar!.time_zone,
          periods: calendar!.periods,
          holidays: calendar!.holidays,
          workingDays: calendar!.working_days,
        }).toEqual({ ...planned, holidays: [...planned.holidays!].sort(), workingDays: [...planned.workingDays!].sort() });
        const policies = await read(texts.slug, 'SELECT priorities, is_default, stage_seconds FROM sla_policies');
        for (const priority of Object.values(Priority)) {
          const policy = policies.find((p) => p.priorities.includes(priority)) ?? policies.find((p) => p.is_default);
          const hours = Object.fromEntries(
            Object.entries(policy!.stage_seconds as Record<string, number>).map(([stage, s]) => [stage, s / 3600]),
          );
          expect(hours, priority).toEqual(DEFAULT_STAGE_TARGET_HOURS[priority]);
        }
      });

      it("codes causes and rejection reasons with a few vital ones dominating, and keeps each complaint's stage visits", async () => {
        const coded = s.complaints.filter((c) => c.root_cause !== null);
        expect(coded.every((c) => c.cause_id !== null)).toBe(true);
        expect(s.complaints.filter((c) => c.stage === Stage.REJECTED).every((c) => c.rejection_reason_id !== null)).toBe(true);
        const counts = [
          ...coded.reduce((m, c) => m.set(c.cause_id, (m.get(c.cause_id) ?? 0) + 1), new Map<string, number>()).values(),
        ].sort((a, b) => b - a);
        // The three biggest causes make well over half, and the biggest at least three times the median cause.
        expect((counts[0]! + counts[1]! + counts[2]!) / coded.length).toBeGreaterThan(0.55);
        expect(counts[0]!).toBeGreaterThanOrEqual(3 * counts[Math.floor(counts.length / 2)]!);
        const [visits] = await read(
          texts.slug,
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE left_at IS NOT NULL AND working_ms IS NULL)::int AS unworked,
          (SELECT count(*)::int FROM timeline_events WHERE type IN ('RECEIVED', 'TRANSITIONED')) AS entries FROM stage_visits`,
        );
        expect(visits).toEqual({ n: visits!.entries, unworked: 0, entries: visits!.entries });
        // The funnel's bit sets agree with the visits; legal deadlines missed carry their penalty (the products have prices).
        const [bits] = await read(
          texts.slug,
          `SELECT count(*) FILTER (WHERE c.stages_entered <> v.entered OR c.rejected_from <> v.rejected)::int AS wrong
          FROM complaints c JOIN (SELECT complaint_id, bit_or(analysis_stage_bit(stage)) AS entered,
            coalesce(bit_or(analysis_stage_bit(stage)) FILTER (WHERE next_stage = 'REJECTED'), 0) AS rejected FROM stage_visits GROUP BY 1) v ON v.complaint_id = c.id`,
        );
        expect(bits).toEqual({ wrong: 0 });
        const [legal] = await read(
          texts.slug,
          `SELECT count(*) FILTER (WHERE NOT met)::int AS late, count(*) FILTER (WHERE NOT met AND penalty > 0)::int AS priced
          FROM clock_outcomes WHERE clock = 'LEGAL'`,
        );
        // (Legal terms and penalties are those of Russian consumer law: the English company has none.)
        if (texts.slug === 'acme') expect(legal!.late).toBeGreaterThan(0);
        expect(legal!.priced).toBe(legal!.late);
      });

      it('has the survey it sent after resolution for a quarter, paused now, its answers those of the ratings', async () => {
        const now = seededAt;
        const [survey] = await read(
          texts.slug,
          `SELECT s.id, s.after_resolution, s.created_at, s.updated_at, s.current_version,
          (SELECT count(*)::int FROM survey_questions q JOIN survey_versions v ON v.id = q.version_id WHERE v.survey_id = s.id) AS questions FROM surveys s`,
        );
        expect(survey).toMatchObject({ after_resolution: false, current_version: 1, questions: DEMO_SURVEY.questions.length });
        expect(now - survey!.created_at.getTime()).toBe(DEMO_SURVEY_DAYS.from * DAY);
        expect(now - survey!.updated_at.getTime()).toBe(DEMO_SURVEY_DAYS.to * DAY); // paused then
        // Every complaint that reached FEEDBACK while it was sent was invited then; the invitations answered are
        // those whose customers rated the outcome within the survey's 14 days, and nothing else was answered.
        const invitations = await read(
          texts.slug,
          `SELECT i.created_at, i.expires_at, i.answered_at, c.satisfaction,
            (SELECT max(v.entered_at) FROM stage_visits v WHERE v.complaint_id = c.id AND v.stage = 'FEEDBACK') AS feedback,
            r.channel, r.entered_by_user_id, r.detractor, r.created_at AS responded,
            (SELECT a.score FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
              WHERE a.response_id = r.id AND q.position = 1) AS outcome,
            (SELECT a.score FROM survey_answers a WHERE a.response_id = r.id AND a.type = 'NPS') AS nps,
            (SELECT min(a.score) FROM survey_answers a WHERE a.response_id = r.id AND a.type = 'CSAT') AS lowest_csat,
            (SELECT count(*)::int FROM survey_answers a WHERE a.response_id = r.id AND 'OUTCOME' = ANY(a.option_codes)) AS disagrees,
            (SELECT min(v.left_at) FROM stage_visits v WHERE v.complaint_id = c.id AND v.stage = 'FEEDBACK' AND v.entered_at = i.created_at) AS moved_on,
            (SELECT json_agg(json_build_object('at', e.at, 'data', e.data, 'actor', e.actor_kind, 'user', e.actor_user_id))
               FROM timeline_events e WHERE e.complaint_id = c.id AND e.type = 'SURVEY_ANSWERED') AS entries
          FROM survey_invitations i JOIN complaints c ON c.id = i.complaint_id LEFT JOIN survey_responses r ON r.invitation_id = i.id`,
        );
        const [reached] = await read(
          texts.slug,
          `SELECT count(DISTINCT complaint_id)::int AS n FROM stage_visits WHERE stage = 'FEEDBACK'
          AND entered_at >= $1 AND entered_at < $2 AND (complaint_id, seq) IN (SELECT complaint_id, max(seq) FROM stage_visits WHERE stage = 'FEEDBACK' GROUP BY 1)`,
          [new Date(now - DEMO_SURVEY_DAYS.from * DAY), new Date(now - DEMO_SURVEY_DAYS.to * DAY)],
        );
        expect(invitations).toHaveLength(reached!.n);
        expect(invitations.length).toBeGreaterThan(20);
        for (const i of invitations) {
          expect(i.created_at).toEqual(i.feedback);
          expect(i.expires_at.getTime() - i.created_at.getTime()).toBe(DEMO_SURVEY.answerDays * DAY);
          expect(i.answered_at === null).toBe(i.responded === null);
          if (i.responded === null) {
            expect(i.entries).toBeNull();
            continue;
          }
          expect(i.responded).toEqual(i.answered_at);
          // Answered while the complaint awaited feedback, within the survey's days; written on its timeline as answering writes it.
          expect(i.answered_at.getTime()).toBeLessThan(Math.min(i.expires_at.getTime(), i.moved_on.getTime()));
          expect(i.answered_at.getTime()).toBeGreaterThan(i.created_at.getTime());
          expect(i.entries.map((e: Row) => ({ ...e, at: new Date(e.at) }))).toEqual([
            {
              at: i.answered_at,
              actor: i.channel === 'PHONE' ? 'STAFF' : 'CUSTOMER',
              user: i.entered_by_user_id,
              data: { channel: i.channel, satisfaction: i.satisfaction, detractor: i.detractor },
            },
          ]);
          expect(i.outcome).toBe(i.satisfaction);
          expect(i.detractor).toBe(i.nps <= 6 || i.lowest_csat <= 2 || i.disagrees > 0);
          expect(i.entered_by_user_id !== null).toBe(i.channel === 'PHONE');
        }
        const answered = invitations.filter((i) => i.responded !== null);
        expect(answered.length / invitations.length).toBeGreaterThan(0.5);
        expect(new Set(answered.map((i) => i.channel))).toEqual(new Set(['MAIL_LINK', 'PORTAL', 'PHONE']));
        // Promoters, passives and detractors all answered, most of them satisfied.
        const nps = answered.map((i) => i.nps);
        expect(nps.some((n) => n >= 9) && nps.some((n) => n === 7 || n === 8) && nps.some((n) => n <= 6)).toBe(true);
        expect(answered.filter((i) => i.detractor).length / answered.length).toBeLessThan(0.5);
      });

      it("shows the survey's figures in Analysis to its quality manager", async () => {
        const token = await login(texts.slug, `quality.manager@${texts.slug}.demo`);
        const filter = { from: new Date(Date.now() - 365 * DAY).toISOString(), to: new Date(Date.now() + DAY).toISOString() };
        const data = ok(
          await server.staff(
            `query($f: AnalysisFilterInput!) {
          surveyResponseRates(filter: $f, by: COMPANY) { invited answered responseRate }
          surveyScores(filter: $f, by: COMPANY) { parameter type answers average promoterShare } }`,
            { f: filter },
            token,
          ),
        );
        const [rates] = data.surveyResponseRates;
        const [{ n }] = await read(texts.slug, 'SELECT count(*)::int AS n FROM survey_invitations');
        expect(rates).toMatchObject({ invited: n });
        expect(rates.responseRate).toBeGreaterThan(0.5);
        const kinds = data.surveyScores.map((r: Row) => `${r.type} ${r.parameter}`);
        expect(kinds).toEqual(
          expect.arrayContaining(['CSAT OVERALL', 'NPS OVERALL', 'CES RESOLUTION_SPEED', 'CSAT STAFF', 'CSAT COMMUNICATION']),
        );
        const nps = data.surveyScores.find((r: Row) => r.type === 'NPS');
        expect(nps.promoterShare).toBeGreaterThan(0.2);
      });
    });
  }

  it('continues the numbering through the API, with a demo operator', async () => {
    const token = await login('acme', 'operator@acme.demo');
    const refs = ok(await server.staff('{ departments { id name } categories { id name } }', {}, token));
    const [counter] = await read('acme', 'SELECT year FROM complaint_counters');
    const data = ok(
      await server.staff(
        `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { number stage } }`,
        {
          input: {
            kind: 'CLAIM',
            channel: 'PHONE',
            subject: 'Не включается чайник',
            description: 'Чайник не включается после покупки.',
            customer: { name: 'Пётр Сидоров', phone: '+7 900 123-45-67' },
            demand: 'REPLACEMENT',
            departmentId: refs.departments[0].id,
            categoryId: refs.categories[0].id,
          },
        },
        token,
      ),
    );
    expect(data.registerComplaint).toEqual({ number: `ACME-${counter!.year}-000181`, stage: 'REGISTERED' });
  });

  it('gives each tenant response templates in its language that render for its complaints', async () => {
    for (const [slug, locale] of [
      ['acme', 'ru'],
      ['northwind', 'en'],
    ] as const) {
      const token = await login(slug, `operator@${slug}.demo`);
      const templates: Array<{ id: string; name: string; locale: string | null; body: string }> = ok(
        await server.staff(`query($l: String) { responseTemplates(locale: $l) { id name locale body } }`, { l: locale }, token),
      ).responseTemplates;
      expect(templates.length).toBeGreaterThanOrEqual(3);
      for (const t of templates) {
        expect([locale, null]).toContain(t.locale);
        expect(templateProblems(t.body), t.name).toEqual([]);
      }
      const [c] = await read(slug, `SELECT id, number FROM complaints WHERE stage = 'ANALYSIS' AND department_id IS NOT NULL LIMIT 1`);
      const text: string = ok(
        await server.staff(
          `query($t: ID!, $c: ID!) { renderResponseTemplate(templateId: $t, complaintId: $c) }`,
          { t: templates[0]!.id, c: c!.id },
          token,
        ),
      ).renderResponseTemplate;
      expect(text).not.toContain('{{');
      expect(text).toContain(c!.number);
    }
  });

  it('signs in the demo admin, who sees the queue', async () => {
    const token = await login('acme', 'admin@acme.demo');
    const data = ok(
      await server.staff('{ me { email roles } complaints(first: 5) { totalCount edges { node { number subject } } } }', {}, token),
    );
    expect(data.me).toEqual({ email: 'admin@acme.demo', roles: ['ADMIN'] });
    expect(data.complaints.edges).toHaveLength(5);
    expect(data.complaints.totalCount).toBe(181);
  });

  it('does nothing the second time', async () => {
    const count =
      'SELECT (SELECT count(*) FROM complaints)::int AS c, (SELECT count(*) FROM users)::int AS u, (SELECT count(*) FROM timeline_events)::int AS t';
    const before = await read('acme', count);
    expect(await seedDemoData(server.dataSource)).toBeNull();
    expect(await read('acme', count)).toEqual(before);
    const [tenants] = await server.dataSource.query('SELECT count(*)::int AS n FROM tenants');
    expect(tenants.n).toBe(2);
  });
});

/** The brief's stage rules, spelled out (missingFields checks only the arrival stage). */
function checkStageFields(c: Row, actions: Row[], last: Row | undefined): void {
  const order = [Stage.RECEIVED, Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FEEDBACK, Stage.CLOSED];
  const reached = (s: Stage) => c.stage !== Stage.REJECTED && order.indexOf(c.stage) >= order.indexOf(s);
  if (reached(Stage.REGISTERED)) expect(c.department_id && c.category_id && c.demand, c.number).toBeTruthy();
  const reopened = c.stage === Stage.ANALYSIS && c.remedy !== null;
  if (reached(Stage.DECISION) || reopened) {
    expect([Validity.OBJECTIVE, Validity.SUBJECTIVE]).toContain(c.validity);
    expect(c.root_cause, c.number).toBeTruthy();
  }
  if (reached(Stage.IMPLEMENTATION)) {
    expect(c.remedy, c.number).toBeTruthy();
    if (['REFUND', 'DISCOUNT', 'COMPENSATION'].includes(c.remedy)) expect(c.amount).toBeGreaterThan(0);
    if (c.validity === Validity.OBJECTIVE) expect(actions.length, c.number).toBeGreaterThan(0);
  }
  if (reached(Stage.FEEDBACK))
    expect(
      actions.every((a) => a.done_at !== null || a.kind !== 'CORRECTION'),
      c.number,
    ).toBe(true);
  if (c.stage === Stage.CLOSED) {
    expect(c.satisfaction !== null || last?.data.feedbackUnavailable === true, c.number).toBe(true);
    expect(c.closed_at).not.toBeNull();
  }
  if (c.stage === Stage.REJECTED) expect(c.rejection_reason && c.closed_at, c.number).toBeTruthy();
}
