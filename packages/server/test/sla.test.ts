import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { startTestServer, ok, type TestServer } from './harness.js';
import { Fixtures, Q, expectError, type World } from './fixtures.js';
import { OpenSockets, WsClient } from './ws-client.js';

const SLA_SUB = `subscription($d: ID) { slaBreached(departmentId: $d) {
  kind clock target dueAt at complaint { id number } breach { id kind notifiedHeads { id } priorityRaisedTo } } }`;
const SLA_FIELDS = `id version priority slaState slaDueAt legalDueAt awaitingCustomerSince firstRespondedAt
  slaPolicy { id name } slaClocks { target stage state dueAt warnAt budgetSeconds usedSeconds warnedAt breachedAt }
  slaBreaches { id clock kind dueAt firedAt notifiedHeads { id } priorityRaisedTo reassignedTo { id } }
  penaltyExposure { price perDay daysOverdue accrued } timeline { type data }`;
const GET = `query($id: ID) { complaint(id: $id) { ${SLA_FIELDS} } }`;
const POLICIES = `{ slaPolicies { id name position isDefault priorities categoryIds calendarId warnPercent
  firstResponseSeconds resolutionSeconds stageTargets { stage seconds } escalation { notifyHead raisePriority reassignToDepartmentId } } }`;
const CREATE_CALENDAR = `mutation($input: BusinessCalendarInput!) { createBusinessCalendar(input: $input) { id name timeZone alwaysOpen periods { weekday start end } holidays } }`;
const CREATE_POLICY = `mutation($input: SlaPolicyInput!) { createSlaPolicy(input: $input) { id position } }`;
const UPDATE_POLICY = `mutation($id: ID!, $input: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $input) { id } }`;
const UPDATE_COMPLAINT = `mutation($input: UpdateComplaintInput!) { updateComplaint(input: $input) { id version priority slaDueAt slaState } }`;

let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
const sockets = new OpenSockets();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const socket = (token: string) => sockets.track(WsClient.staff(server.url, token));

beforeAll(async () => {
  // Targets of a second or two, so that warnings and breaches happen within a test.
  server = await startTestServer({ slaMinTargetSeconds: 1 });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
});
afterAll(async () => {
  sockets.closeAll();
  await server?.close();
});

const staff = (w: World, query: string, variables: Record<string, unknown> = {}, role: Role = Role.ADMIN) =>
  server.staff(query, variables, w.staff[role].token);
const getComplaint = async (w: World, id: string) => ok(await staff(w, GET, { id }, Role.HEAD)).complaint;

async function alwaysOpenCalendar(w: World): Promise<string> {
  return ok(await staff(w, CREATE_CALENDAR, { input: { name: `24/7 ${randomUUID().slice(0, 6)}`, timeZone: 'UTC', alwaysOpen: true } }))
    .createBusinessCalendar.id;
}

async function defaultPolicy(w: World) {
  return ok(await staff(w, POLICIES)).slaPolicies.find((p: { isDefault: boolean }) => p.isDefault);
}

/** Makes the default policy of `w` count around the clock with the given targets; with `only`, it is the only policy. */
async function setDefaultPolicy(w: World, input: Record<string, unknown>, only = false) {
  if (only) {
    for (const p of ok(await staff(w, POLICIES)).slaPolicies.filter((x: any) => !x.isDefault)) {
      ok(await staff(w, 'mutation($id: ID!) { deleteSlaPolicy(id: $id) }', { id: p.id }));
    }
  }
  const calendarId = await alwaysOpenCalendar(w);
  const policy = await defaultPolicy(w);
  ok(await staff(w, UPDATE_POLICY, { id: policy.id, input: { name: policy.name, calendarId, ...input } }));
  return { policyId: policy.id as string, calendarId };
}

