import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';

/**
 * The SMTP receiver offers STARTTLS with the certificate it is given (SMTP_TLS_CERT_FILE, SMTP_TLS_KEY_FILE), so
 * that a customer's mail server can encrypt the mail on its way; it still takes mail sent in the clear, as a
 * public mail server must (RFC 3207). Without a certificate it offers no STARTTLS at all. A certificate made
 * for the tests (test/tls); nodemailer plays the sending server.
 */
const DOMAIN = 'mail.reclaim.test';
let cert: string;
let secured: TestServer;
let plain: TestServer;
let w: World;

beforeAll(async () => {
  cert = readFileSync(new URL('tls/cert.pem', import.meta.url), 'utf8');
  const mail = {
    mailDomain: DOMAIN,
    publicUrl: 'https://reclaim.example.com',
    smtpPort: 0,
    smtpHost: '127.0.0.1',
    mailPerSenderPerHour: 0,
    mailPerCompanyPerHour: 0,
  };
  [secured, plain] = await Promise.all([
    startTestServer({ ...mail, smtpTls: { cert, key: readFileSync(new URL('tls/key.pem', import.meta.url), 'utf8') } }),
    startTestServer(mail),
  ]);
  w = await new Fixtures(secured).world(await new Fixtures(secured).tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
});
afterAll(async () => {
  await Promise.all([secured?.close(), plain?.close()]);
});

/** Sends a customer's mail to the company of `w` on `server`'s receiver; what nodemailer answers. */
function send(server: TestServer, word: string, tls: { requireTLS?: boolean; ignoreTLS?: boolean }) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort!,
    secure: false,
    ...tls,
    tls: { ca: cert, servername: DOMAIN },
  });
  return transport
    .sendMail({ from: 'ivan@example.com', to: `${w.t.slug}@${DOMAIN}`, subject: `Kettle ${word}`, text: `It leaks (${word}).` })
    .finally(() => transport.close());
}

const complaintsWith = async (word: string): Promise<string[]> =>
  ok(
    await secured.staff(
      'query($s: String) { complaints(filter: { search: $s }) { edges { node { subject } } } }',
      { s: word },
      w.staff.HEAD.token,
    ),
  ).complaints.edges.map((e: { node: { subject: string } }) => e.node.subject);

describe('the SMTP receiver with a certificate', () => {
  it('takes mail over STARTTLS, with the certificate it was given', async () => {
    const word = `zq${randomBytes(5).toString('hex')}`;
    // requireTLS: nodemailer refuses to send unless the upgrade happened and the certificate is the one made here.
    const answer = await send(secured, word, { requireTLS: true });
    expect(answer.accepted).toEqual([`${w.t.slug}@${DOMAIN}`]);
    expect(await eventually(async () => (await complaintsWith(word)).length > 0 && complaintsWith(word), 10_000, 'the complaint')).toEqual([
      `Kettle ${word}`,
    ]);
  });

  it('still takes mail sent in the clear, as a public mail server must', async () => {
    const word = `zq${randomBytes(5).toString('hex')}`;
    expect((await send(secured, word, { ignoreTLS: true })).accepted).toEqual([`${w.t.slug}@${DOMAIN}`]);
  });
});

describe('the SMTP receiver without a certificate', () => {
  it('offers no STARTTLS (not with a certificate of its own that no sender could trust)', async () => {
    await expect(send(plain, 'none', { requireTLS: true })).rejects.toThrow(/STARTTLS/);
  });
});
