import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { MailLinks } from '../src/modules/mail/mail-links.js';
import { DEFAULT_SURVEY_SCHEDULER, SurveyScheduler } from '../src/modules/survey/survey.scheduler.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink } from './smtp-sink.js';

/**
 * Scheduled surveys on two nodes: the server's scheduler and a second one
 * over the same database run the same due schedules; the SMTP sink counts
 * what the customers receive. Each customer gets one invitation per run,
 * the cooldown keeps later runs from asking again, a paused schedule sends
 * nothing, and one company's schedule never reaches another's customers.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
let sink: SmtpSink;
let secondNode: SurveyScheduler;
const TAG_SECRET = randomBytes(32).toString('hex');
const PUBLIC_URL = 'https://reclaim.example.com';
const FAST = { ...DEFAULT_SURVEY_SCHEDULER, pollMs: 50, leaseMs: 60_000, retryMs: 1000 };

const CREATE = `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { id } }`;
const SAVE = `mutation($input: SaveSurveyScheduleInput!) { saveSurveySchedule(input: $input) {
  id surveyId active cadence weekday time closedWithinDays departmentIds categoryIds sharePercent cooldownDays nextRunAt lastRunAt lastRunInvited } }`;
const LIST = '{ surveySchedules { id surveyId active lastRunInvited } }';
const READ = `query($slug: String!, $token: String!) { surveyInvitation(slug: $slug, token: $token) { title complaintNumber tenant { slug } } }`;
const QUESTIONS = [{ type: 'CSAT', parameter: 'OVERALL', textRu: 'Довольны ли вы?', textEn: 'Are you satisfied?' }];

const postgres = Boolean(process.env.DATABASE_URL);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const surveyMails = (to: string) => sink.to(to).filter((m) => m.parsed.subject?.includes('Quarterly check'));
/** Makes a schedule due now (past row-level security, as the suite's owner). */
const dueNow = (id: string) => server.dataSource.query('UPDATE survey_schedules SET next_run_at = now() WHERE id = $1', [id]);
const lastRun = async (id: string) =>
  (
    await server.dataSource.query(
      'SELECT last_run_at::text AS last_run_at, next_run_at > now() AS later FROM survey_schedules WHERE id = $1',
      [id],
    )
  )[0];

/** Closed complaints of `w`, each of its own customer. */
async function closedFor(w: World, n: number) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const email = `c-${randomBytes(4).toString('hex')}@example.com`;
      const c = await fx.complaintAt(w, Stage.CLOSED, { input: { customer: { name: 'Anna Smirnova', email } } });
      return { email, number: c.number as string };
    }),
  );
}
async function scheduled(w: World, extra: Record<string, unknown> = {}) {
  const surveyId = ok(
    await server.staff(
      CREATE,
      { input: { nameRu: 'Квартальный опрос', nameEn: 'Quarterly check', questions: QUESTIONS } },
      w.staff.QUALITY_MANAGER.token,
    ),
  ).createSurvey.id;
  return ok(
    await server.staff(
      SAVE,
      {
        input: {
          surveyId,
          cadence: 'DAILY',
          time: '09:00',
          closedWithinDays: 30,
          sharePercent: 100,
          cooldownDays: 30,
          ...extra,
        },
      },
      w.staff.QUALITY_MANAGER.token,
    ),
  ).saveSurveySchedule;
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  server = await startTestServer({
    smtpUrl: sink.url,
    mailTagSecret: TAG_SECRET,
    publicUrl: PUBLIC_URL,
    mail: { pollMs: 100, retryDelaysMs: [300], timeoutMs: 5000, leaseMs: 5000 },
    surveySchedules: FAST,
  });
  fx = new Fixtures(server);
  const english = async () => fx.world(await fx.tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
  [a, b] = await Promise.all([english(), english()]);
  secondNode = new SurveyScheduler(server.dataSource, undefined, new MailLinks(TAG_SECRET, PUBLIC_URL), FAST);
  secondNode.start();
});
afterAll(async () => {
  await secondNode?.stop();
  await server?.close();
  await sink?.close();
});

