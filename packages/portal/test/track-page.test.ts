import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import TrackPage from '../src/pages/track/TrackPage.vue';
import type { PortalApi, PortalComplaint } from '../src/api.js';
import { createPortalI18n } from '../src/i18n/index.js';
import { complaint, fakeApi, mountWith, portalTenant } from './helpers.js';

let wrapper: VueWrapper;
afterEach(() => wrapper?.unmount());
const tenant = portalTenant();

/** A fake socket: the page's subscription is recorded, and the test says when the socket is up. */
function live(found: PortalComplaint | null) {
  const events: string[] = [];
  let push: (c: PortalComplaint) => void = () => undefined;
  let ready: () => void = () => undefined;
  const api = fakeApi({
    status: vi.fn(async () => {
      events.push('fetch');
      return found;
    }),
    watch: vi.fn((_key, onChange, onReady) => {
      events.push('subscribe');
      push = onChange;
      ready = onReady;
      return () => events.push('unsubscribe');
    }) as PortalApi['watch'],
    rate: vi.fn(async (_key, score, comment) =>
      complaint({ stage: 'FEEDBACK', canRate: true, satisfaction: score, satisfactionComment: comment }),
    ),
  });
  ({ wrapper } = mountWith(TrackPage, { api, props: { tenant, number: 'NORTHWIND-2026-000123', token: 'tok-123' } }));
  return {
    api,
    events,
    push: async (c: PortalComplaint) => {
      push(c);
      await flushPromises();
    },
    ready: async () => {
      ready();
      await flushPromises();
    },
  };
}

