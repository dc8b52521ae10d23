import { describe, expect, it, vi } from 'vitest';
import { TokenService } from '../token.js';

const claims = { userId: '11111111-1111-4111-8111-111111111111', tenantId: '22222222-2222-4222-8222-222222222222' };

describe('TokenService', () => {
  it('verifies its own tokens and refuses tampered or foreign ones, also after caching', async () => {
    const tokens = new TokenService('a'.repeat(64), 60);
    const token = await tokens.sign(claims);
    const verified = await tokens.verify(token);
    expect(verified).toMatchObject(claims);
    expect(verified.expiresAt! - Date.now()).toBeGreaterThan(58_000);
    expect(verified.expiresAt! - Date.now()).toBeLessThanOrEqual(60_000);
    expect(await tokens.verify(token)).toEqual(verified); // from the cache
    const [h, p, sig] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), tid: '33333333-3333-4333-8333-333333333333' }),
    ).toString('base64url');
    await expect(tokens.verify(`${h}.${forged}.${sig}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const other = new TokenService('b'.repeat(64), 60);
    await expect(other.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('stops accepting a cached token when it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const tokens = new TokenService('a'.repeat(64), 2);
      const token = await tokens.sign(claims);
      expect(await tokens.verify(token)).toMatchObject(claims);
      vi.setSystemTime(Date.now() + 3000);
      await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      vi.useRealTimers();
    }
  });
});