describe('a scheduled survey on two nodes', () => {
  it('sends each customer one invitation per run, linked to their complaint; the cooldown keeps later runs from asking again', async () => {
    const customers = await closedFor(a, 6);
    const s = await scheduled(a);
    expect(s).toMatchObject({ active: true, cadence: 'DAILY', time: '09:00', sharePercent: 100, lastRunAt: null });
    expect(new Date(s.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    const before = server.app.surveyScheduler.stats.delivered + secondNode.stats.delivered;
    await dueNow(s.id);
    await eventually(() => customers.every((c) => surveyMails(c.email).length >= 1), 15_000, 'the invitations');
    for (const c of customers) {
      const [mail] = surveyMails(c.email);
      const url = new URL(/https:\/\/reclaim\.example\.com\/p\/\S+\/survey#\S+/.exec(mail!.parsed.text ?? '')![0]);
      const read = ok(
        await server.portal(READ, { slug: decodeURIComponent(url.pathname.split('/')[2]!), token: decodeURIComponent(url.hash.slice(1)) }),
      );
      expect(read.surveyInvitation).toMatchObject({ title: 'Quarterly check', complaintNumber: c.number, tenant: { slug: a.t.slug } });
    }
    // Due again, three times over, on both nodes: everyone is within the cooldown.
    // Each run is awaited to its end (its last run time changes), not only to
    // its claim: making the schedule due again mid-run would take its lease away.
    for (let i = 0; i < 3; i++) {
      const previous = (await lastRun(s.id)).last_run_at;
      await dueNow(s.id);
      await eventually(
        async () => {
          const run = await lastRun(s.id);
          return run.later && run.last_run_at !== previous;
        },
        10_000,
        'the run',
      );
    }
    await pause(1000);
    for (const c of customers) expect(surveyMails(c.email)).toHaveLength(1);
    expect(server.app.surveyScheduler.stats.delivered + secondNode.stats.delivered - before).toBe(4);
    const [{ n }] = await server.dataSource.query('SELECT count(*)::int AS n FROM survey_invitations WHERE survey_id = $1', [s.surveyId]);
    expect(n).toBe(6);
    expect(ok(await server.staff(LIST, {}, a.staff.ADMIN.token)).surveySchedules).toEqual([
      expect.objectContaining({ id: s.id, lastRunInvited: 0 }),
    ]);
  });

  it("a paused schedule sends nothing; company B's schedule never invites A's customers", async () => {
    const ofA = await closedFor(a, 2);
    const ofB = await closedFor(b, 2);
    const s = await scheduled(b, { cooldownDays: 0 });
    const paused = ok(
      await server.staff(
        SAVE,
        {
          input: {
            surveyId: s.surveyId,
            active: false,
            cadence: 'WEEKLY',
            weekday: 1,
            time: '10:00',
            closedWithinDays: 30,
            cooldownDays: 0,
          },
        },
        b.staff.ADMIN.token,
      ),
    ).saveSurveySchedule;
    expect(paused).toMatchObject({ id: s.id, active: false, nextRunAt: null, weekday: 1 });
    await dueNow(s.id);
    await pause(1500);
    expect(ofB.flatMap((c) => surveyMails(c.email))).toEqual([]);
    ok(
      await server.staff(
        SAVE,
        { input: { surveyId: s.surveyId, cadence: 'DAILY', time: '10:00', closedWithinDays: 30, cooldownDays: 0 } },
        b.staff.ADMIN.token,
      ),
    );
    await dueNow(s.id);
    await eventually(() => ofB.every((c) => surveyMails(c.email).length === 1), 15_000, "company B's invitations");
    await pause(500);
    expect(ofA.flatMap((c) => surveyMails(c.email))).toEqual([]);
    // Another company neither sees nor changes it.
    expect(ok(await server.staff(LIST, {}, a.staff.QUALITY_MANAGER.token)).surveySchedules.some((x: { id: string }) => x.id === s.id)).toBe(
      false,
    );
    expectError(
      await server.staff(
        SAVE,
        { input: { surveyId: s.surveyId, cadence: 'DAILY', time: '10:00', closedWithinDays: 30 } },
        a.staff.QUALITY_MANAGER.token,
      ),
      'NOT_FOUND',
    );
  });

  // PostgreSQL only: a second transaction holding a lock needs a second connection (PGlite has one).
  it.runIf(postgres)('a run that fails writes nothing, shows its admin why, and is tried again after the back-off', async () => {
    const w = await fx.world(await fx.tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
    const customers = await closedFor(w, 2);
    const s = await scheduled(w);
    const STATE = '{ surveySchedules { id failures lastErrorCode lastErrorDetail lastFailedAt nextRunAt lastRunAt lastRunInvited } }';
    const state = async () =>
      (ok(await server.staff(STATE, {}, w.staff.ADMIN.token)).surveySchedules as Array<Record<string, any>>).find((x) => x.id === s.id)!;
    // Another transaction holds the invitations' table: the run waits past its lock timeout and rolls back.
    const blocker = server.dataSource.createQueryRunner();
    await blocker.connect();
    try {
      await blocker.startTransaction();
      await blocker.query('LOCK TABLE survey_invitations IN EXCLUSIVE MODE');
      await dueNow(s.id);
      await eventually(async () => (await state()).failures >= 1, 15_000, 'the failure');
      const failed = await state();
      expect(failed).toMatchObject({ failures: 1, lastErrorCode: 'TIMEOUT', lastRunAt: null, lastRunInvited: null });
      expect(failed.lastErrorDetail).toContain('lock timeout');
      expect(new Date(failed.nextRunAt).getTime() - new Date(failed.lastFailedAt).getTime()).toBe(1000);
      const [{ n }] = await server.dataSource.query(
        `SELECT (SELECT count(*) FROM survey_invitations WHERE survey_id = $1) + (SELECT count(*) FROM outbound_mails WHERE kind = 'SURVEY_INVITATION' AND to_address = ANY($2))::int AS n`,
        [s.surveyId, customers.map((c) => c.email)],
      );
      expect(Number(n)).toBe(0);
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    // The retry a second later runs: each customer is invited once, and the schedule is clear again.
    await eventually(() => customers.every((c) => surveyMails(c.email).length === 1), 15_000, 'the invitations');
    expect(await state()).toMatchObject({ failures: 0, lastErrorCode: null, lastErrorDetail: null, lastRunInvited: 2 });
  });

  it('is refused to staff who do not manage surveys', async () => {
    expectError(await server.staff(LIST, {}, a.staff.OPERATOR.token), 'FORBIDDEN');
  });
});
