import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, type ComplaintView, type World } from './fixtures.js';

/**
 * What the portal tells a customer of the company's decision: taken to FEEDBACK through the staff API, read
 * through the portal with the tracking token; the staff's own words never; another company's token nothing.
 */
let server: TestServer;
let fx: Fixtures;
let w: World;
let other: World;
beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  w = await fx.world();
  other = await fx.world();
});
afterAll(() => server?.close());

const STATUS = `query($number: String!, $token: String!) {
  complaintStatus(number: $number, accessToken: $token) { number stage canRate decision { remedy amount currency finding measuresTaken } } }`;
/** Everything the portal type has that could carry text, to look for staff's words in. */
const EVERYTHING = `query($number: String!, $token: String!) {
  complaintStatus(number: $number, accessToken: $token) { number companySlug kind demand subject stage stageLabel submittedAt expectedBy
    satisfaction satisfactionComment canRate awaitingReply decision { remedy amount currency finding measuresTaken }
    messages { id body author createdAt attachments { id fileName } } attachments { id fileName author } } }`;

const SET_CURRENCY = 'mutation($i: UpdateTenantInput!) { updateTenant(input: $i) { currency } }';
const ROOT_CAUSE = 'Seal batch SB-7731 from supplier Kovalev, root cause code RC-042';
const DECISION_NOTE = 'Approved by Morozova over the limit; do not repeat';
const ACTION = 'Retrain line 3 operator Sidorov on torque settings';

async function filed(world: World) {
  return ok(
    await server.portal(Q.submit, {
      slug: world.t.slug,
      input: {
        kind: 'CLAIM',
        subject: 'Kettle leaks',
        description: 'A puddle under it',
        customer: { name: 'Olga', email: 'olga@example.com' },
      },
    }),
  ).submitComplaint as { number: string; accessToken: string };
}

async function staffView(world: World, number: string): Promise<ComplaintView> {
  const [found] = await fx.asTenant(world.t.tenantId, (m) => m.query('SELECT id FROM complaints WHERE number = $1', [number]));
  return fx.get(world.staff.HEAD.token, found.id);
}

const status = async (number: string, token: string) => ok(await server.portal(STATUS, { number, token })).complaintStatus;

