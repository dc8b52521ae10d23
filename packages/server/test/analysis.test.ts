import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { Analysis1764600000000 } from '../src/db/migrations/1764600000000-analysis.js';
import { AnalysisSpeed1764612000000 } from '../src/db/migrations/1764612000000-analysis-speed.js';
import { wallClock } from '../src/modules/sla/business-time.js';
import { isDayOff } from '../src/modules/sla/public-holidays.js';
import { ok, type TestServer } from './harness.js';
import { expectError, startWorld, type Fixtures, type World } from './fixtures.js';

/**
 * The analysis over the API (the figures themselves are checked in
 * test/service/analysis.test.ts), and the migration's backfill of stage
 * visits and legal outcomes from what complaints recorded before.
 */
let server: TestServer;
let fx: Fixtures;
let w: World;
let other: World;
beforeAll(async () => {
  ({ server, fx, w } = await startWorld());
  other = await fx.world();
});
afterAll(() => server?.close());

const FIGURES = `query($f: AnalysisFilterInput!) {
  funnel(filter: $f) { stage entered rejected rejectedBy { count rejectionReason { code nameRu nameEn } } }
  pareto(filter: $f, by: CAUSE, measure: COUNT) { total bars { label value cumulativeShare vital cause { code group } } }
  legalCompliance(filter: $f) { total met late penaltyAccrued }
}`;
const period = () => ({ from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() });

describe('analysis over the API', () => {
  it("the quality manager counts the company's complaints, a HEAD their department's, another company none of them", async () => {
    await fx.complaintAt(w, Stage.DECISION);
    await fx.complaintAt(w, Stage.REJECTED);
    const f = period();
    const mine = ok(await server.staff(FIGURES, { f }, w.staff.QUALITY_MANAGER.token));
    const entered = (data: typeof mine, stage: string) => data.funnel.find((r: { stage: string }) => r.stage === stage);
    expect(entered(mine, 'RECEIVED').entered).toBe(2);
    expect(entered(mine, 'RECEIVED')).toMatchObject({
      rejected: 1,
      rejectedBy: [
        { count: 1, rejectionReason: { code: 'MISUSE', nameRu: 'Нарушение правил эксплуатации', nameEn: 'Used against the manual' } },
      ],
    });
    expect(mine.pareto).toEqual({
      total: 1,
      bars: [
        { label: 'SUPPLIER_DEFECT', value: 1, cumulativeShare: 1, vital: true, cause: { code: 'SUPPLIER_DEFECT', group: 'MATERIAL' } },
      ],
    });
    // The head of the complaints' department sees the one that reached it (the other was rejected before it had one).
    const head = ok(await server.staff(FIGURES, { f }, w.staff.HEAD.token));
    expect(entered(head, 'RECEIVED').entered).toBe(1);
    const theirs = ok(await server.staff(FIGURES, { f }, other.staff.QUALITY_MANAGER.token));
    expect(entered(theirs, 'RECEIVED').entered).toBe(0);
    expect(theirs.pareto.bars).toEqual([]);
    expectError(await server.staff(FIGURES, { f }, w.staff.SPECIALIST.token), 'FORBIDDEN');
    expectError(await server.staff(FIGURES, { f: { ...f, departmentId: w.otherDept } }, w.staff.HEAD.token), 'FORBIDDEN');
    expectError(await server.staff(FIGURES, { f: { from: f.to, to: f.from } }, w.staff.QUALITY_MANAGER.token), 'BAD_USER_INPUT');
  });
});

