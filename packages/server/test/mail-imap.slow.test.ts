import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { Dovecot, dovecotInstalled } from './dovecot.js';
import { DEFAULT_MAILBOX_READER, MailboxReader } from '../src/modules/mail/mailbox.reader.js';
import { MailLinks } from '../src/modules/mail/mail-links.js';
import { SecretBox } from '../src/auth/secret-box.js';
import { systemResolver } from '../src/modules/webhook/ssrf.js';

/**
 * A company's own mailbox read over IMAP, end to end: a real Dovecot started
 * by the test (Debian's dovecot-imapd), mail put into it as the company's
 * mail server would, the server's reader taking it into complaints. Skipped
 * where Dovecot is not installed (a bare machine); `.ci/run` installs it.
 */
const suite = dovecotInstalled ? describe : describe.skip;

let dovecot: Dovecot;
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
const DOMAIN = 'mail.reclaim.test';
const TAG_SECRET = randomBytes(32).toString('hex');

const MAILBOX = `{ mailbox { host port security username folder enabled failures lastErrorCode lastErrorDetail lastPolledAt fetched nextPollAt } }`;
const SAVE = `mutation($input: MailboxInput!) { saveMailbox(input: $input) { host port security username folder enabled fetched lastErrorCode } }`;
const READ_NOW = `mutation { readMailboxNow { fetched } }`;
const INBOUND = `{ inboundMails(first: 100) { messageId fromAddress subject outcome complaintNumber } }`;

/** A Dovecot account of its own for each test: a mailbox no other test writes to. */
function account() {
  const { user, password } = dovecot.account();
  return {
    user,
    password,
    input: { host: '127.0.0.1', port: dovecot.port, security: 'NONE', username: user, password, folder: 'INBOX', enabled: true },
  };
}

let sequence = 0;
/** A customer's mail as it arrives in the company's mailbox. */
function mail(subject: string, from = `customer-${randomBytes(3).toString('hex')}@example.com`, extra = '') {
  const id = `<imap-${Date.now()}-${sequence++}-${randomBytes(4).toString('hex')}@example.com>`;
  return {
    id,
    from,
    subject,
    raw:
      `From: Ivan Petrov <${from}>\r\nTo: claims@acme.test\r\nSubject: ${subject}\r\nMessage-ID: ${id}\r\nDate: ${new Date().toUTCString()}\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n${extra}\r\nThe kettle's lid cracked on the second day.\r\n`,
  };
}

/** The company's complaints received by mail, by subject. */
async function bySubject(w: World, subject: string): Promise<Array<{ id: string; channel: string; customer_email: string }>> {
  return fx.asTenant(w.t.tenantId, (m) => m.query('SELECT id, channel, customer_email FROM complaints WHERE subject = $1', [subject]));
}

