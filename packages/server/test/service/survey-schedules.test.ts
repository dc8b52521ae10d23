import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { QuestionType, SurveyParameter } from '../../src/modules/survey/survey.entity.js';
import { ScheduleCadence } from '../../src/modules/survey/survey-schedule.entity.js';
import { createSurvey } from '../../src/modules/survey/survey.service.js';
import { listSchedules, recordScheduleFailure, runSchedule, sampleShare, saveSchedule } from '../../src/modules/survey/survey.schedules.js';
import { RequestContext } from '../../src/graphql/context.js';
import { MailLinks } from '../../src/modules/mail/mail-links.js';
import { DEFAULT_SURVEY_SCHEDULER, SurveyScheduler } from '../../src/modules/survey/survey.scheduler.js';
import { log } from '../../src/ops/log.js';
import { UnitOfWork } from '../../src/db/unit-of-work.js';
import { expectError } from '../fixtures.js';
import { startServiceTier, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * Scheduled surveys in the services: whom a run invites (the window, the
 * departments, the cooldown, the sample), that a run happens only under its
 * own lease, and that a company's schedule never reaches another's
 * customers.
 */
let tier: ServiceTier;
let w: ServiceWorld;
let other: ServiceWorld;
const PUBLIC_URL = 'https://reclaim.example.com';
const question = {
  type: QuestionType.CSAT,
  parameter: SurveyParameter.OVERALL,
  textRu: 'Довольны?',
  textEn: 'Satisfied?',
  required: true,
  multiple: false,
};

async function newSurvey(world: ServiceWorld): Promise<string> {
  return (
    await tier.as(world.staff.QUALITY_MANAGER, 'createSurvey', (ctx) =>
      createSurvey(ctx, {
        nameRu: 'Ежемесячный опрос',
        nameEn: 'Monthly survey',
        answerDays: 10,
        questions: [question],
      } as never),
    )
  ).id;
}
const schedule = (surveyId: string, extra: Record<string, unknown> = {}) => ({
  surveyId,
  active: true,
  cadence: ScheduleCadence.DAILY,
  weekday: null,
  time: '09:30',
  closedWithinDays: 30,
  departmentIds: [],
  categoryIds: [],
  sharePercent: 100,
  cooldownDays: 30,
  ...extra,
});
/** Makes the schedule due now and runs it as a node would (leased, then run in one transaction of the company). */
async function runNow(world: ServiceWorld, scheduleId: string): Promise<number | null> {
  const [[row]] = await tier.build.inTenant(world.t.tenantId, (m) =>
    m.query(`UPDATE survey_schedules SET next_run_at = now() + interval '1 minute' WHERE id = $1 RETURNING next_run_at::text AS lease`, [
      scheduleId,
    ]),
  );
  return runWithLease(world, scheduleId, row.lease);
}
async function runWithLease(world: ServiceWorld, scheduleId: string, lease: string): Promise<number | null> {
  const uow = new UnitOfWork(tier.dataSource, undefined, { job: 'test' });
  try {
    await uow.enterTenant(world.t.tenantId);
    const n = await runSchedule(new RequestContext(world.t.tenantId, null, await uow.manager(), uow), scheduleId, lease, PUBLIC_URL);
    await uow.finish(true);
    return n;
  } catch (err) {
    await uow.finish(false).catch(() => undefined);
    throw err;
  }
}
const invitedOf = (world: ServiceWorld, surveyId: string) =>
  tier.build.inTenant(world.t.tenantId, (m) =>
    m.query(
      `SELECT c.customer_id, c.customer_email, i.complaint_id, (i.expires_at - i.created_at)::text AS window
     FROM survey_invitations i JOIN complaints c ON c.id = i.complaint_id WHERE i.survey_id = $1`,
      [surveyId],
    ),
  );
const mailsOf = (world: ServiceWorld) =>
  tier.build.inTenant(world.t.tenantId, (m) =>
    m.query(`SELECT to_address, complaint_id, body_text, body_secret FROM outbound_mails WHERE kind = 'SURVEY_INVITATION'`),
  );

beforeAll(async () => {
  tier = await startServiceTier();
  [w, other] = await Promise.all([tier.build.world(), tier.build.world()]);
});
afterAll(() => tier?.close());

describe('sampling', () => {
  const customers = (n: number) => Array.from({ length: n }, (_, i) => ({ customer_id: `customer-${i}` }));

  it('takes exactly the share, the same customers in one run, others in another', () => {
    const all = customers(10_000);
    const picked = sampleShare(all, 'run-1', 30);
    expect(picked).toHaveLength(3000);
    expect(sampleShare(all, 'run-1', 30)).toEqual(picked);
    expect(sampleShare(all, 'run-2', 30)).toHaveLength(3000);
    expect(sampleShare(all, 'run-2', 30)).not.toEqual(picked);
    expect(sampleShare(all, 'run-1', 100)).toEqual(all);
    expect(sampleShare(all.slice(0, 200), 'run-3', 30)).toHaveLength(60);
    // In the given order: a subsequence.
    const order = picked.map((c) => Number(c.customer_id.slice('customer-'.length)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('rounds a fraction of a customer up in that share of runs, so small runs still invite over time', () => {
    const one = customers(1);
    const runs = Array.from({ length: 2000 }, (_, i) => sampleShare(one, `run-${i}`, 30).length);
    expect(new Set(runs)).toEqual(new Set([0, 1]));
    const share = runs.filter((n) => n === 1).length / runs.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
    const seven = Array.from({ length: 2000 }, (_, i) => sampleShare(customers(7), `run-${i}`, 30).length);
    expect(new Set(seven)).toEqual(new Set([2, 3]));
  });
});

describe('a scheduled run', () => {
  it('invites each customer whose complaint closed in the window once, for the latest complaint, and then the cooldown holds', async () => {
    const surveyId = await newSurvey(w);
    const closed = await Promise.all([1, 2, 3].map(() => tier.build.newComplaint(w, Stage.CLOSED)));
    const open = await tier.build.newComplaint(w, Stage.IMPLEMENTATION);
    // A second, later closed complaint of the first customer: the invitation is about it.
    const later = await tier.build.newComplaint(w, Stage.CLOSED);
    const old = await tier.build.newComplaint(w, Stage.CLOSED);
    await tier.build.inTenant(w.t.tenantId, async (m) => {
      await m.query(`UPDATE complaints SET customer_id = $1, customer_email = $2, closed_at = now() - interval '1 minute' WHERE id = $3`, [
        closed[0]!.customerId,
        closed[0]!.customerEmail,
        later.id,
      ]);
      await m.query(`UPDATE complaints SET closed_at = now() - interval '1 hour' WHERE id = $1`, [closed[0]!.id]);
      await m.query(`UPDATE complaints SET closed_at = now() - interval '40 days' WHERE id = $1`, [old.id]);
    });
    const s = await tier.as(w.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId) as never));
    expect(await runNow(w, s.id)).toBe(3);
    const invited = await invitedOf(w, surveyId);
    expect(invited.map((r: { complaint_id: string }) => r.complaint_id).sort()).toEqual([later.id, closed[1]!.id, closed[2]!.id].sort());
    expect(invited[0].window).toBe('10 days');
    expect(invited.some((r: { complaint_id: string }) => r.complaint_id === open.id || r.complaint_id === old.id)).toBe(false);
    const mails = (await mailsOf(w)).filter((m: { complaint_id: string }) =>
      invited.some((r: { complaint_id: string }) => r.complaint_id === m.complaint_id),
    );
    expect(mails).toHaveLength(3);
    for (const m of mails) {
      expect(m.body_secret).toBe(true);
      expect(m.body_text).toMatch(new RegExp(`${PUBLIC_URL}/p/${w.t.slug}/survey#\\S{40,}`));
    }
    // The next run, right away: everyone was invited within the cooldown.
    expect(await runNow(w, s.id)).toBe(0);
    expect(await invitedOf(w, surveyId)).toHaveLength(3);
    const [after] = await listSchedulesOf(w);
    expect(after).toMatchObject({ lastRunInvited: 0 });
    expect(after.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('skips an address the outbox would refuse and invites the others', async () => {
    const world = await tier.build.world();
    const surveyId = await newSurvey(world);
    const [bad, good] = await Promise.all([tier.build.newComplaint(world, Stage.CLOSED), tier.build.newComplaint(world, Stage.CLOSED)]);
    await tier.build.inTenant(world.t.tenantId, (m) =>
      m.query(`UPDATE complaints SET customer_email = 'ivan petrov@example.com' WHERE id = $1`, [bad.id]),
    );
    const s = await tier.as(world.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId) as never));
    expect(await runNow(world, s.id)).toBe(1);
    expect((await invitedOf(world, surveyId)).map((r: { complaint_id: string }) => r.complaint_id)).toEqual([good.id]);
  });

  it('samples its share of 200 eligible customers, no customer twice; limits to its departments', async () => {
    const world = await tier.build.world();
    const surveyId = await newSurvey(world);
    const department = await tier.build.newDepartment(world.t.tenantId);
    for (let i = 0; i < 200; i += 20)
      await Promise.all(Array.from({ length: 20 }, () => tier.build.newComplaint(world, Stage.CLOSED, { departmentId: department })));
    const elsewhere = await tier.build.newComplaint(world, Stage.CLOSED);
    const s = await tier.as(world.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) =>
      saveSchedule(ctx, schedule(surveyId, { sharePercent: 30, departmentIds: [department] }) as never),
    );
    const n = await runNow(world, s.id);
    expect(n).toBe(60);
    const invited = await invitedOf(world, surveyId);
    expect(invited).toHaveLength(n!);
    expect(new Set(invited.map((r: { customer_id: string }) => r.customer_id)).size).toBe(n);
    expect(invited.some((r: { complaint_id: string }) => r.complaint_id === elsewhere.id)).toBe(false);
    expect(await mailsOf(world)).toHaveLength(n!);
  });

  it("runs only under its own lease, never while paused, and never reaches another company's customers", async () => {
    const surveyId = await newSurvey(other);
    await tier.build.newComplaint(other, Stage.CLOSED);
    const s = await tier.as(other.staff.ADMIN, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId) as never));
    expect(await runWithLease(other, s.id, '2020-01-01 00:00:00+00')).toBeNull();
    await tier.as(other.staff.ADMIN, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId, { active: false }) as never));
    const [paused] = await listSchedulesOf(other);
    expect(paused).toMatchObject({ active: false, nextRunAt: null });
    expect(await runNow(other, s.id)).toBeNull();
    expect(await invitedOf(other, surveyId)).toEqual([]);
    await tier.as(other.staff.ADMIN, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId) as never));
    expect(await runNow(other, s.id)).toBe(1);
    const all = await tier.dataSource.query('SELECT tenant_id, complaint_id FROM survey_invitations WHERE survey_id = $1', [surveyId]);
    expect(all).toHaveLength(1);
    const [{ tenant_id: owner }] = await tier.dataSource.query('SELECT tenant_id FROM complaints WHERE id = $1', [all[0].complaint_id]);
    expect(owner).toBe(other.t.tenantId);
    // Another company sees none of its schedules.
    expect((await listSchedulesOf(w)).some((x) => x.id === s.id)).toBe(false);
  });
});

