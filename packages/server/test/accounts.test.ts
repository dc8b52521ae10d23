import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { Role } from '../src/auth/roles.js';
import { ok, startTestServer, type GqlResult, type TestServer } from './harness.js';
import { Fixtures, PASSWORD, expectError, type TenantFixture } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink, type SunkMail } from './smtp-sink.js';

/**
 * Accounts by mail over HTTP, the mails sent over SMTP to a sink this test
 * starts: invitations, password resets and the confirmation of a new
 * company's admin address, their one-time links, and the limits on them.
 */
let server: TestServer;
let fx: Fixtures;
let sink: SmtpSink;
let a: TenantFixture;
let b: TenantFixture;
const PUBLIC_URL = 'https://reclaim.example.com';
const NEW_PASSWORD = 'a brand new passphrase';
const MIN_ANSWER_MS = 250;

const INVITE = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { id email invited active roles } }`;
const RESEND = `mutation($id: ID!) { resendInvitation(userId: $id) { id invited active } }`;
const REVOKE = `mutation($id: ID!) { revokeInvitation(userId: $id) { id invited active } }`;
const ACCEPT = `mutation($input: SetPasswordInput!) { acceptInvitation(input: $input) { token user { id email invited } tenant { slug } } }`;
const REQUEST_RESET = `mutation($input: PasswordResetRequestInput!) { requestPasswordReset(input: $input) }`;
const RESET = `mutation($input: SetPasswordInput!) { resetPassword(input: $input) { token user { id } } }`;
const CONFIRM = `mutation($input: AccountLinkInput!) { confirmAddress(input: $input) }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token } }`;
const USERS = `{ users { id email invited active } }`;
const ME = `{ me { id } }`;

const address = () => `u-${randomBytes(4).toString('hex')}@example.com`;
const login = (t: TenantFixture, email: string, password: string) =>
  server.staff(LOGIN, { input: { tenantSlug: t.slug, email, password } });

/** The one-time link in a mail: the page, the company's slug (path) and the token (fragment). */
function linkIn(m: SunkMail): { page: string; slug: string; token: string } {
  const url = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/[^\\s]+`).exec(m.parsed.text ?? '')?.[0];
  expect(url, m.parsed.text).toBeDefined();
  const parsed = new URL(url!);
  const [, page, slug] = parsed.pathname.split('/');
  return { page: page!, slug: decodeURIComponent(slug!), token: parsed.hash.slice(1) };
}

/** The `n`th mail (from 1) to `to`, once it has arrived. */
async function mailTo(to: string, n = 1): Promise<SunkMail> {
  return eventually(() => sink.to(to).length >= n && sink.to(to)[n - 1], 10_000, `mail ${n} to ${to}`);
}

async function invite(t: TenantFixture, email = address(), name = 'Irina Invited') {
  const user = ok(await server.staff(INVITE, { input: { email, name, roles: ['SPECIALIST'] } }, t.adminToken)).inviteUser;
  const link = linkIn(await mailTo(email));
  // The worker records the sending (and blanks the body) after the sink has it: wait, so that what a test checks next is its own.
  await recorded(email);
  return { user, email, link };
}

/** Until the worker has recorded every mail to `to` as sent (so that a check of no writes that follows is not disturbed by it). */
const recorded = (to: string, n = 1) =>
  eventually(
    async () => (await server.dataSource.query(`SELECT 1 FROM outbound_mails WHERE to_address = $1 AND status = 'SENT'`, [to])).length >= n,
    5000,
    'the recorded sending',
  );

beforeAll(async () => {
  sink = await new SmtpSink().start();
  server = await startTestServer({
    smtpUrl: sink.url,
    mailDomain: 'mail.reclaim.test',
    publicUrl: PUBLIC_URL,
    passwordResetMinAnswerMs: MIN_ANSWER_MS,
    smtpPort: 0,
    smtpHost: '127.0.0.1',
    mail: { pollMs: 100, timeoutMs: 5000, leaseMs: 5000 },
  });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.tenant(undefined, 'Alpha Ltd', undefined, { locale: 'en', timeZone: 'Europe/London' }), fx.tenant()]);
});
afterAll(async () => {
  await server?.close();
  await sink?.close();
});

