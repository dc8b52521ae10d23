import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, complaintInput, expectError, type World } from './fixtures.js';
import { OpenSockets, WsClient } from './ws-client.js';

const RELATED = `query($id: ID!) { complaint(id: $id) {
  id number
  customerComplaints { id number subject stage receivedAt }
  links { kind createdAt createdBy { id } complaint { id number } }
  timeline { type actor { id } data }
} }`;
const LINK = `mutation($input: LinkComplaintsInput!) { linkComplaints(input: $input) { id links { kind complaint { id } } } }`;
const UNLINK = `mutation($input: UnlinkComplaintsInput!) { unlinkComplaints(input: $input) { id links { kind complaint { id } } } }`;

describe("a complaint's related complaints", () => {
  let server: TestServer;
  let fx: Fixtures;
  let w: World;
  let other: World;
  const register = (overrides: Record<string, unknown>, token = w.staff.OPERATOR.token) => fx.register(token, complaintInput(overrides));
  const related = async (id: string, token = w.staff.SPECIALIST.token) => ok(await server.staff(RELATED, { id }, token)).complaint;

  beforeAll(async () => {
    server = await startTestServer();
    fx = new Fixtures(server);
    w = await fx.world();
    other = await fx.world();
  });
  const sockets = new OpenSockets();
  afterAll(async () => {
    sockets.closeAll();
    await server?.close();
  });

  describe("the customer's other complaints", () => {
    it('are found by e-mail written in another case, and by phone written differently', async () => {
      const first = await register({
        subject: 'Kettle leaks',
        customer: { name: 'Olga', email: 'olga.k@example.com', phone: '+7 (916) 555-12-34' },
      });
      const byEmail = await register({ subject: 'Toaster burns', customer: { name: 'O. K.', email: 'Olga.K@Example.COM' } });
      // No e-mail, so no shared customer record: only the phone ties it to Olga.
      const byPhone = await register({ subject: 'Iron drips', customer: { name: 'Ольга', phone: '8 916 5551234' } });
      const stranger = await register({
        subject: 'Fan rattles',
        customer: { name: 'Ivan', email: 'ivan.other@example.com', phone: '+7 903 111 22 33' },
      });

      const mine = await related(first.id);
      expect(mine.customerComplaints.map((c: any) => c.number).sort()).toEqual([byEmail.number, byPhone.number].sort());
      expect(mine.customerComplaints.find((c: any) => c.id === byPhone.id)).toMatchObject({ subject: 'Iron drips', stage: 'RECEIVED' });
      expect(mine.customerComplaints[0].receivedAt).toEqual(expect.any(String));
      // From the phone-only complaint, both of Olga's others; never the complaint itself, never a stranger's.
      const fromPhone = (await related(byPhone.id)).customerComplaints.map((c: any) => c.id);
      expect(fromPhone.sort()).toEqual([first.id, byEmail.id].sort());
      expect((await related(stranger.id)).customerComplaints).toEqual([]);
    });

    it("never shows another company's complaint with the same e-mail or phone", async () => {
      const contact = { name: 'Shared', email: 'shared@example.com', phone: '+7 999 000 11 22' };
      const ours = await register({ subject: 'Ours', customer: contact });
      const theirs = await fx.register(other.staff.OPERATOR.token, complaintInput({ subject: 'Theirs', customer: contact }));
      const oursAgain = await register({ subject: 'Ours again', customer: contact });
      expect((await related(ours.id)).customerComplaints.map((c: any) => c.id)).toEqual([oursAgain.id]);
      expect((await related(theirs.id, other.staff.SPECIALIST.token)).customerComplaints).toEqual([]);
    });

    it('a short number (fewer than seven digits) ties nothing together', async () => {
      const a = await register({ customer: { name: 'A', phone: '12-345' } });
      await register({ customer: { name: 'B', phone: '12345' } });
      expect((await related(a.id)).customerComplaints).toEqual([]);
    });
  });

  describe('links', () => {
    it('a link shows on both complaints and on both timelines with who made it, and can be removed', async () => {
      const [a, b] = [await register({ subject: 'Kettle again' }), await register({ subject: 'Kettle first time' })];
      const linked = ok(
        await server.staff(LINK, { input: { complaintId: a.id, otherComplaintId: b.id, kind: 'REPEAT' } }, w.staff.SPECIALIST.token),
      );
      expect(linked.linkComplaints.links).toEqual([{ kind: 'REPEAT', complaint: { id: b.id } }]);

      const [seenA, seenB] = [await related(a.id, w.staff.HEAD.token), await related(b.id, w.staff.HEAD.token)];
      expect(seenA.links).toEqual([
        expect.objectContaining({ kind: 'REPEAT', createdBy: { id: w.staff.SPECIALIST.id }, complaint: { id: b.id, number: b.number } }),
      ]);
      expect(seenB.links).toEqual([expect.objectContaining({ kind: 'REPEAT', complaint: { id: a.id, number: a.number } })]);
      expect(seenA.timeline.at(-1)).toEqual({
        type: 'LINKED',
        actor: { id: w.staff.SPECIALIST.id },
        data: { kind: 'REPEAT', complaintId: b.id, number: b.number },
      });
      expect(seenB.timeline.at(-1)).toEqual({
        type: 'LINKED',
        actor: { id: w.staff.SPECIALIST.id },
        data: { kind: 'REPEAT', complaintId: a.id, number: a.number },
      });

      // Removed from either side.
      const unlinked = ok(await server.staff(UNLINK, { input: { complaintId: b.id, otherComplaintId: a.id } }, w.staff.OPERATOR.token));
      expect(unlinked.unlinkComplaints.links).toEqual([]);
      const [afterA, afterB] = [await related(a.id), await related(b.id)];
      expect(afterA.links).toEqual([]);
      expect(afterA.timeline.at(-1)).toEqual({
        type: 'UNLINKED',
        actor: { id: w.staff.OPERATOR.id },
        data: { kind: 'REPEAT', complaintId: b.id, number: b.number },
      });
      expect(afterB.timeline.at(-1)).toMatchObject({ type: 'UNLINKED', data: { complaintId: a.id } });
      // Removing what is not there changes nothing.
      await fx.expectNoWrites(async () =>
        ok(await server.staff(UNLINK, { input: { complaintId: a.id, otherComplaintId: b.id } }, w.staff.OPERATOR.token)),
      );
    });

    it('the same link twice is one link, recorded once; either side, either order', async () => {
      const [a, b] = [await register({}), await register({})];
      ok(await server.staff(LINK, { input: { complaintId: a.id, otherComplaintId: b.id, kind: 'DUPLICATE' } }, w.staff.OPERATOR.token));
      const again = await fx.expectNoWrites(async () =>
        ok(await server.staff(LINK, { input: { complaintId: b.id, otherComplaintId: a.id, kind: 'DUPLICATE' } }, w.staff.OPERATOR.token)),
      );
      expect(again.linkComplaints.links).toEqual([{ kind: 'DUPLICATE', complaint: { id: a.id } }]);
      expect((await related(a.id)).timeline.filter((e: any) => e.type === 'LINKED')).toHaveLength(1);
      // The other kind for a linked pair is refused: remove the link first.
      await fx.expectNoWrites(async () =>
        expectError(
          await server.staff(LINK, { input: { complaintId: a.id, otherComplaintId: b.id, kind: 'REPEAT' } }, w.staff.OPERATOR.token),
          'CONFLICT',
          'ALREADY_LINKED',
        ),
      );
    });

    it('a complaint cannot be linked to itself', async () => {
      const a = await register({});
      const error = await fx.expectNoWrites(async () =>
        expectError(
          await server.staff(LINK, { input: { complaintId: a.id, otherComplaintId: a.id, kind: 'DUPLICATE' } }, w.staff.OPERATOR.token),
          'BAD_USER_INPUT',
          'SELF_LINK',
        ),
      );
      expect(error.extensions?.fields).toEqual([{ field: 'input.otherComplaintId', reason: 'SELF_LINK' }]);
    });

    it("another company's complaint is not found, from either side, and nothing is written", async () => {
      const ours = await register({});
      const theirs = await fx.register(other.staff.OPERATOR.token, complaintInput({}));
      await fx.expectNoWrites(async () => {
        expectError(
          await server.staff(
            LINK,
            { input: { complaintId: ours.id, otherComplaintId: theirs.id, kind: 'REPEAT' } },
            w.staff.OPERATOR.token,
          ),
          'NOT_FOUND',
        );
        expectError(
          await server.staff(
            LINK,
            { input: { complaintId: theirs.id, otherComplaintId: ours.id, kind: 'REPEAT' } },
            w.staff.OPERATOR.token,
          ),
          'NOT_FOUND',
        );
        expectError(
          await server.staff(UNLINK, { input: { complaintId: ours.id, otherComplaintId: theirs.id } }, w.staff.OPERATOR.token),
          'NOT_FOUND',
        );
      });
    });

    it('linking and unlinking update both open complaint pages live', async () => {
      const [a, b] = [await register({}), await register({})];
      const client = await sockets.track(WsClient.staff(server.url, w.staff.QUALITY_MANAGER.token));
      const sub = `subscription($id: ID!) { complaintUpdated(id: $id) { id links { kind complaint { id } } } }`;
      const [subA, subB] = [client.subscribe(sub, { id: a.id }), client.subscribe(sub, { id: b.id })];
      await client.settle();
      ok(await server.staff(LINK, { input: { complaintId: a.id, otherComplaintId: b.id, kind: 'DUPLICATE' } }, w.staff.HEAD.token));
      const [[onA], [onB]] = [await client.waitForResults(subA, 1), await client.waitForResults(subB, 1)];
      expect(onA.data.complaintUpdated.links).toEqual([{ kind: 'DUPLICATE', complaint: { id: b.id } }]);
      expect(onB.data.complaintUpdated.links).toEqual([{ kind: 'DUPLICATE', complaint: { id: a.id } }]);
      ok(await server.staff(UNLINK, { input: { complaintId: a.id, otherComplaintId: b.id } }, w.staff.HEAD.token));
      const [, unlinked] = await client.waitForResults(subA, 2);
      expect(unlinked.data.complaintUpdated.links).toEqual([]);
    });

    it('an admin (who handles no complaints) may not link', async () => {
      const [a, b] = [await register({}), await register({})];
      await fx.expectNoWrites(async () =>
        expectError(
          await server.staff(LINK, { input: { complaintId: a.id, otherComplaintId: b.id, kind: 'REPEAT' } }, w.staff.ADMIN.token),
          'FORBIDDEN',
        ),
      );
    });
  });
});
