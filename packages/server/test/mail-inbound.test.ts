import { randomBytes } from 'node:crypto';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink, type SunkMail } from './smtp-sink.js';
import { FIXTURES, type Thread } from './mail-fixtures.js';

/**
 * Inbound mail over real sockets: nodemailer plays the customer's mail
 * program and talks SMTP to the server's receiver; what the server sends
 * goes to an SMTP sink the test starts. Raw messages are written as mail
 * programs write them.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
let sink: SmtpSink;
let client: Transporter;
const DOMAIN = 'mail.reclaim.test';

const customer = () => `c-${randomBytes(4).toString('hex')}@example.com`;
const english = async () => fx.world(await fx.tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
const company = (w: World) => `${w.t.slug}@${DOMAIN}`;
const MESSAGES = `query($id: ID!) { complaint(id: $id) { id number channel stage subject description customer { name email }
  messages { body authorKind visibility } timeline { type data } } }`;
const LIST = `query($s: String) { complaints(filter: { search: $s }) { edges { node { id number channel subject description } } } }`;

/** Sends a mail to the receiver as a mail program would; `raw` is sent as it is. */
async function send(mail: SendMailOptions): Promise<void> {
  await client.sendMail(mail);
}
/** Complaints of `w` whose text holds `word` (a marker each test puts in its mail). */
async function complaintsWith(
  w: World,
  word: string,
): Promise<Array<{ id: string; number: string; channel: string; subject: string; description: string }>> {
  return ok(await server.staff(LIST, { s: word }, w.staff.HEAD.token)).complaints.edges.map((e: any) => e.node);
}
const inboundRows = (w: World, messageId: string) =>
  fx.asTenant(w.t.tenantId, (m) =>
    m.query('SELECT outcome, threaded_by, complaint_id FROM inbound_mails WHERE message_id = $1', [messageId]),
  );
const marker = () => `zq${randomBytes(5).toString('hex')}`;

beforeAll(async () => {
  sink = await new SmtpSink().start();
  server = await startTestServer({
    smtpUrl: sink.url,
    mailDomain: DOMAIN,
    publicUrl: 'https://reclaim.example.com',
    smtpPort: 0,
    smtpHost: '127.0.0.1',
    mailMaxBytes: 200 * 1024,
    mailPerSenderPerHour: 0,
    mailPerCompanyPerHour: 0,
    mail: { pollMs: 100 },
  });
  client = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort!, secure: false, ignoreTLS: true });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([english(), english()]);
});
afterAll(async () => {
  client?.close();
  await server?.close();
  await sink?.close();
});

