import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { flushPromises } from '@vue/test-utils';
import type { MyNotificationsSubscription } from '@reclaim/client/staff';
import NotificationBell from '../src/layout/NotificationBell.vue';
import { FakeClient, mountPage } from './fixtures.js';
import { announceArrivalOnce } from '../src/components/arrivals.js';

type Item = MyNotificationsSubscription['myNotifications'];

/** The bell over a client whose live feed the test fires, in Yekaterinburg (UTC+5). */
async function mountBell(locale: 'ru' | 'en' = 'en') {
  const client = new FakeClient({});
  const session = { state: { token: 'token', tenant: { timeZone: 'Asia/Yekaterinburg' } } };
  const w = await mountPage(NotificationBell, client, locale, { session, attach: true });
  const fire = async (n: Item) => {
    client.push({ data: { myNotifications: n } });
    await flushPromises();
  };
  return { w, router: w.vm.$router, fire, opened: client.subscribed };
}

const note = (over: Partial<Item>): Item =>
  ({
    id: '1',
    kind: 'ASSIGNED_TO_ME',
    at: '2026-12-01T19:30:00Z',
    actor: { id: 'u-head', name: 'Hanna Head' },
    complaint: { id: 'c-1', number: 'ACME-2026-000042', subject: 'Kettle leaks' },
    ...over,
  }) as Item;

const bell = () => document.querySelector<HTMLButtonElement>('[data-test="notifications"]')!;

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the notification bell', { timeout: 20_000 }, () => {
  it("counts what arrives on the user's feed, toasts each once, and lists them with links to the complaints", async () => {
    const { w, fire, opened, router } = await mountBell();
    expect(opened).toEqual(['MyNotifications']);
    expect(bell().getAttribute('aria-label')).toBe('Notifications, 0 unread');
    expect(bell().getAttribute('aria-expanded')).toBe('false');

    await fire(note({}));
    await fire(note({ id: '2', kind: 'MENTIONED', complaint: { id: 'c-2', number: 'ACME-2026-000043', subject: 'Lid cracked' } }));
    await fire(note({})); // the same event again is neither counted nor toasted twice
    expect(bell().getAttribute('aria-label')).toBe('Notifications, 2 unread');
    const toasts = [...document.querySelectorAll('.n-notification')].map((n) => n.textContent);
    expect(toasts).toHaveLength(2);
    expect(toasts[0]).toContain('ACME-2026-000042 is assigned to you');
    expect(toasts[0]).toContain('by Hanna Head');

    bell().click();
    await nextTick();
    expect(bell().getAttribute('aria-expanded')).toBe('true');
    expect(bell().getAttribute('aria-label')).toBe('Notifications, 0 unread');
    const panel = document.getElementById(bell().getAttribute('aria-controls')!)!;
    const links = [...panel.querySelectorAll('a')];
    expect(links.map((a) => a.textContent)).toEqual(['You were mentioned on ACME-2026-000043', 'ACME-2026-000042 is assigned to you']);
    expect(links[1]!.getAttribute('href')).toBe('/complaints/ACME-2026-000042');
    // In the company's time zone (UTC+5) and the reader's locale.
    expect(panel.textContent).toContain('2 Dec 2026, 00:30');

    links[1]!.click();
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/complaints/ACME-2026-000042');
    expect(document.querySelector('[data-test="notifications-panel"]')).toBeNull();
    expect(document.activeElement).toBe(bell());
    w.unmount();
  });

  it('speaks Russian, and closes its list with Escape', async () => {
    const { w, fire } = await mountBell('ru');
    await fire(note({ kind: 'CUSTOMER_REPLIED', actor: null }));
    expect(bell().getAttribute('aria-label')).toBe('Уведомления, непрочитанных: 1');
    expect(document.querySelector('.n-notification')!.textContent).toContain('Клиент ответил по обращению ACME-2026-000042');
    bell().click();
    await nextTick();
    expect(document.querySelector('[data-test="notifications-panel"] a')!.textContent).toBe('Клиент ответил по обращению ACME-2026-000042');
    await w.find('.bell').trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(document.querySelector('[data-test="notifications-panel"]')).toBeNull();
    expect(bell().getAttribute('aria-expanded')).toBe('false');
    w.unmount();
  });

  it('does not pop up a new complaint the board has just announced, but still lists and counts it', async () => {
    const { w, fire } = await mountBell();
    let boardToasts = 0;
    announceArrivalOnce('c-board', () => boardToasts++);
    await fire(
      note({ id: '10', kind: 'NEW_IN_INBOX', actor: null, complaint: { id: 'c-board', number: 'ACME-2026-000050', subject: 'Seen' } }),
    );
    await fire(
      note({ id: '11', kind: 'NEW_IN_INBOX', actor: null, complaint: { id: 'c-new', number: 'ACME-2026-000051', subject: 'Unseen' } }),
    );
    expect(boardToasts).toBe(1);
    expect([...document.querySelectorAll('.n-notification')].map((n) => n.textContent)).toEqual([
      expect.stringContaining('New complaint: ACME-2026-000051'),
    ]);
    expect(bell().getAttribute('aria-label')).toBe('Notifications, 2 unread');
    // …and the board, in turn, does not announce what the bell has.
    announceArrivalOnce('c-new', () => boardToasts++);
    expect(boardToasts).toBe(1);
    w.unmount();
  });

  it('says a complaint moved into the department was moved, not that it is new, in both languages', async () => {
    const moved = {
      kind: 'MOVED_TO_INBOX' as const,
      actor: null,
      complaint: { id: 'c-moved', number: 'ACME-2026-000060', subject: 'Moved' },
    };
    const en = await mountBell();
    await en.fire(note({ id: '20', ...moved }));
    expect(document.querySelector('.n-notification')!.textContent).toContain('Moved to your department: ACME-2026-000060');
    en.w.unmount();
    const ru = await mountBell('ru');
    await ru.fire(note({ id: '21', ...moved, complaint: { ...moved.complaint, id: 'c-moved-2' } }));
    bell().click();
    await nextTick();
    expect(document.querySelector('[data-test="notifications-panel"] a')!.textContent).toBe(
      'Передано в ваше подразделение: ACME-2026-000060',
    );
    ru.w.unmount();
  });
});