describe('shared answers (SHARED_RESULTS_SECONDS)', () => {
  it('are shared between callers of one company who see the same history, never across a change, a company or a narrower view', async () => {
    const sharing = await startWorld({ sharedResultsMs: 60_000 });
    try {
      const { fx: sfx, w: a } = sharing;
      const b = await sfx.world();
      const f = period();
      const receivedOn = async (on: TestServer, token: string) =>
        ok(await on.staff(`query($f: AnalysisFilterInput!) { funnel(filter: $f) { stage entered } }`, { f }, token)).funnel.find(
          (r: { stage: string }) => r.stage === 'RECEIVED',
        ).entered as number;
      const received = (token: string) => receivedOn(sharing.server, token);
      const moved = await sfx.complaintAt(a, Stage.DECISION);
      expect(await received(a.staff.QUALITY_MANAGER.token)).toBe(1);
      expect(await received(b.staff.QUALITY_MANAGER.token)).toBe(0);
      // Rows changed behind the history's back (no timeline event, as no product path does): the quality manager is
      // answered what was computed for the same history; the head, who sees less, computes their own.
      await sfx.asTenant(a.t.tenantId, (m) =>
        m.query(`UPDATE complaints SET received_at = received_at - interval '1 day' WHERE id = $1`, [moved.id]),
      );
      expect(await received(a.staff.QUALITY_MANAGER.token)).toBe(1);
      expect(await received(a.staff.HEAD.token)).toBe(0);
      // A change of the company's history: the next caller is answered anew, well within the minute.
      await sfx.complaintAt(a, Stage.RECEIVED); // no department: the head does not see it
      expect(await received(a.staff.QUALITY_MANAGER.token)).toBe(1);
      expect(await received(a.staff.HEAD.token)).toBe(0);
      // Another company's change neither reaches the first's answer nor is answered from it.
      await sfx.complaintAt(b, Stage.RECEIVED);
      expect(await received(b.staff.QUALITY_MANAGER.token)).toBe(1);
      expect(await received(a.staff.QUALITY_MANAGER.token)).toBe(1);
      // A caller refused by the guard is refused, shared answer or not.
      expectError(
        await sharing.server.staff(`query($f: AnalysisFilterInput!) { funnel(filter: $f) { stage } }`, { f }, a.staff.SPECIALIST.token),
        'FORBIDDEN',
      );
      // This file's server, on the same schemas in this process, shares nothing (SHARED_RESULTS_SECONDS 0): the same change
      // behind the history's back shows at once.
      const own = await fx.complaintAt(w, Stage.DECISION);
      const before = await receivedOn(server, w.staff.QUALITY_MANAGER.token);
      await fx.asTenant(w.t.tenantId, (m) =>
        m.query(`UPDATE complaints SET received_at = received_at - interval '1 day' WHERE id = $1`, [own.id]),
      );
      expect(await receivedOn(server, w.staff.QUALITY_MANAGER.token)).toBe(before - 1);
    } finally {
      await sharing.server.close();
    }
  });
});