describe('invitations', () => {
  it('invite a staff member who cannot sign in until they set a password with the mailed link, and are then signed in', async () => {
    const { user, email, link } = await invite(a);
    expect(user).toMatchObject({ email, invited: true, active: true, roles: ['SPECIALIST'] });
    expect(ok(await server.staff(USERS, {}, a.adminToken)).users).toContainEqual({ id: user.id, email, invited: true, active: true });
    const mail = sink.to(email)[0]!;
    expect(mail.parsed.subject).toBe('You are invited to Alpha Ltd');
    expect(mail.parsed.from?.value[0]?.address).toBe(`${a.slug}@mail.reclaim.test`);
    expect(link).toMatchObject({ page: 'invitation', slug: a.slug });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // No password yet: no sign-in, whatever is tried.
    expectError(await login(a, email, ''), 'UNAUTHENTICATED');

    const accepted = ok(
      await server.staff(ACCEPT, { input: { tenantSlug: link.slug, token: link.token, password: NEW_PASSWORD } }),
    ).acceptInvitation;
    expect(accepted.user).toMatchObject({ id: user.id, invited: false });
    expect(ok(await server.staff(ME, {}, accepted.token)).me.id).toBe(user.id);
    ok(await login(a, email, NEW_PASSWORD));
    // Only the token's hash is kept, and the sent mail's body is blanked.
    const [row] = await server.dataSource.query(`SELECT body_text, body_secret FROM outbound_mails WHERE to_address = $1`, [email]);
    expect(row).toEqual({ body_text: '', body_secret: true });
    const hashes = await server.dataSource.query(`SELECT encode(token_hash, 'base64') AS h FROM account_links WHERE user_id = $1`, [
      user.id,
    ]);
    expect(hashes).toHaveLength(1);
    expect(JSON.stringify(hashes)).not.toContain(link.token);
  });

  it('answer once', async () => {
    const { email, link } = await invite(a);
    ok(await server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: link.token, password: NEW_PASSWORD } }));
    const again = await server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: link.token, password: 'another passphrase here' } });
    expectError(again, 'BAD_USER_INPUT', 'LINK_USED');
    ok(await login(a, email, NEW_PASSWORD));
  });

  it('answer once also when used twice at the same moment', async () => {
    const { link } = await invite(a);
    const tries = await Promise.all(
      [NEW_PASSWORD, 'a second good passphrase', 'a third good passphrase'].map((password) =>
        server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: link.token, password } }),
      ),
    );
    expect(tries.filter((r) => !r.errors)).toHaveLength(1);
    for (const refused of tries.filter((r) => r.errors)) expect(refused.errors![0]!.extensions?.reason).toBe('LINK_USED');
  });

  it('expire', async () => {
    const { user, link } = await invite(a);
    await server.dataSource.query(`UPDATE account_links SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    const result = await fx.expectNoWrites(() =>
      server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: link.token, password: NEW_PASSWORD } }),
    );
    expectError(result, 'BAD_USER_INPUT', 'LINK_EXPIRED');
  });

  it('by default work for 7 days', async () => {
    const { user } = await invite(a);
    const [row] = await server.dataSource.query(
      `SELECT round(extract(epoch FROM expires_at - created_at)) AS s FROM account_links WHERE user_id = $1`,
      [user.id],
    );
    expect(Number(row.s)).toBe(7 * 24 * 3600);
  });

  it('sent again replace the earlier link, which is refused as revoked', async () => {
    const { user, email, link: first } = await invite(a);
    ok(await server.staff(RESEND, { id: user.id }, a.adminToken));
    const second = linkIn(await mailTo(email, 2));
    expect(second.token).not.toBe(first.token);
    expectError(
      await server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: first.token, password: NEW_PASSWORD } }),
      'BAD_USER_INPUT',
      'LINK_REVOKED',
    );
    ok(await server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: second.token, password: NEW_PASSWORD } }));
    expectError(await server.staff(RESEND, { id: user.id }, a.adminToken), 'BAD_USER_INPUT', 'NOT_INVITED');
  });

  it('revoked: the link is refused and the user deactivated', async () => {
    const { user, link } = await invite(a);
    expect(ok(await server.staff(REVOKE, { id: user.id }, a.adminToken)).revokeInvitation).toMatchObject({ invited: true, active: false });
    expectError(
      await server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: link.token, password: NEW_PASSWORD } }),
      'BAD_USER_INPUT',
      'LINK_REVOKED',
    );
  });

  it('refuse a weak password and change nothing', async () => {
    const { link } = await invite(a);
    const weak = await fx.expectNoWrites(() =>
      server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: link.token, password: 'short' } }),
    );
    expectError(weak, 'BAD_USER_INPUT', 'WEAK_PASSWORD');
    ok(await server.staff(ACCEPT, { input: { tenantSlug: a.slug, token: link.token, password: NEW_PASSWORD } }));
  });

  it('are for admins only, and an address in use is DUPLICATE', async () => {
    const specialist = await fx.staff(a, [Role.SPECIALIST]);
    expectError(
      await server.staff(INVITE, { input: { email: address(), name: 'X', roles: ['SPECIALIST'] } }, specialist.token),
      'FORBIDDEN',
    );
    expectError(
      await server.staff(INVITE, { input: { email: `admin@${a.slug}.test`, name: 'X', roles: ['SPECIALIST'] } }, a.adminToken),
      'CONFLICT',
      'DUPLICATE',
    );
  });

  it('of one company are never usable in another (row-level security)', async () => {
    const { link } = await invite(a);
    const other = await fx.expectNoWrites(() =>
      server.staff(ACCEPT, { input: { tenantSlug: b.slug, token: link.token, password: NEW_PASSWORD } }),
    );
    expectError(other, 'BAD_USER_INPUT', 'LINK_INVALID');
    const seen = (tenantId: string) => fx.asTenant(tenantId, (m) => m.query(`SELECT tenant_id FROM account_links`));
    expect((await seen(a.tenantId)).length).toBeGreaterThan(0);
    expect((await seen(b.tenantId)).every((r: { tenant_id: string }) => r.tenant_id === b.tenantId)).toBe(true);
    expectError(
      await server.staff(ACCEPT, { input: { tenantSlug: 'no-such-company', token: link.token, password: NEW_PASSWORD } }),
      'BAD_USER_INPUT',
      'LINK_INVALID',
    );
  });
});

describe('password reset', () => {
  const request = (slug: string, email: string): Promise<GqlResult> => server.staff(REQUEST_RESET, { input: { tenantSlug: slug, email } });

  it('answers the same, in about the same time, whether the address has an account or not; only an account gets mail', async () => {
    const member = await fx.staff(a, [Role.OPERATOR]);
    const stranger = address();
    const times: Record<string, number[]> = { member: [], stranger: [], company: [] };
    const answers = new Set<string>();
    for (let i = 0; i < 3; i++) {
      for (const [who, slug, email] of [
        ['member', a.slug, member.email],
        ['stranger', a.slug, stranger],
        ['company', 'no-such-company', member.email],
      ] as const) {
        const started = performance.now();
        const res = await request(slug, email);
        times[who]!.push(performance.now() - started);
        answers.add(JSON.stringify(res));
      }
    }
    expect([...answers]).toEqual([JSON.stringify({ status: 200, data: { requestPasswordReset: true } })]);
    for (const list of Object.values(times)) for (const ms of list) expect(ms).toBeGreaterThanOrEqual(MIN_ANSWER_MS - 5);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[1]!;
    console.log(
      `requestPasswordReset, median ms: account ${median(times.member!).toFixed(0)}, no account ${median(times.stranger!).toFixed(0)}, no company ${median(times.company!).toFixed(0)}`,
    );
    expect(Math.abs(median(times.member!) - median(times.stranger!))).toBeLessThan(100);
    await mailTo(member.email, 3);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.to(stranger)).toHaveLength(0);
    expect(sink.to(member.email).map((m) => m.parsed.subject)).toEqual(Array(3).fill('A new password for Alpha Ltd'));
  });

  it("commits an account's reset mail within the floor, so that the commit's flush does not tell an account from none", async () => {
    const member = await fx.staff(a, [Role.OPERATOR]);
    // When the mail's transaction commits, as the database's clock reads it (a deferred trigger fires at COMMIT).
    await server.dataSource.query(`
      CREATE TABLE reset_commits (at timestamptz NOT NULL);
      CREATE FUNCTION note_commit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
        $$ BEGIN INSERT INTO reset_commits VALUES (clock_timestamp()); RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER note_commit AFTER INSERT ON outbound_mails DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION note_commit();`);
    try {
      const [{ now: started }] = await server.dataSource.query('SELECT clock_timestamp() AS now');
      ok(await request(a.slug, member.email));
      const [{ after }] = await server.dataSource.query(
        'SELECT extract(epoch FROM (max(at) - $1::timestamptz)) * 1000 AS after FROM reset_commits',
        [started],
      );
      // Committed before the floor ran out; after it, the commit's time would be the account's alone.
      expect(Number(after)).toBeLessThan(MIN_ANSWER_MS);
    } finally {
      await server.dataSource.query('DROP TRIGGER note_commit ON outbound_mails; DROP FUNCTION note_commit(); DROP TABLE reset_commits');
    }
    await mailTo(member.email);
  });

  it('sets a new password, ends the other sessions, and its link answers once', async () => {
    const member = await fx.staff(a, [Role.OPERATOR]);
    const session = ok(await login(a, member.email, PASSWORD)).login.token;
    ok(await request(a.slug, member.email));
    const link = linkIn(await mailTo(member.email));
    expect(link).toMatchObject({ page: 'reset-password', slug: a.slug });
    const reset = ok(await server.staff(RESET, { input: { tenantSlug: a.slug, token: link.token, password: NEW_PASSWORD } })).resetPassword;
    expect(ok(await server.staff(ME, {}, reset.token)).me.id).toBe(member.id);
    expectError(await server.staff(ME, {}, session), 'UNAUTHENTICATED');
    expectError(await server.staff(ME, {}, member.token), 'UNAUTHENTICATED');
    expectError(await login(a, member.email, PASSWORD), 'UNAUTHENTICATED');
    ok(await login(a, member.email, NEW_PASSWORD));
    expectError(
      await server.staff(RESET, { input: { tenantSlug: a.slug, token: link.token, password: 'yet another passphrase' } }),
      'BAD_USER_INPUT',
      'LINK_USED',
    );
  });

  it('expires after an hour by default; a newer request replaces the earlier link', async () => {
    const member = await fx.staff(a, [Role.OPERATOR]);
    ok(await request(a.slug, member.email));
    const first = linkIn(await mailTo(member.email));
    const [row] = await server.dataSource.query(
      `SELECT round(extract(epoch FROM expires_at - created_at)) AS s FROM account_links
      WHERE purpose = 'PASSWORD_RESET' AND user_id = $1`,
      [member.id],
    );
    expect(Number(row.s)).toBe(3600);
    ok(await request(a.slug, member.email));
    const second = linkIn(await mailTo(member.email, 2));
    expectError(
      await server.staff(RESET, { input: { tenantSlug: a.slug, token: first.token, password: NEW_PASSWORD } }),
      'BAD_USER_INPUT',
      'LINK_REVOKED',
    );
    await server.dataSource.query(`UPDATE account_links SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [member.id]);
    expectError(
      await server.staff(RESET, { input: { tenantSlug: a.slug, token: second.token, password: NEW_PASSWORD } }),
      'BAD_USER_INPUT',
      'LINK_EXPIRED',
    );
  });

  it('sends nothing to a deactivated user, and refuses a link sent before the deactivation', async () => {
    const member = await fx.staff(a, [Role.OPERATOR]);
    ok(await request(a.slug, member.email));
    const link = linkIn(await mailTo(member.email));
    ok(
      await server.staff(
        `mutation($input: UpdateUserInput!) { updateUser(input: $input) { id } }`,
        { input: { id: member.id, active: false } },
        a.adminToken,
      ),
    );
    expectError(
      await server.staff(RESET, { input: { tenantSlug: a.slug, token: link.token, password: NEW_PASSWORD } }),
      'BAD_USER_INPUT',
      'LINK_REVOKED',
    );
    expect(ok(await request(a.slug, member.email)).requestPasswordReset).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(sink.to(member.email)).toHaveLength(1);
  });
});

