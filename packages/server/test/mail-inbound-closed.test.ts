import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, expectError, type ComplaintView, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink, type SunkMail } from './smtp-sink.js';

/**
 * Replies by mail to closed and rejected complaints, over real sockets:
 * within the company's window after closing (30 days unless changed) the
 * mail is attached and the complaint flagged, not reopened; after it, the
 * mail is a new complaint linked to the old one as a REPEAT.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let sink: SmtpSink;
let client: Transporter;
const DOMAIN = 'mail.reclaim.test';

const customer = () => `c-${randomBytes(4).toString('hex')}@example.com`;
const marker = () => `zq${randomBytes(5).toString('hex')}`;
const english = async () => fx.world(await fx.tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
const company = (w: World) => `${w.t.slug}@${DOMAIN}`;
const VIEW = `query($id: ID!) { complaint(id: $id) { id number stage mailAfterClosingAt messages { body authorKind }
  timeline { type data } links { kind complaint { id number } } } }`;
const FLAGGED = `query { complaints(filter: { mailAfterClosing: true }) { edges { node { id } } } }`;
const CLEAR = `mutation($id: ID!) { clearMailAfterClosing(id: $id) { id mailAfterClosingAt } }`;
const WINDOW = `mutation($days: Int) { updateTenant(input: { mailAfterClosingDays: $days }) { mailAfterClosingDays } }`;

const view = async (w: World, id: string) => ok(await server.staff(VIEW, { id }, w.staff.HEAD.token)).complaint;
const inboundRow = async (w: World, messageId: string) =>
  (
    await fx.asTenant(w.t.tenantId, (m) =>
      m.query('SELECT outcome, threaded_by, complaint_id, after_closing FROM inbound_mails WHERE message_id = $1', [messageId]),
    )
  )[0];

/** A complaint of `from` moved to `stage` (CLOSED or REJECTED) `ago` closed, and our last mail to its customer. */
async function closedComplaint(
  w: World,
  from: string,
  stage: 'CLOSED' | 'REJECTED',
  ago: string,
): Promise<{ c: ComplaintView; last: SunkMail }> {
  const c = await fx.complaintAt(w, stage as never, { input: { customer: { name: 'Olga', email: from } } });
  const last = await eventually(
    () => sink.to(from).find((m) => /closed|rejected/i.test(m.parsed.subject ?? '')),
    10_000,
    'the closing mail',
  );
  // As if the complaint had been closed `ago`: the window is counted from closed_at.
  await fx.asTenant(w.t.tenantId, (m) => m.query(`UPDATE complaints SET closed_at = now() - $2::interval WHERE id = $1`, [c.id, ago]));
  return { c, last };
}

async function send(from: string, to: string, subject: string, text: string, references?: string): Promise<string> {
  const messageId = `<${marker()}@mail.example.com>`;
  await client.sendMail({ from, to, subject, text, messageId, ...(references ? { inReplyTo: references, references: [references] } : {}) });
  await eventually(async () => !!(await inboundRow(a, messageId)), 10_000, 'the mail recorded');
  return messageId;
}

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
  a = await english();
});
afterAll(async () => {
  client?.close();
  await server?.close();
  await sink?.close();
});

