import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MailLinks } from '../mail-links.js';
import { DEFAULT_NOTIFICATION_TEXTS, NotificationEvent } from '../notification-texts.js';
import { templateProblems } from '../../template/placeholders.js';
import { knownFor, renderNotification } from '../notifications.js';

const links = new MailLinks('a server secret of at least 32 characters', 'https://complaints.example.com');
const hash = createHash('sha256').update('the complaint token').digest();
const TENANT = '0b0e5f5e-3c38-4a4e-9d55-3f0f8f9b1c01';

describe('tracking links in mail', () => {
  it('verify for the company, number and current token they were signed for, and for nothing else', () => {
    const token = links.token(TENANT, 'ACME-2026-000042', hash);
    expect(MailLinks.isSigned(token)).toBe(true);
    expect(links.verify(TENANT, 'ACME-2026-000042', token, hash)).toBe(true);
    expect(links.verify(TENANT, 'ACME-2026-000043', token, hash)).toBe(false);
    expect(links.verify('1b0e5f5e-3c38-4a4e-9d55-3f0f8f9b1c01', 'ACME-2026-000042', token, hash)).toBe(false);
    // A new tracking link (a new hash) ends every signed link of the complaint; a complaint without a token has none.
    expect(links.verify(TENANT, 'ACME-2026-000042', token, createHash('sha256').update('a new token').digest())).toBe(false);
    expect(links.verify(TENANT, 'ACME-2026-000042', token, null)).toBe(false);
    expect(
      new MailLinks('another secret of at least 32 characters!', 'https://x.example').verify(TENANT, 'ACME-2026-000042', token, hash),
    ).toBe(false);
  });

  it('are absolute, with the token in the fragment', () => {
    expect(links.url('acme', 'ACME-2026-000042', 'm1.abc')).toBe('https://complaints.example.com/p/acme/track/ACME-2026-000042#m1.abc');
  });
});

describe('the built-in notification texts', () => {
  it("use only the placeholders their audience knows (the customer's or the staff's), in both languages", () => {
    for (const event of Object.values(NotificationEvent)) {
      for (const locale of ['ru', 'en'] as const) {
        const text = DEFAULT_NOTIFICATION_TEXTS[event][locale];
        const known = knownFor(event);
        expect([...templateProblems(text.subject, known), ...templateProblems(text.body, known)], `${event} ${locale}`).toEqual([]);
      }
    }
  });

  it('render with one-line subjects', () => {
    const out = renderNotification({ subject: 'About {{subject}}', body: '{{message}}' }, { subject: 'two\nlines', message: 'Hi' });
    expect(out).toEqual({ subject: 'About two lines', body: 'Hi' });
  });
});