describe('a run that failed', () => {
  const lockTimeout = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
  /** Records `err` as the failure of the run leased until `lease`, as the scheduler does after the run's transaction rolled back. */
  const fail = (world: ServiceWorld, scheduleId: string, lease: string, err: unknown, retryMs = 60_000) =>
    tier.build.inTenant(world.t.tenantId, async (m) => {
      // The count the schedule had when leased, as a node's claim reads it (none where row-level security hides it).
      const [row] = await m.query('SELECT failures FROM survey_schedules WHERE id = $1', [scheduleId]);
      return recordScheduleFailure(
        new RequestContext(world.t.tenantId, null, m),
        { id: scheduleId, lease, failures: row?.failures ?? 0 },
        err,
        retryMs,
      );
    });
  const state = async (world: ServiceWorld, id: string) =>
    (
      await tier.build.inTenant(world.t.tenantId, (m) =>
        m.query(
          `SELECT failures, last_error_code, last_error_detail, next_run_at::text AS lease,
            (extract(epoch FROM next_run_at - last_failed_at) * 1000)::float8 AS wait_ms FROM survey_schedules WHERE id = $1`,
          [id],
        ),
      )
    )[0];
  /** Leases the schedule as a node's claim does, until `minutes` from now. */
  const leased = async (world: ServiceWorld, id: string, minutes = 1) =>
    (
      await tier.build.inTenant(world.t.tenantId, (m) =>
        m.query(
          `UPDATE survey_schedules SET next_run_at = now() + make_interval(mins => $2) WHERE id = $1 RETURNING next_run_at::text AS lease`,
          [id, minutes],
        ),
      )
    )[0][0].lease as string;

  it('is recorded on the schedule and tried again after a minute, twice as long each time in a row, up to an hour; a run that succeeds clears it', async () => {
    const surveyId = await newSurvey(w);
    const s = await tier.as(w.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId)));
    expect(await fail(w, s.id, await leased(w, s.id), lockTimeout)).toBe(1);
    expect(await state(w, s.id)).toMatchObject({
      failures: 1,
      last_error_code: 'TIMEOUT',
      last_error_detail: 'canceling statement due to lock timeout',
      wait_ms: 60_000,
    });
    expect(await fail(w, s.id, (await state(w, s.id)).lease, new Error('x'.repeat(600)))).toBe(2);
    const second = await state(w, s.id);
    expect(second).toMatchObject({ failures: 2, last_error_code: 'OTHER', wait_ms: 120_000 });
    expect(second.last_error_detail).toHaveLength(500);
    for (let i = 3; i <= 9; i++) await fail(w, s.id, (await state(w, s.id)).lease, lockTimeout);
    // 2^6 minutes would be over the hour.
    expect(await state(w, s.id)).toMatchObject({ failures: 9, wait_ms: 3_600_000 });
    // The next run that succeeds starts the count again; the admin sees the last failure's time still.
    await runNow(w, s.id);
    const after = (await tier.as(w.staff.ADMIN, 'surveySchedules', (ctx) => listSchedules(ctx))).find((x) => x.id === s.id);
    expect(after).toMatchObject({ id: s.id, failures: 0, lastErrorCode: null, lastErrorDetail: null, lastRunInvited: 0 });
    expect(after!.lastFailedAt).toBeInstanceOf(Date);
  });

  it("is not recorded when the run's lease is no longer its own (another node took it, or the schedule was saved or paused)", async () => {
    const surveyId = await newSurvey(w);
    const s = await tier.as(w.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId)));
    const lease = await leased(w, s.id);
    await leased(w, s.id, 2);
    const before = await state(w, s.id);
    expect(await fail(w, s.id, lease, lockTimeout)).toBeNull();
    expect(await state(w, s.id)).toEqual(before);
    // Nor by another company, whose row-level security hides the schedule.
    expect(await fail(other, s.id, before.lease, lockTimeout)).toBeNull();
    expect(await state(w, s.id)).toEqual(before);
  });

  it("when recording it fails as well, both errors are logged in one line, the run's error is passed on and the schedule is left as it was", async () => {
    const surveyId = await newSurvey(w);
    const s = await tier.as(w.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId)));
    const before = await state(w, s.id);
    const scheduler = new SurveyScheduler(
      tier.dataSource,
      undefined,
      new MailLinks('a service-tier secret of at least 32 characters', PUBLIC_URL),
      DEFAULT_SURVEY_SCHEDULER,
    ) as unknown as { send(tenantId: string, s: { id: string; lease: string; failures: number }): Promise<unknown> };
    const errors = vi.spyOn(log, 'error').mockImplementation(() => undefined);
    // A lease the database cannot read fails the run and the record of its failure alike.
    await expect(scheduler.send(w.t.tenantId, { id: s.id, lease: 'not a time', failures: 0 })).rejects.toThrow(/invalid input syntax/);
    expect(errors).toHaveBeenCalledTimes(1);
    const [fields, message] = errors.mock.calls[0] as unknown as [Record<string, unknown>, string];
    expect(fields).toMatchObject({ tenantId: w.t.tenantId, scheduleId: s.id, err: expect.stringMatching(/invalid input syntax/) });
    expect(message).toMatch(/^survey schedule: the run failed, and so did recording it \(.*invalid input syntax/);
    expect(await state(w, s.id)).toEqual(before);
  });

  it('is cleared when the admin saves the schedule again', async () => {
    const surveyId = await newSurvey(w);
    const s = await tier.as(w.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, schedule(surveyId)));
    await fail(w, s.id, await leased(w, s.id), lockTimeout);
    const saved = await tier.as(w.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) =>
      saveSchedule(ctx, schedule(surveyId, { time: '10:00' })),
    );
    expect(saved).toMatchObject({ failures: 0, lastErrorCode: null, lastErrorDetail: null });
    expect((await state(w, s.id)).failures).toBe(0);
  });
});

