import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { type Component } from 'vue';
import IntegrationsPage from '../src/pages/admin/integrations/IntegrationsPage.vue';
import WebhooksPage from '../src/pages/admin/integrations/WebhooksPage.vue';
import DeliveryLog from '../src/pages/admin/integrations/DeliveryLog.vue';
import { mountPage, reference } from './fixtures.js';

const KEY = `rk_0123456789abcdef_${'A'.repeat(43)}`;
const INTEGRATION = {
  id: 'int-1',
  name: 'Web shop',
  scopes: ['READ_COMPLAINTS'],
  departmentIds: [],
  ipAllowlist: [],
  expiresAt: null,
  keyPrefix: '0123456789abcdef',
  createdAt: '2026-12-01T10:00:00Z',
  revokedAt: null,
  lastUsedAt: null,
  lastUsedAddress: null,
};
const ENDPOINT = {
  id: 'ep-1',
  url: 'https://shop.example.com/hooks',
  description: '',
  eventTypes: ['COMPLAINT_RECEIVED'],
  enabled: false,
  disabledReason: 'FAILING',
  failingSince: '2026-11-26T10:00:00Z',
  previousSecretUntil: null,
  createdAt: '2026-11-20T10:00:00Z',
};
const DELIVERY = {
  id: 'del-1',
  eventType: 'COMPLAINT_RECEIVED',
  status: 'DELIVERED',
  attempts: 2,
  seq: 1,
  complaintId: 'c-1',
  createdAt: '2026-12-01T10:00:00Z',
  deliveredAt: '2026-12-01T10:00:06Z',
  nextAttemptAt: null,
  replayOf: null,
  payload: '{"type":"complaint.received"}',
  attemptLog: [
    {
      id: 'a1',
      at: '2026-12-01T10:00:00Z',
      durationMs: 40,
      statusCode: 500,
      errorCode: 'HTTP_STATUS',
      errorDetail: null,
      responseBody: 'boom',
    },
    { id: 'a2', at: '2026-12-01T10:00:05Z', durationMs: 30, statusCode: 200, errorCode: null, errorDetail: null, responseBody: 'ok' },
  ],
};
const REFUSED = {
  ...DELIVERY,
  id: 'del-3',
  status: 'PENDING',
  attempts: 1,
  seq: 2,
  deliveredAt: null,
  nextAttemptAt: '2026-12-01T10:05:00Z',
  attemptLog: [
    {
      id: 'a3',
      at: '2026-12-01T10:00:00Z',
      durationMs: 3,
      statusCode: null,
      errorCode: 'CONNECTION_REFUSED',
      errorDetail: 'connect ECONNREFUSED 203.0.113.9:443',
      responseBody: null,
    },
  ],
};
const QUERIES = {
  Reference: reference,
  Integrations: { integrations: [INTEGRATION] },
  WebhookEndpoints: { webhookEndpoints: [ENDPOINT] },
  WebhookDeliveries: { webhookDeliveries: [DELIVERY, REFUSED] },
  LogRetention: { logRetention: { mailDays: 180, webhookDays: 30 } },
};

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

/** `page` over the integrations' queries, as an admin; a mutation answers `result`. */
async function mountAdmin(page: Component, locale: 'ru' | 'en', result: Record<string, unknown>, props: Record<string, unknown> = {}) {
  const mutate = vi.fn(async ({ variables }: { variables: unknown }) => ({ data: result, variables }));
  wrapper = await mountPage(page, QUERIES, locale, { mutate, props, session: { state: { user: { id: 'admin' } } }, attach: true });
  return { mutate };
}

describe('the integrations page', () => {
  it('lists keys by their prefix and shows a new key once, after creating it', async () => {
    const { mutate } = await mountAdmin(IntegrationsPage, 'ru', {
      createIntegration: { key: KEY, integration: { ...INTEGRATION, name: 'CRM' } },
    });
    await flushPromises();
    expect(document.body.textContent).toContain('rk_0123456789abcdef_…');
    expect(document.body.textContent).toContain('Читать обращения');
    expect(document.body.textContent).not.toContain(KEY);
    await wrapper!.get('[data-test=new-integration]').trigger('click');
    await flushPromises();
    const name = document.querySelector<HTMLInputElement>('[data-test=integration-form] input[name=name]')!;
    name.value = 'CRM';
    name.dispatchEvent(new Event('input'));
    await flushPromises();
    document.querySelector<HTMLFormElement>('[data-test=integration-form]')!.dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(mutate.mock.calls[0]![0].variables).toEqual({
      input: { name: 'CRM', scopes: ['REGISTER_COMPLAINTS', 'READ_COMPLAINTS'], departmentIds: [], ipAllowlist: [] },
    });
    const shown = document.querySelector('[data-test=shown-once]')!;
    expect(shown.textContent).toContain('показывается только один раз');
    expect(shown.querySelector<HTMLInputElement>('input')!.value).toBe(KEY);
  });
});

describe('the webhooks page', () => {
  it('says an endpoint was disabled for failing', async () => {
    await mountAdmin(WebhooksPage, 'en', {});
    await flushPromises();
    expect(document.querySelector('[data-endpoint-state="https://shop.example.com/hooks"]')!.textContent).toBe('Disabled: it kept failing');
  });

  it("shows each delivery's last answer and sends one again on request", async () => {
    const { mutate } = await mountAdmin(
      DeliveryLog,
      'ru',
      { replayWebhookDelivery: { id: 'del-2', status: 'PENDING' } },
      { endpointId: 'ep-1' },
    );
    await flushPromises();
    expect(document.body.textContent).toContain('Доставлено');
    expect(document.body.textContent).toContain('HTTP 200');
    await wrapper!.get('[data-replay=del-1]').trigger('click');
    await flushPromises();
    expect(mutate.mock.calls[0]![0].variables).toEqual({ id: 'del-1' });
  });
});

