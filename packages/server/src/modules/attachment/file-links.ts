import { createHmac, timingSafeEqual } from 'node:crypto';
import { UUID_PATTERN } from '../../ids.js';

const HOUR_MS = 3600_000;

/**
 * Signed, expiring download links: `/files/<id>?t=<tenant>&e=<expiry>&s=<mac>`.
 * A link is the permission, so that an `<img src>` works for staff and
 * customers alike without a header; it is handed out only inside an answer
 * that already proved who is asking (a staff token, a tracking token), and
 * it dies within two hours. Expiries are rounded up to the next full hour,
 * so that refetching a complaint gives the same URLs and the browser's
 * cache keeps working.
 */
export class FileLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', secret).update('reclaim file links').digest();
  }

  url(tenantId: string, attachmentId: string): string {
    const expires = ((Math.ceil(this.now() / HOUR_MS) + 1) * HOUR_MS) / 1000;
    return `/files/${attachmentId}?t=${tenantId}&e=${expires}&s=${this.mac(tenantId, attachmentId, expires)}`;
  }

  /** The tenant and attachment a link opens, or null for a forged, altered or expired one. */
  verify(attachmentId: string, params: URLSearchParams): { tenantId: string; attachmentId: string } | null {
    const tenantId = params.get('t') ?? '';
    const expires = Number(params.get('e'));
    const given = Buffer.from(params.get('s') ?? '', 'base64url');
    if (!UUID_PATTERN.test(tenantId) || !UUID_PATTERN.test(attachmentId) || !Number.isInteger(expires)) return null;
    if (expires * 1000 < this.now()) return null;
    const expected = Buffer.from(this.mac(tenantId, attachmentId, expires), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { tenantId, attachmentId };
  }

  private mac(tenantId: string, attachmentId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${tenantId}.${attachmentId.toLowerCase()}.${expires}`).digest('base64url');
  }
}
