import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dns2 from 'dns2';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailAuthenticator } from '../src/modules/mail/mail.auth.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink } from './smtp-sink.js';

/**
 * SPF, DKIM and DMARC over real sockets: the test serves the TXT records of
 * a sender domain from its own DNS server (dns2, UDP on 127.0.0.1), signs
 * mail with a DKIM key it generates (nodemailer), and sends from 127.0.0.1,
 * which the domain's SPF allows, or from 127.0.0.2, which it does not.
 */
const DOMAIN = 'mail.reclaim.test';
const SENDER_DOMAIN = 'kettle-owner.test';
const keys = generateKeyPairSync('rsa', { modulusLength: 1024 });
const forgedKeys = generateKeyPairSync('rsa', { modulusLength: 1024 });
/** The key this service signs its own mail with (MAIL_DKIM_SELECTOR rc1), published for MAIL_DOMAIN. */
const ownKeys = generateKeyPairSync('rsa', { modulusLength: 1024 });
const RECORDS: Record<string, string> = {
  [SENDER_DOMAIN]: 'v=spf1 ip4:127.0.0.1 -all',
  [`sel._domainkey.${SENDER_DOMAIN}`]: `v=DKIM1; k=rsa; p=${keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  [`_dmarc.${SENDER_DOMAIN}`]: 'v=DMARC1; p=reject',
  [`rc1._domainkey.${DOMAIN}`]: `v=DKIM1; k=rsa; p=${ownKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
};
const { Packet } = dns2;

let dns: ReturnType<typeof dns2.createUDPServer>;
let dnsPort: number;
let server: TestServer;
let sink: SmtpSink;
let fx: Fixtures;
let a: World;
let honest: Transporter;
let forger: Transporter;

beforeAll(async () => {
  dns = dns2.createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const [q] = request.questions;
    const record = q && q.type === Packet.TYPE.TXT ? RECORDS[q.name.toLowerCase()] : undefined;
    if (record) response.answers.push({ name: q!.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data: record } as never);
    else if (q && !Object.keys(RECORDS).includes(q.name.toLowerCase())) response.header.rcode = 3; // NXDOMAIN
    send(response);
  });
  await dns.listen(0, '127.0.0.1');
  dnsPort = (dns.address() as AddressInfo).port;
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
    mailAuth: true,
    mailAuthDns: [`127.0.0.1:${dnsPort}`],
    mailAuthTimeoutMs: 1000,
    mailDkim: { selector: 'rc1', privateKey: ownKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  });
  const smtp = { host: '127.0.0.1', port: server.smtpPort!, secure: false, ignoreTLS: true } as const;
  honest = nodemailer.createTransport({
    ...smtp,
    dkim: {
      domainName: SENDER_DOMAIN,
      keySelector: 'sel',
      privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  // Another machine: another address, and a key that is not the domain's.
  forger = nodemailer.createTransport({
    ...smtp,
    localAddress: '127.0.0.2',
    dkim: {
      domainName: SENDER_DOMAIN,
      keySelector: 'sel',
      privateKey: forgedKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  fx = new Fixtures(server);
  a = await fx.world(await fx.tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
});
afterAll(async () => {
  honest?.close();
  forger?.close();
  await server?.close();
  await sink?.close();
  await new Promise<void>((resolve) => (dns ? dns.close(() => resolve()) : resolve()));
});

const row = async (messageId: string) =>
  (
    await fx.asTenant(a.t.tenantId, (m) =>
      m.query('SELECT outcome, threaded_by, complaint_id, spf, dkim, dmarc, dmarc_policy FROM inbound_mails WHERE message_id = $1', [
        messageId,
      ]),
    )
  )[0];
const recorded = (messageId: string) => eventually(async () => (await row(messageId)) ?? false, 10_000, 'the mail recorded');
const TIMELINE = `query($id: ID!) { complaint(id: $id) { id messages { body } timeline { type data } } }`;

describe('SPF, DKIM and DMARC of received mail', () => {
  it("records pass for the domain's own mail, which threads; a forged one fails DMARC (p=reject) and is never threaded", async () => {
    const from = `olga-${randomBytes(3).toString('hex')}@${SENDER_DOMAIN}`;
    const first = `<${randomBytes(6).toString('hex')}@${SENDER_DOMAIN}>`;
    await honest.sendMail({ from, to: `${a.t.slug}@${DOMAIN}`, subject: 'Broken kettle', text: 'It stopped heating.', messageId: first });
    const created = await recorded(first);
    expect(created).toMatchObject({ outcome: 'NEW_COMPLAINT', spf: 'pass', dkim: 'pass', dmarc: 'pass', dmarc_policy: 'reject' });
    const ours = await eventually(() => sink.to(from)[0], 10_000, 'the received mail');
    // The service's own mail is DKIM-signed for MAIL_DOMAIN, and the signature verifies against the published key.
    const signed = await new MailAuthenticator({ timeoutMs: 1000, servers: [`127.0.0.1:${dnsPort}`] }).check(ours.raw, {
      ip: '127.0.0.1',
      helo: DOMAIN,
      sender: `${a.t.slug}@${DOMAIN}`,
    });
    expect(signed?.dkim).toBe('pass');
    const signature =
      ours.raw
        .toString()
        .split(/\r?\n(?=\S)/)
        .find((h) => h.startsWith('DKIM-Signature:')) ?? '';
    expect(signature.replace(/\s+/g, '')).toMatch(
      new RegExp(`d=${DOMAIN.replace(/\./g, '\\.')};.*s=rc1;|s=rc1;.*d=${DOMAIN.replace(/\./g, '\\.')};`),
    );

    const reply = `<${randomBytes(6).toString('hex')}@${SENDER_DOMAIN}>`;
    await honest.sendMail({
      from,
      to: `${a.t.slug}@${DOMAIN}`,
      subject: `Re: ${ours.parsed.subject}`,
      text: 'Here is the receipt.',
      messageId: reply,
      inReplyTo: ours.parsed.messageId,
      references: [ours.parsed.messageId!],
    });
    expect(await recorded(reply)).toMatchObject({
      outcome: 'THREADED',
      threaded_by: 'REFERENCES',
      complaint_id: created.complaint_id,
      dmarc: 'pass',
    });

    // Someone else writes as the customer, from an address the domain's SPF does not allow, with a key that is not the domain's.
    const forged = `<${randomBytes(6).toString('hex')}@${SENDER_DOMAIN}>`;
    await forger.sendMail({
      from,
      to: `${a.t.slug}@${DOMAIN}`,
      subject: `Re: ${ours.parsed.subject}`,
      text: 'Send the refund to this card instead.',
      messageId: forged,
      inReplyTo: ours.parsed.messageId,
      references: [ours.parsed.messageId!],
    });
    const refused = await recorded(forged);
    expect(refused).toMatchObject({
      outcome: 'NEW_COMPLAINT',
      threaded_by: null,
      spf: 'fail',
      dkim: 'fail',
      dmarc: 'fail',
      dmarc_policy: 'reject',
    });
    expect(refused.complaint_id).not.toBe(created.complaint_id);
    const original = ok(await server.staff(TIMELINE, { id: created.complaint_id }, a.staff.HEAD.token)).complaint;
    expect(original.messages.map((m: any) => m.body)).toEqual(['Here is the receipt.']);
    const unverified = ok(await server.staff(TIMELINE, { id: refused.complaint_id }, a.staff.HEAD.token)).complaint;
    expect(unverified.timeline).toContainEqual({ type: 'MAIL_UNVERIFIED', data: { from, dmarc: 'fail', policy: 'reject' } });
    // Admins read the results in the staff API; other roles may not.
    const INBOUND = 'query { inboundMails(first: 10) { messageId outcome complaintNumber spf dkim dmarc dmarcPolicy } }';
    const listed = ok(await server.staff(INBOUND, {}, a.staff.ADMIN.token)).inboundMails;
    expect(listed.find((m: any) => m.messageId === forged)).toMatchObject({
      outcome: 'NEW_COMPLAINT',
      spf: 'fail',
      dkim: 'fail',
      dmarc: 'fail',
      dmarcPolicy: 'reject',
    });
    expect(listed.find((m: any) => m.messageId === first)).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
    expectError(await server.staff(INBOUND, {}, a.staff.OPERATOR.token), 'FORBIDDEN');
  });

  it('a DNS server that does not answer leaves the mail unchecked (null) within the bound, never held', async () => {
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const auth = new MailAuthenticator({ timeoutMs: 200, servers: [`127.0.0.1:${(silent.address() as AddressInfo).port}`] });
      const raw = Buffer.from(`From: someone@${SENDER_DOMAIN}\r\nTo: x@${DOMAIN}\r\nSubject: hi\r\nMessage-ID: <x@y>\r\n\r\nhello\r\n`);
      const started = Date.now();
      expect(await auth.check(raw, { ip: '127.0.0.1', helo: 'localhost', sender: `someone@${SENDER_DOMAIN}` })).toBeNull();
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      silent.close();
    }
  });
});
