import { createHmac, timingSafeEqual } from 'node:crypto';
import { trackingPath } from '../complaint/tracking.js';

const PREFIX = 'm1.';

/**
 * Tracking links for mail (only the complaint token's hash is stored, and
 * no mail text kept in the outbox should hold a live token): a token
 * `m1.<HMAC>` signed with a server key over the company, the number and the
 * hash of the complaint's current token. It opens the complaint on the
 * portal as the token does, and stops working with it: `issueTrackingLink`
 * replaces the hash, and every signed link with it.
 */
export class MailLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    readonly publicUrl: string,
  ) {
    this.key = createHmac('sha256', secret).update('reclaim tracking links in mail').digest();
  }

  private mac(tenantId: string, number: string, accessTokenHash: Buffer): Buffer {
    return createHmac('sha256', this.key)
      .update(`${tenantId}|${number.toUpperCase()}|${accessTokenHash.toString('hex')}`)
      .digest();
  }

  token(tenantId: string, number: string, accessTokenHash: Buffer): string {
    return PREFIX + this.mac(tenantId, number, accessTokenHash).toString('base64url');
  }

  static isSigned(token: string): boolean {
    return token.startsWith(PREFIX);
  }

  verify(tenantId: string, number: string, token: string, accessTokenHash: Buffer | null): boolean {
    if (!accessTokenHash || !MailLinks.isSigned(token)) return false;
    const given = Buffer.from(token.slice(PREFIX.length), 'base64url');
    const expected = this.mac(tenantId, number, accessTokenHash);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The portal's page of the complaint, absolute (PUBLIC_URL), the token in the fragment. */
  url(slug: string, number: string, token: string): string {
    return new URL(trackingPath(slug, number, token), this.publicUrl).toString();
  }
}
