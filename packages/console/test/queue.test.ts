import { describe, expect, it, vi } from 'vitest';
import { defineComponent, type Component } from 'vue';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { NSelect } from 'naive-ui';
import type { SavedViewFieldsFragment } from '@reclaim/client/staff';
import ComplaintListPage from '../src/pages/list/ComplaintListPage.vue';
import QueueFilterBar from '../src/pages/queue/QueueFilterBar.vue';
import { BoardCards } from '../src/pages/board/board-state.js';
import { cardMatches, filterFromQuery, orderFromQuery, queryFromView } from '../src/pages/queue/queue-query.js';
import { complaint, FakeClient, mountPage, reference } from './fixtures.js';

const Empty = defineComponent(() => () => null);

async function routerAt(path: string): Promise<Router> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/list', name: 'list', component: Empty },
      { path: '/complaints/:number', name: 'complaint', component: Empty },
    ],
  });
  await router.push(path);
  await router.isReady();
  return router;
}

const row = (id: string, number: string, version: number) => {
  const { id: _i, number: _n, version: _v, ...rest } = complaint();
  return { ...rest, id, number, version, category: null };
};
const ROWS = [row('cmp-1', 'ACME-2026-000042', 3), row('cmp-2', 'ACME-2026-000043', 7)];
const VIEWS: SavedViewFieldsFragment[] = [
  {
    id: 'MY_QUEUE',
    name: 'My queue',
    builtIn: 'MY_QUEUE',
    filter: { stages: ['RECEIVED', 'ANALYSIS'], assignedToMe: true },
    orderBy: { field: 'DUE_AT', direction: 'ASC' },
  },
  {
    id: 'v-1',
    name: 'Urgent in service',
    builtIn: null,
    filter: { departmentId: 'd-service', priority: 'URGENT' },
    orderBy: { field: 'PRIORITY', direction: 'DESC' },
  },
];

const ANSWERS = {
  Reference: reference,
  SavedViews: { savedViews: VIEWS },
  ComplaintList: {
    complaints: {
      totalCount: 2,
      edges: ROWS.map((node) => ({ cursor: node.id, node })),
      pageInfo: { hasNextPage: false, endCursor: null },
    },
  },
};
const session = { state: { token: 't', user: { id: 'u-head', roles: ['HEAD'], departments: [{ id: 'd-service', name: 'Service' }] } } };

/** `component` at the route of `router`, over a client answering the list, reference and views queries. */
const mountAt = (component: Component, router: Router, client: FakeClient, props: Record<string, unknown> = {}) =>
  mountPage(component, client, 'en', { router, session, props, attach: true });
/** The variables of the latest list query the page watched. */
const listed = (client: FakeClient) => client.watched.filter((q) => q.name === 'ComplaintList').at(-1)!.variables;
const select = (w: VueWrapper, field: string) => w.findAllComponents(NSelect).find((s) => s.attributes('data-field') === field)!;

describe('the queue in the URL', () => {
  it('reads every filter and the order, and writes a saved view back as the same keys', () => {
    const query = {
      assignee: 'me',
      department: 'mine',
      priority: 'URGENT',
      sla: 'BREACHED',
      stages: 'RECEIVED,ANALYSIS',
      q: 'kettle',
      sort: 'PRIORITY',
      dir: 'DESC',
    };
    const filter = filterFromQuery(query);
    expect(filter).toEqual({
      assignedToMe: true,
      inMyDepartments: true,
      priority: 'URGENT',
      slaState: 'BREACHED',
      stages: ['RECEIVED', 'ANALYSIS'],
      search: 'kettle',
    });
    expect(orderFromQuery(query)).toEqual({ field: 'PRIORITY', direction: 'DESC' });
    expect(queryFromView({ id: 'v', filter: filter as Record<string, unknown>, orderBy: orderFromQuery(query) })).toEqual({
      view: 'v',
      ...query,
    });
    expect(filterFromQuery({ assignee: 'none', department: 'all' })).toEqual({ unassigned: true });
    expect(filterFromQuery({ assignee: 'u-spec', department: 'd-quality' })).toEqual({ assigneeId: 'u-spec', departmentId: 'd-quality' });
    const afterClosing = { department: 'all', afterClosing: '1' };
    expect(filterFromQuery(afterClosing)).toEqual({ mailAfterClosing: true });
    expect(queryFromView({ id: 'v', filter: { mailAfterClosing: true }, orderBy: orderFromQuery({}) })).toMatchObject({
      afterClosing: '1',
    });
    // An unknown order is the default one.
    expect(orderFromQuery({ sort: 'DROP TABLE', dir: 'sideways' })).toEqual({ field: 'DUE_AT', direction: 'ASC' });
  });

  it('checks live board cards against the same filter', () => {
    const me = { id: 'u-head', departmentIds: ['d-service'] };
    const card = {
      ...ROWS[0]!,
      assignee: { id: 'u-head', name: 'Hanna Head' },
      department: { id: 'd-service', name: 'Service' },
      priority: 'HIGH' as const,
    };
    expect(cardMatches({ assignedToMe: true, inMyDepartments: true, priority: 'HIGH' }, card, me)).toBe(true);
    expect(cardMatches({ unassigned: true }, card, me)).toBe(false);
    expect(cardMatches({ inMyDepartments: true }, { ...card, department: null }, me)).toBe(false);
    expect(cardMatches({ slaState: 'BREACHED' }, card, me)).toBe(false);
    expect(cardMatches({ mailAfterClosing: true }, card, me)).toBe(false);
    expect(cardMatches({ mailAfterClosing: true }, { ...card, mailAfterClosingAt: '2026-11-20T09:30:00Z' }, me)).toBe(true);
    // A card that stops matching (reassigned to someone else) leaves a "mine" board live.
    const board = new BoardCards(null, (c) => cardMatches({ assignedToMe: true }, c, me));
    expect(board.apply(card)).toBe('added');
    expect(board.apply({ ...card, version: card.version + 1, assignee: { id: 'u-spec', name: 'Sam' } })).toBe('removed');
  });

  it('the filter bar writes assignee, priority and SLA state into the URL, keeping the others and leaving the picked view', async () => {
    const router = await routerAt('/list?department=mine&view=v-1&q=kettle');
    const w = await mountAt(QueueFilterBar, router, new FakeClient(ANSWERS), { users: reference.users });
    const assignee = select(w, 'assignee');
    expect((assignee.props('options') as Array<{ value: string }>).map((o) => o.value)).toEqual([
      'me',
      'none',
      'u-spec',
      'u-head',
      'u-qual',
    ]);
    assignee.vm.$emit('update:value', 'me');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ department: 'mine', q: 'kettle', assignee: 'me' });
    select(w, 'priority').vm.$emit('update:value', 'URGENT');
    await flushPromises();
    select(w, 'sla').vm.$emit('update:value', 'AT_RISK');
    await flushPromises();
    expect(router.currentRoute.value.query).toMatchObject({ assignee: 'me', priority: 'URGENT', sla: 'AT_RISK' });
    expect(select(w, 'priority').props('value')).toBe('URGENT');
    select(w, 'assignee').vm.$emit('update:value', null);
    await flushPromises();
    expect(router.currentRoute.value.query.assignee).toBeUndefined();
    w.unmount();
  });
});

