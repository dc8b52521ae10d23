import { vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { defineComponent, h, type Component } from 'vue';
import { NDialogProvider, NMessageProvider, NNotificationProvider } from 'naive-ui';
import { createMemoryHistory, createRouter, type RouteRecordRaw, type Router } from 'vue-router';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { ComplaintDetailFragment, CorrectiveActionRowFragment, ReferenceQuery } from '@reclaim/client/staff';
import { createConsoleI18n } from '../src/i18n/index.js';
import { ClientKey, SessionKey } from '../src/apollo.js';
import { routes } from '../src/router.js';

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
    {
      id: 'k-supplier',
      group: 'MATERIAL',
      code: 'SUPPLIER_DEFECT',
      nameRu: 'Дефект материала поставщика',
      nameEn: 'Supplier material defect',
      archivedAt: null,
    },
    {
      id: 'k-transport',
      group: 'ENVIRONMENT',
      code: 'TRANSPORT_DAMAGE',
      nameRu: 'Повреждение при перевозке',
      nameEn: 'Damaged in transit',
      archivedAt: null,
    },
    { id: 'k-old', group: 'PEOPLE', code: 'OLD', nameRu: 'Старое', nameEn: 'Old', archivedAt: '2026-11-01T00:00:00Z' },
  ],
  rejectionReasons: [
    { id: 'r-misuse', code: 'MISUSE', nameRu: 'Нарушение правил эксплуатации', nameEn: 'Used against the manual', archivedAt: null },
    { id: 'r-old', code: 'OLD', nameRu: 'Старое', nameEn: 'Old', archivedAt: '2026-11-01T00:00:00Z' },
  ],
  users: [
    {
      id: 'u-spec',
      name: 'Sam Specialist',
      email: 's@x',
      roles: ['SPECIALIST'],
      active: true,
      invited: false,
      createdAt: '2026-01-01T00:00:00Z',
      departments: [{ id: 'd-service', name: 'Service', archivedAt: null }],
    },
    {
      id: 'u-head',
      name: 'Hanna Head',
      email: 'h@x',
      roles: ['HEAD'],
      active: true,
      invited: false,
      createdAt: '2026-01-01T00:00:00Z',
      departments: [{ id: 'd-service', name: 'Service', archivedAt: null }],
    },
    {
      id: 'u-qual',
      name: 'Quinn Quality',
      email: 'q@x',
      roles: ['SPECIALIST'],
      active: true,
      invited: false,
      createdAt: '2026-01-01T00:00:00Z',
      departments: [{ id: 'd-quality', name: 'Quality', archivedAt: null }],
    },
  ],
};

export function complaint(overrides: Partial<ComplaintDetailFragment> = {}): ComplaintDetailFragment {
  return {
    id: 'cmp-1',
    number: 'ACME-2026-000042',
    subject: 'Kettle leaks',
    stage: 'RECEIVED',
    priority: 'NORMAL',
    channel: 'PHONE',
    version: 3,
    slaDueAt: null,
    slaState: 'NONE',
    legalDueAt: null,
    receivedAt: '2026-11-20T10:00:00Z',
    stageEnteredAt: '2026-11-20T10:00:00Z',
    mailAfterClosingAt: null,
    customer: { id: 'cu-1', name: 'Daria', email: null, phone: '+7 900' },
    hasTrackingLink: true,
    department: null,
    assignee: null,
    kind: 'CLAIM',
    description: 'Water under the base',
    demand: null,
    product: 'KT-1720',
    orderRef: null,
    purchaseDate: null,
    category: null,
    validity: null,
    cause: null,
    codedRejectionReason: null,
    rootCause: null,
    remedy: null,
    remedyAmount: null,
    decisionNote: null,
    rejectionReason: null,
    satisfaction: null,
    satisfactionComment: null,
    closedAt: null,
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:00Z',
    allowedTransitions: [],
    abilities: {
      assign: false,
      assignOnlySelf: false,
      update: false,
      reply: false,
      manageCorrectiveActions: false,
      followUpSurveys: false,
    },
    correctiveActions: [],
    messages: [],
    timeline: [],
    attachments: [],
    customerComplaints: [],
    links: [],
    productPrice: null,
    awaitingCustomerSince: null,
    firstRespondedAt: null,
    penaltyExposure: null,
    slaClocks: [],
    ...overrides,
  };
}

/** An open CORRECTION of the Quality department, due on 1 December 2026; `overrides` change it. */
export function action(overrides: Partial<CorrectiveActionRowFragment> = {}): CorrectiveActionRowFragment {
  return {
    id: 'ca-1',
    kind: 'CORRECTION',
    description: 'New seal',
    dueDate: '2026-12-01',
    doneAt: null,
    status: 'OPEN',
    overdue: false,
    followUpOfId: null,
    ownerDepartment: { id: 'd-quality', name: 'Quality' },
    owner: null,
    doneBy: null,
    effectivenessCheck: null,
    ...overrides,
  };
}

export function mountWithI18n(component: Component, props: Record<string, unknown>, locale: 'ru' | 'en' = 'en') {
  return mount(component as never, { props: props as never, global: { plugins: [createConsoleI18n(locale)] }, attachTo: document.body });
}

type Variables = Record<string, unknown>;
/** What a query is answered with, by its operation name: data, or a function of its variables read at each (re)fetch. */
export type Answers = Record<string, unknown>;

