import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { defineComponent, h, type Component } from 'vue';
import { NMessageProvider } from 'naive-ui';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { ComplaintDetailFragment, CorrectiveActionRowFragment, ReferenceQuery } from '@reclaim/client/staff';
import { createConsoleI18n } from '../src/i18n/index.js';
import { ClientKey, SessionKey } from '../src/apollo.js';

export const reference: ReferenceQuery = {
  departments: [
    { id: 'd-service', name: 'Service', createdAt: '2026-01-01T00:00:00Z' },
    { id: 'd-quality', name: 'Quality', createdAt: '2026-01-01T00:00:00Z' },
  ],
  allDepartments: [
    { id: 'd-service', name: 'Service', archivedAt: null },
    { id: 'd-quality', name: 'Quality', archivedAt: null },
    { id: 'd-old', name: 'Old returns desk', archivedAt: '2026-11-01T00:00:00Z' },
  ],
  categories: [
    { id: 'c-defect', name: 'Defect', active: true, createdAt: '2026-01-01T00:00:00Z' },
    { id: 'c-old', name: 'Retired', active: false, createdAt: '2026-01-01T00:00:00Z' },
  ],
  causes: [
    { id: 'k-supplier', group: 'MATERIAL', code: 'SUPPLIER_DEFECT', nameRu: 'Дефект материала поставщика', nameEn: 'Supplier material defect', archivedAt: null },
    { id: 'k-transport', group: 'ENVIRONMENT', code: 'TRANSPORT_DAMAGE', nameRu: 'Повреждение при перевозке', nameEn: 'Damaged in transit', archivedAt: null },
    { id: 'k-old', group: 'PEOPLE', code: 'OLD', nameRu: 'Старое', nameEn: 'Old', archivedAt: '2026-11-01T00:00:00Z' },
  ],
  rejectionReasons: [
    { id: 'r-misuse', code: 'MISUSE', nameRu: 'Нарушение правил эксплуатации', nameEn: 'Used against the manual', archivedAt: null },
    { id: 'r-old', code: 'OLD', nameRu: 'Старое', nameEn: 'Old', archivedAt: '2026-11-01T00:00:00Z' },
  ],
  users: [
    { id: 'u-spec', name: 'Sam Specialist', email: 's@x', roles: ['SPECIALIST'], active: true, invited: false, createdAt: '2026-01-01T00:00:00Z', departments: [{ id: 'd-service', name: 'Service', archivedAt: null }] },
    { id: 'u-head', name: 'Hanna Head', email: 'h@x', roles: ['HEAD'], active: true, invited: false, createdAt: '2026-01-01T00:00:00Z', departments: [{ id: 'd-service', name: 'Service', archivedAt: null }] },
    { id: 'u-qual', name: 'Quinn Quality', email: 'q@x', roles: ['SPECIALIST'], active: true, invited: false, createdAt: '2026-01-01T00:00:00Z', departments: [{ id: 'd-quality', name: 'Quality', archivedAt: null }] },
  ],
};

export function complaint(overrides: Partial<ComplaintDetailFragment> = {}): ComplaintDetailFragment {
  return {
    id: 'cmp-1', number: 'ACME-2026-000042', subject: 'Kettle leaks', stage: 'RECEIVED', priority: 'NORMAL', channel: 'PHONE',
    version: 3, slaDueAt: null, slaState: 'NONE', legalDueAt: null, receivedAt: '2026-11-20T10:00:00Z', stageEnteredAt: '2026-11-20T10:00:00Z', mailAfterClosingAt: null,
    customer: { id: 'cu-1', name: 'Daria', email: null, phone: '+7 900' }, hasTrackingLink: true, department: null, assignee: null,
    kind: 'CLAIM', description: 'Water under the base', demand: null, product: 'KT-1720', orderRef: null, purchaseDate: null,
    category: null, validity: null, cause: null, codedRejectionReason: null, rootCause: null, remedy: null, remedyAmount: null, decisionNote: null, rejectionReason: null,
    satisfaction: null, satisfactionComment: null, closedAt: null, createdAt: '2026-11-20T10:00:00Z', updatedAt: '2026-11-20T10:00:00Z',
    allowedTransitions: [], abilities: { assign: false, assignOnlySelf: false, update: false, reply: false, manageCorrectiveActions: false, followUpSurveys: false },
    correctiveActions: [], messages: [], timeline: [], attachments: [], customerComplaints: [], links: [],
    productPrice: null, awaitingCustomerSince: null, firstRespondedAt: null, penaltyExposure: null, slaClocks: [],
    ...overrides,
  };
}

