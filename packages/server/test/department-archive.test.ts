import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, complaintInput, expectError, type World } from './fixtures.js';

const DEPARTMENTS = `query($all: Boolean!) { departments(includeArchived: $all) { id name archivedAt } }`;
const ARCHIVE = `mutation($id: ID!) { archiveDepartment(id: $id) { id name archivedAt } }`;
const RESTORE = `mutation($id: ID!) { restoreDepartment(id: $id) { id name archivedAt } }`;
const POLICIES = `{ slaPolicies { id isDefault calendarId } }`;
const CREATE_POLICY = `mutation($input: SlaPolicyInput!) { createSlaPolicy(input: $input) { id } }`;
const DELETE_POLICY = `mutation($id: ID!) { deleteSlaPolicy(id: $id) }`;

describe('archiving a department', () => {
  let server: TestServer;
  let fx: Fixtures;
  let w: World;
  let other: World;
  const admin = () => w.staff.ADMIN.token;
  const listed = async (all: boolean) =>
    ok(await server.staff(DEPARTMENTS, { all }, w.staff.OPERATOR.token)).departments.map((d: any) => d.id);

  beforeAll(async () => {
    server = await startTestServer();
    fx = new Fixtures(server);
    w = await fx.world();
    other = await fx.world();
  });
  afterAll(() => server?.close());

  it('is refused while it has open complaints, saying how many, and writes nothing', async () => {
    const dept = await fx.department(w.t);
    const input = complaintInput({ channel: 'PHONE', departmentId: dept, categoryId: w.cat, demand: 'REFUND' });
    await fx.register(w.staff.OPERATOR.token, input);
    await fx.register(w.staff.OPERATOR.token, input);
    const error = await fx.expectNoWrites(async () =>
      expectError(await server.staff(ARCHIVE, { id: dept }, admin()), 'BAD_USER_INPUT', 'OPEN_COMPLAINTS'),
    );
    expect(error.extensions?.openComplaints).toBe(2);
    expect(await listed(false)).toContain(dept);
  });

  it('an archived department is offered for no new work, while its closed complaints and their history keep its name', async () => {
    const dept = await fx.department(w.t, 'Returns desk');
    const head = await fx.staff(w.t, [Role.HEAD], [dept]);
    const registeredThere = await fx.register(w.staff.OPERATOR.token, {
      channel: 'PHONE',
      departmentId: dept,
      categoryId: w.cat,
      demand: 'REFUND',
    });
    const closed = ok(
      await fx.transition(head.token, registeredThere, Stage.REJECTED, {
        rejectionReasonId: w.rejectionReason,
        rejectionReason: 'not ours',
      }),
    ).transitionComplaint;
    const archived = ok(await server.staff(ARCHIVE, { id: dept }, admin())).archiveDepartment;
    expect(archived).toEqual({ id: dept, name: 'Returns desk', archivedAt: expect.any(String) });

    expect(await listed(false)).not.toContain(dept);
    expect(await listed(true)).toContain(dept);
    const seen = ok(
      await server.staff(
        `query($id: ID!) { complaint(id: $id) { department { id name archivedAt } timeline { type data } } }`,
        { id: closed.id },
        w.staff.HEAD.token,
      ),
    ).complaint;
    expect(seen.department).toEqual({ id: dept, name: 'Returns desk', archivedAt: archived.archivedAt });
    expect(seen.timeline.some((e: any) => e.data.departmentId === dept)).toBe(true);
    // The list can still be filtered by it (finding old work).
    const found = ok(
      await server.staff(
        `query($d: ID) { complaints(filter: { departmentId: $d }) { edges { node { id } } } }`,
        { d: dept },
        w.staff.OPERATOR.token,
      ),
    );
    expect(found.complaints.edges.map((e: any) => e.node.id)).toEqual([closed.id]);

    // Registration, registering, assignment and moving, corrective actions, SLA escalations: all refused, writing nothing.
    const received = await fx.register(w.staff.OPERATOR.token);
    const open = await fx.complaintAt(w, Stage.IMPLEMENTATION);
    const { calendarId } = ok(await server.staff(POLICIES, {}, admin())).slaPolicies.find((p: any) => p.isDefault);
    const attempts: Array<[string, () => Promise<any>, string]> = [
      [
        'register',
        () =>
          server.staff(
            Q.register,
            { input: complaintInput({ channel: 'PHONE', departmentId: dept, categoryId: w.cat, demand: 'REFUND' }) },
            w.staff.OPERATOR.token,
          ),
        'input.departmentId',
      ],
      [
        'move to REGISTERED',
        () =>
          fx.transition(w.staff.OPERATOR.token, received, Stage.REGISTERED, { departmentId: dept, categoryId: w.cat, demand: 'REFUND' }),
        'input.departmentId',
      ],
      [
        'reassign',
        () => server.staff(Q.assign, { input: { id: open.id, expectedVersion: open.version, departmentId: dept } }, w.staff.HEAD.token),
        'input.departmentId',
      ],
      [
        'corrective action',
        () =>
          server.staff(
            `mutation($input: AddCorrectiveActionInput!) { addCorrectiveAction(input: $input) { id } }`,
            { input: { complaintId: open.id, description: 'Retrain', ownerDepartmentId: dept, dueDate: '2030-01-31' } },
            w.staff.HEAD.token,
          ),
        'input.ownerDepartmentId',
      ],
      [
        'SLA escalation',
        () =>
          server.staff(
            CREATE_POLICY,
            {
              input: {
                name: 'Escalate',
                calendarId,
                priorities: ['LOW'],
                firstResponseSeconds: 600,
                escalation: { reassignToDepartmentId: dept },
              },
            },
            admin(),
          ),
        'input.escalation.reassignToDepartmentId',
      ],
    ];
    for (const [name, attempt, field] of attempts) {
      const error = await fx.expectNoWrites(async () => expectError(await attempt(), 'BAD_USER_INPUT', 'DEPARTMENT_ARCHIVED'));
      expect({ name, fields: error.extensions?.fields }).toEqual({ name, fields: [{ field, reason: 'DEPARTMENT_ARCHIVED' }] });
    }

    // Archiving again changes nothing; restoring offers it again.
    const again = await fx.expectNoWrites(async () => ok(await server.staff(ARCHIVE, { id: dept }, admin())).archiveDepartment);
    expect(again.archivedAt).toBe(archived.archivedAt);
    expect(ok(await server.staff(RESTORE, { id: dept }, admin())).restoreDepartment).toEqual({
      id: dept,
      name: 'Returns desk',
      archivedAt: null,
    });
    // Restoring again changes nothing either.
    await fx.expectNoWrites(async () =>
      expect(ok(await server.staff(RESTORE, { id: dept }, admin())).restoreDepartment.archivedAt).toBeNull(),
    );
    expect(await listed(false)).toContain(dept);
    const registered = await fx.register(w.staff.OPERATOR.token, {
      channel: 'PHONE',
      departmentId: dept,
      categoryId: w.cat,
      demand: 'REFUND',
    });
    expect(registered.department).toEqual({ id: dept });
  });

  it('is refused while an SLA policy escalates into it', async () => {
    const dept = await fx.department(w.t);
    const { calendarId } = ok(await server.staff(POLICIES, {}, admin())).slaPolicies.find((p: any) => p.isDefault);
    const policy = ok(
      await server.staff(
        CREATE_POLICY,
        {
          input: {
            name: `To ${dept}`,
            calendarId,
            priorities: ['LOW'],
            firstResponseSeconds: 600,
            escalation: { reassignToDepartmentId: dept },
          },
        },
        admin(),
      ),
    ).createSlaPolicy;
    await fx.expectNoWrites(async () => expectError(await server.staff(ARCHIVE, { id: dept }, admin()), 'BAD_USER_INPUT', 'IN_USE'));
    ok(await server.staff(DELETE_POLICY, { id: policy.id }, admin()));
    expect(ok(await server.staff(ARCHIVE, { id: dept }, admin())).archiveDepartment.archivedAt).toEqual(expect.any(String));
  });

  it('a registration racing the archiving is either counted as open or refused, never left in an archived department', async () => {
    for (let i = 0; i < 12; i++) {
      const dept = await fx.department(w.t);
      const [registered, archived] = await Promise.all([
        server.staff(
          Q.register,
          { input: complaintInput({ channel: 'PHONE', departmentId: dept, categoryId: w.cat, demand: 'REFUND' }) },
          w.staff.OPERATOR.token,
        ),
        server.staff(ARCHIVE, { id: dept }, admin()),
      ]);
      const [r, a] = [registered.errors?.[0]?.extensions?.reason ?? 'ok', archived.errors?.[0]?.extensions?.reason ?? 'ok'];
      expect([
        ['ok', 'OPEN_COMPLAINTS'],
        ['DEPARTMENT_ARCHIVED', 'ok'],
      ]).toContainEqual([r, a]);
      const [row] = await fx.asTenant(w.t.tenantId, (m) =>
        m.query(
          `SELECT d.archived_at IS NOT NULL AS archived, count(c.id)::int AS open FROM departments d
           LEFT JOIN complaints c ON c.department_id = d.id AND c.stage NOT IN ('CLOSED', 'REJECTED') WHERE d.id = $1 GROUP BY d.tenant_id, d.id`,
          [dept],
        ),
      );
      expect(row.archived && row.open > 0).toBe(false);
    }
  });

  it("another company's department is not found", async () => {
    for (const query of [ARCHIVE, RESTORE]) {
      await fx.expectNoWrites(async () => expectError(await server.staff(query, { id: other.otherDept }, admin()), 'NOT_FOUND'));
    }
  });
});
