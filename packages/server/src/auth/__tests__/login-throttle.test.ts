import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimitStore } from '../../http/rate-limiter.js';
import { LoginThrottle } from '../login-throttle.js';

const retryAfter = (err: { extensions?: Record<string, unknown> }) => {
  expect(err.extensions?.code).toBe('RATE_LIMITED');
  return err.extensions?.retryAfterSeconds;
};

describe('LoginThrottle', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());
  const throttle = () =>
    new LoginThrottle(new RateLimitStore(), {
      failuresPerAccount: 3,
      lockoutSeconds: 2,
      maxLockoutSeconds: 10,
      failuresPerAddressPerHour: 0,
    });
  const fail = async () => null;

  it('lets the first tries through, then makes each further try wait twice as long, up to the maximum', async () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) expect(await t.attempt('1.1.1.1', 'acme:a@b.c', fail)).toBeNull();
    const verify = vi.fn(fail);
    const waits: unknown[] = [];
    for (const seconds of [2, 4, 8, 10, 10]) {
      waits.push(await t.attempt('2.2.2.2', 'acme:a@b.c', verify).catch(retryAfter));
      vi.advanceTimersByTime(seconds * 1000 - 1);
      // Hammering during a wait is refused and neither checks the password nor makes the wait longer.
      for (let i = 0; i < 5; i++) waits.push(await t.attempt('3.3.3.3', 'acme:a@b.c', verify).catch(retryAfter));
      vi.advanceTimersByTime(1);
      expect(await t.attempt('1.1.1.1', 'acme:a@b.c', verify)).toBeNull();
    }
    expect(verify).toHaveBeenCalledTimes(5);
    expect(waits).toEqual([2, 4, 8, 10, 10].flatMap((wait) => [wait, 1, 1, 1, 1, 1]));
  });

  it("forgets an account's failures when it signs in, and keeps accounts apart", async () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) await t.attempt('1.1.1.1', 'acme:a@b.c', fail);
    expect(await t.attempt('1.1.1.1', 'acme:other@b.c', async () => 'session')).toBe('session');
    await expect(t.attempt('1.1.1.1', 'acme:a@b.c', fail)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    vi.advanceTimersByTime(2000);
    expect(await t.attempt('1.1.1.1', 'acme:a@b.c', async () => 'session')).toBe('session');
    for (let i = 0; i < 3; i++) expect(await t.attempt('1.1.1.1', 'acme:a@b.c', fail)).toBeNull();
  });

  it('counts failures per address whatever the account, and not its successes', async () => {
    const t = new LoginThrottle(new RateLimitStore(), {
      failuresPerAccount: 0,
      lockoutSeconds: 2,
      maxLockoutSeconds: 10,
      failuresPerAddressPerHour: 2,
    });
    await t.attempt('1.1.1.1', 'acme:x@b.c', async () => 'session');
    await t.attempt('1.1.1.1', 'acme:a@b.c', fail);
    await t.attempt('1.1.1.1', 'acme:b@b.c', fail);
    const refused = await t.attempt('1.1.1.1', 'acme:x@b.c', async () => 'session').catch(retryAfter);
    expect(refused).toBe(3600);
    expect(await t.attempt('2.2.2.2', 'acme:x@b.c', async () => 'session')).toBe('session');
  });

  it('does not count a try whose password was never checked', async () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) {
      await expect(t.attempt('1.1.1.1', 'acme:a@b.c', () => Promise.reject(new Error('no hashing slot')))).rejects.toThrow(
        'no hashing slot',
      );
    }
    for (let i = 0; i < 3; i++) expect(await t.attempt('1.1.1.1', 'acme:a@b.c', fail)).toBeNull();
  });
});