const operationName = (query: DocumentNode) =>
  (query.definitions.find((d) => (d as OperationDefinitionNode).name) as OperationDefinitionNode | undefined)?.name?.value ?? '';

/** An answer that has not come yet: the query shows as loading. */
export const PENDING = Symbol('pending');

/**
 * The console's client as a page under test sees it. Each query the page watches is answered with
 * `answers[its operation name]`: data, a function of the variables (called again at each refetch), an Error (the
 * query failed) or PENDING; an absent answer leaves the query loading. What it watched and refetched is recorded;
 * live events are the test's to push.
 */
export class FakeClient {
  /** Each query watched, in order: its operation name and variables. */
  readonly watched: Array<{ name: string; variables: Variables }> = [];
  /** Called with the operation name at each refetch. */
  readonly refetched = vi.fn((_name: string) => undefined);
  /** Each live subscription the page opened: its operation name. */
  readonly subscribed: string[] = [];
  private readonly live: Array<(event: unknown) => void> = [];
  /** Each open watch's way to answer again, by operation name. */
  private readonly answering = new Map<string, Set<() => void>>();
  readonly socket = { onReady: () => () => undefined };
  readonly apollo: Record<string, unknown>;

  constructor(answers: Answers, { mutate, query }: Pick<PageOptions, 'mutate' | 'query'> = {}) {
    this.apollo = {
      watchQuery: ({ query: document, variables = {} }: { query: DocumentNode; variables?: Variables }) => {
        const name = operationName(document);
        this.watched.push({ name, variables });
        let next: ((result: unknown) => void) | undefined;
        const answer = () => {
          const data = answers[name];
          if (data === undefined) return;
          if (data === PENDING) next?.({ data: undefined, dataState: 'empty', loading: true });
          else if (data instanceof Error) next?.({ data: undefined, dataState: 'empty', loading: false, error: data });
          else next?.({ data: typeof data === 'function' ? data(variables) : data, dataState: 'complete', loading: false });
        };
        return {
          subscribe: (observer: { next: (result: unknown) => void }) => {
            next = observer.next;
            let open = this.answering.get(name);
            if (!open) this.answering.set(name, (open = new Set()));
            open.add(answer);
            answer();
            return {
              unsubscribe: () => {
                next = undefined;
                open.delete(answer);
              },
            };
          },
          refetch: async () => {
            this.refetched(name);
            answer();
          },
        };
      },
      subscribe: ({ query: document }: { query: DocumentNode }) => {
        this.subscribed.push(operationName(document));
        return { subscribe: ({ next }: { next: (event: unknown) => void }) => (this.live.push(next), { unsubscribe() {} }) };
      },
      mutate:
        mutate ??
        (async () => {
          throw new Error('this page was not expected to send anything');
        }),
      query:
        query ??
        (async () => {
          throw new Error('this page was not expected to query once');
        }),
    };
  }

  /** Answers every open watch of `name` again, as Apollo's cache does when a fetch elsewhere brings that data. */
  answerAgain(name: string): void {
    for (const answer of this.answering.get(name) ?? []) answer();
  }

  /** Sends a live event to every subscription the page holds. */
  push(event: unknown): void {
    for (const next of this.live) next(event);
  }
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
  /** The router the page reads its route from (a queue's filters in the URL, say). */
  router?: Router;
  /** Components rendered as stubs (a chart, say). */
  stubs?: Record<string, unknown>;
}

/** The console's routes with each page left out (nothing is rendered), so that links resolve to the paths the console serves. */
function withoutPages(records: readonly RouteRecordRaw[]): RouteRecordRaw[] {
  return records.map(
    (r) =>
      ({
        ...r,
        ...(r.component && { component: { render: () => null } }),
        ...(r.children && { children: withoutPages(r.children) }),
      }) as RouteRecordRaw,
  );
}

/**
 * Mounts a page (or section) of the console as signed in to a company whose language is `locale`, over a FakeClient
 * (given, or made of `answers`); its links resolve as the console's (or as `options.router`'s).
 */
export async function mountPage(
  page: Component,
  answers: Answers | FakeClient,
  locale: 'ru' | 'en',
  options: PageOptions = {},
): Promise<VueWrapper> {
  if (answers instanceof FakeClient && (options.mutate || options.query))
    throw new Error('give mutate and query to the FakeClient, not to mountPage');
  const client = answers instanceof FakeClient ? answers : new FakeClient(answers, options);
  const router = options.router ?? createRouter({ history: createMemoryHistory(), routes: withoutPages(routes) });
  if (options.path || !options.router) await router.push(options.path ?? '/');
  const session = {
    ...options.session,
    state: { tenant: { id: 't', slug: 'acme', locale, timeZone: 'Europe/Moscow' }, ...options.session?.state },
  };
  const Host = defineComponent(
    () => () => h(NNotificationProvider, () => h(NMessageProvider, () => h(NDialogProvider, () => h(page, options.props)))),
  );
  const wrapper = mount(Host, {
    attachTo: options.attach ? document.body : undefined,
    global: {
      plugins: [createConsoleI18n(locale), router],
      provide: { [ClientKey as symbol]: client, [SessionKey as symbol]: session },
      stubs: options.stubs as never,
    },
  });
  await flushPromises();
  return wrapper;
}