describe('a mail to the company', () => {
  it('becomes a RECEIVED complaint on the EMAIL channel, and the customer is told its number', async () => {
    const from = customer();
    const word = marker();
    await send({
      from: `"Olga Smirnova" <${from}>`,
      to: company(a),
      subject: 'Broken kettle',
      text: `The kettle ${word} stopped heating after a week.`,
    });
    const [c] = await eventually(
      async () => (await complaintsWith(a, word)).length > 0 && complaintsWith(a, word),
      10_000,
      'the complaint',
    );
    const full = ok(await server.staff(MESSAGES, { id: c!.id }, a.staff.HEAD.token)).complaint;
    expect(full).toMatchObject({
      channel: 'EMAIL',
      stage: 'RECEIVED',
      subject: 'Broken kettle',
      customer: { name: 'Olga Smirnova', email: from },
    });
    expect(full.description).toContain(`The kettle ${word} stopped heating`);
    const [told] = await eventually(() => sink.to(from).length >= 1 && sink.to(from), 10_000, 'the "received" mail');
    expect(told!.parsed.subject).toBe(`[${c!.number}] Your complaint is received: Broken kettle`);
  });

  it('round trip: a staff reply reaches the customer, whose answer from the mail program lands on the same complaint', async () => {
    const from = customer();
    const word = marker();
    await send({ from, to: company(a), subject: 'Dented box', text: `The box ${word} arrived dented.` });
    const [c] = await eventually(
      async () => (await complaintsWith(a, word)).length > 0 && complaintsWith(a, word),
      10_000,
      'the complaint',
    );
    ok(
      await server.staff(
        Q.addMessage,
        { input: { complaintId: c!.id, body: 'Could you send a photo?', visibility: 'PUBLIC', awaitCustomer: true } },
        a.staff.OPERATOR.token,
      ),
    );
    const question = await eventually(() => sink.to(from).find((m) => m.parsed.subject?.includes('A question')), 10_000, 'the question');
    // The customer answers as a mail program does: to the Reply-To, with In-Reply-To and References, the history quoted.
    const replyTo = question.parsed.replyTo!.value[0]!.address!;
    await send({
      from,
      to: replyTo,
      subject: `Re: ${question.parsed.subject}`,
      inReplyTo: question.parsed.messageId,
      references: [question.parsed.references ?? [], question.parsed.messageId!].flat(),
      text: `Here it is, the corner is crushed.\n\nOn Mon, 1 Dec 2026 at 10:00, Test Company <${company(a)}> wrote:\n> Could you send a photo?\n`,
    });
    const answered = await eventually(
      async () => {
        const got = ok(await server.staff(MESSAGES, { id: c!.id }, a.staff.HEAD.token)).complaint;
        return got.messages.some((m: any) => m.authorKind === 'CUSTOMER') && got;
      },
      10_000,
      'the answer on the complaint',
    );
    const answer = answered.messages.find((m: any) => m.authorKind === 'CUSTOMER');
    expect(answer.body).toBe('Here it is, the corner is crushed.');
    expect(answer.visibility).toBe('PUBLIC');
    expect(await complaintsWith(a, word)).toHaveLength(1);
  });
});