/** An open CORRECTION of the Quality department, due on 1 December 2026; `overrides` change it. */
export function action(overrides: Partial<CorrectiveActionRowFragment> = {}): CorrectiveActionRowFragment {
  return {
    id: 'ca-1', kind: 'CORRECTION', description: 'New seal', dueDate: '2026-12-01', doneAt: null,
    status: 'OPEN', overdue: false, followUpOfId: null, ownerDepartment: { id: 'd-quality', name: 'Quality' }, owner: null, doneBy: null,
    effectivenessCheck: null, ...overrides,
  };
}

export function mountWithI18n(component: Component, props: Record<string, unknown>, locale: 'ru' | 'en' = 'en') {
  return mount(component as never, { props: props as never, global: { plugins: [createConsoleI18n(locale)] }, attachTo: document.body });
}

export interface PageOptions {
  /** The client's `mutate` (a spy, say); none: a page that sends nothing. */
  mutate?: (options: any) => Promise<unknown>;
  /** The client's one-off `query` (a template rendered, say). */
  query?: (options: any) => Promise<unknown>;
  /** Where the router is when the page mounts (its hash: a link's token). */
  path?: string;
  /** The session beyond the company: its state (the user, the token) and methods (setTenant). */
  session?: { state?: Record<string, unknown>; [method: string]: unknown };
  /** The component's props. */
  props?: Record<string, unknown>;
  /** Attached to document.body (for what is found by id, or teleported popups); unmount it after. */
  attach?: boolean;
}

/**
 * Mounts a page (or section) of the console as signed in to a company whose language is `locale`: each query it
 * watches is answered once with `answers[its operation name]` (never, when absent: it stays loading), and links to
 * complaints resolve.
 */
export async function mountPage(page: Component, answers: Record<string, unknown>, locale: 'ru' | 'en', options: PageOptions = {}): Promise<VueWrapper> {
  const name = (query: DocumentNode) => (query.definitions[0] as OperationDefinitionNode).name?.value ?? '';
  const apollo = {
    watchQuery: ({ query }: { query: DocumentNode }) => ({
      subscribe({ next }: { next: (r: unknown) => void }) {
        const data = answers[name(query)];
        if (data !== undefined) next({ data, dataState: 'complete', loading: false });
        return { unsubscribe() {} };
      },
      refetch: async () => undefined,
    }),
    mutate: options.mutate ?? (async () => { throw new Error('this page was not expected to send anything'); }),
    query: options.query ?? (async () => { throw new Error('this page was not expected to query once'); }),
  };
  const router = createRouter({ history: createMemoryHistory(), routes: [
    { path: '/complaints/:number', name: 'complaint', component: { render: () => null } }, { path: '/login', name: 'login', component: { render: () => null } },
    { path: '/:p(.*)*', component: { render: () => null } },
  ] });
  await router.push(options.path ?? '/');
  const session = { ...options.session, state: { tenant: { id: 't', slug: 'acme', locale, timeZone: 'Europe/Moscow' }, ...options.session?.state } };
  const Host = defineComponent(() => () => h(NMessageProvider, () => h(page, options.props)));
  const wrapper = mount(Host, {
    attachTo: options.attach ? document.body : undefined,
    global: { plugins: [createConsoleI18n(locale), router], provide: { [ClientKey as symbol]: { apollo }, [SessionKey as symbol]: session } },
  });
  await flushPromises();
  return wrapper;
}
