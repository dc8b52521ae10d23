import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, type StaffFixture, type TenantFixture } from './fixtures.js';
import { Role } from '../src/auth/roles.js';

let server: TestServer;
let fx: Fixtures;
let t: TenantFixture;
let dept: string;
let other: string;
let head: StaffFixture;
let outsider: StaffFixture;
let qm: StaffFixture;

const COMPLAINT = `id stage version correctiveActions { id doneAt description ownerDepartment { id } } timeline { type }`;

async function move(token: string, input: Record<string, unknown>) {
  return server.staff(
    `mutation($input: TransitionComplaintInput!) { transitionComplaint(input: $input) { ${COMPLAINT} } }`,
    { input },
    token,
  );
}

/** A complaint of `dept` brought to DECISION by its head, with the given validity. */
async function complaintInDecision(validity: 'OBJECTIVE' | 'SUBJECTIVE') {
  const cat = await fx.category(t);
  const reg = ok(
    await server.staff(
      `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id version } }`,
      {
        input: {
          kind: 'CLAIM',
          channel: 'PHONE',
          subject: 'Treska v korpuse',
          description: 'Corpus cracked',
          customer: { name: 'A B', email: 'a@b.cd' },
          departmentId: dept,
          categoryId: cat,
          demand: 'REPAIR',
        },
      },
      head.token,
    ),
  ).registerComplaint;
  const c = ok(
    await move(head.token, { id: reg.id, to: 'ANALYSIS', expectedVersion: reg.version, assigneeId: head.id }),
  ).transitionComplaint;
  return ok(
    await move(head.token, {
      id: c.id,
      to: 'DECISION',
      expectedVersion: c.version,
      validity,
      causeId: (await fx.build.codes(t.tenantId)).cause,
      rootCause: 'Handling',
    }),
  ).transitionComplaint as { id: string; version: number };
}

/** A complaint of `dept` brought to IMPLEMENTATION by its head. */
async function complaintInImplementation() {
  const c = await complaintInDecision('SUBJECTIVE');
  return ok(await move(head.token, { id: c.id, to: 'IMPLEMENTATION', expectedVersion: c.version, remedy: 'REPAIR' }))
    .transitionComplaint as { id: string; version: number };
}

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  t = await fx.tenant();
  dept = await fx.department(t);
  other = await fx.department(t);
  head = await fx.staff(t, [Role.HEAD], [dept]);
  outsider = await fx.staff(t, [Role.SPECIALIST], [other]);
  qm = await fx.staff(t, [Role.QUALITY_MANAGER]);
});
afterAll(() => server?.close());

