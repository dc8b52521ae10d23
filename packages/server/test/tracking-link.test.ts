import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, complaintInput, expectError, type World } from './fixtures.js';

/** Complaints taken by staff (phone, in person, e-mail) get a tracking link, as portal submissions do. */

let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;

const REGISTER = `mutation($input: RegisterComplaintInput!) {
  registerComplaint(input: $input) { id number hasTrackingLink trackingLink { number accessToken path } } }`;
const ISSUE = `mutation($id: ID!) {
  issueTrackingLink(id: $id) { id hasTrackingLink trackingLink { number accessToken path } timeline { type actor { id } data } } }`;

interface Link {
  number: string;
  accessToken: string;
  path: string;
}

const status = async (number: string, token: string) =>
  ok(await server.portal(Q.status, { number, token })).complaintStatus as { number: string; stage: string } | null;

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
});
afterAll(() => server?.close());

describe('tracking links for complaints registered by staff', () => {
  it('a complaint taken on the phone can be followed on the portal with the link the registration returned', async () => {
    const registered = ok(
      await server.staff(
        REGISTER,
        {
          input: complaintInput({
            channel: 'PHONE',
            customer: { name: 'Olga', phone: '+7 900 000-00-01' },
            departmentId: a.dept,
            categoryId: a.cat,
            demand: 'REPAIR',
          }),
        },
        a.staff.OPERATOR.token,
      ),
    ).registerComplaint;
    const link: Link = registered.trackingLink;
    expect(registered.hasTrackingLink).toBe(true);
    expect(link.number).toBe(registered.number);
    expect(link.path).toBe(`/p/${a.t.slug}/track/${encodeURIComponent(registered.number)}#${encodeURIComponent(link.accessToken)}`);
    expect(await status(link.number, link.accessToken)).toMatchObject({ number: registered.number, stage: 'REGISTERED' });
    // The customer can answer through it too.
    ok(await server.portal(Q.reply, { number: link.number, token: link.accessToken, body: 'Thank you' }));
    // Shown once: reading the complaint again gives no token.
    const again = ok(
      await server.staff(
        `query($id: ID!) { complaint(id: $id) { hasTrackingLink trackingLink { accessToken } } }`,
        { id: registered.id },
        a.staff.OPERATOR.token,
      ),
    ).complaint;
    expect(again).toEqual({ hasTrackingLink: true, trackingLink: null });
  });

  it('a new link replaces the old one, which stops working, and the timeline records it', async () => {
    const registered = ok(
      await server.staff(REGISTER, { input: complaintInput({ channel: 'IN_PERSON' }) }, a.staff.OPERATOR.token),
    ).registerComplaint;
    const old: Link = registered.trackingLink;
    expect(await status(old.number, old.accessToken)).not.toBeNull();
    const issued = ok(await server.staff(ISSUE, { id: registered.id }, a.staff.SPECIALIST.token)).issueTrackingLink;
    const fresh: Link = issued.trackingLink;
    expect(fresh.accessToken).not.toBe(old.accessToken);
    expect(await status(fresh.number, fresh.accessToken)).toMatchObject({ number: registered.number });
    expect(await status(old.number, old.accessToken)).toBeNull();
    expect(issued.timeline.at(-1)).toEqual({
      type: 'TRACKING_LINK_ISSUED',
      actor: { id: a.staff.SPECIALIST.id },
      data: { replaced: true },
    });
    expect(JSON.stringify(issued.timeline)).not.toContain(fresh.accessToken);
  });

  it('gives a link to a complaint that had none', async () => {
    const registered = await fx.register(a.staff.OPERATOR.token, { channel: 'EMAIL' });
    await fx.asTenant(a.t.tenantId, (m) => m.query('UPDATE complaints SET access_token_hash = NULL WHERE id = $1', [registered.id]));
    const before = ok(
      await server.staff(`query($id: ID!) { complaint(id: $id) { hasTrackingLink } }`, { id: registered.id }, a.staff.HEAD.token),
    );
    expect(before.complaint.hasTrackingLink).toBe(false);
    const issued = ok(await server.staff(ISSUE, { id: registered.id }, a.staff.QUALITY_MANAGER.token)).issueTrackingLink;
    expect(issued.hasTrackingLink).toBe(true);
    expect(issued.timeline.at(-1).data).toEqual({ replaced: false });
    expect(await status(issued.trackingLink.number, issued.trackingLink.accessToken)).not.toBeNull();
  });

  it("another company's staff cannot issue a link, and change nothing trying", async () => {
    const registered = ok(
      await server.staff(REGISTER, { input: complaintInput({ channel: 'PHONE' }) }, a.staff.OPERATOR.token),
    ).registerComplaint;
    await fx.expectNoWrites(async () => {
      for (const role of ['OPERATOR', 'HEAD', 'QUALITY_MANAGER'] as const) {
        expectError(await server.staff(ISSUE, { id: registered.id }, b.staff[role].token), 'NOT_FOUND');
      }
    });
    expect(await status(registered.trackingLink.number, registered.trackingLink.accessToken)).not.toBeNull();
  });

  it('refuses an id that is not one, writing nothing', async () => {
    await fx.expectNoWrites(async () => {
      expectError(await server.staff(ISSUE, { id: "1' OR '1'='1" }, a.staff.OPERATOR.token), 'BAD_USER_INPUT');
    });
  });

  it('is refused to a role that does not talk to customers', async () => {
    const registered = await fx.register(a.staff.OPERATOR.token, { channel: 'PHONE' });
    expectError(await server.staff(ISSUE, { id: registered.id }, a.staff.ADMIN.token), 'FORBIDDEN');
  });

  it('a replayed registration gives no link (the first one cannot be recovered)', async () => {
    const input = complaintInput({ channel: 'PHONE', idempotencyKey: `k-${Date.now()}` });
    const first = ok(await server.staff(REGISTER, { input }, a.staff.OPERATOR.token)).registerComplaint;
    const replay = ok(await server.staff(REGISTER, { input }, a.staff.OPERATOR.token)).registerComplaint;
    expect(replay.id).toBe(first.id);
    expect(replay.trackingLink).toBeNull();
    expect(await status(first.trackingLink.number, first.trackingLink.accessToken)).not.toBeNull();
  });
});
