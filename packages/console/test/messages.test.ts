import { describe, expect, it } from 'vitest';
import ComplaintMessages from '../src/pages/complaint/ComplaintMessages.vue';
import type { ComplaintDetailFragment } from '@reclaim/client/staff';
import { complaint, mountPage } from './fixtures.js';

type Message = ComplaintDetailFragment['messages'][number];
const message = (over: Partial<Message>): Message => ({
  id: String(Math.random()),
  body: 'text',
  visibility: 'PUBLIC',
  asksCustomer: false,
  authorKind: 'STAFF',
  author: { id: 'u1', name: 'Sam' },
  integrationName: null,
  createdAt: '2026-11-20T11:00:00Z',
  ...over,
});

describe('messages say what they are (issue 14, item 14)', () => {
  it('the customer\'s own message is not a "reply to the customer", and a question that pauses the SLA is marked as one', async () => {
    const c = complaint({
      messages: [
        message({ id: 'q', body: 'Could you send a photo?', asksCustomer: true }),
        message({ id: 'a', body: 'Here it is', authorKind: 'CUSTOMER', author: null }),
        message({ id: 'r', body: 'Thank you' }),
      ],
    });
    const w = await mountPage(ComplaintMessages, {}, 'ru', {
      props: { complaint: c, canWrite: false },
      session: { state: { token: 't' } },
    });
    const kinds = w.findAll('[data-test=message-kind]').map((k) => k.text());
    expect(kinds).toEqual(['Вопрос клиенту — сроки ждут ответа', 'Сообщение клиента', 'Ответ клиенту']);
    w.unmount();
  });
});
