import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, ok, type TestServer } from './harness.js';
import { Fixtures, expectError, type World } from './fixtures.js';

/**
 * One company's flood of deadlines never delays another company's alerts
 * (docs/security.md, "SLA scheduler"), and policies cannot set targets
 * shorter than the minimum. The server runs with the default settings.
 */
let server: TestServer;
let fx: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
});
afterAll(async () => {
  await server?.close();
});

const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> => server.dataSource.query(text, params);
const dbNow = async () => Number((await sql('SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now'))[0].now);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `count` open complaints of `w` (copies of one registered through the API), each with one running
 * STAGE clock due at `dueMs` (database time), written straight into the database: the API refuses
 * targets this short, and a flood needs many complaints at once. Returns their ids.
 */
async function clocksDueAt(w: World, count: number, dueMs: number): Promise<string[]> {
  const template = await fx.register(w.staff.OPERATOR.token, {
    channel: 'PHONE',
    departmentId: w.dept,
    categoryId: w.cat,
    demand: 'REFUND',
  });
  const rows = await sql<{ id: string }>(
    `
    WITH c AS (
      INSERT INTO complaints (tenant_id, id, number, kind, channel, stage, priority, demand, subject, description,
                              customer_id, customer_name, category_id, department_id, sla_state, version,
                              received_at, stage_entered_at, created_at, updated_at)
      SELECT t.tenant_id, gen_random_uuid(), t.number || '-' || i, t.kind, t.channel, t.stage, t.priority, t.demand, t.subject,
             t.description, t.customer_id, t.customer_name, t.category_id, t.department_id, 'ON_TRACK', 1, now(), now(), now(), now()
        FROM complaints t, generate_series(1, $2) i WHERE t.id = $1
      RETURNING tenant_id, id, stage
    )
    INSERT INTO sla_deadlines (tenant_id, complaint_id, clock, stage, started_at, budget_ms, consumed_ms, running_since, due_at)
    SELECT tenant_id, id, 'STAGE', stage, now(), 60000, 0, now(), to_timestamp($3::float8 / 1000) FROM c
    RETURNING complaint_id AS id`,
    [template.id, count, dueMs],
  );
  return rows.map((r) => r.id);
}

/** Each BREACHED history row of `ids`: complaint id and how long after its deadline it fired (ms, database time). */
const breaches = (ids: string[]) =>
  sql<{ complaint_id: string; late_ms: number }>(
    `SELECT complaint_id, extract(epoch FROM fired_at - due_at) * 1000 AS late_ms FROM sla_breaches
    WHERE kind = 'BREACHED' AND complaint_id = ANY($1::uuid[])`,
    [ids],
  );

const POLICIES = '{ slaPolicies { id name isDefault calendarId firstResponseSeconds stageTargets { stage seconds } } }';
const CREATE_POLICY = 'mutation($input: SlaPolicyInput!) { createSlaPolicy(input: $input) { id firstResponseSeconds } }';
const UPDATE_POLICY =
  'mutation($id: ID!, $input: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $input) { id stageTargets { stage seconds } } }';

