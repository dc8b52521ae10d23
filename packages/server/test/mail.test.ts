import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, expectError, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink, type SunkMail } from './smtp-sink.js';
import { DEFAULT_MAIL_WORKER, MailWorker } from '../src/modules/mail/mail.worker.js';
import { verifyReplyAddress } from '../src/modules/mail/reply-tag.js';

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

const LOG = `query($status: OutboundMailStatus) { outboundMails(status: $status) {
  transport mails { id kind toAddress subject bodyText messageId status attempts transport lastError sentAt complaintId complaintNumber } } }`;
const reply = (w: World, complaintId: string, body: string, visibility = 'PUBLIC') =>
  server.staff(Q.addMessage, { input: { complaintId, body, visibility } }, w.staff.OPERATOR.token);
const customer = () => `c-${randomBytes(4).toString('hex')}@example.com`;
const header = (m: SunkMail, name: string) => m.parsed.headers.get(name);

beforeAll(async () => {
  sink = await new SmtpSink().start();
  server = await startTestServer({
    smtpUrl: sink.url, mailDomain: DOMAIN, mailTagSecret: TAG_SECRET,
    mail: { pollMs: 100, retryDelaysMs: [RETRY_MS, RETRY_MS], timeoutMs: 5000, leaseMs: 5000 },
  });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
});
afterAll(async () => {
  await server?.close();
  await sink?.close();
});

describe('a public reply by mail', () => {
  it('reaches the customer once, from the company, with our Message-ID, the reply address and the number in the subject', async () => {
    const to = customer();
    const c = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: to } });
    ok(await reply(a, c.id, 'We have sent a courier for the kettle.'));
    const [got] = await eventually(() => sink.to(to).length >= 1 && sink.to(to), 10_000, 'the mail');
    const mail = got!.parsed;
    expect(mail.subject).toMatch(new RegExp(`^\\[${c.number}\\] `));
    expect(mail.text).toContain('We have sent a courier for the kettle.');
    expect(mail.from?.value[0]?.address).toBe(`${a.t.slug}@${DOMAIN}`);
    const replyTo = mail.replyTo!.value[0]!.address!;
    expect(verifyReplyAddress(TAG_SECRET, replyTo, DOMAIN)).toEqual({ slug: a.t.slug, number: c.number });
    expect(header(got!, 'auto-submitted')).toBe('auto-replied');
    expect(mail.inReplyTo).toBeUndefined();

    const log = ok(await server.staff(LOG, {}, a.t.adminToken)).outboundMails;
    expect(log.transport).toBe('SMTP');
    const entry = log.mails.find((m: any) => m.complaintId === c.id);
    expect(entry).toMatchObject({
      kind: 'PUBLIC_REPLY', toAddress: to, status: 'SENT', attempts: 1, transport: 'SMTP', complaintNumber: c.number, lastError: null,
    });
    expect(mail.messageId).toBe(entry.messageId);
    expect(entry.messageId).toMatch(new RegExp(`^<${entry.id}@${DOMAIN.replace(/\./g, '\\.')}>$`));

    // The next reply of the same complaint threads under the first in the customer's mail program.
    ok(await reply(a, c.id, 'The courier comes tomorrow.'));
    const second = await eventually(() => sink.to(to).length >= 2 && sink.to(to)[1], 10_000, 'the second mail');
    expect(second.parsed.inReplyTo).toBe(entry.messageId);
    expect(second.parsed.references).toEqual(entry.messageId);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.to(to)).toHaveLength(2);
  });

  it('is written in the company\'s language', async () => {
    const t = await fx.tenant(undefined, 'ООО Ромашка', undefined, { locale: 'ru' });
    const w = await fx.world(t);
    const to = customer();
    const c = await fx.register(w.staff.OPERATOR.token, { customer: { name: 'Иван', email: to } });
    ok(await reply(w, c.id, 'Курьер приедет завтра.'));
    const [got] = await eventually(() => sink.to(to).length >= 1 && sink.to(to), 10_000, 'the mail');
    expect(got!.parsed.subject).toBe(`[${c.number}] Ответ по обращению: Cracked kettle lid`);
    expect(got!.parsed.text).toContain(`Обращение ${c.number}`);
    expect(got!.parsed.from?.value[0]?.name).toBe('ООО Ромашка');
  });

  it('is not written for an internal note, nor for a complaint without an address, nor by a change that failed', async () => {
    const to = customer();
    const c = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: to } });
    ok(await reply(a, c.id, 'Internal: check the supplier.', 'INTERNAL'));
    const anonymous = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Walk-in', phone: '+7 900 000-00-00' } });
    ok(await reply(a, anonymous.id, 'Thank you.'));
    await fx.expectNoWrites(async () => expectError(await server.staff(Q.addMessage, {
      input: { complaintId: c.id, body: 'with a file that does not exist', visibility: 'PUBLIC', attachmentIds: [randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')] },
    }, a.staff.OPERATOR.token), 'BAD_USER_INPUT'));
    const rows = await server.dataSource.query('SELECT count(*)::int AS n FROM outbound_mails WHERE complaint_id = ANY($1)', [[c.id, anonymous.id]]);
    expect(rows[0].n).toBe(0);
  });
});