describe('corrective actions', () => {
  it('are added during IMPLEMENTATION and completed by the involved departments or a quality manager', async () => {
    const c = await complaintInImplementation();
    const add = `mutation($input: AddCorrectiveActionInput!) { addCorrectiveAction(input: $input) { id doneAt } }`;
    const input = { complaintId: c.id, description: 'Retrain the packing line', ownerDepartmentId: dept, dueDate: '2030-01-31' };
    expect(errorCode(await server.staff(add, { input }, outsider.token))).toBe('FORBIDDEN');
    const action = ok(await server.staff(add, { input }, head.token)).addCorrectiveAction;
    expect(action.doneAt).toBeNull();

    // Not all done: FEEDBACK is refused.
    expect(errorCode(await move(head.token, { id: c.id, to: 'FEEDBACK', expectedVersion: c.version }))).toBe('BAD_USER_INPUT');

    const complete = `mutation($id: ID!) { completeCorrectiveAction(id: $id) { id doneAt } }`;
    expect(errorCode(await server.staff(complete, { id: action.id }, outsider.token))).toBe('FORBIDDEN');
    expect(ok(await server.staff(complete, { id: action.id }, qm.token)).completeCorrectiveAction.doneAt).not.toBeNull();
    const moved = ok(await move(head.token, { id: c.id, to: 'FEEDBACK', expectedVersion: c.version })).transitionComplaint;
    expect(moved.stage).toBe('FEEDBACK');
    expect(moved.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['CORRECTIVE_ACTION_ADDED', 'CORRECTIVE_ACTION_DONE']),
    );
    // Adding is only for IMPLEMENTATION.
    expect(errorCode(await server.staff(add, { input }, head.token))).toBe('BAD_USER_INPUT');
  });

  it('keep the order in which they were entered', async () => {
    // Five actions entered in one transition to IMPLEMENTATION.
    const d = await complaintInDecision('OBJECTIVE');
    const descriptions = ['first', 'second', 'third', 'fourth', 'fifth'];
    const done = ok(
      await move(head.token, {
        id: d.id,
        to: 'IMPLEMENTATION',
        expectedVersion: d.version,
        remedy: 'REPAIR',
        correctiveActions: descriptions.map((description) => ({ description, ownerDepartmentId: dept, dueDate: '2030-01-01' })),
      }),
    ).transitionComplaint;
    expect(done.correctiveActions.map((a: { description: string }) => a.description)).toEqual(descriptions);
  });

  it('refuses unknown ids and foreign departments', async () => {
    const c = await complaintInImplementation();
    const add = `mutation($input: AddCorrectiveActionInput!) { addCorrectiveAction(input: $input) { id } }`;
    const stranger = await fx.tenant();
    const foreignDept = await fx.department(stranger);
    expect(
      errorCode(
        await server.staff(
          add,
          { input: { complaintId: c.id, description: 'x', ownerDepartmentId: foreignDept, dueDate: '2030-01-01' } },
          head.token,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(
        await server.staff(`mutation { completeCorrectiveAction(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, head.token),
      ),
    ).toBe('NOT_FOUND');
    expect(errorCode(await server.staff(`mutation { completeCorrectiveAction(id: "1' OR '1'='1") { id } }`, {}, head.token))).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('tenant settings', () => {
  it('are changed by an admin only, with a valid time zone', async () => {
    const update = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { name locale timeZone } }`;
    expect(errorCode(await server.staff(update, { input: { name: 'Renamed' } }, head.token))).toBe('FORBIDDEN');
    const unknownZone = await server.staff(update, { input: { timeZone: 'Mars/Olympus' } }, t.adminToken);
    expect(errorCode(unknownZone)).toBe('BAD_USER_INPUT');
    // On the field, for the company form to show it under the time zone.
    expect(unknownZone.errors?.[0]?.extensions?.fields).toEqual([{ field: 'timeZone', messages: ['unknown time zone'] }]);
    const changed = ok(
      await server.staff(update, { input: { name: 'Renamed Ltd', locale: 'en', timeZone: 'Asia/Yekaterinburg' } }, t.adminToken),
    );
    expect(changed.updateTenant).toEqual({ name: 'Renamed Ltd', locale: 'en', timeZone: 'Asia/Yekaterinburg' });
    expect(ok(await server.staff('{ tenant { name } }', {}, head.token)).tenant.name).toBe('Renamed Ltd');
  });
});

describe('registration by transition', () => {
  it("gives NOT_FOUND for another tenant's department, for every role that may register", async () => {
    const stranger = await fx.tenant();
    const foreignDept = await fx.department(stranger);
    const cat = await fx.category(t);
    const received = ok(
      await server.staff(
        `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id version } }`,
        {
          input: { kind: 'CLAIM', channel: 'API', subject: 'From the shop', description: 'x', customer: { name: 'E F', email: 'e@f.gh' } },
        },
        head.token,
      ),
    ).registerComplaint;
    const r = await move(head.token, {
      id: received.id,
      to: 'REGISTERED',
      expectedVersion: received.version,
      departmentId: foreignDept,
      categoryId: cat,
      demand: 'REFUND',
    });
    expect(errorCode(r)).toBe('NOT_FOUND');
  });
});