describe('the tracking page', () => {
  it("sends a valid link opened under another company's address to that company's portal, showing nothing here", async () => {
    const router = { route: { value: null }, push: vi.fn() };
    const api = fakeApi({
      status: vi.fn(async () => complaint({ companySlug: 'acme', number: 'ACME-2026-000007' })),
      watch: vi.fn((_key, _onChange, onReady) => {
        onReady();
        return () => undefined;
      }) as PortalApi['watch'],
    });
    ({ wrapper } = mountWith(TrackPage, {
      api,
      router: router as never,
      props: { tenant, number: 'ACME-2026-000007', token: 'tok-acme' },
    }));
    await flushPromises();
    expect(router.push).toHaveBeenCalledWith('/p/acme/track/ACME-2026-000007#tok-acme');
    expect(wrapper.find('[data-test=complaint-number]').exists()).toBe(false);
  });

  it('subscribes first and fetches once the socket is up, and again after a reconnect', async () => {
    const { api, events, ready } = live(complaint());
    expect(events).toEqual(['subscribe']);
    expect(vi.mocked(api.watch).mock.calls[0]![0]).toEqual({ number: 'NORTHWIND-2026-000123', accessToken: 'tok-123' });
    await ready();
    expect(events).toEqual(['subscribe', 'fetch']);
    expect(wrapper.find('[data-test=complaint-number]').text()).toBe('Complaint NORTHWIND-2026-000123');
    await ready();
    expect(events).toEqual(['subscribe', 'fetch', 'fetch']);
  });

  it('follows the complaint live: a question from the company, then the rating step', async () => {
    const { ready, push } = live(complaint());
    await ready();
    expect(wrapper.find('[data-test=awaiting]').exists()).toBe(false);
    await push(
      complaint({
        awaitingReply: true,
        messages: [
          { id: 'm1', author: 'STAFF', body: 'Could you send a photo of the label?', createdAt: '2026-11-21T09:00:00Z', attachments: [] },
        ],
      }),
    );
    expect(wrapper.find('[data-test=awaiting]').exists()).toBe(true);
    expect(wrapper.find('[data-test=message]').text()).toContain('Northwind Appliances Ltd');
    expect(wrapper.find('[data-test=message]').text()).toContain('Could you send a photo of the label?');
    expect(wrapper.find('[data-test=rating]').exists()).toBe(false);
    await push(complaint({ stage: 'FEEDBACK', canRate: true }));
    expect(wrapper.find('[data-stage=FEEDBACK]').attributes('data-state')).toBe('current');
    expect(wrapper.find('[data-test=rating]').exists()).toBe(true);
  });

  it('rates, and shows the thanks instead of the form', async () => {
    const { api, ready } = live(complaint({ stage: 'FEEDBACK', canRate: true }));
    await ready();
    await wrapper.find('input[name=score][value="4"]').setValue(true);
    await wrapper.find('#rating-comment').setValue('Good service');
    await wrapper.find('[data-test=rating] form').trigger('submit');
    await flushPromises();
    expect(api.rate).toHaveBeenCalledWith({ number: 'NORTHWIND-2026-000123', accessToken: 'tok-123' }, 4, 'Good service');
    expect(wrapper.find('[data-test=rating]').exists()).toBe(false);
    expect(wrapper.find('[data-test=rated]').text()).toContain('4 of 5');
  });

  it('says only “not found” for a wrong pair, and stops listening', async () => {
    const { events, ready } = live(null);
    await ready();
    expect(wrapper.find('[data-test=not-found]').text()).toContain('Check that you copied the whole link');
    expect(wrapper.text()).not.toContain('NORTHWIND-2026-000123');
    expect(wrapper.find('[data-test=reply-form]').exists()).toBe(false);
    expect(events.at(-1)).toBe('unsubscribe');
  });

  it('shows images as thumbnails with their signed address, other files as links', async () => {
    const attachments = [
      {
        id: 'a1',
        fileName: 'label.jpg',
        contentType: 'image/jpeg',
        size: 2048,
        url: '/files/a1?sig=x',
        author: 'CUSTOMER' as const,
        createdAt: '2026-11-20T10:00:00Z',
      },
      {
        id: 'a2',
        fileName: 'receipt.pdf',
        contentType: 'application/pdf',
        size: 4096,
        url: '/files/a2?sig=y',
        author: 'CUSTOMER' as const,
        createdAt: '2026-11-20T10:00:00Z',
      },
    ];
    const { ready } = live(complaint({ attachments }));
    await ready();
    const files = wrapper.find('[data-test=complaint-files]');
    expect(files.find('img').attributes()).toMatchObject({ src: '/files/a1?sig=x', alt: 'label.jpg' });
    expect(files.find('[data-attachment="receipt.pdf"] a').attributes('href')).toBe('/files/a2?sig=y');
    expect(files.find('[data-attachment="receipt.pdf"] img').exists()).toBe(false);
  });

  it('hides the reply box once the complaint is finished', async () => {
    const { ready } = live(complaint({ stage: 'CLOSED', satisfaction: 5 }));
    await ready();
    expect(wrapper.find('[data-test=reply-form]').exists()).toBe(false);
    expect(wrapper.find('[data-test=expected-by]').exists()).toBe(false);
  });

  it("names the legal deadline's last day on the company's clock, whatever the visitor's", async () => {
    // Due at the start of Tuesday 8 December on the company's clock: the last day is Monday 7 December. In New York
    // that midnight is 05:00 UTC on the 8th, a day later on a visitor's clock in UTC.
    for (const [locale, timeZone, expectedBy, text] of [
      ['en', 'Europe/Moscow', '2026-12-07T21:00:00Z', 'Expected answer by 7 December 2026'],
      ['ru', 'Europe/Moscow', '2026-12-07T21:00:00Z', 'Ответ ожидается не позднее 7 декабря 2026 г.'],
      ['en', 'America/New_York', '2026-12-08T05:00:00Z', 'Expected answer by 7 December 2026'],
    ] as const) {
      const found = complaint({ stage: 'ANALYSIS', expectedBy });
      const i18n = createPortalI18n(locale);
      i18n.timeZone.value = timeZone;
      const api = fakeApi({ status: vi.fn(async () => found), watch: vi.fn((_key, _onChange, onReady) => (onReady(), () => undefined)) });
      ({ wrapper } = mountWith(TrackPage, {
        api,
        i18n,
        props: { tenant: portalTenant({ timeZone }), number: found.number, token: 'tok' },
      }));
      await flushPromises();
      expect(wrapper.find('[data-test=expected-by]').text()).toBe(text);
      wrapper.unmount();
    }
  });
});
