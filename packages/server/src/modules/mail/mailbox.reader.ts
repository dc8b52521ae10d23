import type { ParsedMail } from 'mailparser';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../../auth/secret-box.js';
import { ClaimingWorker, backoffMs, claimInTenant, type SendOutcome } from '../../db/claiming-worker.js';
import { inTenant, type CommittedEvents } from '../../db/unit-of-work.js';
import type { RateLimiter } from '../../http/rate-limiter.js';
import type { MailLinks } from './mail-links.js';
import { receiveFiles, receiveMail, recordTooLarge } from './mail.inbound.js';
import type { MailSettings } from './mail.worker.js';
import { closeMailbox, MailboxFailure, mailboxFailure, openMailbox, type MailboxPolicy } from './mailbox.connection.js';
import { MailboxError, type MailboxSecurity } from './mailbox.entity.js';
import { verifyReplyAddress } from './reply-tag.js';
import { companiesFrom } from '../../db/companies.js';

const SECOND = 1000;

export interface MailboxReaderOptions {
  /** How often a node looks for mailboxes due. */
  pollMs: number;
  /** How often a mailbox is read (IMAP_POLL_SECONDS). */
  intervalMs: number;
  /** A mailbox being read is another node's again after this (its node died); longer than a read. */
  leaseMs: number;
  /** Mails taken in one read; the rest wait for the next, which comes at once. */
  batch: number;
  /** Mailboxes read at once on this node. */
  perNode: number;
}

export const DEFAULT_MAILBOX_READER: MailboxReaderOptions = {
  pollMs: 5 * SECOND,
  intervalMs: 60 * SECOND,
  leaseMs: 10 * 60 * SECOND,
  batch: 50,
  perNode: 4,
};

interface ClaimedMailbox {
  host: string;
  port: number;
  security: MailboxSecurity;
  username: string;
  password_sealed: Buffer;
  folder: string;
  uid_validity: string | null;
  last_uid: string | null;
  failures: number;
  /** The lease as the database wrote it (to the microsecond): the outcome is recorded only while it holds. */
  lease: string;
  slug: string;
}

interface ReadOutcome {
  taken: number;
  uidValidity: string | null;
  lastUid: number | null;
  /** More mail is waiting than one read takes: read again at once. */
  more: boolean;
  failure?: MailboxFailure;
}

/**
 * Reads the companies' own mailboxes over IMAP, on every node, with the
 * outbox workers' machinery: a mailbox due is leased by one node (FOR
 * UPDATE SKIP LOCKED), which takes the mail that arrived since its last
 * read (by UID, under the folder's UIDVALIDITY; the first read takes the
 * unseen mail), receives each mail as the SMTP receiver does (its
 * attachments checked, threaded or a new complaint, one transaction per
 * mail, a Message-ID received once), marks it seen, and records how far it
 * got. A node that dies mid-read loses nothing: the next read takes the
 * same mail again and the Message-ID makes it a duplicate.
 */
