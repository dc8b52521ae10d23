import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError, type World } from './fixtures.js';
import type { RequestContext } from '../src/graphql/context.js';
import { listComplaints } from '../src/modules/complaint/complaint.queries.js';
import { ComplaintSortField, SortDirection } from '../src/modules/complaint/complaint.order.js';
import { OPEN_STAGES } from '../src/modules/complaint/complaint.enums.js';

/** Working the queue: filters, orders, saved views and bulk changes (docs/api.md, "The queue"). */

const LIST = `query($filter: ComplaintFilter, $orderBy: ComplaintOrder, $first: Int!, $after: String) {
  complaints(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { node { id number priority stage receivedAt assignee { name } } } pageInfo { hasNextPage endCursor } } }`;
const VIEWS = `{ savedViews { id name builtIn filter orderBy { field direction } } }`;
const SAVE = `mutation($input: SaveViewInput!) { saveView(input: $input) { id name builtIn filter orderBy { field direction } } }`;
const RENAME = `mutation($input: RenameViewInput!) { renameView(input: $input) { id name } }`;
const DELETE = `mutation($id: ID!) { deleteView(id: $id) }`;
const RESULT = `complaints { id version priority department { id } assignee { id } timeline { type } } failures { id number code reason message }`;
const BULK_ASSIGN = `mutation($input: BulkAssignComplaintsInput!) { bulkAssignComplaints(input: $input) { ${RESULT} } }`;
const BULK_PRIORITY = `mutation($input: BulkSetComplaintPriorityInput!) { bulkSetComplaintPriority(input: $input) { ${RESULT} } }`;

interface Row {
  id: string;
  number: string;
  priority: string;
  stage: string;
  receivedAt: string;
  assignee: { name: string } | null;
}