/** Registered by phone straight into `w.dept`. */
async function registered(w: World, overrides: Record<string, unknown> = {}) {
  return fx.register(w.staff.OPERATOR.token, { channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REFUND', ...overrides });
}

describe('SLA settings', () => {
  it('a new company starts with business hours, three policies (the default last) and the consumer-law presets', async () => {
    const t = await fx.tenant();
    const calendars = ok(
      await server.staff(`{ businessCalendars { name timeZone alwaysOpen periods { weekday start end } } }`, {}, t.adminToken),
    ).businessCalendars;
    expect(calendars).toEqual([
      {
        name: 'Рабочие часы',
        timeZone: 'Europe/Moscow',
        alwaysOpen: false,
        periods: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
      },
    ]);
    const policies = ok(await server.staff(POLICIES, {}, t.adminToken)).slaPolicies;
    expect(policies.map((p: any) => [p.position, p.isDefault, p.priorities])).toEqual([
      [1, false, ['URGENT']],
      [2, false, ['HIGH']],
      [3, true, []],
    ]);
    const presets = ok(await server.staff(`{ legalPresets { demand days penaltyPercentPerDay } }`, {}, t.adminToken)).legalPresets;
    expect(Object.fromEntries(presets.map((p: any) => [p.demand, p.days]))).toEqual({
      COMPENSATION: 10,
      OTHER: null,
      PRICE_REDUCTION: 10,
      REFUND: 10,
      REPAIR: 45,
      REPLACEMENT: 7,
    });
    expect(new Set(presets.map((p: any) => p.penaltyPercentPerDay))).toEqual(new Set([1]));
  });

  it('refuses invalid calendars, policies and presets with typed errors, writing nothing', async () => {
    const calendar = (over: Record<string, unknown>) => ({
      name: `Hours ${randomUUID().slice(0, 6)}`,
      timeZone: 'Europe/Moscow',
      periods: [{ weekday: 1, start: '09:00', end: '18:00' }],
      ...over,
    });
    const policy = await defaultPolicy(a);
    const { calendarId } = { calendarId: policy.calendarId as string };
    const good = { name: `P ${randomUUID().slice(0, 6)}`, calendarId, priorities: ['LOW'] };
    const bForeignCalendar = (await defaultPolicy(b)).calendarId;
    const cases: Array<[string, string, Record<string, unknown>, string, string?]> = [
      ['unknown time zone', CREATE_CALENDAR, { input: calendar({ timeZone: 'Mars/Olympus' }) }, 'BAD_USER_INPUT'],
      ['weekday 8', CREATE_CALENDAR, { input: calendar({ periods: [{ weekday: 8, start: '09:00', end: '18:00' }] }) }, 'BAD_USER_INPUT'],
      ['25:00', CREATE_CALENDAR, { input: calendar({ periods: [{ weekday: 1, start: '25:00', end: '18:00' }] }) }, 'BAD_USER_INPUT'],
      ['no working time', CREATE_CALENDAR, { input: calendar({ periods: [] }) }, 'BAD_USER_INPUT'],
      ['a holiday that is no date', CREATE_CALENDAR, { input: calendar({ holidays: ['tomorrow'] }) }, 'BAD_USER_INPUT'],
      ['markup in the name', CREATE_CALENDAR, { input: calendar({ name: '<script>x</script>' }) }, 'BAD_USER_INPUT'],
      ['unknown calendar', CREATE_POLICY, { input: { ...good, calendarId: randomUUID() } }, 'NOT_FOUND'],
      ["another company's calendar", CREATE_POLICY, { input: { ...good, calendarId: bForeignCalendar } }, 'NOT_FOUND'],
      ["another company's category", CREATE_POLICY, { input: { ...good, categoryIds: [b.cat] } }, 'NOT_FOUND'],
      [
        "another company's department to escalate to",
        CREATE_POLICY,
        { input: { ...good, escalation: { reassignToDepartmentId: b.dept } } },
        'NOT_FOUND',
      ],
      ['warning at 0 %', CREATE_POLICY, { input: { ...good, warnPercent: 0 } }, 'BAD_USER_INPUT'],
      ['warning at 100 %', CREATE_POLICY, { input: { ...good, warnPercent: 100 } }, 'BAD_USER_INPUT'],
      ['a target of 0 s', CREATE_POLICY, { input: { ...good, firstResponseSeconds: 0 } }, 'BAD_USER_INPUT'],
      [
        'a target for a final stage',
        CREATE_POLICY,
        { input: { ...good, stageTargets: [{ stage: 'CLOSED', seconds: 60 }] } },
        'BAD_USER_INPUT',
      ],
      [
        'a stage twice',
        CREATE_POLICY,
        {
          input: {
            ...good,
            stageTargets: [
              { stage: 'ANALYSIS', seconds: 60 },
              { stage: 'ANALYSIS', seconds: 90 },
            ],
          },
        },
        'BAD_USER_INPUT',
      ],
      ['conditions on the default policy', UPDATE_POLICY, { id: policy.id, input: { ...good, priorities: ['HIGH'] } }, 'BAD_USER_INPUT'],
      ['an unknown policy', UPDATE_POLICY, { id: randomUUID(), input: good }, 'NOT_FOUND'],
      [
        'deleting the default policy',
        'mutation($id: ID!) { deleteSlaPolicy(id: $id) }',
        { id: policy.id },
        'BAD_USER_INPUT',
        'DEFAULT_POLICY',
      ],
      [
        'deleting a calendar in use',
        'mutation($id: ID!) { deleteBusinessCalendar(id: $id) }',
        { id: calendarId },
        'BAD_USER_INPUT',
        'IN_USE',
      ],
      ['a reorder that leaves one out', 'mutation($ids: [ID!]!) { reorderSlaPolicies(ids: $ids) { id } }', { ids: [] }, 'BAD_USER_INPUT'],
      [
        'a legal deadline of 0 days',
        'mutation($input: LegalPresetInput!) { setLegalPreset(input: $input) { demand } }',
        { input: { demand: 'REFUND', days: 0 } },
        'BAD_USER_INPUT',
      ],
      [
        'a penalty of 101 %',
        'mutation($input: LegalPresetInput!) { setLegalPreset(input: $input) { demand } }',
        { input: { demand: 'REFUND', days: 10, penaltyPercentPerDay: 101 } },
        'BAD_USER_INPUT',
      ],
    ];
    for (const [name, query, variables, code, reason] of cases) {
      const result = await fx.expectNoWrites(() => staff(a, query, variables));
      expect({
        name,
        code: result.errors?.[0]?.extensions?.code,
        reason: reason ? result.errors?.[0]?.extensions?.reason : undefined,
      }).toEqual({ name, code, reason });
    }
    // A calendar's problems name the field they are about, so that the console shows each under its input.
    const fieldsOf = async (input: Record<string, unknown>) =>
      ((await staff(a, CREATE_CALENDAR, { input })).errors?.[0]?.extensions?.fields as Array<{ field: string }>).map((f) => f.field);
    expect(await fieldsOf(calendar({ timeZone: 'Mars/Olympus' }))).toEqual(['timeZone']);
    expect(await fieldsOf(calendar({ periods: [] }))).toEqual(['periods']);
    expect(await fieldsOf(calendar({ holidays: ['2026-02-31'] }))).toEqual(['holidays']);
    // Settings are the admin's: a quality manager may read them, not change them.
    expectError(await staff(a, CREATE_POLICY, { input: good }, Role.QUALITY_MANAGER), 'FORBIDDEN');
    expect(ok(await staff(a, POLICIES, {}, Role.SPECIALIST)).slaPolicies.length).toBeGreaterThan(0);
  });

  it('tries policies in order, first match wins; reordering recomputes open complaints', async () => {
    const w = await fx.world();
    const calendarId = await alwaysOpenCalendar(w);
    const high = ok(
      await staff(w, CREATE_POLICY, { input: { name: 'High first', calendarId, priorities: ['HIGH'], firstResponseSeconds: 600 } }),
    ).createSlaPolicy;
    const byCategory = ok(
      await staff(w, CREATE_POLICY, { input: { name: 'By category', calendarId, categoryIds: [w.cat], firstResponseSeconds: 1200 } }),
    ).createSlaPolicy;
    const c = await registered(w, { priority: 'HIGH' });
    // The default tenant policies "Urgent" and "High priority" come first: HIGH matches "High priority".
    const ids = ok(await staff(w, POLICIES))
      .slaPolicies.filter((p: any) => !p.isDefault)
      .map((p: any) => p.id);
    expect((await getComplaint(w, c.id)).slaPolicy.name).toBe('Высокий приоритет');
    const order = [byCategory.id, high.id, ...ids.filter((id: string) => id !== byCategory.id && id !== high.id)];
    const reordered = ok(
      await staff(w, 'mutation($ids: [ID!]!) { reorderSlaPolicies(ids: $ids) { id position } }', { ids: order }),
    ).reorderSlaPolicies;
    expect(reordered.slice(0, 2).map((p: any) => [p.id, p.position])).toEqual([
      [byCategory.id, 1],
      [high.id, 2],
    ]);
    const after = await getComplaint(w, c.id);
    expect(after.slaPolicy.id).toBe(byCategory.id);
    expect(after.slaClocks.find((k: any) => k.target === 'FIRST_RESPONSE').budgetSeconds).toBe(1200);
  });
});

describe('the clocks of a complaint', () => {
  let w: World;
  beforeAll(async () => {
    w = await fx.world();
    await setDefaultPolicy(w, {
      warnPercent: 80,
      firstResponseSeconds: 3600,
      resolutionSeconds: 36_000,
      stageTargets: [
        { stage: 'REGISTERED', seconds: 7200 },
        { stage: 'ANALYSIS', seconds: 14_400 },
      ],
    });
    // Urgent complaints get a tighter stage target.
    const urgent = ok(await staff(w, POLICIES)).slaPolicies.find((p: any) => p.priorities.includes('URGENT'));
    ok(
      await staff(w, UPDATE_POLICY, {
        id: urgent.id,
        input: {
          name: urgent.name,
          calendarId: (await defaultPolicy(w)).calendarId,
          priorities: ['URGENT'],
          resolutionSeconds: 3600,
          stageTargets: [{ stage: 'REGISTERED', seconds: 600 }],
        },
      }),
    );
  });

  it('registering starts first-response, resolution, stage and legal clocks', async () => {
    const before = Date.now();
    const c = await getComplaint(w, (await registered(w)).id);
    expect(c.slaState).toBe('ON_TRACK');
    const clocks = Object.fromEntries(c.slaClocks.map((k: any) => [k.target, k]));
    expect(Object.keys(clocks).sort()).toEqual(['FIRST_RESPONSE', 'LEGAL', 'RESOLUTION', 'STAGE']);
    expect(clocks.STAGE).toMatchObject({ stage: 'REGISTERED', state: 'ON_TRACK', budgetSeconds: 7200 });
    // Around the clock: the first response is due an hour after registering, the warning at 48 minutes.
    const due = Date.parse(clocks.FIRST_RESPONSE.dueAt);
    expect(due - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(due - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(Date.parse(clocks.FIRST_RESPONSE.warnAt)).toBe(due - 720_000);
    expect(c.slaDueAt).toBe(clocks.FIRST_RESPONSE.dueAt);
    expect(c.legalDueAt).toBe(clocks.LEGAL.dueAt);
  });

  it('waiting for the customer pauses the SLA clocks, not the legal one; the answer resumes them, later by the pause', async () => {
    const submitted = ok(
      await server.portal(Q.submit, {
        slug: w.t.slug,
        input: {
          kind: 'CLAIM',
          subject: 'Broken hinge',
          description: 'It broke',
          demand: 'REFUND',
          customer: { name: 'Olga', email: 'olga@example.com' },
        },
      }),
    ).submitComplaint;
    const received = ok(
      await staff(w, 'query($n: String) { complaint(number: $n) { id version stage } }', { n: submitted.number }, Role.OPERATOR),
    ).complaint;
    const c = await fx.advance(w, received as never, Stage.REGISTERED);
    const start = await getComplaint(w, c.id);
    const dueOf = (x: any, target: string) => Date.parse(x.slaClocks.find((k: any) => k.target === target).dueAt);

    const asked = Date.now();
    ok(
      await staff(
        w,
        Q.addMessage,
        { input: { complaintId: c.id, body: 'Which model is it?', visibility: 'PUBLIC', awaitCustomer: true } },
        Role.SPECIALIST,
      ),
    );
    // The message says it is a question (issue 14, item 14); a plain reply does not.
    const said = ok(
      await staff(w, 'query($id: ID) { complaint(id: $id) { messages { body asksCustomer } } }', { id: c.id }, Role.SPECIALIST),
    );
    expect(said.complaint.messages).toEqual([{ body: 'Which model is it?', asksCustomer: true }]);
    const paused = await getComplaint(w, c.id);
    expect(paused).toMatchObject({ slaState: 'PAUSED', slaDueAt: null, legalDueAt: start.legalDueAt });
    expect(paused.awaitingCustomerSince).not.toBeNull();
    expect(paused.slaClocks.filter((k: any) => k.target !== 'LEGAL').map((k: any) => [k.state, k.dueAt])).toEqual([
      ['PAUSED', null],
      ['PAUSED', null],
    ]);

    await pause(1500);
    ok(await server.portal(Q.reply, { number: submitted.number, token: submitted.accessToken, body: 'Model K-200' }));
    const answered = Date.now();
    const resumed = await getComplaint(w, c.id);
    expect(resumed).toMatchObject({ slaState: 'ON_TRACK', awaitingCustomerSince: null, legalDueAt: start.legalDueAt });
    for (const target of ['STAGE', 'RESOLUTION']) {
      const shift = dueOf(resumed, target) - dueOf(start, target);
      expect(shift, target).toBeGreaterThanOrEqual(1500 - 50);
      expect(shift, target).toBeLessThanOrEqual(answered - asked + 50);
    }
    // The question was the first public reply: the first-response clock stopped.
    expect(resumed.firstRespondedAt).not.toBeNull();
    expect(resumed.slaClocks.map((k: any) => k.target)).not.toContain('FIRST_RESPONSE');
    expect(resumed.timeline.map((e: any) => e.type)).toEqual(expect.arrayContaining(['SLA_PAUSED', 'SLA_RESUMED']));

    // Staff can also resume: the customer answered by phone.
    ok(
      await staff(
        w,
        Q.addMessage,
        { input: { complaintId: c.id, body: 'Can you send a photo?', visibility: 'PUBLIC', awaitCustomer: true } },
        Role.SPECIALIST,
      ),
    );
    expect((await getComplaint(w, c.id)).slaState).toBe('PAUSED');
    const byStaff = ok(
      await staff(
        w,
        'mutation($id: ID!) { stopAwaitingCustomer(id: $id) { slaState awaitingCustomerSince } }',
        { id: c.id },
        Role.SPECIALIST,
      ),
    );
    expect(byStaff.stopAwaitingCustomer).toEqual({ slaState: 'ON_TRACK', awaitingCustomerSince: null });
  });

  it('an internal note neither answers the customer nor waits for them', async () => {
    const c = await registered(w);
    expectError(
      await staff(
        w,
        Q.addMessage,
        { input: { complaintId: c.id, body: 'note', visibility: 'INTERNAL', awaitCustomer: true } },
        Role.SPECIALIST,
      ),
      'BAD_USER_INPUT',
    );
    ok(await staff(w, Q.addMessage, { input: { complaintId: c.id, body: 'note', visibility: 'INTERNAL' } }, Role.SPECIALIST));
    const after = await getComplaint(w, c.id);
    expect(after.firstRespondedAt).toBeNull();
    expect(after.slaClocks.map((k: any) => k.target)).toContain('FIRST_RESPONSE');
  });

  it('a new priority recomputes the deadlines from the time already used; a stale version is a CONFLICT', async () => {
    const c = await getComplaint(w, (await registered(w)).id);
    const stageDue = Date.parse(c.slaClocks.find((k: any) => k.target === 'STAGE').dueAt);
    const urgent = ok(
      await staff(w, UPDATE_COMPLAINT, { input: { id: c.id, expectedVersion: c.version, priority: 'URGENT' } }, Role.SPECIALIST),
    ).updateComplaint;
    expect(urgent.priority).toBe('URGENT');
    const after = await getComplaint(w, c.id);
    const newDue = Date.parse(after.slaClocks.find((k: any) => k.target === 'STAGE').dueAt);
    // 7200 s became 600 s: the deadline moved 6600 s earlier (less the moment between the two reads).
    expect(stageDue - newDue).toBeGreaterThan(6_590_000);
    expect(stageDue - newDue).toBeLessThanOrEqual(6_600_000);
    expect(after.slaPolicy.name).toBe('Срочные');
    expect(after.timeline.at(-1)).toMatchObject({ type: 'UPDATED', data: { priority: 'URGENT', previous: { priority: 'NORMAL' } } });
    const stale = await fx.expectNoWrites(() =>
      staff(w, UPDATE_COMPLAINT, { input: { id: c.id, expectedVersion: c.version, priority: 'LOW' } }, Role.SPECIALIST),
    );
    expectError(stale, 'CONFLICT');
    // A specialist of another department may not.
    const outsider = await fx.staff(w.t, [Role.SPECIALIST], [w.otherDept]);
    expectError(
      await server.staff(UPDATE_COMPLAINT, { input: { id: c.id, expectedVersion: after.version, priority: 'LOW' } }, outsider.token),
      'FORBIDDEN',
    );
  });

  it('closing stops every clock; the penalty exposure follows from the price and the legal deadline', async () => {
    const c = await fx.complaintAt(w, Stage.FEEDBACK, { input: { productPrice: 12_550 } });
    const open = await getComplaint(w, c.id);
    expect(open.penaltyExposure).toEqual({ price: 12_550, perDay: 125.5, daysOverdue: 0, accrued: 0 });
    const closed = await fx.advance(w, await fx.get(w.staff.HEAD.token, c.id), Stage.CLOSED);
    const after = await getComplaint(w, closed.id);
    expect(after).toMatchObject({ slaState: 'NONE', slaDueAt: null, slaClocks: [] });
    expect(after.legalDueAt).toBe(open.legalDueAt);
  });
});

describe('breaches', () => {
  it('warns, then breaches, each pushed within a second and once; escalates as the policy says', async () => {
    const w = await fx.world();
    await setDefaultPolicy(
      w,
      {
        warnPercent: 50,
        stageTargets: [{ stage: 'REGISTERED', seconds: 2 }],
        escalation: { notifyHead: true, raisePriority: true },
      },
      true,
    );
    const [member, overseer] = await Promise.all([socket(w.staff.SPECIALIST.token), socket(w.staff.QUALITY_MANAGER.token)]);
    const ids = [member.subscribe(SLA_SUB, {}), overseer.subscribe(SLA_SUB, { d: w.dept })];
    await Promise.all([member.settle(), overseer.settle()]);

    const c = await registered(w);
    const [warning, breach] = await member.waitForResults(ids[0]!, 2, 6000);
    expect(warning.data.slaBreached).toMatchObject({ kind: 'AT_RISK', clock: 'SLA', target: 'STAGE', complaint: { id: c.id } });
    expect(breach.data.slaBreached).toMatchObject({
      kind: 'BREACHED',
      clock: 'SLA',
      target: 'STAGE',
      complaint: { id: c.id },
      breach: { kind: 'BREACHED', notifiedHeads: [{ id: w.staff.HEAD.id }], priorityRaisedTo: 'HIGH' },
    });
    const dueAt = Date.parse(breach.data.slaBreached.dueAt);
    const [warnedAt, breachedAt] = member.resultTimes(ids[0]!);
    // The warning at half the target, the breach at the deadline: each received within a second of its moment.
    expect(warnedAt! - (dueAt - 1000)).toBeLessThan(1000);
    expect(breachedAt! - dueAt).toBeGreaterThanOrEqual(0);
    expect(breachedAt! - dueAt).toBeLessThan(1000);
    await overseer.waitForResults(ids[1]!, 2, 3000);

    // Exactly once: nothing more arrives, though the raised priority recomputed the clocks.
    await pause(1500);
    expect(member.results(ids[0]!)).toHaveLength(2);
    expect(overseer.results(ids[1]!)).toHaveLength(2);

    const after = await getComplaint(w, c.id);
    expect(after).toMatchObject({ priority: 'HIGH', slaState: 'BREACHED' });
    expect(after.slaBreaches.map((h: any) => [h.clock, h.kind])).toEqual([
      ['STAGE', 'AT_RISK'],
      ['STAGE', 'BREACHED'],
    ]);
    expect(after.timeline.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['SLA_AT_RISK', 'SLA_BREACHED', 'PRIORITY_CHANGED', 'ESCALATED']),
    );
    const types = after.timeline.map((e: any) => e.type);
    expect(types.indexOf('SLA_AT_RISK')).toBeLessThan(types.indexOf('SLA_BREACHED'));

    // The head sees the escalation until acknowledging it.
    const list = ok(await staff(w, '{ escalations { id complaint { id } } }', {}, Role.HEAD)).escalations;
    expect(list.map((e: any) => e.complaint.id)).toEqual([c.id]);
    ok(await staff(w, 'mutation($id: ID!) { acknowledgeEscalation(id: $id) { acknowledgedAt } }', { id: list[0].id }, Role.HEAD));
    expect(ok(await staff(w, '{ escalations { id } }', {}, Role.HEAD)).escalations).toEqual([]);
    expect(
      ok(await staff(w, '{ escalations(includeAcknowledged: true) { id acknowledgedBy { id } } }', {}, Role.HEAD)).escalations,
    ).toEqual([{ id: list[0].id, acknowledgedBy: { id: w.staff.HEAD.id } }]);
  });

  it('a settings change that does not concern an overdue complaint leaves its due time and the board order as they were', async () => {
    const w = await fx.world();
    await setDefaultPolicy(w, { warnPercent: 50, stageTargets: [{ stage: 'REGISTERED', seconds: 1 }], resolutionSeconds: 2 }, true);
    const first = await registered(w);
    const second = await registered(w);
    const overdue = async () => {
      const list = await Promise.all([first.id, second.id].map((id) => getComplaint(w, id)));
      return list.every((c) => c.slaState === 'BREACHED') ? list : null;
    };
    let before: any[] | null = null;
    for (let i = 0; i < 50 && !before; i++) {
      await pause(200);
      before = await overdue();
    }
    expect(before).not.toBeNull();
    const dues = (list: any[]) =>
      list.map((c) => ({ slaDueAt: c.slaDueAt, clocks: c.slaClocks.map((k: any) => [k.target, k.dueAt, k.warnAt]) }));
    // A policy that matches only a new, empty category, then its deletion: each recomputes every open complaint.
    const category = await fx.category(w.t, `Empty ${randomUUID().slice(0, 6)}`);
    const policy = ok(
      await staff(w, CREATE_POLICY, {
        input: {
          name: 'Only the empty category',
          calendarId: (await defaultPolicy(w)).calendarId,
          categoryIds: [category],
          resolutionSeconds: 60,
        },
      }),
    ).createSlaPolicy;
    await pause(1100);
    const afterCreate = await Promise.all([first.id, second.id].map((id) => getComplaint(w, id)));
    ok(await staff(w, 'mutation($id: ID!) { deleteSlaPolicy(id: $id) }', { id: policy.id }));
    const afterDelete = await Promise.all([first.id, second.id].map((id) => getComplaint(w, id)));
    expect(dues(afterCreate)).toEqual(dues(before!));
    expect(dues(afterDelete)).toEqual(dues(before!));
    expect(Date.parse(afterDelete[0].slaDueAt)).toBeLessThan(Date.parse(afterDelete[1].slaDueAt));
  });

  it("a deadline written through one node is told to that node's scheduler, not to another app in the same process", async () => {
    // Polls at start, then not for a minute: only a wake-up could make it hold the new instant.
    const other = await startTestServer({ slaMinTargetSeconds: 1, slaPollMs: 60_000 });
    try {
      const w = await fx.world();
      await setDefaultPolicy(w, { stageTargets: [{ stage: 'REGISTERED', seconds: 3 }] }, true);
      // Its one look at the database is over (on a loaded machine it can come late, and would then see the deadline).
      for (const until = Date.now() + 10_000; other.app.scheduler!.stats.polls < 1 && Date.now() < until;) await pause(20);
      const before = { mine: server.app.scheduler!.held, theirs: other.app.scheduler!.held };
      await registered(w);
      expect({ mine: server.app.scheduler!.held > before.mine, theirs: other.app.scheduler!.held }).toEqual({
        mine: true,
        theirs: before.theirs,
      });
    } finally {
      await other.close();
    }
  });

  it('moves a breached complaint to the department the policy names; both departments hear of it', async () => {
    const w = await fx.world();
    await setDefaultPolicy(w, {
      stageTargets: [{ stage: 'REGISTERED', seconds: 1 }],
      escalation: { notifyHead: false, reassignToDepartmentId: w.otherDept },
    });
    const head = await fx.staff(w.t, [Role.HEAD], [w.otherDept]);
    const client = await socket(head.token);
    const id = client.subscribe(
      `subscription($d: ID) { complaintStageChanged(departmentId: $d) { change departmentId previousDepartmentId complaint { id } } }`,
      { d: w.otherDept },
    );
    await client.settle();
    const c = await registered(w);
    const [moved] = await client.waitForResults(id, 1, 5000);
    expect(moved.data.complaintStageChanged).toMatchObject({
      change: 'ASSIGNED',
      departmentId: w.otherDept,
      previousDepartmentId: w.dept,
      complaint: { id: c.id },
    });
    const after = await getComplaint(w, c.id);
    expect(after.slaBreaches.at(-1)).toMatchObject({ kind: 'BREACHED', reassignedTo: { id: w.otherDept } });
  });

  it("tenant B's subscribers never see tenant A's warnings or breaches, nor its settings", async () => {
    const w = await fx.world();
    await setDefaultPolicy(w, { warnPercent: 50, stageTargets: [{ stage: 'REGISTERED', seconds: 1 }] });
    const other = await fx.world();
    const watchers = await Promise.all([
      socket(other.staff.QUALITY_MANAGER.token),
      socket(other.staff.SPECIALIST.token),
      socket(w.staff.SPECIALIST.token),
    ]);
    const ids = [watchers[0]!.subscribe(SLA_SUB, {}), watchers[1]!.subscribe(SLA_SUB, {}), watchers[2]!.subscribe(SLA_SUB, {})];
    // Guessing tenant A's department id is refused.
    const guess = watchers[0]!.subscribe(SLA_SUB, { d: w.dept });
    await Promise.all(watchers.map((s) => s.settle()));
    await registered(w);
    await watchers[2]!.waitForResults(ids[2]!, 2, 5000);
    await pause(500);
    expect(watchers[0]!.results(ids[0]!)).toEqual([]);
    expect(watchers[1]!.results(ids[1]!)).toEqual([]);
    expect(watchers[0]!.messages.find((m) => m.id === guess && m.type === 'error')).toBeDefined();
    // Row-level security: inside tenant B's transaction, A's SLA rows do not exist.
    const seen = await fx.asTenant(other.t.tenantId, (m) =>
      m.query(
        `SELECT (SELECT count(*) FROM sla_deadlines WHERE tenant_id = $1)::int AS deadlines,
              (SELECT count(*) FROM sla_breaches WHERE tenant_id = $1)::int AS breaches,
              (SELECT count(*) FROM sla_policies WHERE tenant_id = $1)::int AS policies,
              (SELECT count(*) FROM business_calendars WHERE tenant_id = $1)::int AS calendars,
              (SELECT count(*) FROM legal_presets WHERE tenant_id = $1)::int AS presets`,
        [w.t.tenantId],
      ),
    );
    expect(seen).toEqual([{ deadlines: 0, breaches: 0, policies: 0, calendars: 0, presets: 0 }]);
    const all = await server.dataSource.query('SELECT count(*)::int AS n FROM sla_breaches WHERE tenant_id = $1', [w.t.tenantId]);
    expect(all[0].n).toBeGreaterThan(0);
    // And through the API, B's admin sees only B's settings.
    const bPolicies = ok(await staff(other, POLICIES)).slaPolicies.map((p: any) => p.id);
    const aPolicies = ok(await staff(w, POLICIES)).slaPolicies.map((p: any) => p.id);
    expect(bPolicies.filter((id: string) => aPolicies.includes(id))).toEqual([]);
    expectError(
      await staff(other, UPDATE_POLICY, { id: aPolicies[0], input: { name: 'x', calendarId: (await defaultPolicy(other)).calendarId } }),
      'NOT_FOUND',
    );
  });
});