export class MailboxReader extends ClaimingWorker<ClaimedMailbox> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: CommittedEvents | undefined,
    private readonly links: MailLinks,
    private readonly settings: MailSettings,
    private readonly box: SecretBox,
    private readonly policy: MailboxPolicy,
    private readonly perCompany: RateLimiter,
    private readonly options: MailboxReaderOptions = DEFAULT_MAILBOX_READER,
  ) {
    super('mailbox', { pollMs: options.pollMs, perTenant: 1, perNode: options.perNode });
  }

  protected async dueTenants(): Promise<string[]> {
    return companiesFrom(this.dataSource, 'mailbox_due_tenants', 100);
  }

  protected describe(m: ClaimedMailbox): string {
    return `mailbox ${m.username}@${m.host}`;
  }

  protected claim(tenantId: string): Promise<ClaimedMailbox[]> {
    return claimInTenant<ClaimedMailbox>(
      this.dataSource,
      tenantId,
      'mailbox',
      `WITH due AS (
        SELECT m.tenant_id FROM mail_mailboxes m WHERE m.enabled AND m.next_poll_at <= now() FOR UPDATE SKIP LOCKED
      )
      UPDATE mail_mailboxes m SET next_poll_at = now() + make_interval(secs => ${Math.trunc(this.options.leaseMs)}::float8 / 1000)
        FROM due, tenants t
       WHERE m.tenant_id = due.tenant_id AND t.id = m.tenant_id
      RETURNING m.host, m.port, m.security, m.username, m.password_sealed, m.folder, m.uid_validity::text, m.last_uid::text, m.failures,
                m.next_poll_at::text AS lease, t.slug`,
    );
  }

  protected async send(tenantId: string, m: ClaimedMailbox, release: () => void): Promise<SendOutcome> {
    const outcome = await this.read(tenantId, m);
    release();
    await this.record(tenantId, m, outcome);
    return outcome.failure ? 'failed' : 'delivered';
  }

  private async read(tenantId: string, m: ClaimedMailbox): Promise<ReadOutcome> {
    const done: ReadOutcome = {
      taken: 0,
      uidValidity: m.uid_validity,
      lastUid: m.last_uid === null ? null : Number(m.last_uid),
      more: false,
    };
    let password: string;
    try {
      password = this.box.open(m.password_sealed, tenantId);
    } catch {
      return { ...done, failure: new MailboxFailure(MailboxError.KEY_CHANGED, "the saved password does not open with this server's key") };
    }
    let client;
    try {
      client = await openMailbox({ ...m, password }, this.policy);
    } catch (err) {
      return { ...done, failure: mailboxFailure(err) };
    }
    try {
      const lock = await client.getMailboxLock(m.folder).catch((err: unknown) => {
        throw new MailboxFailure(MailboxError.FOLDER_MISSING, mailboxFailure(err).detail);
      });
      try {
        const folder = client.mailbox;
        if (!folder) throw new MailboxFailure(MailboxError.FOLDER_MISSING, m.folder);
        const validity = folder.uidValidity.toString();
        // After the first read, every mail with a higher UID is taken, read in the mailbox by someone or not; mail from before
        // is never taken again, unless the server renumbered the folder (UIDVALIDITY). The first read takes the unseen mail
        // (marking it seen) until none is left, then goes on from the UID the folder had reached when it was opened.
        const first = validity !== m.uid_validity || done.lastUid === null;
        const after = first ? null : done.lastUid!;
        const found =
          (first ? await client.search({ seen: false }, { uid: true }) : await client.search({ uid: `${after! + 1}:*` }, { uid: true })) ||
          [];
        // `n:*` also names the last mail when there is nothing after n.
        const uids = found.filter((uid) => after === null || uid > after).sort((a, b) => a - b);
        done.more = uids.length > this.options.batch;
        let complete = !done.more;
        for (const uid of uids.slice(0, this.options.batch)) {
          if (!(await this.perCompany.spend(tenantId)).allowed) {
            done.more = false;
            complete = false;
            break;
          }
          if (await this.take(tenantId, m, client, uid)) done.taken++;
          if (!first) done.lastUid = uid;
        }
        if (first) {
          done.uidValidity = complete ? validity : null;
          done.lastUid = complete ? Math.max(folder.uidNext - 1, ...uids) : null;
        }
      } finally {
        lock.release();
      }
    } catch (err) {
      done.failure = mailboxFailure(err);
    } finally {
      await closeMailbox(client);
    }
    return done;
  }

  /** One mail: fetched, received in the company's transaction, then marked seen; false when it was not taken (too large, gone). */
  private async take(tenantId: string, m: ClaimedMailbox, client: Awaited<ReturnType<typeof openMailbox>>, uid: number): Promise<boolean> {
    const head = await client.fetchOne(String(uid), { size: true, envelope: true }, { uid: true });
    if (head && head.size !== undefined && head.size > this.policy.maxBytes) {
      // Left unread in the mailbox, and shown to the admin among the received mail.
      const envelope = head.envelope;
      await recordTooLarge(this.dataSource, tenantId, {
        messageId: envelope?.messageId || `<imap.${client.mailbox ? client.mailbox.uidValidity : 0}.${uid}@${m.slug}.reclaim.invalid>`,
        from: envelope?.from?.[0]?.address ?? '',
        subject: envelope?.subject ?? '',
      });
      return false;
    }
    const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
    if (!message || !message.source) return false;
    const raw = message.source;
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(raw);
    const files = await receiveFiles(this.dataSource, tenantId, parsed);
    // SPF needs the address that delivered the mail, which only the company's own mail server saw: its checks stand, none are made here.
    await receiveMail(this.dataSource, this.publisher, this.links, {
      tenantId,
      taggedNumber: this.taggedNumber(m.slug, parsed),
      parsed,
      raw,
      files,
      auth: null,
    });
    await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    return true;
  }

  /** A verified reply address of this company among the mail's recipients (a customer who wrote to both). */
  private taggedNumber(slug: string, parsed: ParsedMail): string | null {
    const lists = [parsed.to, parsed.cc].flat().filter((a) => a !== undefined);
    for (const list of lists) {
      for (const a of list.value) {
        const tagged = a.address ? verifyReplyAddress(this.settings.tagSecret, a.address, this.settings.domain) : null;
        if (tagged?.slug === slug) return tagged.number;
      }
    }
    return null;
  }

  /**
   * How far the read got, unless the lease was lost meanwhile (the mailbox
   * was saved again, or another node took it); the next read is due after
   * the interval, at once when more mail waits, and after a failure later
   * each time (up to an hour).
   */
  private async record(tenantId: string, m: ClaimedMailbox, o: ReadOutcome): Promise<void> {
    const failures = o.failure ? m.failures + 1 : 0;
    const waitMs = o.failure ? backoffMs(this.options.intervalMs, failures) : o.more ? 0 : this.options.intervalMs;
    await inTenant(
      this.dataSource,
      tenantId,
      (manager) =>
        manager.query(
          `UPDATE mail_mailboxes
          SET uid_validity = $2::numeric, last_uid = $3::bigint, fetched = fetched + $4, failures = $5, last_error_code = $6, last_error_detail = $7,
              last_polled_at = now(), next_poll_at = now() + make_interval(secs => $8::float8 / 1000)
        WHERE tenant_id = $1 AND next_poll_at = $9::timestamptz`,
          [tenantId, o.uidValidity, o.lastUid, o.taken, failures, o.failure?.code ?? null, o.failure?.detail ?? null, waitMs, m.lease],
        ),
      { job: 'mailbox' },
    );
  }
}
