import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parse, print, separateOperations } from 'graphql';
import { Role } from '../src/auth/roles.js';
import { DEFAULT_LIMITS } from '../src/graphql/limits.js';
import { startTestServer, ok, type TestServer } from './harness.js';
import { Fixtures, complaintInput, type World } from './fixtures.js';
import { countStatements, type StatementCounter } from './statement-counter.js';

/**
 * The console's own documents (packages/client/src/staff) must cost a fixed
 * number of SQL round trips per request, however many rows they return: a
 * field that queries once per parent row (N+1) makes the count grow.
 */
const STAFF_DOCS = new URL('../../client/src/staff/', import.meta.url);
const SOURCES = readdirSync(STAFF_DOCS)
  .filter((f) => f.endsWith('.graphql'))
  .map((f) => readFileSync(new URL(f, STAFF_DOCS), 'utf8'))
  .join('\n');
/** One operation of the console's documents with the fragments it uses. */
const doc = (name: string, extra = '') => {
  const operation = separateOperations(parse(`${SOURCES}\n${extra}`))[name];
  if (!operation) throw new Error(`no operation ${name} in the console's documents`);
  return print(operation);
};
/** The heaviest reading the console allows, on a whole page: every complaint with its detail, and who wrote each row. */
const DETAIL_PAGE = doc(
  'DetailPage',
  `query DetailPage($first: Int!) { complaints(first: $first) { totalCount edges { node {
  ...ComplaintDetail slaPolicy { id name calendar { id name } categories { id } }
  slaBreaches { id kind department { id } notifiedHeads { ...StaffUser } acknowledgedBy { id } complaint { id number } }
  timeline { id actor { ...StaffUser } } messages { id author { ...StaffUser } attachments { id } } } } } }`,
);

const PAGE = 50;
let server: TestServer;
let fx: Fixtures;
let w: World;
let counter: StatementCounter;
const complaints: Array<{ id: string }> = [];

