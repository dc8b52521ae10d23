import { describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import { NMessageProvider } from 'naive-ui';
import { ClearMailAfterClosingDocument, type StaffAction } from '@reclaim/client/staff';
import MailAfterClosingNotice from '../src/pages/complaint/MailAfterClosingNotice.vue';
import { ClientKey, SessionKey } from '../src/apollo.js';
import { createConsoleI18n } from '../src/i18n/index.js';
import { complaint } from './fixtures.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
};

function mountNotice(at: string | null, actions: StaffAction[], locale: 'ru' | 'en') {
  const mutate = vi.fn(async () => ({ data: { clearMailAfterClosing: complaint({ mailAfterClosingAt: null }) } }));
  const session = { state: { token: 't', tenant: { timeZone: 'Europe/Moscow' } }, may: (a: StaffAction) => actions.includes(a) };
  const Host = defineComponent(
    () => () => h(NMessageProvider, () => h(MailAfterClosingNotice, { complaint: complaint({ mailAfterClosingAt: at }) })),
  );
  const wrapper = mount(Host, {
    global: {
      plugins: [createConsoleI18n(locale)],
      provide: { [ClientKey as symbol]: { apollo: { mutate } }, [SessionKey as symbol]: session },
    },
    attachTo: document.body,
  });
  return { wrapper, mutate };
}

describe('a mail after closing on the complaint page', () => {
  it("says when the customer wrote, in the company's time zone, and a quality manager marks it looked at", async () => {
    const { wrapper, mutate } = mountNotice('2026-11-20T09:30:00Z', ['HANDLE_ESCALATIONS'], 'ru');
    const notice = wrapper.get('[data-test=mail-after-closing]');
    expect(notice.text()).toContain('Клиент написал после закрытия');
    expect(notice.text()).toContain('12:30');
    await wrapper.get('[data-test=clear-mail-after-closing]').trigger('click');
    await flush();
    expect(mutate).toHaveBeenCalledWith({ mutation: ClearMailAfterClosingDocument, variables: { id: complaint().id } });
    wrapper.unmount();
  });

  it('offers no button to those who may not clear it, and shows nothing on an unmarked complaint', () => {
    const marked = mountNotice('2026-11-20T09:30:00Z', [], 'en');
    expect(marked.wrapper.get('[data-test=mail-after-closing]').text()).toContain('The customer wrote after closing');
    expect(marked.wrapper.find('[data-test=clear-mail-after-closing]').exists()).toBe(false);
    marked.wrapper.unmount();
    const plain = mountNotice(null, ['HANDLE_ESCALATIONS'], 'en');
    expect(plain.wrapper.find('[data-test=mail-after-closing]').exists()).toBe(false);
    plain.wrapper.unmount();
  });
});