describe('threading', () => {
  async function complaintOf(w: World, from: string): Promise<{ id: string; number: string; received: SunkMail }> {
    const word = marker();
    await send({ from, to: company(w), subject: `Order ${word}`, text: `Problem with ${word}.` });
    const [c] = await eventually(
      async () => (await complaintsWith(w, word)).length > 0 && complaintsWith(w, word),
      10_000,
      'the complaint',
    );
    const received = await eventually(() => sink.to(from).find((m) => m.parsed.subject?.includes(c!.number)), 10_000, 'the received mail');
    return { id: c!.id, number: c!.number, received };
  }
  const messagesOf = async (w: World, id: string) => ok(await server.staff(MESSAGES, { id }, w.staff.HEAD.token)).complaint.messages;

  it("follows the reply address alone, References alone, and the number in the subject only from the complaint's customer", async () => {
    const from = customer();
    const c = await complaintOf(a, from);
    const replyTo = c.received.parsed.replyTo!.value[0]!.address!;
    await send({ from: customer(), to: replyTo, subject: 'forwarded to my colleague', text: 'By the reply address.' });
    await send({
      from,
      to: company(a),
      subject: 'AW: something else',
      references: [c.received.parsed.messageId!],
      text: 'By the references.',
    });
    await send({ from: from.toUpperCase(), to: company(a), subject: `WG: ${c.number}`, text: 'By the number, from the customer.' });
    await eventually(async () => (await messagesOf(a, c.id)).length >= 3, 10_000, 'three answers');
    expect((await messagesOf(a, c.id)).map((m: any) => m.body).sort()).toEqual([
      'By the number, from the customer.',
      'By the references.',
      'By the reply address.',
    ]);
  });

  it("never attaches a mail naming another customer's number: a new complaint, flagged", async () => {
    const c = await complaintOf(a, customer());
    const stranger = customer();
    const word = marker();
    await send({ from: stranger, to: company(a), subject: `RE: ${c.number}`, text: `I have the same problem ${word}.` });
    const [other] = await eventually(
      async () => (await complaintsWith(a, word)).length > 0 && complaintsWith(a, word),
      10_000,
      'the new complaint',
    );
    expect(other!.id).not.toBe(c.id);
    const timeline = ok(await server.staff(MESSAGES, { id: other!.id }, a.staff.HEAD.token)).complaint.timeline;
    expect(timeline).toContainEqual({ type: 'MAIL_MENTIONS', data: { number: c.number } });
    expect(await messagesOf(a, c.id)).toEqual([]);
  });

  it('a reply tag or Message-ID of company A sent to company B reaches nothing of A', async () => {
    const c = await complaintOf(a, customer());
    const word = marker();
    await send({
      from: customer(),
      to: company(b),
      subject: `Re: [${c.number}]`,
      references: [c.received.parsed.messageId!],
      text: `Hello ${word}`,
    });
    const [inB] = await eventually(
      async () => (await complaintsWith(b, word)).length > 0 && complaintsWith(b, word),
      10_000,
      "B's new complaint",
    );
    expect(inB).toBeDefined();
    expect(await messagesOf(a, c.id)).toEqual([]);
    // Row-level security: B's rows are B's alone.
    const rowsOfA = await fx.asTenant(a.t.tenantId, (m) => m.query('SELECT count(*)::int AS n FROM inbound_mails'));
    expect(rowsOfA[0].n).toBeGreaterThan(0);
    const seenByB = await fx.asTenant(b.t.tenantId, (m) => m.query('SELECT DISTINCT tenant_id FROM inbound_mails'));
    expect(seenByB).toEqual([{ tenant_id: b.t.tenantId }]);
    // A reply address with a forged tag is refused at RCPT TO.
    await expect(send({ from: customer(), to: `${a.t.slug}+${c.number}.aaaaaaaaaa@${DOMAIN}`, subject: 'x', text: 'x' })).rejects.toThrow(
      /550/,
    );
  });

  it('takes the same Message-ID once', async () => {
    const from = customer();
    const c = await complaintOf(a, from);
    const messageId = `<${marker()}@mail.example.com>`;
    for (let i = 0; i < 2; i++)
      await send({ from, to: company(a), subject: `Re: ${c.number}`, messageId, text: 'Sent twice by my phone.' });
    await eventually(async () => (await messagesOf(a, c.id)).length >= 1, 10_000, 'the answer');
    await new Promise((r) => setTimeout(r, 300));
    expect(await messagesOf(a, c.id)).toHaveLength(1);
    expect(await inboundRows(a, messageId)).toEqual([{ outcome: 'THREADED', threaded_by: 'SUBJECT', complaint_id: c.id }]);
  });
});

