import { describe, expect, it } from 'vitest';
import { replyAddress, verifyReplyAddress } from '../reply-tag.js';

const SECRET = 'a-server-secret-of-at-least-32-characters';

describe('reply addresses', () => {
  it('are readable and verify, whatever the case a mail system gave them', () => {
    const address = replyAddress(SECRET, 'acme', 'ACME-2026-000042', 'mail.example.com');
    expect(address).toMatch(/^acme\+ACME-2026-000042\.[a-z2-7]{10}@mail\.example\.com$/);
    expect(verifyReplyAddress(SECRET, address, 'mail.example.com')).toEqual({ slug: 'acme', number: 'ACME-2026-000042' });
    expect(verifyReplyAddress(SECRET, address.toLowerCase(), 'MAIL.example.com')).toEqual({ slug: 'acme', number: 'ACME-2026-000042' });
  });

  it("refuse another complaint's number, another company, another secret, another domain and forged tags", () => {
    const address = replyAddress(SECRET, 'acme', 'ACME-2026-000042', 'mail.example.com');
    const tag = address.split('.')[1]!.split('@')[0]!;
    expect(verifyReplyAddress(SECRET, `acme+ACME-2026-000043.${tag}@mail.example.com`, 'mail.example.com')).toBeNull();
    expect(verifyReplyAddress(SECRET, `beta+ACME-2026-000042.${tag}@mail.example.com`, 'mail.example.com')).toBeNull();
    expect(verifyReplyAddress(`${SECRET}!`, address, 'mail.example.com')).toBeNull();
    expect(verifyReplyAddress(SECRET, address.replace('mail.example.com', 'evil.example'), 'mail.example.com')).toBeNull();
    expect(verifyReplyAddress(SECRET, 'acme+ACME-2026-000042.aaaaaaaaaa@mail.example.com', 'mail.example.com')).toBeNull();
    expect(verifyReplyAddress(SECRET, 'acme@mail.example.com', 'mail.example.com')).toBeNull();
    expect(verifyReplyAddress(SECRET, 'not an address', 'mail.example.com')).toBeNull();
  });
});