describe('the list', () => {
  it("asks the server for the URL's filter and order; a column header sorts, a view replaces the filters", async () => {
    const router = await routerAt('/list?assignee=me&sort=PRIORITY&dir=DESC');
    const client = new FakeClient(ANSWERS);
    const w = await mountAt(ComplaintListPage, router, client);
    expect(listed(client)).toMatchObject({
      filter: { assignedToMe: true },
      orderBy: { field: 'PRIORITY', direction: 'DESC' },
      after: null,
    });
    const byNumber = w.get('button[data-sort=NUMBER]');
    expect(byNumber.attributes('aria-label')).toBe('Sort by Number');
    expect(w.get('button[data-sort=PRIORITY]').attributes('aria-label')).toBe('Sort by Priority, descending');
    await byNumber.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toMatchObject({ sort: 'NUMBER', dir: 'ASC' });
    await w.get('button[data-sort=NUMBER]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toMatchObject({ sort: 'NUMBER', dir: 'DESC' });
    expect(listed(client)).toMatchObject({ orderBy: { field: 'NUMBER', direction: 'DESC' } });

    select(w, 'view').vm.$emit('update:value', 'v-1');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({
      view: 'v-1',
      department: 'd-service',
      priority: 'URGENT',
      sort: 'PRIORITY',
      dir: 'DESC',
    });
    w.unmount();
  });

  it('selects rows by keyboard-reachable checkboxes, all on the page at once, and lists what a bulk change refused', async () => {
    const router = await routerAt('/list');
    const mutate = vi.fn(async () => ({
      data: {
        bulkSetComplaintPriority: {
          complaints: [],
          failures: [{ id: 'cmp-2', number: 'ACME-2026-000043', code: 'FORBIDDEN', reason: null, message: 'no' }],
        },
      },
    }));
    const w = await mountAt(ComplaintListPage, router, new FakeClient(ANSWERS, { mutate }));
    const all = () => w.get('input[aria-label="Select all on this page"]').element as HTMLInputElement;
    const one = (number: string) => w.get(`input[aria-label="Select ${number}"]`);
    expect(w.find('[data-test=bulk-bar]').exists()).toBe(false);

    await one('ACME-2026-000042').setValue(true);
    expect(all().indeterminate).toBe(true);
    expect(w.get('[data-test=bulk-bar]').text()).toContain('Selected: 1');
    await w.get('input[aria-label="Select all on this page"]').setValue(true);
    expect((one('ACME-2026-000043').element as HTMLInputElement).checked).toBe(true);
    expect(all().checked).toBe(true);
    expect(all().indeterminate).toBe(false);
    expect(w.get('[data-test=bulk-bar]').text()).toContain('Selected: 2');

    await w.get('[data-test=bulk-priority]').trigger('click');
    select(w, 'bulk-target').vm.$emit('update:value', 'URGENT');
    await flushPromises();
    await w.get('[data-test=bulk-bar] form').trigger('submit');
    await flushPromises();
    expect(mutate).toHaveBeenCalledWith(
      expect.objectContaining({
        variables: {
          input: {
            complaints: [
              { id: 'cmp-1', expectedVersion: 3 },
              { id: 'cmp-2', expectedVersion: 7 },
            ],
            priority: 'URGENT',
          },
        },
      }),
    );
    const failures = w.get('[data-test=bulk-failures]');
    expect(failures.text()).toContain('Nothing was changed: 1 could not be changed');
    expect(failures.text()).toContain('ACME-2026-000043:');
    // Nothing changed, so the selection stays for another try.
    expect(all().checked).toBe(true);

    await w.get('input[aria-label="Select all on this page"]').setValue(false);
    expect(w.find('[data-test=bulk-bar]').exists()).toBe(false);
    w.unmount();
  });
});