describe('mail no person wrote', () => {
  it.each([
    ['an auto-reply', { 'Auto-Submitted': 'auto-replied' }],
    ['a list', { Precedence: 'list', 'List-Id': '<news.example.com>' }],
    ['bulk mail', { Precedence: 'bulk' }],
    ['a loop', { 'X-Loop': 'helpdesk@example.com' }],
    ['an Exchange out-of-office', { 'X-Auto-Response-Suppress': 'All' }],
  ])('%s creates no complaint and sends nothing', async (_what, headers) => {
    const from = customer();
    const word = marker();
    const messageId = `<${word}@example.com>`;
    await send({ from, to: company(a), subject: `Out of office ${word}`, text: `Away ${word}`, headers, messageId });
    await eventually(async () => (await inboundRows(a, messageId)).length, 10_000, 'the mail recorded');
    expect(await inboundRows(a, messageId)).toEqual([{ outcome: 'AUTOMATIC', threaded_by: null, complaint_id: null }]);
    expect(await complaintsWith(a, word)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.to(from)).toEqual([]);
  });

  it('a bounce (DSN) marks the mail it reports on as failed, on its complaint', async () => {
    const from = customer();
    const word = marker();
    await send({ from, to: company(a), subject: 'Leaking', text: `It leaks ${word}` });
    const [c] = await eventually(
      async () => (await complaintsWith(a, word)).length > 0 && complaintsWith(a, word),
      10_000,
      'the complaint',
    );
    const received = await eventually(() => sink.to(from)[0], 10_000, 'the received mail');
    const boundary = 'dsn-boundary';
    const raw = [
      `From: Mail Delivery System <MAILER-DAEMON@mx.example.com>`,
      `To: ${company(a)}`,
      `Subject: Undelivered Mail Returned to Sender`,
      `Message-ID: <${marker()}@mx.example.com>`,
      `MIME-Version: 1.0`,
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '',
      `Final-Recipient: rfc822; ${from}`,
      'Action: failed',
      'Status: 5.1.1',
      `Diagnostic-Code: smtp; 550 5.1.1 <${from}>: Recipient address rejected: User unknown`,
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${received.parsed.messageId}`,
      `To: ${from}`,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await send({ envelope: { from: '', to: company(a) }, raw });
    const timeline = await eventually(
      async () => {
        const t = ok(await server.staff(MESSAGES, { id: c!.id }, a.staff.HEAD.token)).complaint.timeline;
        return t.some((e: any) => e.type === 'MAIL_FAILED') && t;
      },
      10_000,
      'the bounce on the timeline',
    );
    // Why, as a code the console words, and what the report said of the recipient.
    const detail = `smtp; 550 5.1.1 <${from}>: Recipient address rejected: User unknown`;
    expect(timeline.find((e: any) => e.type === 'MAIL_FAILED').data).toMatchObject({ to: from, code: 'BOUNCED', detail });
    const [row] = await fx.asTenant(a.t.tenantId, (m) =>
      m.query('SELECT status, last_error_code, last_error_detail FROM outbound_mails WHERE message_id = $1', [received.parsed.messageId]),
    );
    expect(row).toEqual({ status: 'FAILED', last_error_code: 'BOUNCED', last_error_detail: detail });
  });
});

describe('what mail programs write', () => {
  const raw = (from: string, to: string, headers: string[], body: Buffer | string) =>
    Buffer.concat([
      Buffer.from(
        [`From: ${from}`, `To: ${to}`, `Message-ID: <${marker()}@example.com>`, 'MIME-Version: 1.0', ...headers, '', ''].join('\r\n'),
      ),
      Buffer.isBuffer(body) ? body : Buffer.from(body),
    ]);

  it.each([
    ['windows-1251', 'Чайник протекает, windows-1251'],
    ['koi8-r', 'Чайник протекает, koi8-r'],
  ])('decodes a %s body and an RFC 2047 subject', async (charset, text) => {
    const from = customer();
    const word = marker();
    const subject = `=?${charset}?B?${iconv.encode(`Жалоба ${word}`, charset).toString('base64')}?=`;
    await send({
      envelope: { from, to: company(a) },
      raw: raw(
        from,
        company(a),
        [`Subject: ${subject}`, `Content-Type: text/plain; charset=${charset}`, 'Content-Transfer-Encoding: 8bit'],
        iconv.encode(`${text} ${word}`, charset),
      ),
    });
    const [c] = await eventually(
      async () => (await complaintsWith(a, word)).length > 0 && complaintsWith(a, word),
      10_000,
      'the complaint',
    );
    expect(c!.subject).toBe(`Жалоба ${word}`);
    expect(c!.description).toBe(`${text} ${word}`);
  });

  it('turns an HTML-only mail into safe text', async () => {
    const from = customer();
    const word = marker();
    await send({
      from,
      to: company(a),
      subject: `HTML ${word}`,
      html: `<p>The <b>handle</b> broke ${word}</p><script>alert(1)</script><img src="https://tracker.example/x.gif">`,
    });
    const [c] = await eventually(
      async () => (await complaintsWith(a, word)).length > 0 && complaintsWith(a, word),
      10_000,
      'the complaint',
    );
    expect(c!.description).toContain(`The handle broke ${word}`);
    expect(c!.description).not.toMatch(/<|alert\(/);
  });

  it("refuses a mail over the size limit and one for an address that is nobody's", async () => {
    await expect(send({ from: customer(), to: company(a), subject: 'big', text: 'x'.repeat(300 * 1024) })).rejects.toThrow(/552|size/i);
    await expect(send({ from: customer(), to: `nobody-${marker()}@${DOMAIN}`, subject: 'x', text: 'x' })).rejects.toThrow(/550/);
    await expect(send({ from: customer(), to: `${a.t.slug}@elsewhere.example`, subject: 'x', text: 'x' })).rejects.toThrow(/550/);
  });
});

describe('limits', () => {
  let limited: TestServer;
  let lclient: Transporter;
  beforeAll(async () => {
    limited = await startTestServer({
      mailDomain: DOMAIN,
      smtpPort: 0,
      smtpHost: '127.0.0.1',
      mailPerSenderPerHour: 2,
      mailPerCompanyPerHour: 3,
    });
    lclient = nodemailer.createTransport({ host: '127.0.0.1', port: limited.smtpPort!, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    lclient?.close();
    await limited?.close();
  });

  it('a sender, and a company, get a temporary refusal (451) past their hourly share; another company is not held up', async () => {
    const lfx = new Fixtures(limited);
    const [x, y] = await Promise.all([lfx.world(), lfx.world()]);
    const to = `${x.t.slug}@${DOMAIN}`;
    const flood = customer();
    for (let i = 0; i < 2; i++) await lclient.sendMail({ from: flood, to, subject: `one ${i}`, text: 'hello' });
    await expect(lclient.sendMail({ from: flood, to, subject: 'three', text: 'hello' })).rejects.toThrow(/451/);
    await lclient.sendMail({ from: customer(), to, subject: 'another sender', text: 'hello' });
    await expect(lclient.sendMail({ from: customer(), to, subject: 'past the company share', text: 'hello' })).rejects.toThrow(/451/);
    await lclient.sendMail({ from: flood, to: `${y.t.slug}@${DOMAIN}`, subject: 'to another company', text: 'hello' });
  });
});

describe("the fixture set (test/mail-fixtures.ts): each mail program's format, with what must become of it", () => {
  const messagesOf = async (id: string) => ok(await server.staff(MESSAGES, { id }, a.staff.HEAD.token)).complaint;

  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s', async (_name, fixture) => {
    // The complaint the mail may belong to, and our "received" mail to its customer.
    const mine = customer();
    const c = await fx.register(a.staff.OPERATOR.token, { customer: { name: 'Olga', email: mine } });
    const ours = await eventually(() => sink.to(mine)[0], 10_000, 'our mail');
    const thread: Thread = {
      customer: mine,
      number: c.number,
      ourMessageId: ours.parsed.messageId!,
      company: company(a),
      replyAddress: ours.parsed.replyTo!.value[0]!.address!,
    };
    const id = marker();
    const built = fixture.build(thread, id);
    const to = built.to ?? /^To: (.*)$/m.exec(built.raw.toString('latin1'))![1]!.replace(/.*</, '').replace(/>.*/, '').trim();
    await send({ envelope: { from: built.from ?? mine, to }, raw: built.raw });
    const [row] = await eventually(
      async () => {
        const rows = await inboundRows(a, `<${id}@mail.example.com>`);
        return rows.length > 0 && rows;
      },
      10_000,
      'the mail recorded',
    );
    const expected = fixture.expected;
    expect(row.outcome).toBe(expected.outcome);
    const own = await messagesOf(c.id);
    const answers = own.messages.filter((m: any) => m.authorKind === 'CUSTOMER');
    if (expected.outcome === 'THREADED') {
      expect(row).toMatchObject({ complaint_id: c.id, threaded_by: expected.by });
      expect(answers).toHaveLength(1);
      expect(answers[0].body).toContain(expected.text);
      if (expected.notText) expect(answers[0].body).not.toContain(expected.notText);
      return;
    }
    // Anything else never touches the complaint.
    expect(answers).toEqual([]);
    if (expected.outcome === 'NEW_COMPLAINT') {
      expect(row.complaint_id).not.toBe(c.id);
      const created = await messagesOf(row.complaint_id);
      expect(created.channel).toBe('EMAIL');
      expect(created.description).toContain(expected.text);
      if (expected.notText) expect(created.description).not.toContain(expected.notText);
      if (expected.subject) expect(created.subject).toBe(expected.subject);
      expect(created.timeline.some((e: any) => e.type === 'MAIL_MENTIONS')).toBe(!!expected.mentions);
      if (expected.mentions) expect(created.timeline).toContainEqual({ type: 'MAIL_MENTIONS', data: { number: c.number } });
    } else {
      expect(row.complaint_id).toBeNull();
      await new Promise((r) => setTimeout(r, 200));
      expect(sink.to(built.from ?? mine)).toHaveLength(built.from === undefined ? 1 : 0);
    }
  });

  it('holds at least 20 mails', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(20);
  });
});

describe('attachments', () => {
  const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2048)]);
  const FILES = `query($id: ID!) { complaint(id: $id) { id attachments { fileName contentType size } messages { authorKind attachments { fileName } }
    timeline { type data } } }`;

  it('go through the upload checks: photos are kept on the complaint, other types and empty files are listed as refused', async () => {
    const from = customer();
    const word = marker();
    await send({
      from,
      to: company(a),
      subject: `With photos ${word}`,
      text: `See attached ${word}.`,
      attachments: [
        { filename: 'kettle.jpg', content: JPEG, contentType: 'image/jpeg' },
        { filename: 'invoice.exe', content: Buffer.from('MZ this is not a photo'), contentType: 'application/octet-stream' },
        { filename: 'photo.jpg', content: Buffer.from('<html>pretending</html>'), contentType: 'image/jpeg' },
      ],
    });
    const [c] = await eventually(
      async () => (await complaintsWith(a, word)).length > 0 && complaintsWith(a, word),
      10_000,
      'the complaint',
    );
    const got = ok(await server.staff(FILES, { id: c!.id }, a.staff.HEAD.token)).complaint;
    expect(got.attachments).toEqual([{ fileName: 'kettle.jpg', contentType: 'image/jpeg', size: JPEG.length }]);
    expect(got.timeline).toContainEqual({
      type: 'MAIL_FILES_REFUSED',
      data: {
        files: [
          { fileName: 'invoice.exe', reason: 'UNSUPPORTED_TYPE' },
          { fileName: 'photo.jpg', reason: 'UNSUPPORTED_TYPE' },
        ],
      },
    });
    // A reply's photo goes with the customer's message; past five customer files a complaint takes no more.
    const received = await eventually(() => sink.to(from)[0], 10_000, 'the received mail');
    await send({
      from,
      to: received.parsed.replyTo!.value[0]!.address!,
      subject: 'more',
      text: 'Five more photos.',
      attachments: Array.from({ length: 5 }, (_, i) => ({ filename: `more-${i}.jpg`, content: JPEG, contentType: 'image/jpeg' })),
    });
    const after = await eventually(
      async () => {
        const x = ok(await server.staff(FILES, { id: c!.id }, a.staff.HEAD.token)).complaint;
        return x.messages.some((m: any) => m.authorKind === 'CUSTOMER') && x;
      },
      10_000,
      'the reply',
    );
    expect(after.attachments).toHaveLength(5);
    expect(
      after.messages
        .find((m: any) => m.authorKind === 'CUSTOMER')
        .attachments.map((f: any) => f.fileName)
        .sort(),
    ).toEqual(['more-0.jpg', 'more-1.jpg', 'more-2.jpg', 'more-3.jpg']);
    expect(after.timeline.filter((e: any) => e.type === 'MAIL_FILES_REFUSED').at(-1).data).toEqual({
      files: [{ fileName: 'more-4.jpg', reason: 'TOO_MANY_FILES' }],
    });
    // The bytes of files that became nothing are not kept.
    const [{ orphans }] = await server.dataSource.query(
      'SELECT count(*)::int AS orphans FROM attachment_blobs b WHERE NOT EXISTS (SELECT 1 FROM attachments x WHERE x.tenant_id = b.tenant_id AND x.id = b.attachment_id)',
    );
    expect(orphans).toBe(0);
  });
});