describe('the queue', () => {
  let server: TestServer;
  let fx: Fixtures;
  let w: World;
  let other: World;
  /** mine: the specialist's, HIGH; open: dept, unassigned, URGENT, breached; away: otherDept, LOW; loose: no department. */
  const c: Record<'mine' | 'open' | 'away' | 'loose', { id: string; number: string; version: number }> = {} as never;

  const list = async (token: string, filter: Record<string, unknown>, orderBy?: Record<string, unknown>, first = 50, after?: string) =>
    ok(await server.staff(LIST, { filter, orderBy, first, after }, token)).complaints;
  const numbers = async (token: string, filter: Record<string, unknown>) =>
    (await list(token, filter)).edges.map((e: { node: Row }) => e.node.number).sort();
  const sorted = (...keys: Array<keyof typeof c>) => keys.map((k) => c[k].number).sort();
  const version = async (id: string) => (await fx.get(w.staff.HEAD.token, id)).version;

  beforeAll(async () => {
    server = await startTestServer();
    fx = new Fixtures(server);
    // One after the other: creating users takes the node's password-hashing slots.
    w = await fx.world();
    other = await fx.world();
    const op = w.staff.OPERATOR.token;
    const reg = async (input: Record<string, unknown>) => {
      const r = await fx.register(op, input);
      return { id: r.id, number: r.number, version: r.version };
    };
    c.mine = await reg({ departmentId: w.dept, assigneeId: w.staff.SPECIALIST.id, priority: 'HIGH', subject: 'Kettle leaks' });
    c.open = await reg({ departmentId: w.dept, priority: 'URGENT', subject: 'Toaster burns' });
    c.away = await reg({ departmentId: w.otherDept, priority: 'LOW', subject: 'Kettle scratched' });
    c.loose = await reg({ priority: 'NORMAL', subject: 'Mixer noisy' });
    // An SLA state as the scheduler would leave it (the clocks themselves are tested in sla.test.ts).
    await server.dataSource.query(`UPDATE complaints SET sla_state = 'BREACHED' WHERE id = $1`, [c.open.id]);
    for (let i = 0; i < 6; i++) await fx.register(other.staff.OPERATOR.token, { subject: `Other company ${i}` });
  });
  afterAll(() => server?.close());

  describe('filters', () => {
    it('mine, unassigned and by assignee', async () => {
      expect(await numbers(w.staff.SPECIALIST.token, { assignedToMe: true })).toEqual(sorted('mine'));
      expect(await numbers(w.staff.HEAD.token, { assignedToMe: true })).toEqual([]);
      expect(await numbers(w.staff.HEAD.token, { unassigned: true })).toEqual(sorted('open', 'away', 'loose'));
      expect(await numbers(w.staff.HEAD.token, { assigneeId: w.staff.SPECIALIST.id })).toEqual(sorted('mine'));
    });

    it('my departments, priority and SLA state, with the department, stage and search filters', async () => {
      const head = w.staff.HEAD.token;
      expect(await numbers(head, { inMyDepartments: true })).toEqual(sorted('mine', 'open'));
      expect(await numbers(w.staff.OPERATOR.token, { inMyDepartments: true })).toEqual([]); // in no department
      expect(await numbers(head, { inMyDepartments: true, unassigned: true })).toEqual(sorted('open'));
      expect(await numbers(head, { priority: 'URGENT' })).toEqual(sorted('open'));
      expect(await numbers(head, { slaState: 'BREACHED', inMyDepartments: true, stages: ['RECEIVED'] })).toEqual(sorted('open'));
      expect(await numbers(head, { slaState: 'BREACHED', departmentId: w.otherDept })).toEqual([]);
      expect(await numbers(head, { search: 'kettle', unassigned: true })).toEqual(sorted('away'));
      expect(await numbers(head, { search: 'kettle', departmentId: w.dept, priority: 'HIGH' })).toEqual(sorted('mine'));
    });
  });

  describe('orders', () => {
    const PRIORITY = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];
    const STAGE = ['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'CLOSED', 'REJECTED'];
    const key: Record<string, (r: Row) => string | number> = {
      NUMBER: (r) => r.number,
      RECEIVED_AT: (r) => r.receivedAt,
      PRIORITY: (r) => PRIORITY.indexOf(r.priority),
      STAGE: (r) => STAGE.indexOf(r.stage),
      ASSIGNEE: (r) => r.assignee?.name.toLowerCase() ?? '',
    };
    const compare = (field: string) => (a: Row, b: Row) => {
      const [x, y] = [key[field]!(a), key[field]!(b)];
      return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    };

    it.each(
      Object.keys(key).flatMap((field) => [
        [field, 'ASC'],
        [field, 'DESC'],
      ]),
    )('by %s %s, page after page, ties broken by id', async (field, direction) => {
      const token = w.staff.QUALITY_MANAGER.token;
      const orderBy = { field, direction };
      const all: Row[] = (await list(token, {}, orderBy)).edges.map((e: { node: Row }) => e.node);
      const expected = [...all].sort(compare(field));
      if (direction === 'DESC') expected.reverse();
      expect(all.map((r) => r.number)).toEqual(expected.map((r) => r.number));
      // Pages of one: the same rows in the same order, none twice.
      const paged: string[] = [];
      let after: string | undefined;
      do {
        const page = await list(token, {}, orderBy, 1, after);
        paged.push(...page.edges.map((e: { node: Row }) => e.node.number));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
      } while (after);
      expect(paged).toEqual(all.map((r) => r.number));
    });

    it.each(['DUE_AT', 'RECEIVED_AT', 'NUMBER', 'PRIORITY', 'STAGE'])('by %s is read in index order, not sorted', async (field) => {
      // The SQL the list runs (captured, not run), planned in the company's transaction with sorting made a last resort.
      let captured: { sql: string; params: unknown[] } | undefined;
      const ctx = {
        manager: server.dataSource.manager,
        staff: { userId: w.staff.HEAD.id, departmentIds: [w.dept] },
        query: async (sql: string, params: unknown[]) => {
          captured = { sql, params };
          return [];
        },
      } as unknown as RequestContext;
      await listComplaints(ctx, { stages: [...OPEN_STAGES] }, 50, null, {
        field: field as ComplaintSortField,
        direction: SortDirection.DESC,
      });
      const plan = await fx.asTenant(w.t.tenantId, async (m) => {
        await m.query('SET LOCAL enable_sort = off');
        await m.query('SET LOCAL enable_seqscan = off');
        return (await m.query(`EXPLAIN ${captured!.sql}`, captured!.params))
          .map((r: Record<string, string>) => Object.values(r)[0])
          .join('\n');
      });
      expect(plan).toMatch(/Index Scan/);
      // NUMBER is unique: an incremental sort of its equal keys by id costs nothing.
      expect(plan).not.toMatch(/(^|-> +)Sort\b/m);
    });

    it('by deadline when no order is asked for; a cursor of another order is refused', async () => {
      const token = w.staff.QUALITY_MANAGER.token;
      const plain = await list(token, {}, undefined, 2);
      const byDue = await list(token, {}, { field: 'DUE_AT', direction: 'ASC' }, 2);
      expect(plain.edges).toEqual(byDue.edges);
      const res = await server.staff(
        LIST,
        { filter: {}, orderBy: { field: 'NUMBER', direction: 'ASC' }, first: 2, after: plain.pageInfo.endCursor },
        token,
      );
      expect(expectError(res, 'BAD_USER_INPUT').message).toBe('invalid cursor');
    });
  });

  describe('saved views', () => {
    it('built in for everybody, relative to the user', async () => {
      const views = ok(await server.staff(VIEWS, {}, w.staff.SPECIALIST.token)).savedViews;
      expect(views.map((v: { builtIn: string }) => v.builtIn)).toEqual(['MY_QUEUE', 'OVERDUE_IN_MY_DEPARTMENTS']);
      const [myQueue, overdue] = views;
      const run = async (token: string, view: { filter: Record<string, unknown>; orderBy: Record<string, unknown> }) =>
        (await list(token, view.filter, view.orderBy)).edges.map((e: { node: Row }) => e.node.number);
      expect(await run(w.staff.SPECIALIST.token, myQueue)).toEqual([c.mine.number]);
      expect(await run(w.staff.HEAD.token, overdue)).toEqual([c.open.number]);
      expect(await run(w.staff.OPERATOR.token, overdue)).toEqual([]);
    });

    it('saved, renamed and deleted by their owner; nobody else sees or touches them', async () => {
      const head = w.staff.HEAD.token;
      const input = {
        name: 'Urgent kettles',
        filter: { priority: 'URGENT', search: 'kettle', receivedFrom: '2026-01-01T00:00:00.000Z' },
        orderBy: { field: 'PRIORITY', direction: 'DESC' },
      };
      const saved = ok(await server.staff(SAVE, { input }, head)).saveView;
      expect(saved).toMatchObject({ name: 'Urgent kettles', builtIn: null, filter: input.filter, orderBy: input.orderBy });
      expect(ok(await server.staff(VIEWS, {}, head)).savedViews.map((v: { id: string }) => v.id)).toContain(saved.id);
      // The stored filter runs as it is.
      ok(await server.staff(LIST, { filter: saved.filter, orderBy: saved.orderBy, first: 5 }, head));

      expectError(await server.staff(SAVE, { input: { ...input, name: 'urgent KETTLES' } }, head), 'CONFLICT', 'DUPLICATE');
      // Another user of the company, and another company's admin, see only the built-in views and cannot change this one.
      for (const token of [w.staff.SPECIALIST.token, w.t.adminToken, other.staff.HEAD.token, other.t.adminToken]) {
        expect(ok(await server.staff(VIEWS, {}, token)).savedViews.every((v: { builtIn: string | null }) => v.builtIn)).toBe(true);
        await fx.expectNoWrites(async () => {
          expectError(await server.staff(RENAME, { input: { id: saved.id, name: 'Mine now' } }, token), 'NOT_FOUND');
          expectError(await server.staff(DELETE, { id: saved.id }, token), 'NOT_FOUND');
        });
      }
      expect(ok(await server.staff(VIEWS, {}, head)).savedViews).toContainEqual(saved);
      // The same name is free for another user.
      ok(await server.staff(SAVE, { input }, w.staff.SPECIALIST.token));
      // Row-level security itself: the company's transaction without a signed-in user sees no view at all.
      expect(await fx.asTenant(w.t.tenantId, (m) => m.query('SELECT count(*)::int AS n FROM saved_views'))).toEqual([{ n: 0 }]);

      expect(ok(await server.staff(RENAME, { input: { id: saved.id, name: 'Burning kettles' } }, head)).renameView.name).toBe(
        'Burning kettles',
      );
      expectError(await server.staff(RENAME, { input: { id: 'MY_QUEUE', name: 'x' } }, head), 'BAD_USER_INPUT');
      expect(ok(await server.staff(DELETE, { id: saved.id }, head)).deleteView).toBe(true);
      expect(ok(await server.staff(VIEWS, {}, head)).savedViews.map((v: { id: string }) => v.id)).not.toContain(saved.id);
    });
  });

  describe('bulk changes', () => {
    const refs = async (...keys: Array<keyof typeof c>) =>
      Promise.all(keys.map(async (k) => ({ id: c[k].id, expectedVersion: await version(c[k].id) })));
    const outbox = async (ids: string[], type: string) =>
      Number(
        (
          await server.dataSource.query('SELECT count(*) AS n FROM outbox_events WHERE complaint_id = ANY($1::uuid[]) AND type = $2', [
            ids,
            type,
          ])
        )[0].n,
      );

    it('assigns all, each as assignComplaint would: timeline entry, live event, new version', async () => {
      const complaints = await refs('mine', 'open');
      const before = await outbox([c.mine.id, c.open.id], 'ASSIGNED');
      const res = ok(
        await server.staff(BULK_ASSIGN, { input: { complaints, assigneeId: w.staff.HEAD.id } }, w.staff.HEAD.token),
      ).bulkAssignComplaints;
      expect(res.failures).toEqual([]);
      expect(res.complaints.map((x: { id: string }) => x.id)).toEqual([c.mine.id, c.open.id]);
      for (const [i, x] of res.complaints.entries()) {
        expect(x.assignee).toEqual({ id: w.staff.HEAD.id });
        expect(x.department).toEqual({ id: w.dept });
        expect(x.version).toBe(complaints[i]!.expectedVersion + 1);
        expect(x.timeline.at(-1).type).toBe('ASSIGNED');
      }
      expect(await outbox([c.mine.id, c.open.id], 'ASSIGNED')).toBe(before + 2);
    });

    it('one refused: nothing changes, and the answer says which and why', async () => {
      // HEAD of dept is no member of otherDept ('away'): the single action says FORBIDDEN too.
      const complaints = await refs('open', 'away');
      const res = await fx.expectNoWrites(
        async () =>
          ok(await server.staff(BULK_ASSIGN, { input: { complaints, assigneeId: null } }, w.staff.HEAD.token)).bulkAssignComplaints,
      );
      expect(res.complaints).toEqual([]);
      expect(res.failures).toEqual([expect.objectContaining({ id: c.away.id, number: c.away.number, code: 'FORBIDDEN' })]);
    });

    it("a stale version, another company's complaint or one given twice is refused, and nothing changes", async () => {
      const [open] = await refs('open');
      const foreign = await fx.register(other.staff.OPERATOR.token, { subject: 'Not yours' });
      const res = await fx.expectNoWrites(
        async () =>
          ok(
            await server.staff(
              BULK_PRIORITY,
              {
                input: {
                  complaints: [open, { id: c.loose.id, expectedVersion: 1_000 }, { id: foreign.id, expectedVersion: foreign.version }],
                  priority: 'LOW',
                },
              },
              w.staff.OPERATOR.token,
            ),
          ).bulkSetComplaintPriority,
      );
      expect(res.failures.map((f: { id: string; code: string }) => [f.id, f.code])).toEqual([
        [c.loose.id, 'CONFLICT'],
        [foreign.id, 'NOT_FOUND'],
      ]);
      expect(res.failures[1].number).toBeNull();
      await fx.expectNoWrites(async () => {
        expectError(
          await server.staff(BULK_PRIORITY, { input: { complaints: [open, open], priority: 'LOW' } }, w.staff.OPERATOR.token),
          'BAD_USER_INPUT',
        );
        const many = Array.from({ length: 101 }, () => open);
        expectError(
          await server.staff(BULK_PRIORITY, { input: { complaints: many, priority: 'LOW' } }, w.staff.OPERATOR.token),
          'BAD_USER_INPUT',
        );
        // Not even one complaint for a role that may not assign (the guard, as for assignComplaint).
        expectError(await server.staff(BULK_ASSIGN, { input: { complaints: [open] } }, w.staff.QUALITY_MANAGER.token), 'FORBIDDEN');
      });
    });

    it('sets the priority of all, with the SLA clocks recomputed, and moves them to another department', async () => {
      const complaints = await refs('away', 'loose');
      const res = ok(
        await server.staff(BULK_PRIORITY, { input: { complaints, priority: 'URGENT' } }, w.staff.OPERATOR.token),
      ).bulkSetComplaintPriority;
      expect(res.failures).toEqual([]);
      expect(res.complaints.map((x: { priority: string }) => x.priority)).toEqual(['URGENT', 'URGENT']);
      expect(res.complaints.map((x: { timeline: Array<{ type: string }> }) => x.timeline.at(-1)!.type)).toEqual(['UPDATED', 'UPDATED']);
      // The operator routes RECEIVED complaints anywhere: both to dept, unassigned.
      const moved = ok(
        await server.staff(
          BULK_ASSIGN,
          { input: { complaints: await refs('away', 'loose'), departmentId: w.dept } },
          w.staff.OPERATOR.token,
        ),
      ).bulkAssignComplaints;
      expect(moved.failures).toEqual([]);
      expect(moved.complaints.map((x: { department: { id: string } }) => x.department.id)).toEqual([w.dept, w.dept]);
      expect(await numbers(w.staff.HEAD.token, { inMyDepartments: true, priority: 'URGENT' })).toEqual(sorted('open', 'away', 'loose'));
    });
  });
});