describe('sending', () => {
  it('retries a temporary refusal (4xx) with backoff and sends once', async () => {
    const to = customer();
    sink.answer(to, 451, 451);
    const c = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: to } });
    ok(await reply(a, c.id, 'Third time lucky.'));
    await eventually(() => sink.to(to).length >= 1, 10_000, 'the mail after two refusals');
    const entry = ok(await server.staff(LOG, {}, a.t.adminToken)).outboundMails.mails.find((m: any) => m.complaintId === c.id);
    expect(entry).toMatchObject({ status: 'SENT', attempts: 3 });
    expect(entry.lastError).toMatch(/451/);
    expect(sink.to(to)).toHaveLength(1);
  });

  it('records a final failure (a 5xx at once, or the retries run out) on the complaint\'s timeline', async () => {
    const gone = customer();
    const busy = customer();
    sink.answer(gone, 550);
    sink.answer(busy, 451, 451, 451);
    const c1 = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: gone } });
    const c2 = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: busy } });
    ok(await reply(a, c1.id, 'To an address that does not exist.'));
    ok(await reply(a, c2.id, 'To a mailbox that is always busy.'));
    for (const [c, attempts, code] of [[c1, 1, /550/], [c2, 3, /451/]] as const) {
      const failed = await eventually(async () => (await fx.get(a.staff.OPERATOR.token, c.id)).timeline.find((e) => e.type === 'MAIL_FAILED'),
        10_000, 'the failure on the timeline');
      expect(failed.actorKind).toBe('SYSTEM');
      expect(failed.data.error).toMatch(code);
      const entry = ok(await server.staff(LOG, { status: 'FAILED' }, a.t.adminToken)).outboundMails.mails.find((m: any) => m.complaintId === c.id);
      expect(entry).toMatchObject({ status: 'FAILED', attempts, sentAt: null });
    }
    expect(sink.to(gone)).toHaveLength(0);
    expect(sink.to(busy)).toHaveLength(0);
  });

  it('never sends one mail twice, and a node that died holding one loses nothing', async () => {
    const second = new MailWorker(server.dataSource, { smtpUrl: sink.url, domain: DOMAIN, tagSecret: TAG_SECRET }, undefined,
      { ...DEFAULT_MAIL_WORKER, pollMs: 50, retryDelaysMs: [RETRY_MS] });
    second.start();
    const to = customer();
    try {
      const c = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: to } });
      for (let i = 0; i < 15; i++) ok(await reply(a, c.id, `Reply ${i}`));
      await eventually(() => sink.to(to).length >= 15, 10_000, '15 mails');
      await new Promise((r) => setTimeout(r, 500));
      expect(sink.to(to)).toHaveLength(15);
      expect(new Set(sink.to(to).map((m) => m.parsed.messageId)).size).toBe(15);
      expect(second.stats.delivered).toBeGreaterThan(0);

      // A node claimed a mail (its lease: 800 ms) and died before sending it: committed, claimed, never sent.
      await Promise.all([server.app.mail.stop(), second.stop()]);
      ok(await reply(a, c.id, 'The one a dead node held.'));
      await server.dataSource.query(
        `UPDATE outbound_mails SET attempts = 1, message_id = '<' || id || '@${DOMAIN}>', next_attempt_at = now() + interval '800 milliseconds'
          WHERE complaint_id = $1 AND status = 'PENDING'`, [c.id]);
      const claimedAt = Date.now();
      server.app.mail.start();
      const got = await eventually(() => sink.to(to).length >= 16 && sink.to(to)[15], 5000, 'the lost mail');
      expect(got.at - claimedAt).toBeGreaterThanOrEqual(700);
      expect(got.parsed.text).toContain('The one a dead node held.');
      await new Promise((r) => setTimeout(r, 300));
      expect(sink.to(to)).toHaveLength(16);
      const [row] = await server.dataSource.query(`SELECT status, attempts, message_id FROM outbound_mails WHERE complaint_id = $1 ORDER BY created_at DESC LIMIT 1`, [c.id]);
      expect(row).toMatchObject({ status: 'SENT', attempts: 2 });
      expect(got.parsed.messageId).toBe(row.message_id);
    } finally {
      await second.close();
      server.app.mail.start();
    }
  });
});

describe('the mail log', () => {
  it('is the admin\'s, and a company sees only its own mail', async () => {
    const to = customer();
    const c = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Ivan Petrov', email: to } });
    ok(await reply(a, c.id, 'Only for company A.'));
    await eventually(() => sink.to(to).length >= 1, 10_000, 'the mail');
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
    ok(await embedded.staff(Q.addMessage, { input: { complaintId: c.id, body: 'Seen in the mailbox.', visibility: 'PUBLIC' } }, w.staff.OPERATOR.token));
    const log = await eventually(async () => {
      const l = ok(await embedded.staff(LOG, {}, w.t.adminToken)).outboundMails;
      return l.mails[0]?.status === 'SENT' && l;
    }, 10_000, 'the mail in the mailbox');
    expect(log.transport).toBe('MAILBOX');
    expect(log.mails[0]).toMatchObject({ toAddress: to, transport: 'MAILBOX', complaintNumber: c.number });
    expect(log.mails[0].bodyText).toContain('Seen in the mailbox.');
    expect(sink.to(to)).toHaveLength(0);
  });
});
