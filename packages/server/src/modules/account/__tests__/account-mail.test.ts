import { describe, expect, it } from 'vitest';
import { MailKind } from '../../mail/mail.outbox.js';
import { accountMail } from '../account-mail.js';

const values = {
  name: 'Irina',
  company: 'Acme',
  inviter: 'Anna Admin',
  link: 'https://reclaim.example.com/invitation/acme#token',
  expiresAt: new Date('2026-12-09T21:30:00Z'),
  timeZone: 'Europe/Moscow',
};

describe('account mails', () => {
  it("are written in the company's language, with the link and its expiry in the company's time zone", () => {
    const ru = accountMail(MailKind.INVITATION, 'ru', values);
    expect(ru.subject).toBe('Приглашение в Acme');
    expect(ru.text).toContain('Anna Admin приглашает вас');
    expect(ru.text).toContain(values.link);
    // 21:30 UTC is 00:30 the next day in Moscow.
    expect(ru.text).toMatch(/до 10 декабря 2026 г\.,? (в )?00:30/);
    const en = accountMail(MailKind.PASSWORD_RESET, 'en', { ...values, timeZone: 'Europe/London' });
    expect(en.subject).toBe('A new password for Acme');
    expect(en.text).toMatch(/until 9 December 2026( at|,) 21:30/);
    expect(accountMail(MailKind.ADDRESS_CONFIRMATION, 'de', values).subject).toBe('Подтвердите адрес для Acme');
  });

  it('ask to confirm the address saying when the company is deleted if it stays unconfirmed; a reminder says it is one', () => {
    const deletesAt = new Date('2027-01-05T21:30:00Z');
    const ru = accountMail(MailKind.ADDRESS_CONFIRMATION, 'ru', { ...values, deletesAt, reminder: true });
    expect(ru.subject).toBe('Напоминание: подтвердите адрес для Acme');
    expect(ru.text).toMatch(
      /Если адрес не будет подтверждён до 6 января 2027 г\.,? (в )?00:30, компания будет удалена вместе со всеми данными\./,
    );
    const en = accountMail(MailKind.ADDRESS_CONFIRMATION, 'en', { ...values, timeZone: 'Europe/London', deletesAt });
    expect(en.subject).toBe('Confirm your address for Acme');
    expect(en.text).toMatch(
      /If the address is not confirmed by 5 January 2027( at|,) 21:30, the company will be deleted with everything in it\./,
    );
    // Where the service keeps unconfirmed companies, no word of a deletion.
    expect(accountMail(MailKind.ADDRESS_CONFIRMATION, 'en', values).text).not.toMatch(/deleted/);
  });
});
