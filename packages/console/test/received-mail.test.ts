import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import type { InboundMailsQuery } from '@reclaim/client/staff';
import ReceivedMailSection from '../src/pages/admin/ReceivedMailSection.vue';
import { mountPage } from './fixtures.js';

type Received = InboundMailsQuery['inboundMails'][number];
const mail = (m: Partial<Received>): Received => ({
  id: 'm1',
  messageId: '<a@b>',
  fromAddress: 'olga@kettle-owner.test',
  subject: 'Broken kettle',
  outcome: 'NEW_COMPLAINT',
  threadedBy: null,
  complaintNumber: 'ACME-2026-000042',
  afterClosing: false,
  spf: 'pass',
  dkim: 'pass',
  dmarc: 'pass',
  dmarcPolicy: 'reject',
  receivedAt: '2026-12-02T09:00:00Z',
  ...m,
});

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

async function render(mails: Received[], locale: 'ru' | 'en') {
  wrapper = await mountPage(ReceivedMailSection, { InboundMails: { inboundMails: mails } }, locale);
  return wrapper.findAll('tbody tr').map((r) => r.findAll('td').map((c) => c.text()));
}

describe('the received mail', () => {
  it("says what became of each mail, how it found its complaint and what SPF, DKIM and DMARC said, in the reader's language", async () => {
    const rows = await render(
      [
        mail({ id: 'm1', outcome: 'THREADED', threadedBy: 'REFERENCES', afterClosing: true }),
        mail({ id: 'm2', outcome: 'NEW_COMPLAINT', spf: 'fail', dkim: 'fail', dmarc: 'fail', complaintNumber: 'ACME-2026-000043' }),
        mail({ id: 'm3', outcome: 'AUTOMATIC', complaintNumber: null, spf: null, dkim: null, dmarc: null, dmarcPolicy: null }),
        mail({ id: 'm4', outcome: 'TOO_LARGE', complaintNumber: null, spf: null, dkim: null, dmarc: null, dmarcPolicy: null }),
      ],
      'ru',
    );
    expect(rows[0]).toEqual([
      expect.stringContaining('2026'),
      'olga@kettle-owner.test',
      'Broken kettle',
      'Добавлено к обращению (как ответ на наше письмо) · после закрытия',
      'ACME-2026-000042',
      'SPF pass · DKIM pass · DMARC pass (reject)',
    ]);
    expect(rows[1]![3]).toBe('Новое обращение');
    expect(rows[1]![5]).toBe('SPF fail · DKIM fail · DMARC fail (reject)');
    expect(wrapper!.findAll('tbody tr')[1]!.find('.warn').exists()).toBe(true);
    expect(rows[2]!.slice(3)).toEqual(['Автоматическое, пропущено', '—', 'не проверялось']);
    expect(rows[3]!.slice(3)).toEqual(['Слишком большое, оставлено непрочитанным в ящике', '—', 'не проверялось']);
    expect(wrapper!.get('a[href="/complaints/ACME-2026-000043"]').text()).toBe('ACME-2026-000043');
  });

  it('reads in English too', async () => {
    const rows = await render(
      [mail({ outcome: 'THREADED', threadedBy: 'REPLY_ADDRESS' }), mail({ id: 'm2', outcome: 'TOO_LARGE', complaintNumber: null })],
      'en',
    );
    expect(rows[0]![3]).toBe('Added to the complaint (by the reply address)');
    expect(rows[1]![3]).toBe('Too large, left unread in the mailbox');
    expect(wrapper!.get('h2').text()).toBe('Received mail');
  });
});