describe('a reply to a closed complaint', () => {
  it("within the window (its last hour too) is the customer's message, flagged for the staff; the complaint stays closed", async () => {
    const from = customer();
    const { c, last } = await closedComplaint(a, from, 'CLOSED', '29 days 23 hours');
    const messageId = await send(from, company(a), 'Re: your complaint is closed', 'It broke again the same way.', last.parsed.messageId!);
    const got = await view(a, c.id);
    expect(got.stage).toBe('CLOSED');
    expect(got.messages.filter((m: any) => m.authorKind === 'CUSTOMER').map((m: any) => m.body)).toEqual(['It broke again the same way.']);
    expect(got.mailAfterClosingAt).not.toBeNull();
    expect(got.timeline).toContainEqual({ type: 'MAIL_AFTER_CLOSING', data: { stage: 'CLOSED' } });
    expect(await inboundRow(a, messageId)).toEqual({
      outcome: 'THREADED',
      threaded_by: 'REFERENCES',
      complaint_id: c.id,
      after_closing: true,
    });
    // The console's filter finds it; the quality manager clears the mark (on the timeline), an operator may not.
    const flagged = () =>
      server.staff(FLAGGED, {}, a.staff.QUALITY_MANAGER.token).then((r) => ok(r).complaints.edges.map((e: any) => e.node.id));
    expect(await flagged()).toContain(c.id);
    expectError(await server.staff(CLEAR, { id: c.id }, a.staff.OPERATOR.token), 'FORBIDDEN');
    expect(ok(await server.staff(CLEAR, { id: c.id }, a.staff.QUALITY_MANAGER.token)).clearMailAfterClosing.mailAfterClosingAt).toBeNull();
    expect(await flagged()).not.toContain(c.id);
    expect((await view(a, c.id)).timeline.map((e: any) => e.type)).toContain('MAIL_AFTER_CLOSING_CLEARED');
  });

  it('after the window (by an hour) becomes a new complaint linked to the rejected one as a REPEAT', async () => {
    const from = customer();
    const { c } = await closedComplaint(a, from, 'REJECTED', '30 days 1 hour');
    const word = marker();
    const messageId = await send(from, company(a), `Re: [${c.number}] rejected`, `The kettle ${word} leaks again.`);
    const row = await inboundRow(a, messageId);
    expect(row).toMatchObject({ outcome: 'NEW_COMPLAINT', threaded_by: 'SUBJECT', after_closing: true });
    expect(row.complaint_id).not.toBe(c.id);
    const repeat = await view(a, row.complaint_id);
    expect(repeat.links).toEqual([{ kind: 'REPEAT', complaint: { id: c.id, number: c.number } }]);
    const old = await view(a, c.id);
    expect(old.links).toEqual([{ kind: 'REPEAT', complaint: { id: repeat.id, number: repeat.number } }]);
    expect(old.messages).toEqual([]);
    expect(old.mailAfterClosingAt).toBeNull();
    expect(old.stage).toBe('REJECTED');
    expect(old.timeline.some((e: any) => e.type === 'LINKED')).toBe(true);
  });

  it("follows the company's window: with 0 days a reply an hour after closing, even to the reply address, is a REPEAT", async () => {
    const w = await english();
    expectError(await server.staff(WINDOW, { days: 400 }, w.staff.ADMIN.token), 'BAD_USER_INPUT');
    expectError(await server.staff(WINDOW, { days: 0 }, w.staff.QUALITY_MANAGER.token), 'FORBIDDEN');
    expect(ok(await server.staff(WINDOW, { days: 0 }, w.staff.ADMIN.token)).updateTenant.mailAfterClosingDays).toBe(0);
    const from = customer();
    const { c, last } = await closedComplaint(w, from, 'CLOSED', '1 hour');
    const messageId = `<${marker()}@mail.example.com>`;
    await client.sendMail({
      from,
      to: last.parsed.replyTo!.value[0]!.address!,
      subject: 'one more thing',
      text: 'One more thing.',
      messageId,
    });
    const row = await eventually(
      async () =>
        (
          await fx.asTenant(w.t.tenantId, (m) =>
            m.query('SELECT outcome, threaded_by, complaint_id, after_closing FROM inbound_mails WHERE message_id = $1', [messageId]),
          )
        )[0],
      10_000,
      'the mail recorded',
    );
    expect(row).toMatchObject({ outcome: 'NEW_COMPLAINT', threaded_by: 'REPLY_ADDRESS', after_closing: true });
    expect((await view(w, row.complaint_id)).links).toEqual([{ kind: 'REPEAT', complaint: { id: c.id, number: c.number } }]);
  });
});
