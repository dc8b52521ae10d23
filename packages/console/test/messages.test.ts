import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { NMessageProvider } from 'naive-ui';
import ComplaintMessages from '../src/pages/complaint/ComplaintMessages.vue';
import { ClientKey, SessionKey } from '../src/apollo.js';
import { createConsoleI18n } from '../src/i18n/index.js';
import type { ComplaintDetailFragment } from '@reclaim/client/staff';
import { complaint } from './fixtures.js';

type Message = ComplaintDetailFragment['messages'][number];
const message = (over: Partial<Message>): Message => ({
  id: String(Math.random()), body: 'text', visibility: 'PUBLIC', asksCustomer: false, authorKind: 'STAFF',
  author: { id: 'u1', name: 'Sam' }, integrationName: null, createdAt: '2026-11-20T11:00:00Z', ...over,
});

describe('messages say what they are (issue 14, item 14)', () => {
  it('the customer\'s own message is not a "reply to the customer", and a question that pauses the SLA is marked as one', () => {
    const c = complaint({ messages: [
      message({ id: 'q', body: 'Could you send a photo?', asksCustomer: true }),
      message({ id: 'a', body: 'Here it is', authorKind: 'CUSTOMER', author: null }),
      message({ id: 'r', body: 'Thank you' }),
    ] });
    const Host = defineComponent(() => () => h(NMessageProvider, () => h(ComplaintMessages, { complaint: c, canWrite: false })));
    const w = mount(Host, { global: { plugins: [createConsoleI18n('ru')], provide: {
      [ClientKey as symbol]: { apollo: { watchQuery: () => ({ subscribe: () => ({ unsubscribe() {} }), refetch: async () => undefined }) } },
      [SessionKey as symbol]: { state: { token: 't' } },
    } } });
    const kinds = w.findAll('[data-test=message-kind]').map((k) => k.text());
    expect(kinds).toEqual(['Вопрос клиенту — сроки ждут ответа', 'Сообщение клиента', 'Ответ клиенту']);
    w.unmount();
  });
});
