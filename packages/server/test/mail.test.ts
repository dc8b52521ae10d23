import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, expectError, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink, type SunkMail } from './smtp-sink.js';
import { DEFAULT_MAIL_WORKER, MailWorker } from '../src/modules/mail/mail.worker.js';
import { verifyReplyAddress } from '../src/modules/mail/reply-tag.js';
import { MailKind, queueMail } from '../src/modules/mail/mail.outbox.js';
import { UnitOfWork } from '../src/db/unit-of-work.js';
import { RequestContext } from '../src/graphql/context.js';

/**
 * Outbound mail end to end: the server sends over SMTP to a sink this test
 * starts (smtp-server, parsed with mailparser), with a shortened retry
 * clock; a second server without SMTP_URL keeps its mail in the
 * development mailbox.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
let sink: SmtpSink;
const DOMAIN = 'mail.reclaim.test';
const TAG_SECRET = randomBytes(32).toString('hex');
const RETRY_MS = 300;
const PUBLIC_URL = 'https://reclaim.example.com';

const LOG = `query($status: OutboundMailStatus) { outboundMails(status: $status) {
  transport mails { id kind toAddress subject bodyText messageId status attempts transport lastErrorCode lastErrorDetail sentAt complaintId complaintNumber } } }`;
const reply = (w: World, complaintId: string, body: string, visibility = 'PUBLIC') =>
  server.staff(Q.addMessage, { input: { complaintId, body, visibility } }, w.staff.OPERATOR.token);
const customer = () => `c-${randomBytes(4).toString('hex')}@example.com`;
const header = (m: SunkMail, name: string) => m.parsed.headers.get(name);
/** The mails to `to` whose subject says `what` (the built-in English subjects). */
const mails = (to: string, what: string | RegExp) =>
  sink.to(to).filter((m) => (typeof what === 'string' ? m.parsed.subject?.includes(what) : what.test(m.parsed.subject ?? '')));