describe('the shortest SLA target', () => {
  it('a target under a minute (SLA_MIN_TARGET_SECONDS) is refused with reason TARGET_TOO_SHORT, writing nothing; a minute is accepted', async () => {
    const w = await fx.world();
    const admin = w.staff.ADMIN.token;
    const policy = ok(await server.staff(POLICIES, {}, admin)).slaPolicies.find((p: { isDefault: boolean }) => p.isDefault);
    const base = { name: 'Fast', calendarId: policy.calendarId, priorities: ['LOW'] };
    const refused: Array<[string, string, Record<string, unknown>, string]> = [
      ['first response of 59 s', CREATE_POLICY, { input: { ...base, firstResponseSeconds: 59 } }, 'firstResponseSeconds'],
      ['resolution of 1 s', CREATE_POLICY, { input: { ...base, resolutionSeconds: 1 } }, 'resolutionSeconds'],
      ['a stage of 2 s', CREATE_POLICY, { input: { ...base, stageTargets: [{ stage: 'ANALYSIS', seconds: 2 }] } }, 'stageTargets.ANALYSIS'],
      [
        'the default policy, 1 s',
        UPDATE_POLICY,
        {
          id: policy.id,
          input: {
            name: policy.name,
            calendarId: policy.calendarId,
            stageTargets: [
              { stage: 'REGISTERED', seconds: 3600 },
              { stage: 'ANALYSIS', seconds: 1 },
            ],
          },
        },
        'stageTargets.ANALYSIS',
      ],
    ];
    for (const [name, query, variables, field] of refused) {
      const result = await fx.expectNoWrites(() => server.staff(query, variables, admin));
      const error = expectError(result, 'BAD_USER_INPUT', 'TARGET_TOO_SHORT');
      expect({
        name,
        min: error.extensions?.minSeconds,
        fields: (error.extensions?.fields as Array<{ field: string }>).map((f) => f.field),
      }).toEqual({ name, min: 60, fields: [field] });
    }
    expect(
      ok(await server.staff(CREATE_POLICY, { input: { ...base, firstResponseSeconds: 60 } }, admin)).createSlaPolicy.firstResponseSeconds,
    ).toBe(60);
    expect(
      ok(
        await server.staff(
          UPDATE_POLICY,
          {
            id: policy.id,
            input: { name: policy.name, calendarId: policy.calendarId, stageTargets: [{ stage: 'ANALYSIS', seconds: 60 }] },
          },
          admin,
        ),
      ).updateSlaPolicy.stageTargets,
    ).toEqual([{ stage: 'ANALYSIS', seconds: 60 }]);
  });
});

describe('the SLA scheduler shares its passes between companies', () => {
  it("1,500 clocks of one company due at once delay another company's breach by a second at most, or a tenth of the flood's own time; each fires once", async () => {
    const [hostile, victim, later] = await Promise.all([fx.world(), fx.world(), fx.world()]);
    const due = (await dbNow()) + 2500;
    const flood = await clocksDueAt(hostile, 1500, due);
    // One clock due at the same moment as the flood, one a moment after it started firing.
    const [same] = await clocksDueAt(victim, 1, due);
    const [after] = await clocksDueAt(later, 1, due + 300);

    const all = [...flood, same!, after!];
    // Waits for every clock (12 s alone, 58 s seen with eight test processes on two cores).
    const deadline = Date.now() + 180_000;
    while ((await breaches(all)).length < all.length && Date.now() < deadline) await pause(250);

    const fired = await breaches(all);
    const lateOf = (id: string) => fired.filter((b) => b.complaint_id === id).map((b) => Math.round(Number(b.late_ms)));
    expect({ same: lateOf(same!).length, after: lateOf(after!).length }).toEqual({ same: 1, after: 1 });
    // Behind the flood they would have fired as late as its last clock (12 s after its deadline alone, 58 s with
    // eight test processes on two cores). Within a second, or a tenth of the flood's time where that is longer
    // (1,138 ms seen with those eight). The 1-second target is measured on a machine of its own by bench:neighbours
    // (docs/benchmarks.md).
    const floodLate = Math.max(...flood.flatMap(lateOf));
    console.log(`victims' breaches late by ${lateOf(same!)[0]} and ${lateOf(after!)[0]} ms; the flood's last by ${floodLate} ms`);
    expect(lateOf(same!)[0]).toBeLessThan(Math.max(1000, floodLate / 10));
    expect(lateOf(after!)[0]).toBeLessThan(Math.max(1000, floodLate / 10));
    // Every hostile clock still fired, exactly once.
    const perComplaint = new Map<string, number>();
    for (const b of fired) perComplaint.set(b.complaint_id, (perComplaint.get(b.complaint_id) ?? 0) + 1);
    expect(flood.filter((id) => perComplaint.get(id) !== 1)).toEqual([]);
    const [{ open }] = await sql(
      `SELECT count(*)::int AS open FROM sla_deadlines WHERE complaint_id = ANY($1::uuid[]) AND breached_at IS NULL`,
      [all],
    );
    expect(open).toBe(0);
  }, 240_000);
});