/** Whether the test's own look at the mailbox finds the mail with this Message-ID seen. */
async function seen(user: string, password: string, messageId: string): Promise<boolean> {
  const client = await dovecot.client(user, password);
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const [uid] = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
      if (!uid) return false;
      const message = await client.fetchOne(String(uid), { flags: true }, { uid: true });
      return Boolean(message && message.flags?.has('\\Seen'));
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

suite("the company's own mailbox over IMAP", () => {
  beforeAll(async () => {
    dovecot = await new Dovecot().start();
    server = await startTestServer({
      mailDomain: DOMAIN,
      mailTagSecret: TAG_SECRET,
      mailboxesAllowInsecure: true,
      mailMaxBytes: 200 * 1024,
      mailbox: { pollMs: 100, intervalMs: 400 },
      mail: { pollMs: 100 },
    });
    fx = new Fixtures(server);
    [a, b] = await Promise.all([fx.world(), fx.world()]);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await dovecot?.stop();
  });

  it('is refused, on the field that is wrong, when it cannot be read, and then nothing is saved', async () => {
    const { input } = account();
    const refused = async (change: object, reason: string, field: string) => {
      const error = expectError(await server.staff(SAVE, { input: { ...input, ...change } }, a.t.adminToken), 'BAD_USER_INPUT', reason);
      expect((error.extensions as { fields: Array<{ field: string; reason: string }> }).fields).toEqual([
        expect.objectContaining({ field, reason }),
      ]);
    };
    await refused({ password: 'wrong' }, 'MAILBOX_LOGIN_FAILED', 'password');
    await refused({ folder: 'Complaints' }, 'MAILBOX_FOLDER_MISSING', 'folder');
    await refused({ security: 'STARTTLS' }, 'MAILBOX_TLS', 'security');
    const closed = await import('node:net').then(async ({ createServer }) => {
      const s = createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      const { port } = s.address() as { port: number };
      await new Promise((r) => s.close(r));
      return port;
    });
    await refused({ port: closed }, 'MAILBOX_UNREACHABLE', 'host');
    expect(ok(await server.staff(MAILBOX, {}, a.t.adminToken)).mailbox).toBeNull();
    // The admin's, as the company's other mail settings.
    expectError(await server.staff(MAILBOX, {}, a.staff.HEAD.token), 'FORBIDDEN');
    expectError(await server.staff(SAVE, { input }, a.staff.QUALITY_MANAGER.token), 'FORBIDDEN');
  });

  it('takes the unseen mail, then what arrives, into complaints on the EMAIL channel, once each, and marks it seen', async () => {
    const { user, password, input } = account();
    const early = mail('Cracked lid (arrived before the mailbox was connected)');
    const read = mail('Already read by someone in the company');
    await dovecot.deliver(user, password, early.raw);
    await dovecot.deliver(user, password, read.raw);
    const client = await dovecot.client(user, password);
    await client.mailboxOpen('INBOX');
    const [readUid] = (await client.search({ header: { 'message-id': read.id } }, { uid: true })) || [];
    await client.messageFlagsAdd(String(readUid), ['\\Seen'], { uid: true });
    await client.logout();

    const saved = ok(await server.staff(SAVE, { input }, a.t.adminToken)).saveMailbox;
    expect(saved).toMatchObject({
      host: '127.0.0.1',
      port: dovecot.port,
      security: 'NONE',
      username: user,
      folder: 'INBOX',
      enabled: true,
    });
    const [complaint] = await eventually(
      async () => {
        const rows = await bySubject(a, early.subject);
        return rows.length > 0 && rows;
      },
      10_000,
      'the complaint from the unseen mail',
    );
    expect(complaint).toMatchObject({ channel: 'EMAIL', customer_email: early.from });
    expect(await seen(user, password, early.id)).toBe(true);
    expect(await bySubject(a, read.subject)).toHaveLength(0);

    const later = mail('Second mail, after the first read');
    await dovecot.deliver(user, password, later.raw);
    await eventually(async () => (await bySubject(a, later.subject)).length > 0, 10_000, 'the mail that arrived later');
    const box = await eventually(
      async () => {
        const m = ok(await server.staff(MAILBOX, {}, a.t.adminToken)).mailbox;
        return m.fetched >= 2 && m;
      },
      5000,
      'the count',
    );
    expect(box).toMatchObject({ fetched: 2, failures: 0, lastErrorCode: null });
    expect(new Date(box.lastPolledAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // A node that died before recording how far it got: the next read takes the same mail again, and nothing doubles.
    await fx.asTenant(a.t.tenantId, (m) => m.query('UPDATE mail_mailboxes SET last_uid = NULL, uid_validity = NULL'));
    const client2 = await dovecot.client(user, password);
    await client2.mailboxOpen('INBOX');
    await client2.messageFlagsRemove('1:*', ['\\Seen']);
    await client2.logout();
    ok(await server.staff(READ_NOW, {}, a.t.adminToken));
    await eventually(async () => seen(user, password, read.id), 10_000, 'the read again');
    expect(await bySubject(a, early.subject)).toHaveLength(1);
    expect(await bySubject(a, later.subject)).toHaveLength(1);
    // The mail someone had read in the mailbox before it was connected becomes a complaint only now that it is unseen again.
    expect(await bySubject(a, read.subject)).toHaveLength(1);
  });

  it('leaves a mail larger than MAIL_MAX_MB unread in the mailbox, and shows the admin who wrote it and about what, once', async () => {
    const { user, password, input } = account();
    const big = mail('A video of the fault');
    const raw = big.raw + `${'The lid cracked again, see the video. '.repeat(25)}\r\n`.repeat(300); // about 280 kB, over the 200 kB limit
    const after = mail('Sent after the video');
    await dovecot.deliver(user, password, raw);
    await dovecot.deliver(user, password, after.raw);
    ok(await server.staff(SAVE, { input }, a.t.adminToken));
    await eventually(async () => (await bySubject(a, after.subject)).length > 0, 10_000, 'the mail after the large one');
    const received = async () =>
      ok(await server.staff(INBOUND, {}, a.t.adminToken)).inboundMails.filter((m: { messageId: string }) => m.messageId === big.id);
    expect(await received()).toEqual([
      { messageId: big.id, fromAddress: big.from, subject: big.subject, outcome: 'TOO_LARGE', complaintNumber: null },
    ]);
    expect(await bySubject(a, big.subject)).toHaveLength(0);
    expect(await seen(user, password, big.id)).toBe(false);
    expect(ok(await server.staff(MAILBOX, {}, a.t.adminToken)).mailbox).toMatchObject({ fetched: 1, failures: 0 });
    // Read again from the start (a node that died before recording how far it got): still one record.
    await fx.asTenant(a.t.tenantId, (m) => m.query('UPDATE mail_mailboxes SET last_uid = NULL, uid_validity = NULL'));
    ok(await server.staff(READ_NOW, {}, a.t.adminToken));
    await eventually(
      async () =>
        (await fx.asTenant(a.t.tenantId, (m) => m.query('SELECT 1 FROM mail_mailboxes WHERE uid_validity IS NOT NULL'))).length > 0,
      10_000,
      'the second read',
    );
    expect(await received()).toHaveLength(1);
    expect(
      ok(await server.staff(INBOUND, {}, b.t.adminToken)).inboundMails.filter((m: { messageId: string }) => m.messageId === big.id),
    ).toEqual([]);
  });

  it('is read by one node at a time, and no mail is taken twice by two nodes', async () => {
    const { user, password, input } = account();
    // Another node: its own reader over the same database, with the same settings.
    const second = new MailboxReader(
      server.dataSource,
      undefined,
      new MailLinks(TAG_SECRET, 'http://localhost'),
      { domain: DOMAIN, tagSecret: TAG_SECRET },
      new SecretBox(TAG_SECRET, 'mailbox password'),
      { allowInsecure: true, resolve: systemResolver, timeoutMs: 5000, maxBytes: 25 * 1024 * 1024 },
      { spend: async () => ({ allowed: true }) } as never,
      { ...DEFAULT_MAILBOX_READER, pollMs: 50, intervalMs: 200 },
    );
    second.start();
    try {
      ok(await server.staff(SAVE, { input }, a.t.adminToken));
      const mails = Array.from({ length: 12 }, (_, i) => mail(`Burst ${i} ${randomBytes(2).toString('hex')}`));
      for (const m of mails) await dovecot.deliver(user, password, m.raw);
      for (const m of mails) await eventually(async () => (await bySubject(a, m.subject)).length > 0, 15_000, m.subject);
      await new Promise((r) => setTimeout(r, 600));
      for (const m of mails) expect(await bySubject(a, m.subject)).toHaveLength(1);
      const [row] = await fx.asTenant(a.t.tenantId, (m) => m.query('SELECT fetched FROM mail_mailboxes'));
      expect(Number(row.fetched)).toBe(12);
    } finally {
      await second.stop();
    }
  });

  it('records a failed read for the admin and waits longer before the next', async () => {
    const { input } = account();
    ok(await server.staff(SAVE, { input }, a.t.adminToken));
    await fx.asTenant(a.t.tenantId, (m) => m.query(`UPDATE mail_mailboxes SET username = 'nobody@acme.test', next_poll_at = now()`));
    const box = await eventually(
      async () => {
        const m = ok(await server.staff(MAILBOX, {}, a.t.adminToken)).mailbox;
        return m.failures >= 1 && m;
      },
      10_000,
      'the failure',
    );
    expect(box.lastErrorCode).toBe('LOGIN_FAILED');
    expect(new Date(box.nextPollAt).getTime() - new Date(box.lastPolledAt).getTime()).toBeGreaterThanOrEqual(350);
    // Saving it again (here: the right account) clears the failure and reads at once.
    const again = ok(await server.staff(SAVE, { input: { ...input, password: null } }, a.t.adminToken)).saveMailbox;
    expect(again.lastErrorCode).toBeNull();
  });

  it('keeps the password sealed, never returns it, and is nothing to another company', async () => {
    const { input, password } = account();
    ok(await server.staff(SAVE, { input }, a.t.adminToken));
    const [row] = await fx.asTenant(a.t.tenantId, (m) => m.query('SELECT password_sealed FROM mail_mailboxes'));
    expect((row.password_sealed as Buffer).includes(Buffer.from(password))).toBe(false);
    const fields = ok(await server.staff(`{ __type(name: "MailMailbox") { fields { name } } }`, {}, a.t.adminToken)).__type.fields.map(
      (f: { name: string }) => f.name,
    );
    expect(fields.some((f: string) => /password/i.test(f))).toBe(false);
    expect(ok(await server.staff(MAILBOX, {}, b.t.adminToken)).mailbox).toBeNull();
    expect(await fx.asTenant(b.t.tenantId, (m) => m.query('SELECT tenant_id FROM mail_mailboxes'))).toEqual([]);
    // A sealed password copied onto another company's row does not open there.
    await fx.asTenant(b.t.tenantId, (m) =>
      m.query(
        `INSERT INTO mail_mailboxes (tenant_id, host, port, security, username, password_sealed, next_poll_at) VALUES (app_tenant_id(), '127.0.0.1', $1, 'NONE', $2, $3, now())`,
        [dovecot.port, input.username, row.password_sealed],
      ),
    );
    const theirs = await eventually(
      async () => ok(await server.staff(MAILBOX, {}, b.t.adminToken)).mailbox.lastErrorCode,
      10_000,
      "B's read",
    );
    expect(theirs).toBe('KEY_CHANGED');
    expectError(await server.staff(READ_NOW, {}, (await fx.world()).t.adminToken), 'NOT_FOUND');
  });
});