const REPLY = 'Reply to your complaint';
/** A complaint of `w` for a new address, once its "received" mail has arrived (so that what a test counts next is only what it caused). */
async function registered(w: World, to = customer()) {
  const c = await fx.register(w.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: to } });
  const [mail] = await eventually(() => sink.to(to).length >= 1 && sink.to(to), 10_000, 'the "received" mail');
  return { c, to, received: mail! };
}
/** The tracking link in a mail's text: its number and token (the fragment). */
function linkIn(m: SunkMail): { url: string; number: string; token: string } {
  const url = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/p/[^\\s]+`).exec(m.parsed.text ?? '')?.[0];
  expect(url, m.parsed.text).toBeDefined();
  const parsed = new URL(url!);
  return { url: url!, number: decodeURIComponent(parsed.pathname.split('/').at(-1)!), token: decodeURIComponent(parsed.hash.slice(1)) };
}
const STATUS = `query($number: String!, $token: String!) { complaintStatus(number: $number, accessToken: $token) { number stage } }`;

beforeAll(async () => {
  sink = await new SmtpSink().start();
  server = await startTestServer({
    smtpUrl: sink.url,
    mailDomain: DOMAIN,
    mailTagSecret: TAG_SECRET,
    publicUrl: PUBLIC_URL,
    mail: { pollMs: 100, retryDelaysMs: [RETRY_MS, RETRY_MS], timeoutMs: 5000, leaseMs: 5000 },
  });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([english(), english()]);
});
/** A company that writes English (the built-in subjects below are the English ones). */
const english = async () => fx.world(await fx.tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
afterAll(async () => {
  await server?.close();
  await sink?.close();
});

describe('customer notifications', () => {
  it("tell a new complaint's customer its number and a tracking link that opens it on the portal", async () => {
    const { c, received } = await registered(a);
    expect(received.parsed.subject).toBe(`[${c.number}] Your complaint is received: Cracked kettle lid`);
    expect(received.parsed.text).toContain(c.number);
    const link = linkIn(received);
    expect(link.url.startsWith(`${PUBLIC_URL}/p/${a.t.slug}/track/`)).toBe(true);
    // Signed, not the complaint's token: no mail text kept in the outbox holds a live token.
    expect(link.token).toMatch(/^m1\./);
    expect(ok(await server.portal(STATUS, { number: link.number, token: link.token })).complaintStatus).toMatchObject({ number: c.number });
  });

  it('send a public reply from the company, with our Message-ID, the reply address, the number in the subject, threaded', async () => {
    const { c, to, received } = await registered(a);
    ok(await reply(a, c.id, 'We have sent a courier for the kettle.'));
    const [got] = await eventually(() => mails(to, REPLY).length >= 1 && mails(to, REPLY), 10_000, 'the mail');
    const mail = got!.parsed;
    expect(mail.subject).toBe(`[${c.number}] Reply to your complaint: Cracked kettle lid`);
    expect(mail.text).toContain('We have sent a courier for the kettle.');
    expect(mail.from?.value[0]).toEqual({ name: 'Test Company', address: `${a.t.slug}@${DOMAIN}` });
    const replyTo = mail.replyTo!.value[0]!.address!;
    expect(verifyReplyAddress(TAG_SECRET, replyTo, DOMAIN)).toEqual({ slug: a.t.slug, number: c.number });
    expect(header(got!, 'auto-submitted')).toBe('auto-replied');
    // Threaded under the "received" mail in the customer's mail program.
    expect(mail.inReplyTo).toBe(received.parsed.messageId);
    expect(mail.references).toBe(received.parsed.messageId);

    // The SMTP server has it; its outcome is recorded a moment later.
    const log = await eventually(
      async () => {
        const l = ok(await server.staff(LOG, {}, a.t.adminToken)).outboundMails;
        return l.mails.some((m: any) => m.complaintId === c.id && m.kind === 'PUBLIC_REPLY' && m.status !== 'PENDING') && l;
      },
      10_000,
      'the recorded outcome',
    );
    expect(log.transport).toBe('SMTP');
    const entry = log.mails.find((m: any) => m.complaintId === c.id && m.kind === 'PUBLIC_REPLY');
    expect(entry).toMatchObject({
      toAddress: to,
      status: 'SENT',
      attempts: 1,
      transport: 'SMTP',
      complaintNumber: c.number,
      lastErrorCode: null,
      lastErrorDetail: null,
    });
    expect(mail.messageId).toBe(entry.messageId);
    expect(entry.messageId).toMatch(new RegExp(`^<${entry.id}@${DOMAIN.replace(/\./g, '\\.')}>$`));

    // The link opens the complaint, and stops working when a new tracking link is issued.
    const link = linkIn(got!);
    expect(link.token).toMatch(/^m1\./);
    expect(ok(await server.portal(STATUS, { number: link.number, token: link.token })).complaintStatus.number).toBe(c.number);
    expect(ok(await server.portal(STATUS, { number: link.number, token: `${link.token.slice(0, -2)}xx` })).complaintStatus).toBeNull();
    ok(await server.staff(`mutation($id: ID!) { issueTrackingLink(id: $id) { id } }`, { id: c.id }, a.staff.OPERATOR.token));
    expect(ok(await server.portal(STATUS, { number: link.number, token: link.token })).complaintStatus).toBeNull();

    ok(await reply(a, c.id, 'The courier comes tomorrow.'));
    const second = await eventually(() => mails(to, REPLY).length >= 2 && mails(to, REPLY)[1], 10_000, 'the second mail');
    expect(second.parsed.inReplyTo).toBe(entry.messageId);
    expect(second.parsed.references).toEqual([received.parsed.messageId, entry.messageId]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.to(to)).toHaveLength(3);
  });

  it('ask a question, tell the decision with its remedy and amount, ask for a rating with a link that rates, and tell the closing', async () => {
    const to = customer();
    const c = await fx.complaintAt(a, Stage.FEEDBACK, { input: { customer: { name: 'Ivan Petrov', email: to } } });
    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: c.id, body: 'Is the lid still under warranty?', visibility: 'PUBLIC', awaitCustomer: true } },
        a.staff.SPECIALIST.token,
      ),
    );
    const decision = await eventually(() => mails(to, 'Decision on your complaint')[0], 10_000, 'the decision');
    // The company has no currency set: the amount alone.
    expect(decision.parsed.text).toContain('"Cracked kettle lid": we will refund you 1,500.00.');
    const question = await eventually(() => mails(to, 'A question about your complaint')[0], 10_000, 'the question');
    expect(question.parsed.text).toContain('Is the lid still under warranty?');
    const rating = await eventually(() => mails(to, 'How did we do?')[0], 10_000, 'the rating request');
    const link = linkIn(rating);
    ok(await server.portal(Q.rate, { number: link.number, token: link.token, score: 5, comment: 'quick' }));
    await fx.advance(a, await fx.get(a.staff.HEAD.token, c.id), Stage.CLOSED);
    const closed = await eventually(() => mails(to, 'is closed')[0], 10_000, 'the closing');
    expect(closed.parsed.subject).toBe(`[${c.number}] Your complaint ${c.number} is closed`);
    expect(closed.parsed.text).toContain('(Closed)');
  });

  it("are written in the company's language", async () => {
    const t = await fx.tenant(undefined, 'ООО Ромашка', undefined, { locale: 'ru' });
    const w = await fx.world(t);
    const { c, to, received } = await registered(w);
    expect(received.parsed.subject).toBe(`[${c.number}] Ваше обращение получено: Cracked kettle lid`);
    expect(received.parsed.text).toContain('Здравствуйте, Ivan Petrov!');
    ok(await reply(w, c.id, 'Курьер приедет завтра.'));
    const got = await eventually(() => mails(to, 'Ответ по обращению')[0], 10_000, 'the mail');
    expect(got.parsed.text).toContain('Курьер приедет завтра.');
    expect(got.parsed.from?.value[0]?.name).toBe('ООО Ромашка');
  });

  it('are not written for an internal note, nor for a complaint without an address, nor by a change that failed', async () => {
    const { c } = await registered(a);
    ok(await reply(a, c.id, 'Internal: check the supplier.', 'INTERNAL'));
    const anonymous = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Walk-in', phone: '+7 900 000-00-00' } });
    ok(await reply(a, anonymous.id, 'Thank you.'));
    await fx.expectNoWrites(async () =>
      expectError(
        await server.staff(
          Q.addMessage,
          {
            input: { complaintId: c.id, body: 'with a file that does not exist', visibility: 'PUBLIC', attachmentIds: [randomUUID()] },
          },
          a.staff.OPERATOR.token,
        ),
        'BAD_USER_INPUT',
      ),
    );
    const rows = await server.dataSource.query(`SELECT kind FROM outbound_mails WHERE complaint_id = ANY($1)`, [[c.id, anonymous.id]]);
    expect(rows).toEqual([{ kind: 'REGISTERED' }]);
  });
});

describe('notification texts', () => {
  const SAVE = `mutation($input: NotificationTemplateInput!) { saveNotificationTemplate(input: $input) { event locale subject body custom } }`;
  const LIST = '{ notificationTemplates { event locale subject body custom } }';

  it("are the company's own once saved, checked like response templates, previewed, and reset", async () => {
    const w = await english();
    const list = ok(await server.staff(LIST, {}, w.t.adminToken)).notificationTemplates;
    // Six customer events and three staff ones (test/staff-mail.test.ts), each in both languages.
    expect(list).toHaveLength(18);
    expect(list.every((t: any) => !t.custom)).toBe(true);
    const input = {
      event: 'REGISTERED',
      locale: 'en',
      subject: 'We got it: {{ number }}',
      body: 'Dear {{customer.name}}, follow {{trackingLink}} — {{company.name}}',
    };
    const preview = ok(
      await server.staff(
        `query($input: NotificationTemplateInput!) { previewNotificationTemplate(input: $input) { subject body } }`,
        { input },
        w.staff.QUALITY_MANAGER.token,
      ),
    ).previewNotificationTemplate;
    expect(preview).toEqual({ subject: 'We got it: ACME-2026-000042', body: expect.stringContaining('Dear Ivan Petrov, follow https://') });
    for (const bad of [{ body: 'Hello {{customer.phone}}' }, { subject: 'Number {{number' }]) {
      const r = await fx.expectNoWrites(() => server.staff(SAVE, { input: { ...input, ...bad } }, w.t.adminToken));
      expectError(r, 'BAD_USER_INPUT');
      expect((r.errors![0]!.extensions as any).fields[0].field).toBe(Object.keys(bad)[0]);
    }
    expectError(await server.staff(SAVE, { input }, w.staff.HEAD.token), 'FORBIDDEN');
    expect(ok(await server.staff(SAVE, { input }, w.staff.QUALITY_MANAGER.token)).saveNotificationTemplate).toMatchObject({ custom: true });

    const { c, received } = await registered(w);
    expect(received.parsed.subject).toBe(`[${c.number}] We got it: ${c.number}`);
    expect(received.parsed.text).toMatch(new RegExp(`^Dear Ivan Petrov, follow ${PUBLIC_URL.replace(/\./g, '\\.')}/p/`));
    // Another company still has the built-in texts.
    expect(ok(await server.staff(LIST, {}, b.t.adminToken)).notificationTemplates.every((t: any) => !t.custom)).toBe(true);

    const reset = ok(
      await server.staff(`mutation { resetNotificationTemplate(event: REGISTERED, locale: "en") { custom subject } }`, {}, w.t.adminToken),
    );
    expect(reset.resetNotificationTemplate).toEqual({ custom: false, subject: 'Your complaint is received: {{subject}}' });
  });
});

describe('sending', () => {
  it('retries a temporary refusal (4xx) with backoff and sends once', async () => {
    const { c, to } = await registered(a);
    sink.answer(to, 451, 451);
    ok(await reply(a, c.id, 'Third time lucky.'));
    await eventually(() => mails(to, REPLY).length >= 1, 10_000, 'the mail after two refusals');
    const entry = await eventually(
      async () =>
        ok(await server.staff(LOG, {}, a.t.adminToken)).outboundMails.mails.find(
          (m: any) => m.complaintId === c.id && m.kind === 'PUBLIC_REPLY' && m.status === 'SENT',
        ),
      10_000,
      'the recorded outcome',
    );
    expect(entry).toMatchObject({ status: 'SENT', attempts: 3, lastErrorCode: 'DEFERRED' });
    expect(entry.lastErrorDetail).toMatch(/451/);
    expect(mails(to, REPLY)).toHaveLength(1);
  });

  it("records a final failure (a 5xx at once, or the retries run out) on the complaint's timeline", async () => {
    const { c: c1, to: gone } = await registered(a);
    const { c: c2, to: busy } = await registered(a);
    sink.answer(gone, 550);
    sink.answer(busy, 451, 451, 451);
    ok(await reply(a, c1.id, 'To an address that does not exist.'));
    ok(await reply(a, c2.id, 'To a mailbox that is always busy.'));
    for (const [c, attempts, status, code] of [
      [c1, 1, /550/, 'REFUSED'],
      [c2, 3, /451/, 'DEFERRED'],
    ] as const) {
      const failed = await eventually(
        async () => (await fx.get(a.staff.OPERATOR.token, c.id)).timeline.find((e) => e.type === 'MAIL_FAILED'),
        10_000,
        'the failure on the timeline',
      );
      expect(failed.actorKind).toBe('SYSTEM');
      expect(failed.data.code).toBe(code);
      expect(failed.data.detail).toMatch(status);
      const entry = ok(await server.staff(LOG, { status: 'FAILED' }, a.t.adminToken)).outboundMails.mails.find(
        (m: any) => m.complaintId === c.id,
      );
      expect(entry).toMatchObject({ kind: 'PUBLIC_REPLY', status: 'FAILED', attempts, sentAt: null, lastErrorCode: code });
      expect(entry.lastErrorDetail).toMatch(status);
    }
    expect(mails(gone, REPLY)).toHaveLength(0);
    expect(mails(busy, REPLY)).toHaveLength(0);
  });

  it('never sends one mail twice, and a node that died holding one loses nothing', async () => {
    const second = new MailWorker(server.dataSource, { smtpUrl: sink.url, domain: DOMAIN, tagSecret: TAG_SECRET }, undefined, {
      ...DEFAULT_MAIL_WORKER,
      pollMs: 50,
      retryDelaysMs: [RETRY_MS],
    });
    try {
      // Fifteen mails waiting, then both nodes start at once: each claims its turns (4 mails) from the same rows. (Written
      // while both ran, the node that committed them, woken by its commit, could send all fifteen before the other polled.)
      const { c, to } = await registered(a);
      await server.app.mail.stop();
      for (let i = 0; i < 15; i++) ok(await reply(a, c.id, `Reply ${i}`));
      server.app.mail.start();
      second.start();
      await eventually(() => mails(to, REPLY).length >= 15, 10_000, '15 mails');
      await new Promise((r) => setTimeout(r, 500));
      expect(mails(to, REPLY)).toHaveLength(15);
      expect(new Set(mails(to, REPLY).map((m) => m.parsed.messageId)).size).toBe(15);
      expect(second.stats.delivered).toBeGreaterThan(0);

      // A node claimed a mail (its lease: 800 ms) and died before sending it: committed, claimed, never sent.
      await Promise.all([server.app.mail.stop(), second.stop()]);
      ok(await reply(a, c.id, 'The one a dead node held.'));
      await server.dataSource.query(
        `UPDATE outbound_mails SET attempts = 1, message_id = '<' || id || '@${DOMAIN}>', next_attempt_at = now() + interval '800 milliseconds'
          WHERE complaint_id = $1 AND status = 'PENDING'`,
        [c.id],
      );
      const claimedAt = Date.now();
      server.app.mail.start();
      const got = await eventually(() => mails(to, REPLY).length >= 16 && mails(to, REPLY)[15], 5000, 'the lost mail');
      expect(got.at - claimedAt).toBeGreaterThanOrEqual(700);
      expect(got.parsed.text).toContain('The one a dead node held.');
      await new Promise((r) => setTimeout(r, 300));
      expect(mails(to, REPLY)).toHaveLength(16);
      const [row] = await eventually(
        async () => {
          const rows = await server.dataSource.query(
            `SELECT status, attempts, message_id FROM outbound_mails WHERE complaint_id = $1 ORDER BY created_at DESC LIMIT 1`,
            [c.id],
          );
          return rows[0]?.status !== 'PENDING' && rows;
        },
        5000,
        'the recorded outcome',
      );
      expect(row).toMatchObject({ status: 'SENT', attempts: 2 });
      expect(got.parsed.messageId).toBe(row.message_id);
    } finally {
      await second.close();
      server.app.mail.start();
    }
  });
  it("sends mail that is about no complaint from the company's address, and blanks a one-time link once it is sent", async () => {
    const to = `staff-${randomBytes(4).toString('hex')}@example.com`;
    const uow = new UnitOfWork(server.dataSource);
    await uow.enterTenant(a.t.tenantId);
    const ctx = new RequestContext(a.t.tenantId, null, await uow.manager(), uow);
    const id = await queueMail(ctx, {
      kind: MailKind.PASSWORD_RESET,
      to,
      subject: 'Reset\r\nBcc: x@example.com',
      text: 'https://reclaim.example.com/reset#secret-token',
      secret: true,
    });
    await expect(queueMail(ctx, { kind: MailKind.INVITATION, to: 'not an address', subject: 's', text: 't' })).rejects.toThrow(
      /not an address/,
    );
    await uow.finish(true);
    const [got] = await eventually(() => sink.to(to).length >= 1 && sink.to(to), 10_000, 'the mail');
    expect(got!.parsed.subject).toBe('Reset Bcc: x@example.com');
    expect(got!.parsed.text).toContain('secret-token');
    expect(header(got!, 'reply-to')).toMatchObject({ value: [{ address: expect.stringMatching(new RegExp(`@${DOMAIN}$`)) }] });
    const row = await eventually(
      async () => {
        const [r] = await server.dataSource.query(`SELECT status, body_text, kind FROM outbound_mails WHERE id = $1`, [id]);
        return r.status === 'SENT' && r;
      },
      5000,
      'the recorded outcome',
    );
    expect(row).toEqual({ status: 'SENT', body_text: '', kind: 'PASSWORD_RESET' });
    const entry = ok(await server.staff(LOG, {}, a.t.adminToken)).outboundMails.mails.find((m: any) => m.id === id);
    expect(entry).toMatchObject({ kind: 'PASSWORD_RESET', complaintId: null, complaintNumber: null, bodyText: '' });
  });
});

describe('the mail log', () => {
  it("is the admin's, and a company sees only its own mail", async () => {
    const { c, to } = await registered(a);
    expectError(await server.staff(LOG, {}, a.staff.HEAD.token), 'FORBIDDEN');
    const theirs = ok(await server.staff(LOG, {}, b.t.adminToken)).outboundMails.mails;
    expect(theirs.some((m: any) => m.toAddress === to || m.complaintId === c.id)).toBe(false);
    expectError(await server.staff(`{ outboundMails(first: 0) { transport } }`, {}, a.t.adminToken), 'BAD_USER_INPUT');
  });
});

describe('without SMTP_URL', () => {
  let embedded: TestServer;
  beforeAll(async () => {
    embedded = await startTestServer({ mail: { pollMs: 100 } });
  });
  afterAll(async () => {
    await embedded?.close();
  });

  it('keeps mail in the development mailbox, where the admin reads it', async () => {
    const efx = new Fixtures(embedded);
    const w = await efx.world();
    const to = customer();
    const c = await efx.register(w.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: to } });
    ok(
      await embedded.staff(
        Q.addMessage,
        { input: { complaintId: c.id, body: 'Seen in the mailbox.', visibility: 'PUBLIC' } },
        w.staff.OPERATOR.token,
      ),
    );
    const log = await eventually(
      async () => {
        const l = ok(await embedded.staff(LOG, {}, w.t.adminToken)).outboundMails;
        return l.mails.length >= 2 && l.mails.every((m: any) => m.status === 'SENT') && l;
      },
      10_000,
      'the mail in the mailbox',
    );
    expect(log.transport).toBe('MAILBOX');
    expect(log.mails[0]).toMatchObject({ kind: 'PUBLIC_REPLY', toAddress: to, transport: 'MAILBOX', complaintNumber: c.number });
    expect(log.mails[1]).toMatchObject({ kind: 'REGISTERED', toAddress: to, transport: 'MAILBOX', status: 'SENT' });
    expect(log.mails[0].bodyText).toContain('Seen in the mailbox.');
    expect(sink.to(to)).toHaveLength(0);
  });
});
