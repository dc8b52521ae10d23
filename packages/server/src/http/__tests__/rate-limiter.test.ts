import { describe, expect, it } from 'vitest';
import { PortalLimits, RateLimiter } from '../rate-limiter.js';
import { clientAddress } from '../http-util.js';

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then refills at perMinute/60 per second', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('b')).toBe(true);
    now += 1000;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('tells whether a key has a request left without spending it', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    expect(limiter.allows('a')).toBe(true);
    expect(limiter.allows('a')).toBe(true);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.allows('a')).toBe(false);
    now += 30_000;
    expect(limiter.allows('a')).toBe(true);
    expect(new RateLimiter(0).allows('a')).toBe(true);
  });

  it('is off at 0', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('a')).toBe(true);
  });

  it('refills over its window: 3 an hour is one every 20 minutes', () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now, 3600_000);
    for (let i = 0; i < 3; i++) expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    now += 19 * 60_000;
    expect(limiter.take('a')).toBe(false);
    now += 60_000;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });
});

describe('PortalLimits', () => {
  it('stops one address, and a company flooded from many addresses', () => {
    let now = 0;
    const limits = new PortalLimits({ submissionsPerHour: 2, submissionsPerHourPerTenant: 3, uploadsPerHour: 1 }, () => now);
    expect(limits.submission('1.1.1.1', 't1')).toBe(true);
    expect(limits.submission('1.1.1.1', 't1')).toBe(true);
    expect(limits.submission('1.1.1.1', 't1')).toBe(false);
    expect(limits.submission('2.2.2.2', 't1')).toBe(true);
    expect(limits.submission('3.3.3.3', 't1')).toBe(false);
    expect(limits.submission('3.3.3.3', 't2')).toBe(true);
    expect(limits.upload('1.1.1.1', 't1')).toBe(true);
    expect(limits.upload('1.1.1.1', 't1')).toBe(false);
    now += 3600_000;
    expect(limits.submission('1.1.1.1', 't1')).toBe(true);
  });
});


describe('clientAddress', () => {
  const req = (peer: string, forwarded?: string) =>
    ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as never;

  it.each([
    ['no proxies: the peer, whatever the header says', req('10.0.0.5', '1.2.3.4'), 0, '10.0.0.5'],
    ['one load balancer: the address it saw', req('10.0.0.5', '203.0.113.7'), 1, '203.0.113.7'],
    ['one load balancer, a header forged by the client: still the address the balancer saw', req('10.0.0.5', '6.6.6.6, 203.0.113.7'), 1, '203.0.113.7'],
    ['two proxies', req('10.0.0.5', '6.6.6.6, 203.0.113.7, 10.0.0.9'), 2, '203.0.113.7'],
    ['trusted proxies but no header (a direct request): the peer', req('10.0.0.5'), 1, '10.0.0.5'],
    ['more proxies trusted than hops: the leftmost there is', req('10.0.0.5', '203.0.113.7'), 3, '203.0.113.7'],
  ])('%s', (_label, request, proxies, address) => {
    expect(clientAddress(request, proxies)).toBe(address);
  });
});
