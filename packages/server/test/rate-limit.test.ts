import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures } from './fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 5, anonymousRateLimitPerMinute: 3 });
});
afterAll(() => server?.close());

describe('rate limits', () => {
  it('limits requests without a staff token per client address', async () => {
    const login = 'mutation { login(input: { tenantSlug: "nobody", email: "a@b.cd", password: "wrong-password" }) { token } }';
    for (let i = 0; i < 3; i++) expect(errorCode(await server.staff(login))).toBe('UNAUTHENTICATED');
    expect(errorCode(await server.staff(login))).toBe('RATE_LIMITED');
    expect(
      errorCode(await server.portal('{ complaintStatus(number: "X-2026-000001", accessToken: "aaaaaaaaaaaaaaaaaaaaaaaa") { stage } }')),
    ).toBe('RATE_LIMITED');
  });

  it('limits each staff user separately', async () => {
    const limited = await startTestServer({ rateLimitPerMinute: 5 });
    try {
      const fx = new Fixtures(limited);
      const t = await fx.tenant();
      const other = await fx.staff(t, ['OPERATOR' as never]);
      // The admin spent 3 requests in fixtures (department/staff creation); spend the rest.
      let code: string | undefined;
      for (let i = 0; i < 6 && code !== 'RATE_LIMITED'; i++) {
        const r = await limited.staff('{ me { id } }', {}, t.adminToken);
        code = r.errors?.[0]?.extensions?.code;
      }
      expect(code).toBe('RATE_LIMITED');
      expect(ok(await limited.staff('{ me { id } }', {}, other.token)).me.id).toBe(other.id);
    } finally {
      await limited.close();
    }
  });
});