describe('the decision on the portal', () => {
  it("is told from IMPLEMENTATION (when the decision mail tells it) through CLOSED in the customer's terms, with the company's currency, and nothing of staff's own words", async () => {
    const { number, accessToken } = await filed(w);
    let c = await staffView(w, number);
    for (const to of [Stage.REGISTERED, Stage.ANALYSIS]) c = await fx.advance(w, c, to);
    c = await fx.advance(w, c, Stage.DECISION, { validity: 'OBJECTIVE', rootCause: ROOT_CAUSE });
    c = await fx.advance(w, c, Stage.IMPLEMENTATION, {
      remedy: 'REFUND',
      remedyAmount: 1499.5,
      decisionNote: DECISION_NOTE,
      correctiveActions: [
        { description: ACTION, ownerDepartmentId: w.dept, dueDate: '2030-01-31' },
        { description: 'Change the seal supplier', ownerDepartmentId: w.otherDept, dueDate: '2030-02-28' },
      ],
    });
    // Decided: the customer is told by mail, and the page the mail links to shows it while it is being carried out.
    expect(await status(number, accessToken)).toMatchObject({
      stage: 'IMPLEMENTATION',
      decision: { remedy: 'REFUND', amount: 1499.5, currency: 'RUB', finding: 'DEFECT_CONFIRMED', measuresTaken: 0 },
    });

    await fx.advance(w, c, Stage.FEEDBACK);
    expect(await status(number, accessToken)).toEqual({
      number,
      stage: 'FEEDBACK',
      canRate: true,
      // A company signed up in Russian deals in roubles.
      decision: { remedy: 'REFUND', amount: 1499.5, currency: 'RUB', finding: 'DEFECT_CONFIRMED', measuresTaken: 2 },
    });

    const everything = JSON.stringify(ok(await server.portal(EVERYTHING, { number, token: accessToken })));
    for (const internal of [
      ROOT_CAUSE,
      'RC-042',
      'Kovalev',
      DECISION_NOTE,
      'Morozova',
      ACTION,
      'Sidorov',
      'Change the seal supplier',
      'OBJECTIVE',
      'Staff HEAD',
      'Staff SPECIALIST',
      w.staff.HEAD.email,
      w.dept,
    ]) {
      expect(everything).not.toContain(internal);
    }

    ok(await server.portal(Q.rate, { number, token: accessToken, score: 5 }));
    c = await staffView(w, number);
    c = await fx.advance(w, c, Stage.CLOSED, { satisfaction: undefined, satisfactionComment: undefined });
    expect((await status(number, accessToken)).decision).toEqual({
      remedy: 'REFUND',
      amount: 1499.5,
      currency: 'RUB',
      finding: 'DEFECT_CONFIRMED',
      measuresTaken: 2,
    });

    // Reopened: the old decision no longer stands, so the customer is not shown it while it is looked at again.
    await fx.advance(w, c, Stage.ANALYSIS);
    expect(await status(number, accessToken)).toMatchObject({ stage: 'ANALYSIS', decision: null });
  });

  it('gives no amount for a remedy that is not a sum', async () => {
    const { number, accessToken } = await filed(w);
    let s = await staffView(w, number);
    for (const to of [Stage.REGISTERED, Stage.ANALYSIS]) s = await fx.advance(w, s, to);
    s = await fx.advance(w, s, Stage.DECISION, { validity: 'SUBJECTIVE' });
    s = await fx.advance(w, s, Stage.IMPLEMENTATION, {
      remedy: 'REPAIR',
      remedyAmount: 300,
      decisionNote: undefined,
      correctiveActions: undefined,
    });
    await fx.advance(w, s, Stage.FEEDBACK);
    expect((await status(number, accessToken)).decision).toEqual({
      remedy: 'REPAIR',
      amount: null,
      currency: null,
      finding: 'EXPECTATIONS_NOT_MET',
      measuresTaken: 0,
    });
  });

  it("is not reached with another company's token, nor with a token on another company's number", async () => {
    ok(await server.staff(SET_CURRENCY, { i: { currency: 'EUR' } }, w.t.adminToken));
    const mine = await filed(w);
    const theirs = await filed(other);
    let c = await staffView(w, mine.number);
    for (const to of [Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FEEDBACK])
      c = await fx.advance(w, c, to);
    expect((await status(mine.number, mine.accessToken)).decision).toMatchObject({ remedy: 'REFUND', amount: 1500, currency: 'EUR' });

    for (const [number, token] of [
      [mine.number, theirs.accessToken],
      [theirs.number, mine.accessToken],
    ] as const) {
      const res = await server.portal(EVERYTHING, { number, token });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ complaintStatus: null });
    }
    // Their own complaint, still RECEIVED, has no decision to tell.
    expect(await status(theirs.number, theirs.accessToken)).toMatchObject({ stage: 'RECEIVED', decision: null });
  });
});

describe("a company's currency", () => {
  it('is RUB for a company signed up in Russian and unset for one in English, until an admin sets it', async () => {
    const en = ok(
      await server.staff(`mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { tenant { currency } } }`, {
        input: {
          slug: `en-${Date.now()}`,
          name: 'English Co',
          adminEmail: 'admin@en.test',
          adminPassword: 'correct horse battery',
          adminName: 'A',
          locale: 'en',
        },
      }),
    );
    expect(en.signUpTenant.tenant.currency).toBeNull();
    const ru = ok(await server.staff('{ tenant { currency } }', {}, other.t.adminToken));
    expect(ru.tenant.currency).toBe('RUB');
    const refused = await server.staff(SET_CURRENCY, { i: { currency: 'XYZ' } }, other.t.adminToken);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(ok(await server.staff('{ tenant { currency } }', {}, other.t.adminToken)).tenant.currency).toBe('RUB');
  });
});
