import { createHmac, timingSafeEqual } from 'node:crypto';

/** A domain as MAIL_DOMAIN allows it (the mail worker inlines it in its claim statement). */
export const MAIL_DOMAIN_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Characters of the tag's HMAC: 10 of base32 (50 bits), lower case because mail systems may fold the local part's case. */
const TAG_LENGTH = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= length) break;
  }
  return out;
}

function mac(secret: string, slug: string, number: string): string {
  return base32(createHmac('sha256', secret).update(`reply-tag:${slug.toLowerCase()}+${number.toUpperCase()}`).digest(), TAG_LENGTH);
}

/**
 * The reply address of one complaint, `<slug>+<NUMBER>.<short HMAC>@<domain>`:
 * readable (the company and the number), not guessable (without the server's
 * secret nobody can write the tag of another complaint, so a mail to it is
 * the complaint's own correspondence).
 */
export function replyAddress(secret: string, slug: string, number: string, domain: string): string {
  return `${slug.toLowerCase()}+${number.toUpperCase()}.${mac(secret, slug, number)}@${domain}`;
}

/** The company and complaint of a reply address whose tag verifies (case-insensitively); null for anything else. */
export function verifyReplyAddress(secret: string, address: string, domain: string): { slug: string; number: string } | null {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return null;
  const m = /^([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\+([a-z0-9-]+-\d{4}-\d{6,})\.([a-z2-7]+)$/.exec(address.slice(0, at).toLowerCase());
  if (!m) return null;
  const [, slug, number, tag] = m as unknown as [string, string, string, string];
  const expected = Buffer.from(mac(secret, slug, number));
  const given = Buffer.from(tag);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { slug, number: number.toUpperCase() } : null;
}