describe("the migration's backfill", () => {
  /** Stage visits and legal outcomes of `ids`, as the comparison needs them. */
  const kept = (ids: string[]) =>
    fx.asTenant(w.t.tenantId, async (m) => ({
      visits: await m.query(
        `SELECT complaint_id, seq, stage, next_stage, left_at IS NULL AS open FROM stage_visits WHERE complaint_id = ANY($1) ORDER BY complaint_id, seq`,
        [ids],
      ),
      legal: await m.query(
        `SELECT complaint_id, met, penalty::float8 AS penalty FROM clock_outcomes WHERE clock = 'LEGAL' AND complaint_id = ANY($1) ORDER BY complaint_id`,
        [ids],
      ),
      bits: await m.query(`SELECT id, stages_entered, rejected_from FROM complaints WHERE id = ANY($1) ORDER BY id`, [ids]),
    }));

  it("rebuilds from the timeline the visits the transitions wrote, the funnel's bit sets, and the legal outcome of each closed complaint, late ones with their penalty", async () => {
    const open = await fx.complaintAt(w, Stage.IMPLEMENTATION);
    const rejected = await fx.complaintAt(w, Stage.REJECTED);
    const reopened = await fx.advance(w, await fx.complaintAt(w, Stage.CLOSED), Stage.ANALYSIS);
    // Received 12 days ago or a little more with a 10-day legal deadline, then closed: late by `age - 10` or
    // `age - 9` started days. The age is the first from 12 whose last day was a working day in Moscow: a day off
    // would move the deadline to the next working day (art. 193 of the Civil Code), whatever day the suite runs.
    const late = await fx.complaintAt(w, Stage.FEEDBACK, { input: { productPrice: 20_000 } });
    const [{ received }] = await fx.asTenant(w.t.tenantId, (m) =>
      m.query('SELECT received_at AS received FROM complaints WHERE id = $1', [late.id]),
    );
    const lastDay = (age: number) =>
      wallClock('Europe/Moscow', received.getTime() - (age - 10) * 86_400_000)
        .toISOString()
        .slice(0, 10);
    const age = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24].find((days) => !isDayOff('RU', lastDay(days)))!;
    await fx.asTenant(w.t.tenantId, (m) =>
      m.query(`UPDATE complaints SET received_at = received_at - make_interval(days => $2) WHERE id = $1`, [late.id, age]),
    );
    ok(
      await server.staff(
        `mutation($i: UpdateComplaintInput!) { updateComplaint(input: $i) { version } }`,
        { i: { id: late.id, expectedVersion: late.version, priority: 'HIGH' } },
        w.staff.HEAD.token,
      ),
    );
    // (The scheduler may escalate the now breached clocks meanwhile: the version is read again.)
    const current = async () => await fx.get(w.staff.HEAD.token, late.id);
    await expect
      .poll(async () => (await fx.transition(w.staff.HEAD.token, await current(), Stage.CLOSED, { satisfaction: 3 })).errors, {
        timeout: 5000,
      })
      .toBeUndefined();
    const ids = [open.id, reopened.id, late.id, rejected.id];
    const live = await kept(ids);
    const bit = (...stages: Stage[]) => stages.reduce((n, stage) => n | (1 << Object.values(Stage).indexOf(stage)), 0);
    expect(live.bits.find((b: { id: string }) => b.id === reopened.id)).toMatchObject({
      stages_entered: bit(
        Stage.RECEIVED,
        Stage.REGISTERED,
        Stage.ANALYSIS,
        Stage.DECISION,
        Stage.IMPLEMENTATION,
        Stage.FEEDBACK,
        Stage.CLOSED,
      ),
      rejected_from: 0,
    });
    const rejectedFrom = live.visits.find(
      (v: { complaint_id: string; next_stage: string }) => v.complaint_id === rejected.id && v.next_stage === Stage.REJECTED,
    );
    expect(live.bits.find((b: { id: string }) => b.id === rejected.id)?.rejected_from).toBe(bit(rejectedFrom.stage));
    expect(live.legal.find((o: { complaint_id: string }) => o.complaint_id === late.id)).toMatchObject({ met: false });
    expect([200 * (age - 10), 200 * (age - 9)]).toContain(
      live.legal.find((o: { complaint_id: string }) => o.complaint_id === late.id).penalty,
    );

    // As on a database from before: the tables gone (and the codes and bit sets with them), then the migrations again,
    // with this node's background work paused (its SLA pass, mail and webhook claims take locks on those tables in
    // another order: the migration deadlocked with them once in CI).
    const { app } = server;
    await Promise.all([app.scheduler?.stop(), app.mail.stop(), app.webhooks.stop(), app.surveyScheduler.stop()]);
    const runner = server.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await new AnalysisSpeed1764612000000().down(runner);
      await new Analysis1764600000000().down(runner);
      await new Analysis1764600000000().up(runner);
      await new AnalysisSpeed1764612000000().up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
      app.scheduler?.start();
      app.mail.start();
      app.webhooks.start();
      app.surveyScheduler.start();
    }
    const rebuilt = await kept(ids);
    expect(rebuilt.visits).toEqual(live.visits);
    expect(rebuilt.bits).toEqual(live.bits);
    // Complaints closed now get theirs; a reopened complaint's earlier closing left nothing on the complaint to rebuild it from.
    expect(rebuilt.legal).toEqual(live.legal.filter((o: { complaint_id: string }) => o.complaint_id === late.id));
    const [{ unworked }] = await fx.asTenant(w.t.tenantId, (m) =>
      m.query(
        `SELECT count(*)::int AS unworked FROM stage_visits WHERE complaint_id = ANY($1) AND left_at IS NOT NULL AND working_ms IS NULL`,
        [ids],
      ),
    );
    expect(unworked).toBeGreaterThan(0);
  });
});
