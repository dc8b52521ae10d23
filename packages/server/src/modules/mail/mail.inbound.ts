import { createHash, randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import EmailReplyParser from 'email-reply-parser';
import type { DataSource } from 'typeorm';
import { inTenant, type CommittedEvents } from '../../db/unit-of-work.js';
import { RequestContext } from '../../graphql/context.js';
import { ActorKind, Channel, ComplaintKind, Stage, Visibility } from '../complaint/complaint.enums.js';
import { createComplaint } from '../complaint/complaint.service.js';
import { appendTimeline } from '../complaint/timeline.js';
import { newTrackingToken } from '../complaint/tracking.js';
import { addMessage } from '../message/message.service.js';
import { linkAttachments, storeUpload } from '../attachment/attachment.service.js';
import { dropReceived, receiveFile, type ReceivedFile } from '../attachment/attachment.upload.js';
import { MAX_CUSTOMER_FILES_PER_COMPLAINT, MAX_FILE_BYTES, sniffContentType } from '../attachment/file-types.js';
import type { MailLinks } from './mail-links.js';
import { ERROR_DETAIL_CHARS, MailError } from './mail-error.js';
import { flagMailAfterClosing, isClosed, linkRepeat, withinWindow } from './mail.after-closing.js';
import { failsDmarc, type MailAuth } from './mail.auth.js';
import { NotificationEvent } from './notification-texts.js';
import { notifyCustomer } from './notifications.js';

/** What became of a mail. */
export type InboundOutcome = 'THREADED' | 'NEW_COMPLAINT' | 'AUTOMATIC' | 'BOUNCE' | 'DUPLICATE';

export interface InboundMail {
  tenantId: string;
  /** The complaint number of a verified reply address it was sent to, if any. */
  taggedNumber: string | null;
  parsed: ParsedMail;
  raw: Buffer;
  /** What SPF, DKIM and DMARC said of it (mail.auth.ts); null when they were not checked. */
  auth: MailAuth | null;
  /** Its attachments: received into the company's file store (the checks of uploads passed), or refused and why. */
  files: InboundFile[];
}

export interface InboundFile {
  fileName: string;
  received?: ReceivedFile;
  refused?: 'FILE_TOO_LARGE' | 'UNSUPPORTED_TYPE' | 'EMPTY_FILE' | 'TOO_MANY_FILES';
}

/**
 * A mail's attachments through the checks every upload passes (the size
 * limit, the type sniffed from the bytes), each written to the company's
 * file store in its own short transactions before the mail's transaction;
 * refused ones are kept by name and reason.
 */
export async function receiveFiles(dataSource: DataSource, tenantId: string, parsed: ParsedMail): Promise<InboundFile[]> {
  const files: InboundFile[] = [];
  for (const [i, a] of parsed.attachments.entries()) {
    if (a.contentType === 'message/delivery-status' || a.contentType === 'text/rfc822-headers') continue;
    const fileName = oneLine(a.filename ?? `attachment-${i + 1}`, 200) || `attachment-${i + 1}`;
    if (a.size === 0 || a.content.length === 0) files.push({ fileName, refused: 'EMPTY_FILE' });
    else if (a.content.length > MAX_FILE_BYTES) files.push({ fileName, refused: 'FILE_TOO_LARGE' });
    else if (!sniffContentType(a.content)) files.push({ fileName, refused: 'UNSUPPORTED_TYPE' });
    else
      files.push({
        fileName,
        received: await receiveFile(
          dataSource,
          tenantId,
          (async function* () {
            yield a.content;
          })(),
        ),
      });
  }
  return files;
}

/** The bytes of received files that did not become attachments (an automatic mail, a duplicate, a failure). */
export async function dropFiles(dataSource: DataSource, tenantId: string, files: InboundFile[]): Promise<void> {
  for (const f of files) if (f.received) await dropReceived(dataSource, tenantId, f.received.id).catch(() => undefined);
}

const NUMBER = /\b([A-Z0-9](?:[A-Z0-9-]{0,38}[A-Z0-9])?-\d{4}-\d{6,})\b/i;
const OUR_ID = /<([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^>\s]+>/gi;

const header = (parsed: ParsedMail, name: string): string => {
  const v = parsed.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value);
  return String(v);
};

/**
 * Mail that no person wrote, never to create a complaint nor to be answered
 * (RFC 3834 and the usual conventions): auto-replies, lists and bulk mail,
 * loops, and delivery reports (DSN), which are bounces.
 */
export function automaticKind(parsed: ParsedMail): 'AUTOMATIC' | 'BOUNCE' | null {
  const contentType = header(parsed, 'content-type').toLowerCase();
  const report = contentType.includes('multipart/report') || parsed.attachments.some((a) => a.contentType === 'message/delivery-status');
  if (report) return 'BOUNCE';
  const auto = header(parsed, 'auto-submitted').toLowerCase();
  if (auto && auto !== 'no') return 'AUTOMATIC';
  if (/^(bulk|junk|list|auto_reply)$/i.test(header(parsed, 'precedence').trim())) return 'AUTOMATIC';
  // By the raw header names: mailparser folds the List-* headers into one `list` entry.
  const names = new Set(parsed.headerLines.map((h) => h.key.toLowerCase()));
  if (['x-loop', 'x-auto-response-suppress', 'list-id', 'list-unsubscribe', 'x-autoreply', 'x-autorespond'].some((n) => names.has(n)))
    return 'AUTOMATIC';
  return null;
}

/** The text a person wrote: HTML turned to text by mailparser, quoted history and signature dropped, control characters removed. */
export function writtenText(parsed: ParsedMail): string {
  const full = (parsed.text ?? '').replace(/\r\n/g, '\n');
  let visible: string;
  try {
    visible = new EmailReplyParser().parseReply(full);
  } catch {
    visible = full;
  }
  // eslint-disable-next-line no-control-regex
  return (visible.trim() || full.trim()).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').slice(0, 10_000);
}

const oneLine = (s: string, max: number) =>
  s
    // eslint-disable-next-line no-control-regex
    .replace(/[\s\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, max);

/**
 * Receives one mail for a company, in one transaction of that company:
 * written once per Message-ID (a second copy is DUPLICATE and changes
 * nothing), with what SPF, DKIM and DMARC said of it; then, unless no person
 * wrote it, threaded (threadOf) unless it fails DMARC under a reject or
 * quarantine policy. Onto a closed or rejected complaint it is attached and
 * the complaint flagged within the company's window after closing, and
 * after it is a new complaint linked as a REPEAT. Anything else becomes a new
 * RECEIVED complaint on the EMAIL channel, flagged when it names a number. A
 * bounce marks the mail it reports on as failed.
 */
export async function receiveMail(
  dataSource: DataSource,
  publisher: CommittedEvents | undefined,
  links: MailLinks,
  mail: InboundMail,
): Promise<InboundOutcome> {
  let received: Awaited<ReturnType<typeof receiveIn>>;
  try {
    received = await inTenant(
      dataSource,
      mail.tenantId,
      async (manager, uow) => {
        const r = await receiveIn(new RequestContext(mail.tenantId, null, manager, uow, undefined, links), mail);
        // A mail received before writes nothing: what this one wrote on the way is rolled back.
        if (r.outcome === 'DUPLICATE') uow.failed = true;
        return r;
      },
      { job: 'mail', publisher },
    );
  } catch (err) {
    await dropFiles(dataSource, mail.tenantId, mail.files);
    throw err;
  }
  await dropFiles(
    dataSource,
    mail.tenantId,
    mail.files.filter((f) => f.received && !received.kept.has(f.received.id)),
  );
  return received.outcome;
}

/**
 * Records, in the company's received mail, a mail of its own mailbox that is
 * too large to take (left unread there): the admin sees who wrote and about
 * what. Once per Message-ID, as every received mail.
 */
export async function recordTooLarge(
  dataSource: DataSource,
  tenantId: string,
  mail: { messageId: string; from: string; subject: string },
): Promise<void> {
  await inTenant(
    dataSource,
    tenantId,
    (manager) =>
      manager.query(
        `INSERT INTO inbound_mails (tenant_id, id, message_id, from_address, subject, outcome)
     VALUES (app_tenant_id(), $1, $2, $3, $4, 'TOO_LARGE') ON CONFLICT (tenant_id, message_id) DO NOTHING`,
        [randomUUID(), mail.messageId.slice(0, 1000), mail.from.toLowerCase(), oneLine(mail.subject, 200)],
      ),
    { job: 'mail' },
  );
}

async function receiveIn(ctx: RequestContext, mail: InboundMail): Promise<{ outcome: InboundOutcome; kept: Set<string> }> {
  const kept = new Set<string>();
  const outcome = await handle(ctx, mail, kept);
  return { outcome, kept };
}

/** Records the files the complaint has room for as the customer's uploads; the ids to link, and the refused ones on its timeline. */
async function attachFiles(ctx: RequestContext, complaintId: string, files: InboundFile[], kept: Set<string>): Promise<string[]> {
  const [{ count }] = await ctx.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM attachments WHERE complaint_id = $1 AND author_kind = 'CUSTOMER'`,
    [complaintId],
  );
  let room = MAX_CUSTOMER_FILES_PER_COMPLAINT - count;
  const ids: string[] = [];
  const refused = files.filter((f) => f.refused).map((f) => ({ fileName: f.fileName, reason: f.refused! }));
  for (const f of files) {
    if (!f.received) continue;
    if (room <= 0) {
      refused.push({ fileName: f.fileName, reason: 'TOO_MANY_FILES' });
      continue;
    }
    await storeUpload(ctx, { ...f.received, fileName: f.fileName, author: ActorKind.CUSTOMER, clientAddress: 'mail' });
    kept.add(f.received.id);
    ids.push(f.received.id);
    room--;
  }
  if (refused.length) await appendTimeline(ctx, { complaintId, type: 'MAIL_FILES_REFUSED', data: { files: refused } }, ActorKind.SYSTEM);
  return ids;
}

async function handle(ctx: RequestContext, mail: InboundMail, kept: Set<string>): Promise<InboundOutcome> {
  const { parsed, auth } = mail;
  const messageId = (parsed.messageId ?? `<sha256.${createHash('sha256').update(mail.raw).digest('hex')}@reclaim.invalid>`).slice(0, 1000);
  const fromAddress = (parsed.from?.value[0]?.address ?? '').toLowerCase();
  const subject = oneLine(parsed.subject ?? '', 200);
  const id = randomUUID();
  const [row] = await ctx.query<{ id: string }>(
    `INSERT INTO inbound_mails (tenant_id, id, message_id, from_address, subject, outcome, spf, dkim, dmarc, dmarc_policy)
     VALUES (app_tenant_id(), $1, $2, $3, $4, 'AUTOMATIC', $5, $6, $7, $8) ON CONFLICT (tenant_id, message_id) DO NOTHING RETURNING id`,
    [id, messageId, fromAddress, subject, auth?.spf ?? null, auth?.dkim ?? null, auth?.dmarc ?? null, auth?.dmarcPolicy ?? null],
  );
  if (!row) return 'DUPLICATE';
  const record = (outcome: InboundOutcome, complaintId: string | null, by: string | null, afterClosing = false) =>
    ctx.query('UPDATE inbound_mails SET outcome = $2, complaint_id = $3, threaded_by = $4, after_closing = $5 WHERE id = $1', [
      id,
      outcome,
      complaintId,
      by,
      afterClosing,
    ]);

  const automatic = automaticKind(parsed);
  if (automatic === 'BOUNCE') {
    await markBounced(ctx, mail.raw.toString('latin1'));
    await record('BOUNCE', null, null);
    return 'BOUNCE';
  }
  if (automatic || !fromAddress) return 'AUTOMATIC';

  const text = writtenText(parsed) || subject || '—';
  // A sender whose domain says "refuse or quarantine what fails DMARC", and this mail fails it, proves nothing: never threaded.
  const unverified = failsDmarc(auth);
  const threading = unverified ? { target: null, mentions: null } : await threadOf(ctx, mail, fromAddress, subject);
  const target = threading.target;
  const late = target && isClosed(target.stage) && !(await withinWindow(ctx, target.id));
  if (target && !late) {
    const attachmentIds = await attachFiles(ctx, target.id, mail.files, kept);
    await addMessage(ctx, { complaintId: target.id, body: text, visibility: Visibility.PUBLIC, attachmentIds }, ActorKind.CUSTOMER);
    const afterClosing = isClosed(target.stage);
    if (afterClosing) await flagMailAfterClosing(ctx, target.id, target.stage);
    await record('THREADED', target.id, target.by, afterClosing);
    return 'THREADED';
  }
  const complaintId = await newComplaint(ctx, mail, fromAddress, subject, text, kept);
  if (late) await linkRepeat(ctx, complaintId, target.id);
  const mentioned = NUMBER.exec(subject)?.[1] ?? NUMBER.exec(text)?.[1] ?? threading.mentions;
  if (mentioned && !late) {
    await appendTimeline(ctx, { complaintId, type: 'MAIL_MENTIONS', data: { number: mentioned.toUpperCase() } }, ActorKind.SYSTEM);
  }
  if (unverified)
    await appendTimeline(
      ctx,
      { complaintId, type: 'MAIL_UNVERIFIED', data: { from: fromAddress, dmarc: auth!.dmarc, policy: auth!.dmarcPolicy } },
      ActorKind.SYSTEM,
    );
  await notifyCustomer(ctx, complaintId, NotificationEvent.REGISTERED);
  await record('NEW_COMPLAINT', complaintId, late ? target.by : null, !!late);
  return 'NEW_COMPLAINT';
}

/** A new RECEIVED complaint on the EMAIL channel from a mail, with the files it has room for; its id. */
async function newComplaint(
  ctx: RequestContext,
  mail: InboundMail,
  fromAddress: string,
  subject: string,
  text: string,
  kept: Set<string>,
): Promise<string> {
  const { hash } = newTrackingToken();
  const complaint = await createComplaint(ctx, {
    kind: ComplaintKind.COMPLAINT,
    channel: Channel.EMAIL,
    subject: subject || text.slice(0, 80).replace(/\s+/g, ' '),
    description: text,
    customer: { name: oneLine(mail.parsed.from?.value[0]?.name || fromAddress, 200), email: fromAddress },
    accessTokenHash: hash,
  });
  const fileIds = await attachFiles(ctx, complaint.id, mail.files, kept);
  await linkAttachments(ctx, fileIds, { complaintId: complaint.id, messageId: null, author: ActorKind.CUSTOMER });
  return complaint.id;
}

/** A complaint a mail threads onto, how, and what the staff need to judge it. */
export interface ThreadTarget {
  id: string;
  number: string;
  by: 'REPLY_ADDRESS' | 'REFERENCES' | 'SUBJECT';
  stage: Stage;
  closedAt: Date | null;
}

/** Where the mail threads, and, when it does not, the number of a complaint it points at for the operator. */
interface Threading {
  target: ThreadTarget | null;
  mentions: string | null;
}

const TARGET = 'SELECT id, number, stage, closed_at AS "closedAt" FROM complaints';

/**
 * Threads in this order: the verified reply address; `In-Reply-To` and
 * `References` against the Message-IDs of the company's mail, only when the
 * sender is that complaint's customer (a Message-ID travels with forwarded
 * mail, so knowing one proves nothing); the number in the subject, again
 * only from the complaint's customer. A complaint found by references or
 * the subject but written by someone else is mentioned, never threaded onto.
 */
export async function threadOf(ctx: RequestContext, mail: InboundMail, fromAddress: string, subject: string): Promise<Threading> {
  if (mail.taggedNumber) {
    const [c] = await ctx.query<Omit<ThreadTarget, 'by'>>(`${TARGET} WHERE number = $1`, [mail.taggedNumber]);
    if (c) return { target: { ...c, by: 'REPLY_ADDRESS' }, mentions: null };
  }
  let mentions: string | null = null;
  const refs = [
    ...new Set([mail.parsed.inReplyTo ?? '', ...[mail.parsed.references ?? []].flat()].flatMap((r) => r.split(/\s+/)).filter(Boolean)),
  ].slice(0, 50);
  if (refs.length) {
    const found = await ctx.query<Omit<ThreadTarget, 'by'> & { own: boolean }>(
      `${TARGET.replace(' FROM', ', lower(customer_email) = $2 AS own FROM')}
        WHERE id IN (SELECT complaint_id FROM outbound_mails WHERE message_id = ANY($1)
                     UNION SELECT complaint_id FROM inbound_mails WHERE message_id = ANY($1) AND complaint_id IS NOT NULL)
        ORDER BY own DESC, created_at DESC LIMIT 1`,
      [refs, fromAddress],
    );
    const [c] = found;
    if (c?.own) return { target: { id: c.id, number: c.number, stage: c.stage, closedAt: c.closedAt, by: 'REFERENCES' }, mentions: null };
    if (c) mentions = c.number;
  }
  const number = NUMBER.exec(subject)?.[1];
  if (number) {
    // Only the complaint's own customer threads by the number: anyone can write a number in a subject.
    const [c] = await ctx.query<Omit<ThreadTarget, 'by'>>(`${TARGET} WHERE number = $1 AND lower(customer_email) = $2`, [
      number.toUpperCase(),
      fromAddress,
    ]);
    if (c) return { target: { ...c, by: 'SUBJECT' }, mentions: null };
  }
  return { target: null, mentions };
}

/**
 * A delivery report names the mail it reports on by its Message-ID (ours: `<mail id@domain>`): that mail has failed,
 * on its complaint too; the detail is what the report says of the recipient (its Diagnostic-Code, else its Status).
 */
async function markBounced(ctx: RequestContext, raw: string): Promise<void> {
  const ids = [...raw.matchAll(OUR_ID)].map((m) => m[1]!.toLowerCase());
  if (!ids.length) return;
  const said = /^Diagnostic-Code:[ \t]*(.+)$/im.exec(raw)?.[1] ?? /^(Status:[ \t]*\S+)/im.exec(raw)?.[1];
  const detail = said ? said.trim().slice(0, ERROR_DETAIL_CHARS) : null;
  const failed = await ctx.query<{ id: string; complaint_id: string | null; to_address: string }>(
    `WITH f AS (
       UPDATE outbound_mails SET status = 'FAILED', next_attempt_at = NULL, last_error_code = 'BOUNCED', last_error_detail = $2
        WHERE id = ANY($1::uuid[]) AND status <> 'FAILED'
       RETURNING id, complaint_id, to_address
     ) SELECT * FROM f`,
    [[...new Set(ids)], detail],
  );
  for (const m of failed) {
    if (m.complaint_id) {
      await appendTimeline(
        ctx,
        {
          complaintId: m.complaint_id,
          type: 'MAIL_FAILED',
          data: { mailId: m.id, to: m.to_address, code: MailError.BOUNCED, detail },
        },
        ActorKind.SYSTEM,
      );
    }
  }
}
