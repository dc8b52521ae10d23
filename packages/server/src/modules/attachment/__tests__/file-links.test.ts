import { describe, expect, it } from 'vitest';
import { FileLinks } from '../file-links.js';

const tenant = '11111111-1111-4111-8111-111111111111';
const other = '22222222-2222-4222-8222-222222222222';
const file = '33333333-3333-4333-8333-333333333333';

function parse(url: string) {
  const u = new URL(url, 'http://x');
  return { id: u.pathname.split('/').pop()!, params: u.searchParams };
}

describe('FileLinks', () => {
  it('opens what it signed, for one to two hours, with the same URL within the hour', () => {
    let now = Date.UTC(2026, 11, 1, 10, 15);
    const links = new FileLinks('secret', () => now);
    const url = links.url(tenant, file);
    const { id, params } = parse(url);
    expect(links.verify(id, params)).toEqual({ tenantId: tenant, attachmentId: file });
    now += 30 * 60_000;
    expect(links.url(tenant, file)).toBe(url);
    now = Date.UTC(2026, 11, 1, 12, 0);
    expect(links.verify(id, params)).not.toBeNull();
    now += 1000;
    expect(links.verify(id, params)).toBeNull();
  });

  it('refuses another file, another tenant, another expiry, another secret, garbage', () => {
    const links = new FileLinks('secret');
    const { id, params } = parse(links.url(tenant, file));
    expect(links.verify('44444444-4444-4444-8444-444444444444', params)).toBeNull();
    const swapped = new URLSearchParams(params);
    swapped.set('t', other);
    expect(links.verify(id, swapped)).toBeNull();
    const later = new URLSearchParams(params);
    later.set('e', String(Number(params.get('e')) + 3600));
    expect(links.verify(id, later)).toBeNull();
    expect(new FileLinks('another secret').verify(id, params)).toBeNull();
    expect(links.verify(id, new URLSearchParams('t=x&e=y&s=z'))).toBeNull();
    expect(links.verify('../../etc', params)).toBeNull();
  });
});