beforeAll(async () => {
  // The detail page is heavier than the console ever asks for (it is the N+1 probe): past the default cost limit.
  server = await startTestServer({ slaScheduler: false, queryLimits: { ...DEFAULT_LIMITS, maxCost: 2_000_000 } });
  fx = new Fixtures(server);
  w = await fx.world();
  counter = countStatements(server.dataSource);
  // Open round the clock, so that each complaint's deadline follows its registration and the default order (DUE_AT)
  // is the order of registration. In business hours, complaints registered out of them shared one deadline and the
  // order fell back to their random ids: which rows, and so which users, a page of 10 held changed its count by one
  // (the loaders find some users in their cache), at weekends and at night.
  await fx.asTenant(w.t.tenantId, (m) => m.query('UPDATE business_calendars SET always_open = true'));
  const operator = w.staff.OPERATOR.token;
  for (let i = 0; i < PAGE + 5; i++) {
    const c = ok(
      await server.staff(
        `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id } }`,
        {
          input: complaintInput({
            departmentId: i % 2 ? w.dept : w.otherDept,
            categoryId: w.cat,
            assigneeId: i % 2 ? w.staff.SPECIALIST.id : null,
            demand: 'REFUND',
            productPrice: 1000 + i,
            priority: 'HIGH',
          }),
        },
        operator,
      ),
    ).registerComplaint;
    complaints.push(c);
    ok(
      await server.staff(
        `mutation($input: AddMessageInput!) { addMessage(input: $input) { id } }`,
        { input: { complaintId: c.id, body: `reply ${i}`, visibility: 'PUBLIC' } },
        i % 3 ? w.staff.SPECIALIST.token : w.staff.HEAD.token,
      ),
    );
  }
  const [order] = await fx.asTenant(w.t.tenantId, (m) =>
    m.query('SELECT count(*)::int AS complaints, count(DISTINCT due_at)::int AS deadlines FROM complaints'),
  );
  expect(order, 'one deadline per complaint: the pages below hold the same complaints every run').toEqual({
    complaints: PAGE + 5,
    deadlines: PAGE + 5,
  });
  // A warning and an escalated breach per complaint, as the scheduler would have written them.
  await fx.asTenant(w.t.tenantId, (m) =>
    m.query(
      `INSERT INTO sla_breaches (tenant_id, id, complaint_id, clock, stage, kind, due_at, fired_at, department_id, escalation)
     SELECT c.tenant_id, gen_random_uuid(), c.id, 'RESOLUTION', c.stage, k.kind, now(), now() - (k.n || ' minutes')::interval,
            c.department_id, jsonb_build_object('notifiedUserIds', jsonb_build_array($1::text))
       FROM complaints c CROSS JOIN (VALUES ('AT_RISK', 2), ('BREACHED', 1)) AS k (kind, n)`,
      [w.staff.HEAD.id],
    ),
  );
  // An action per complaint, done and checked, with its owner, for the actions register (not on complaints[4], whose
  // page below counts what its messages cost: its users would be found in the loader's cache or not by chance).
  await fx.asTenant(w.t.tenantId, (m) =>
    m.query(
      `INSERT INTO corrective_actions (tenant_id, id, complaint_id, kind, description, owner_department_id, owner_user_id, due_date,
                                     done_at, done_by_user_id, effectiveness, effectiveness_checked_at, effectiveness_checked_by_user_id, created_at)
     SELECT c.tenant_id, gen_random_uuid(), c.id, 'CORRECTIVE', 'check the seals', c.department_id, $1, current_date,
            now(), $1, 'EFFECTIVE', now(), $2, now() FROM complaints c WHERE c.id <> $3`,
      [w.staff.SPECIALIST.id, w.staff.QUALITY_MANAGER.id, complaints[4]!.id],
    ),
  );
  // More policies (each with its calendar) for the SLA settings page.
  for (let i = 0; i < 4; i++) {
    const calendar = ok(
      await server.staff(
        `mutation($input: BusinessCalendarInput!) { createBusinessCalendar(input: $input) { id } }`,
        { input: { name: `Calendar ${i}`, timeZone: 'UTC', alwaysOpen: true } },
        w.staff.ADMIN.token,
      ),
    ).createBusinessCalendar.id;
    ok(
      await server.staff(
        `mutation($input: SlaPolicyInput!) { createSlaPolicy(input: $input) { id } }`,
        {
          input: {
            name: `Policy ${i}`,
            calendarId: calendar,
            priorities: ['LOW'],
            categoryIds: [w.cat],
            warnPercent: 80,
            resolutionSeconds: 86_400,
          },
        },
        w.staff.ADMIN.token,
      ),
    );
  }
}, 240_000);
afterAll(async () => {
  counter?.stop();
  await server?.close();
});

/**
 * SQL round trips the request's unit of work sent (START TRANSACTION to COMMIT, both counted), with the request's
 * data. The ceilings below grew by one when the transaction came to be opened through TypeORM (START TRANSACTION
 * on its own, where BEGIN had gone with the role switch).
 */
async function statements(query: string, variables: Record<string, unknown>, role: Role = Role.QUALITY_MANAGER) {
  counter.reset();
  const data = ok(await server.staff(query, variables, w.staff[role].token));
  // A request reads in a unit of work: none counted means the counter saw nothing, and every comparison below would hold.
  expect(counter.count, 'statements counted').toBeGreaterThan(0);
  return { count: counter.count, texts: counter.texts, data };
}

