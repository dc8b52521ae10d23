import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import type { OutboundMailsQuery } from '@reclaim/client/staff';
import MailPage from '../src/pages/admin/MailPage.vue';
import { mountPage } from './fixtures.js';

type Mail = OutboundMailsQuery['outboundMails']['mails'][number];
const mail = (m: Partial<Mail>): Mail => ({
  id: 'm1',
  kind: 'PUBLIC_REPLY',
  toAddress: 'olga@kettle-owner.test',
  subject: '[ACME-2026-000042] Re: Broken kettle',
  bodyText: 'Dear Olga,',
  messageId: '<m1@mail.test>',
  status: 'FAILED',
  attempts: 1,
  transport: 'SMTP',
  lastErrorCode: null,
  lastErrorDetail: null,
  sentAt: null,
  createdAt: '2026-12-02T09:00:00Z',
  complaintNumber: 'ACME-2026-000042',
  ...m,
});

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

/** The page with its sent mail; the mailbox and received-mail sections get nothing. */
async function render(mails: Mail[], locale: 'ru' | 'en', mailDays: number | null = 180) {
  wrapper = await mountPage(
    MailPage,
    {
      OutboundMails: { outboundMails: { transport: 'SMTP', mails } },
      Mailbox: { mailbox: null },
      InboundMails: { inboundMails: [] },
      LogRetention: { logRetention: { mailDays, webhookDays: 30 } },
    },
    locale,
  );
  for (const button of wrapper.findAll('.mail-log .n-data-table-expand-trigger')) await button.trigger('click');
  await flushPromises();
  return wrapper.findAll('.mail-log .mail dl').map((dl) => dl.text());
}

describe('the sent mail log', () => {
  it("says why a mail failed in the reader's language, with the server's words beside it marked as English", async () => {
    const details = await render(
      [
        mail({ id: 'm1', lastErrorCode: 'BOUNCED', lastErrorDetail: 'smtp; 550 5.1.1 User unknown' }),
        mail({
          id: 'm2',
          status: 'SENT',
          attempts: 3,
          sentAt: '2026-12-02T09:05:00Z',
          lastErrorCode: 'DEFERRED',
          lastErrorDetail: '451 4.7.1 Try again later',
        }),
        mail({ id: 'm3', status: 'SENT', sentAt: '2026-12-02T09:05:00Z' }),
      ],
      'ru',
    );
    expect(details).toHaveLength(3);
    expect(details[0]).toContain('Последняя ошибкавернулось как недоставленное');
    expect(details[0]).toContain('Техническая подробностьsmtp; 550 5.1.1 User unknown');
    expect(details[1]).toContain('почтовый сервер получателя попросил повторить позже');
    expect(details[2]).not.toContain('Последняя ошибка');
    expect(wrapper!.findAll('.mail-log .mail code').map((c) => c.attributes('lang'))).toEqual(['en', 'en']);
  });

  it('reads in English too', async () => {
    const [details] = await render([mail({ lastErrorCode: 'CONNECTION', lastErrorDetail: 'connect ECONNREFUSED 127.0.0.1:25' })], 'en');
    expect(details).toContain('Last errorno connection to the mail server');
    expect(details).toContain('Technical detailconnect ECONNREFUSED 127.0.0.1:25');
  });
});

describe("the mail log's retention", () => {
  it.each([
    ['ru', 180, 'Письма со статусом «Отправлено» или «Не доставлено» и записи о полученной почте удаляются через 180 дн. после создания.'],
    ['en', 180, 'Mail marked “Sent” or “Failed”, and the record of mail received, is deleted 180 days after it was written.'],
    ['ru', null, 'Письма со статусом «Отправлено» или «Не доставлено» и записи о полученной почте хранятся бессрочно.'],
    ['en', null, 'Mail marked “Sent” or “Failed”, and the record of mail received, is kept for good.'],
  ] as const)('is said above the log (%s, %s days)', async (locale, days, text) => {
    await render([], locale, days);
    expect(wrapper!.get('[data-test=retention]').text()).toBe(text);
  });
});
