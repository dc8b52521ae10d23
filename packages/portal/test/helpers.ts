import { ref, shallowRef } from 'vue';
import { vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { ApiKey, type PortalApi, type PortalComplaint, type PortalTenant } from '../src/api.js';
import { I18nKey, createPortalI18n, type Locale, type PortalI18n } from '../src/i18n/index.js';
import { RouterKey, type PortalRouter, type Route } from '../src/router.js';

export function fakeApi(overrides: Partial<PortalApi> = {}): PortalApi {
  return {
    live: ref(true),
    tenant: vi.fn(async () => null),
    submit: vi.fn(async () => ({ number: 'NORTHWIND-2026-000123', accessToken: 'tok-123' })),
    status: vi.fn(async () => null),
    watch: vi.fn(() => () => undefined),
    reply: vi.fn(),
    rate: vi.fn(),
    survey: vi.fn(async () => {
      throw new Error('no survey in this test');
    }),
    answerSurvey: vi.fn(async () => undefined),
    complaintSurvey: vi.fn(async () => null),
    answerComplaintSurvey: vi.fn(async () => undefined),
    upload: vi.fn(async (_slug: string, file: File) => ({
      id: `id-${file.name}`,
      fileName: file.name,
      contentType: file.type,
      size: file.size,
    })),
    ...overrides,
  };
}

export function fakeRouter(route: Route = { name: 'none' }): PortalRouter {
  return { route: shallowRef(route), push: vi.fn<(path: string) => void>() };
}

export function mountWith<C>(
  component: C,
  options: { props?: Record<string, unknown>; api?: PortalApi; locale?: Locale; i18n?: PortalI18n; router?: PortalRouter } = {},
) {
  const api = options.api ?? fakeApi();
  const wrapper = mount(component as never, {
    props: options.props as never,
    attachTo: document.body,
    global: {
      provide: {
        [ApiKey as symbol]: api,
        [I18nKey as symbol]: options.i18n ?? createPortalI18n(options.locale ?? 'en'),
        [RouterKey as symbol]: options.router ?? fakeRouter(),
      },
    },
  });
  return { wrapper, api };
}

export function file(name: string, size: number, type: string): File {
  const f = new File([new Uint8Array(Math.min(size, 16))], name, { type });
  // A real 10 MB buffer is slow to build for nothing: the rules read `size`.
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

/** Puts files on a file input as a person choosing them would. */
export async function choose(input: HTMLInputElement, files: File[]) {
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  input.dispatchEvent(new Event('change'));
  await flushPromises();
}

/** A company's portal, as the portal reads it: Northwind, in English, on London's clock. */
export function portalTenant(overrides: Partial<PortalTenant> = {}): PortalTenant {
  return {
    slug: 'northwind',
    name: 'Northwind Appliances Ltd',
    locale: 'en',
    timeZone: 'Europe/London',
    logoUrl: null,
    primaryColor: null,
    accentColor: null,
    intro: null,
    ...overrides,
  };
}

export function complaint(overrides: Partial<PortalComplaint> = {}): PortalComplaint {
  return {
    number: 'NORTHWIND-2026-000123',
    companySlug: 'northwind',
    kind: 'CLAIM',
    subject: 'Kettle leaks',
    demand: 'REFUND',
    stage: 'ANALYSIS',
    stageLabel: 'Under investigation',
    submittedAt: '2026-11-20T10:00:00Z',
    expectedBy: '2026-11-30T10:00:00Z',
    awaitingReply: false,
    satisfaction: null,
    satisfactionComment: null,
    canRate: false,
    decision: null,
    messages: [],
    attachments: [],
    ...overrides,
  };
}