describe('SQL statements per request of the console documents', () => {
  it('the board and the list: the same count for 10 and for 50 complaints', async () => {
    for (const name of ['BoardComplaints', 'ComplaintList']) {
      const small = await statements(doc(name), { first: 10 });
      const large = await statements(doc(name), { first: PAGE });
      expect(small.data.complaints.edges).toHaveLength(10);
      expect(large.data.complaints.edges).toHaveLength(PAGE);
      expect(large.count, name).toBe(small.count);
      expect(large.count, name).toBeLessThanOrEqual(9);
    }
  });

  it('the actions register: the same count for 10 and for 50 actions, with their complaints, owners and checks', async () => {
    const small = await statements(doc('CorrectiveActionRegister'), { first: 10 });
    const large = await statements(doc('CorrectiveActionRegister'), { first: PAGE });
    expect(small.data.correctiveActions.edges).toHaveLength(10);
    expect(large.data.correctiveActions.edges).toHaveLength(PAGE);
    expect(
      large.data.correctiveActions.edges.every((e: any) => e.node.complaint.number && e.node.owner && e.node.effectivenessCheck.checkedBy),
    ).toBe(true);
    expect(large.count, large.texts.join('\n')).toBe(small.count);
  });

  it('a page of 50 complaints with their whole detail (timeline, messages, clocks, files, breaches, authors and their departments)', async () => {
    const small = await statements(DETAIL_PAGE, { first: 10 });
    const large = await statements(DETAIL_PAGE, { first: PAGE });
    const nodes = large.data.complaints.edges.map((e: { node: any }) => e.node);
    expect(nodes).toHaveLength(PAGE);
    // The page really holds what the count is about.
    expect(
      nodes.every((n: any) => n.timeline.length > 0 && n.messages.length === 1 && n.slaClocks.length > 0 && n.slaBreaches.length === 2),
    ).toBe(true);
    expect(nodes.every((n: any) => n.penaltyExposure && n.slaPolicy?.calendar && n.allowedTransitions)).toBe(true);
    expect(nodes.some((n: any) => n.messages[0].author.departments.length === 1)).toBe(true);
    expect(large.count, large.texts.join('\n')).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(31);
  });

  it('the complaint page does not grow with its messages and timeline', async () => {
    const c = complaints[4]!;
    const one = await statements(doc('Complaint'), { id: c.id });
    for (let i = 0; i < 12; i++) {
      ok(
        await server.staff(
          `mutation($input: AddMessageInput!) { addMessage(input: $input) { id } }`,
          { input: { complaintId: c.id, body: `note ${i}`, visibility: 'INTERNAL' } },
          i % 2 ? w.staff.HEAD.token : w.staff.QUALITY_MANAGER.token,
        ),
      );
    }
    const many = await statements(doc('Complaint'), { id: c.id });
    expect(many.data.complaint.messages.length).toBeGreaterThan(10);
    expect(many.count, many.texts.join('\n')).toBe(one.count);
    expect(many.count).toBeLessThanOrEqual(21);
  });

  it('the SLA pages: escalations with their complaints, and the settings, in a fixed number of statements', async () => {
    const escalations = await statements(doc('Escalations'), { includeAcknowledged: true });
    expect(escalations.data.escalations.length).toBe(PAGE);
    expect(escalations.data.escalations.every((e: any) => e.complaint?.number)).toBe(true);
    expect(escalations.count).toBeLessThanOrEqual(9);
    const settings = await statements(doc('SlaSettings'), {}, Role.ADMIN);
    expect(settings.data.slaPolicies.length).toBeGreaterThanOrEqual(5);
    expect(settings.count).toBeLessThanOrEqual(9);
  });

  it('the staff list: the same count with more users', async () => {
    const before = await statements(doc('Reference'), {}, Role.ADMIN);
    for (let i = 0; i < 6; i++)
      await fx.staff(w.t, [Role.SPECIALIST], [w.dept, w.otherDept], `more-${randomUUID().slice(0, 8)}@${w.t.slug}.test`);
    const after = await statements(doc('Reference'), {}, Role.ADMIN);
    expect(after.data.users.length).toBe(before.data.users.length + 6);
    expect(after.data.users.some((u: any) => u.departments.length === 2)).toBe(true);
    expect(after.count).toBe(before.count);
  });
});
