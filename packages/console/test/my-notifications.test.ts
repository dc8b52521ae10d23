import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { StaffNotificationSettingFragment } from '@reclaim/client/staff';
import MyNotificationsPage from '../src/pages/me/MyNotificationsPage.vue';
import { mountPage } from './fixtures.js';

const SETTINGS: StaffNotificationSettingFragment[] = [
  { event: 'STAFF_ASSIGNED', enabled: true, defaultEnabled: true, custom: false },
  { event: 'STAFF_SLA', enabled: false, defaultEnabled: true, custom: true },
  { event: 'STAFF_NEW_IN_INBOX', enabled: false, defaultEnabled: false, custom: false },
];

async function render(locale: 'ru' | 'en') {
  const mutate = vi.fn(async ({ variables }: { variables: { input: { settings: Array<{ event: string; enabled: boolean }> } } }) => ({
    data: { setMyNotificationSettings: SETTINGS.map((s) => ({ ...s, ...variables.input.settings.find((x) => x.event === s.event) })) },
  }));
  const session = { state: { token: 't', user: { id: 'u', email: 'anna@acme.test', name: 'Anna' } } };
  const w = await mountPage(MyNotificationsPage, { MyNotificationSettings: { myNotificationSettings: SETTINGS } }, locale, {
    mutate,
    session,
    attach: true,
  });
  return { w, mutate };
}

describe("the user's own mail notifications", () => {
  it("show a named switch per staff event, as set, with the roles' default", async () => {
    const { w } = await render('ru');
    await flushPromises();
    expect(w.get('h1').text()).toBe('Уведомления по почте');
    expect(w.text()).toContain('anna@acme.test');
    const switches = w.findAll('[role=switch]');
    expect(switches.map((s) => s.attributes('aria-checked'))).toEqual(['true', 'false', 'false']);
    const names = switches.map((s) => document.getElementById(s.attributes('aria-labelledby')!)!.textContent!.trim());
    expect(names).toEqual(['Мне назначено обращение', 'Срок под угрозой или нарушен', 'Новые обращения во входящих']);
    expect(document.getElementById(switches[1]!.attributes('aria-describedby')!)!.textContent).toContain('по умолчанию включено');
    w.unmount();
  });

  it('saves a switch as it is turned, that event alone', async () => {
    const { w, mutate } = await render('en');
    await flushPromises();
    await w.get('[data-switch=STAFF_NEW_IN_INBOX]').trigger('click');
    await flushPromises();
    expect(mutate).toHaveBeenCalledTimes(1);
    expect(mutate.mock.calls[0]![0].variables).toEqual({ input: { settings: [{ event: 'STAFF_NEW_IN_INBOX', enabled: true }] } });
    w.unmount();
  });
});