describe("the delivery log's errors", () => {
  it.each([
    ['ru', 'Соединение отклонено: по этому адресу никто не принимает', 'Техническая подробность'],
    ['en', 'Connection refused: nothing listens at this address', 'Technical detail'],
  ] as const)("are worded in the reader's language (%s), the technical detail kept as it came", async (locale, text, detail) => {
    await mountAdmin(DeliveryLog, locale, {}, { endpointId: 'ep-1' });
    await flushPromises();
    const row = [...document.querySelectorAll('tbody tr')].find((r) => r.textContent?.includes(locale === 'ru' ? 'Ожидает' : 'Pending'))!;
    expect(row.textContent).toContain(text);
    expect(row.textContent).not.toContain('ECONNREFUSED');
    row.querySelector<HTMLElement>('.n-data-table-expand-trigger')!.click();
    await flushPromises();
    // The attempts show in the row after the expanded one.
    const expanded = document.querySelector('.n-data-table-tr--expanded')!.nextElementSibling!;
    expect(expanded.textContent).toContain(text);
    expect(expanded.textContent).toContain(detail);
    expect(expanded.querySelector('code[lang=en]')!.textContent).toBe('connect ECONNREFUSED 203.0.113.9:443');
  });
});

describe("the delivery log's retention", () => {
  it.each([
    ['ru', 30, 'Доставки со статусом «Доставлено» или «Не доставлено» удаляются вместе с попытками через 30 дн. после создания.'],
    ['en', 30, 'Deliveries marked “Delivered” or “Failed” are deleted with their attempts 30 days after they were made.'],
    ['en', 1, 'Deliveries marked “Delivered” or “Failed” are deleted with their attempts 1 day after they were made.'],
  ] as const)('is said above the log (%s, %s days)', async (locale, webhookDays, text) => {
    const mutate = vi.fn();
    wrapper = await mountPage(DeliveryLog, { ...QUERIES, LogRetention: { logRetention: { mailDays: 180, webhookDays } } }, locale, {
      mutate,
      props: { endpointId: 'ep-1' },
      session: { state: { user: { id: 'admin' } } },
      attach: true,
    });
    await flushPromises();
    expect(document.querySelector('[data-test=retention]')!.textContent!.trim()).toBe(text);
  });
});

describe("the delivery log's expand column", () => {
  it.each([
    ['ru', 'Попытки и тело события', 'Показать попытки и тело события №2'],
    ['en', 'Attempts and body', 'Show the attempts and body of event 2'],
  ] as const)(
    'has a named header and, on each row, a button the keyboard reaches that says whether it is open (%s)',
    async (locale, header, label) => {
      await mountAdmin(DeliveryLog, locale, {}, { endpointId: 'ep-1' });
      await flushPromises();
      const th = document.querySelector('th[data-col-key="__n_expand__"]')!;
      expect(th.textContent?.trim()).toBe(header);
      const toggles = [...document.querySelectorAll<HTMLButtonElement>('tbody button[aria-expanded]')];
      expect(toggles).toHaveLength(2);
      const toggle = toggles.find((b) => b.getAttribute('aria-label') === label)!;
      expect(toggle.type).toBe('button');
      expect(toggle.tabIndex).toBe(0);
      expect(toggle.getAttribute('aria-expanded')).toBe('false');
      toggle.focus();
      toggle.click();
      await flushPromises();
      expect(document.querySelector('.n-data-table-tr--expanded')!.nextElementSibling!.textContent).toContain('complaint.received');
      // The same button, still focused, now says it is open.
      expect(toggle.isConnected).toBe(true);
      expect(document.activeElement).toBe(toggle);
      expect(toggle.getAttribute('aria-expanded')).toBe('true');
    },
  );
});

describe('the alert that a webhook endpoint was turned off', () => {
  it('tells, above every page, which endpoint stopped and since when, with a way to the webhooks page', async () => {
    const { default: WebhookAlert } = await import('../src/layout/WebhookAlert.vue');
    for (const [locale, title, line] of [
      ['en', 'A webhook endpoint was turned off', 'https://shop.example.com/hooks: its deliveries kept failing since 26 Nov 2026'],
      ['ru', 'Адрес вебхуков выключен', 'https://shop.example.com/hooks: доставки не проходили с 26 нояб. 2026'],
    ] as const) {
      wrapper = await mountPage(WebhookAlert, QUERIES, locale, {
        session: { state: { user: { id: 'admin' }, tenant: { timeZone: 'Europe/London' } } },
        attach: true,
      });
      const alert = document.querySelector('[data-test="webhook-alert"]')!;
      expect(alert.getAttribute('role')).toBe('alert');
      expect(alert.textContent).toContain(title);
      expect(alert.textContent).toContain(line);
      expect(alert.querySelector('a')!.getAttribute('href')).toBe('/admin/webhooks');
      wrapper.unmount();
      wrapper = null;
    }
  });

  it('says nothing while every endpoint works or was turned off by hand', async () => {
    const { default: WebhookAlert } = await import('../src/layout/WebhookAlert.vue');
    const quiet = {
      webhookEndpoints: [
        { ...ENDPOINT, enabled: true, disabledReason: null },
        { ...ENDPOINT, id: 'ep-2', disabledReason: 'BY_ADMIN' },
      ],
    };
    wrapper = await mountPage(WebhookAlert, { WebhookEndpoints: quiet }, 'en', {
      session: { state: { user: { id: 'admin' } } },
      attach: true,
    });
    expect(document.querySelector('[data-test="webhook-alert"]')).toBeNull();
  });
});