describe("a new company's admin address", () => {
  it('must be confirmed before the company invites or creates staff; the mailed link confirms it once', async () => {
    const email = address();
    const t = await fx.tenant(undefined, 'Gamma', email, { locale: 'ru' }, { unconfirmed: true });
    const confirmed = async () => ok(await server.staff('{ tenant { addressConfirmed } }', {}, t.adminToken)).tenant.addressConfirmed;
    expect(await confirmed()).toBe(false);
    const mail = await mailTo(email);
    await recorded(email);
    const refused = await fx.expectNoWrites(() =>
      server.staff(INVITE, { input: { email: address(), name: 'X', roles: ['SPECIALIST'] } }, t.adminToken),
    );
    expectError(refused, 'FORBIDDEN', 'ADDRESS_UNCONFIRMED');
    expectError(
      await server.staff(
        `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
        { input: { email: address(), name: 'X', password: NEW_PASSWORD, roles: ['SPECIALIST'] } },
        t.adminToken,
      ),
      'FORBIDDEN',
      'ADDRESS_UNCONFIRMED',
    );

    // Nor can it receive mail: its address is refused at RCPT TO, as an unknown one.
    const customer = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort!, secure: false, ignoreTLS: true });
    const write = () =>
      customer.sendMail({ from: 'ivan@example.com', to: `${t.slug}@mail.reclaim.test`, subject: 'Broken kettle', text: 'It leaks.' });
    await expect(write()).rejects.toThrow(/550/);

    expect(mail.parsed.subject).toBe('Подтвердите адрес для Gamma');
    // Sent again: the first link is replaced.
    expect(ok(await server.staff('mutation { resendAddressConfirmation }', {}, t.adminToken)).resendAddressConfirmation).toBe(true);
    const link = linkIn(await mailTo(email, 2));
    expect(link).toMatchObject({ page: 'confirm-address', slug: t.slug });
    expectError(
      await server.staff(CONFIRM, { input: { tenantSlug: t.slug, token: linkIn(mail).token } }),
      'BAD_USER_INPUT',
      'LINK_REVOKED',
    );
    expectError(await server.staff(CONFIRM, { input: { tenantSlug: a.slug, token: link.token } }), 'BAD_USER_INPUT', 'LINK_INVALID');
    expect(ok(await server.staff(CONFIRM, { input: { tenantSlug: t.slug, token: link.token } })).confirmAddress).toBe(true);
    expectError(await server.staff(CONFIRM, { input: { tenantSlug: t.slug, token: link.token } }), 'BAD_USER_INPUT', 'LINK_USED');
    expect(await confirmed()).toBe(true);
    expect(ok(await server.staff('mutation { resendAddressConfirmation }', {}, t.adminToken)).resendAddressConfirmation).toBe(false);
    ok(await server.staff(INVITE, { input: { email: address(), name: 'X', roles: ['SPECIALIST'] } }, t.adminToken));
    expect((await write()).accepted).toEqual([`${t.slug}@mail.reclaim.test`]);
    customer.close();
  });

  it('is asked for again, once, a week before the company would be deleted, saying when, in its language and time zone', async () => {
    const DAY = 86_400_000;
    const [email, younger] = [address(), address()];
    const t = await fx.tenant(undefined, 'Delta', email, { locale: 'en', timeZone: 'Asia/Tokyo' }, { unconfirmed: true });
    const y = await fx.tenant(undefined, 'Epsilon', younger, { locale: 'ru' }, { unconfirmed: true });
    const lastMinute = address();
    const z = await fx.tenant(undefined, 'Zeta', lastMinute, { locale: 'ru' }, { unconfirmed: true });
    const first = await mailTo(email);
    await Promise.all([mailTo(younger), mailTo(lastMinute)]);
    await Promise.all([recorded(email), recorded(younger), recorded(lastMinute)]);
    // Counted before either is due, so that a pass of the server's own timer counts too.
    const reminders = () => server.app.purge.stats.byJob['unconfirmed company reminder'] ?? NaN;
    const before = reminders();
    // Signed up 24 days ago: deleted in 6 days (UNCONFIRMED_COMPANY_DAYS, 30), due the reminder since its 23rd day. Not reminded: one
    // signed up 22 days ago, and one to be deleted in half an hour (a reminder could not be acted on).
    const signUp = (tenantId: string, at: Date) =>
      server.dataSource.query('UPDATE tenants SET created_at = $2 WHERE id = $1', [tenantId, at]);
    const signedUp = new Date(Date.now() - 24 * DAY);
    await signUp(t.tenantId, signedUp);
    await signUp(y.tenantId, new Date(Date.now() - 22 * DAY));
    await signUp(z.tenantId, new Date(Date.now() - 30 * DAY + 1_800_000));

    // The node's purge looks twice at the same moment, as two nodes would, and then again: one reminder.
    await Promise.all([server.app.purge.purgeAll(), server.app.purge.purgeAll()]);
    await server.app.purge.purgeAll();
    expect(reminders() - before).toBe(1);
    const reminder = await mailTo(email, 2);
    await recorded(email, 2);
    expect({ to: sink.to(email).length, younger: sink.to(younger).length, lastMinute: sink.to(lastMinute).length }).toEqual({
      to: 2,
      younger: 1,
      lastMinute: 1,
    });
    expect(reminder.parsed.subject).toBe('Reminder: confirm your address for Delta');
    const moment = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Tokyo' });
    expect(reminder.parsed.text).toContain(
      `If the address is not confirmed by ${moment.format(new Date(signedUp.getTime() + 30 * DAY))}, the company will be deleted with everything in it.`,
    );
    // The mail at sign-up said when, too.
    expect(first.parsed.text).toMatch(/If the address is not confirmed by .+, the company will be deleted with everything in it\./);
    // Its link confirms the address, and the company is kept.
    expect(ok(await server.staff(CONFIRM, { input: { tenantSlug: t.slug, token: linkIn(reminder).token } })).confirmAddress).toBe(true);
    await signUp(t.tenantId, new Date(Date.now() - 40 * DAY));
    await server.app.purge.purgeAll();
    expect(ok(await server.staff('{ tenant { addressConfirmed } }', {}, t.adminToken)).tenant.addressConfirmed).toBe(true);
  });
});

describe('password reset limits', () => {
  let limited: TestServer;
  let t: TenantFixture;
  const from = (ip: string, slug: string, email: string) =>
    fetch(`${limited.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ query: REQUEST_RESET, variables: { input: { tenantSlug: slug, email } } }),
    }).then((r) => r.json() as Promise<GqlResult>);
  beforeAll(async () => {
    limited = await startTestServer({
      redisUrl: process.env.REDIS_URL,
      rateLimitPrefix: `test-${randomBytes(6).toString('hex')}`,
      trustedProxies: 1,
      passwordResetsPerAccountPerHour: 2,
      passwordResetsPerAddressPerHour: 4,
    });
    t = await new Fixtures(limited).tenant();
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('count per account, existing or not, and per client address', async () => {
    const admin = `admin@${t.slug}.test`;
    ok(await from('203.0.113.1', t.slug, admin));
    ok(await from('198.51.100.2', t.slug, admin));
    // The account's third request in the hour, from a third address.
    expect(expectError(await from('192.0.2.3', t.slug, admin), 'RATE_LIMITED').extensions?.retryAfterSeconds).toBeGreaterThan(3000);
    // An address without an account is counted the same: a refusal tells nothing.
    ok(await from('192.0.2.3', t.slug, 'nobody@example.com'));
    ok(await from('192.0.2.3', t.slug, 'nobody@example.com'));
    expectError(await from('192.0.2.3', t.slug, 'nobody@example.com'), 'RATE_LIMITED');
    // Per address: the fourth request of one address is refused, whatever the accounts; another address goes on.
    for (let i = 0; i < 4; i++) ok(await from('203.0.113.9', t.slug, `someone-${i}@example.com`));
    expectError(await from('203.0.113.9', t.slug, 'someone-else@example.com'), 'RATE_LIMITED');
    ok(await from('203.0.113.10', t.slug, 'someone-else@example.com'));
  });
});

describe('invitation limits', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({
      redisUrl: process.env.REDIS_URL,
      rateLimitPrefix: `test-${randomBytes(6).toString('hex')}`,
      publicUrl: PUBLIC_URL,
      invitationsPerHour: 2,
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("count a company's invitation mails, new and sent again, per hour: past its share one is refused and writes nothing; another company invites on", async () => {
    const lfx = new Fixtures(limited);
    const [t, other] = await Promise.all([lfx.tenant(), lfx.tenant()]);
    const inviteIn = (tenant: TenantFixture) =>
      limited.staff(INVITE, { input: { email: address(), name: 'Irina Invited', roles: ['SPECIALIST'] } }, tenant.adminToken);
    const first = ok(await inviteIn(t)).inviteUser;
    ok(await limited.staff(RESEND, { id: first.id }, t.adminToken));
    const refused = expectError(await lfx.expectNoWrites(() => inviteIn(t)), 'RATE_LIMITED', 'INVITATION_LIMIT');
    expect(refused.extensions?.retryAfterSeconds).toBeGreaterThan(3000);
    expectError(await lfx.expectNoWrites(() => limited.staff(RESEND, { id: first.id }, t.adminToken)), 'RATE_LIMITED', 'INVITATION_LIMIT');
    ok(await inviteIn(other));
    // Mail of another kind is not counted: the admin's own password reset still goes.
    ok(await limited.staff(REQUEST_RESET, { input: { tenantSlug: t.slug, email: `admin@${t.slug}.test` } }));
  });

  it('count only the invitations sent: one refused on the way (a department the company does not have) is not counted', async () => {
    const lfx = new Fixtures(limited);
    const t = await lfx.tenant();
    const invite = (departmentIds: string[] = []) =>
      limited.staff(
        INVITE,
        {
          input: { email: address(), name: 'Irina Invited', roles: ['SPECIALIST'], departmentIds },
        },
        t.adminToken,
      );
    for (let i = 0; i < 3; i++) expectError(await lfx.expectNoWrites(() => invite([randomUUID()])), 'NOT_FOUND');
    ok(await invite());
    ok(await invite());
    expectError(await invite(), 'RATE_LIMITED', 'INVITATION_LIMIT');
  });
});

describe('without SMTP_URL', () => {
  let embedded: TestServer;
  beforeAll(async () => {
    embedded = await startTestServer({ mail: { pollMs: 100 }, publicUrl: PUBLIC_URL });
  });
  afterAll(async () => {
    await embedded?.close();
  });

  it("the development mailbox keeps an invitation's link readable for the admin, who reads the mail there", async () => {
    const t = await new Fixtures(embedded).tenant();
    const email = address();
    ok(await embedded.staff(INVITE, { input: { email, name: 'Mila Mailbox', roles: ['OPERATOR'] } }, t.adminToken));
    const mail = await eventually(
      async () =>
        ok(
          await embedded.staff(`{ outboundMails { mails { kind toAddress status transport bodyText } } }`, {}, t.adminToken),
        ).outboundMails.mails.find((m: { toAddress: string; status: string }) => m.toAddress === email && m.status === 'SENT'),
      10_000,
      'the invitation in the mailbox',
    );
    expect(mail).toMatchObject({ kind: 'INVITATION', transport: 'MAILBOX' });
    const token = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/invitation/${t.slug}#([A-Za-z0-9_-]{43})`).exec(mail.bodyText)?.[1];
    expect(token, mail.bodyText).toBeDefined();
    ok(await embedded.staff(ACCEPT, { input: { tenantSlug: t.slug, token, password: NEW_PASSWORD } }));
  });
});
