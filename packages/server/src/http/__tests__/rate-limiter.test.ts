import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PortalLimits, RateLimitStore, type RateLimiter } from '../rate-limiter.js';
import { clientAddress } from '../http-util.js';

/** True when `key` may make one more request now (the limiters throw RATE_LIMITED otherwise). */
async function allowed(limiter: RateLimiter, key: string): Promise<boolean> {
  return limiter.take(key).then(
    () => true,
    (err) => {
      expect(err.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      return false;
    },
  );
}

// The memory store, on a clock the tests move (the Redis store is exercised in test/sign-in.test.ts).
const store = new RateLimitStore();
beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('RateLimiter', () => {
  it('allows perMinute in a minute per key, then refuses until the minute is over', async () => {
    const limiter = store.limiter('test', 60, 60);
    for (let i = 0; i < 60; i++) expect(await allowed(limiter, 'a')).toBe(true);
    expect(await allowed(limiter, 'a')).toBe(false);
    expect(await allowed(limiter, 'b')).toBe(true);
    vi.advanceTimersByTime(59_000);
    expect(await allowed(limiter, 'a')).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(await allowed(limiter, 'a')).toBe(true);
  });

  it('tells whether a key has a request left without spending it', async () => {
    const limiter = store.limiter('peek', 2, 60);
    expect((await limiter.peek('a')).allowed).toBe(true);
    expect((await limiter.peek('a')).allowed).toBe(true);
    await limiter.take('a');
    await limiter.take('a');
    expect((await limiter.peek('a')).allowed).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect((await limiter.peek('a')).allowed).toBe(true);
  });

  it('is off at 0', async () => {
    const limiter = store.limiter('test', 0, 60);
    for (let i = 0; i < 1000; i++) expect(await allowed(limiter, 'a')).toBe(true);
  });

  it('counts over its window, and tells how long to wait: 3 an hour', async () => {
    const limiter = store.limiter('test', 3, 3600);
    for (let i = 0; i < 3; i++) expect(await allowed(limiter, 'a')).toBe(true);
    vi.advanceTimersByTime(20 * 60_000);
    await expect(limiter.take('a')).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 40 * 60 } });
    vi.advanceTimersByTime(40 * 60_000);
    expect(await allowed(limiter, 'a')).toBe(true);
  });

  it('gives back what was refunded, and forgets a reset key', async () => {
    const limiter = store.limiter('test', 2, 60);
    await limiter.take('a');
    await limiter.take('a');
    await limiter.refund('a');
    expect(await allowed(limiter, 'a')).toBe(true);
    expect((await limiter.peek('a')).allowed).toBe(false);
    await limiter.reset('a');
    expect(await limiter.peek('a')).toMatchObject({ allowed: true, consumed: 0 });
  });
});

describe('RateLimitStore with Redis', () => {
  it('still limits, per node and without waiting, while Redis cannot be reached', async () => {
    vi.useRealTimers();
    const unreachable = new RateLimitStore({ redisUrl: 'redis://127.0.0.1:1', prefix: `test-${Math.random()}` });
    try {
      const limiter = unreachable.limiter('test', 2, 60);
      const started = Date.now();
      expect([await allowed(limiter, 'a'), await allowed(limiter, 'a'), await allowed(limiter, 'a')]).toEqual([true, true, false]);
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      await unreachable.close();
    }
  });
});

describe('PortalLimits', () => {
  it('stops one address, and a company flooded from many addresses', async () => {
    const limits = new PortalLimits(store, { submissionsPerHour: 2, submissionsPerHourPerTenant: 3, uploadsPerHour: 1 });
    const submission = (address: string, tenant: string) =>
      limits.submission(address, tenant).then(
        () => true,
        () => false,
      );
    expect(await submission('1.1.1.1', 't1')).toBe(true);
    expect(await submission('1.1.1.1', 't1')).toBe(true);
    expect(await submission('1.1.1.1', 't1')).toBe(false);
    expect(await submission('2.2.2.2', 't1')).toBe(true);
    expect(await submission('3.3.3.3', 't1')).toBe(false);
    expect(await submission('3.3.3.3', 't2')).toBe(true);
    expect(await limits.upload('1.1.1.1', 't1').then(() => true)).toBe(true);
    await expect(limits.upload('1.1.1.1', 't1')).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    vi.advanceTimersByTime(3600_000);
    expect(await submission('1.1.1.1', 't1')).toBe(true);
  });
});

describe('clientAddress', () => {
  const req = (peer: string, forwarded?: string) =>
    ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as never;

  it.each([
    ['no proxies: the peer, whatever the header says', req('10.0.0.5', '1.2.3.4'), 0, '10.0.0.5'],
    ['one load balancer: the address it saw', req('10.0.0.5', '203.0.113.7'), 1, '203.0.113.7'],
    [
      'one load balancer, a header forged by the client: still the address the balancer saw',
      req('10.0.0.5', '6.6.6.6, 203.0.113.7'),
      1,
      '203.0.113.7',
    ],
    ['two proxies', req('10.0.0.5', '6.6.6.6, 203.0.113.7, 10.0.0.9'), 2, '203.0.113.7'],
    ['trusted proxies but no header (a direct request): the peer', req('10.0.0.5'), 1, '10.0.0.5'],
    ['more proxies trusted than hops: the leftmost there is', req('10.0.0.5', '203.0.113.7'), 3, '203.0.113.7'],
  ])('%s', (_label, request, proxies, address) => {
    expect(clientAddress(request, proxies)).toBe(address);
  });
});