describe('saving a schedule', () => {
  it('refuses a weekly schedule without its weekday, a foreign department and an unknown survey, writing nothing', async () => {
    const surveyId = await newSurvey(w);
    const foreign = await tier.build.newDepartment(other.t.tenantId);
    const save = (input: Record<string, unknown>) =>
      tier.expectNoWrites(() => tier.attempt(w.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) => saveSchedule(ctx, input as never)));
    expectError(await save(schedule(surveyId, { cadence: ScheduleCadence.WEEKLY })), 'BAD_USER_INPUT');
    expectError(await save(schedule(surveyId, { departmentIds: [foreign] })), 'BAD_USER_INPUT');
    expectError(await save(schedule('00000000-0000-4000-8000-000000000000')), 'NOT_FOUND');
  });

  it("sets the next run at the time of the company's day, on the weekday when weekly", async () => {
    const surveyId = await newSurvey(w);
    const s = await tier.as(w.staff.QUALITY_MANAGER, 'saveSurveySchedule', (ctx) =>
      saveSchedule(ctx, schedule(surveyId, { cadence: ScheduleCadence.WEEKLY, weekday: 3, time: '07:15' }) as never),
    );
    const [row] = await tier.build.inTenant(w.t.tenantId, (m) =>
      m.query(
        `SELECT extract(isodow FROM s.next_run_at AT TIME ZONE t.time_zone) AS dow, to_char(s.next_run_at AT TIME ZONE t.time_zone, 'HH24:MI') AS at,
              s.next_run_at > now() AND s.next_run_at <= now() + interval '7 days' AS within
         FROM survey_schedules s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = $1`,
        [s.id],
      ),
    );
    expect(row).toMatchObject({ at: '07:15', within: true });
    expect(Number(row.dow)).toBe(3);
    expect(s.time).toBe('07:15');
  });
});

function listSchedulesOf(world: ServiceWorld) {
  return tier.as(world.staff.QUALITY_MANAGER, 'surveySchedules', (ctx) => listSchedules(ctx));
}
