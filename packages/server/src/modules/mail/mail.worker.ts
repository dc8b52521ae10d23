import type { DataSource } from 'typeorm';
import { ClaimingWorker, claimInTenant, type SendOutcome } from '../../db/claiming-worker.js';
import { inTenant, type CommittedEvents } from '../../db/unit-of-work.js';
import { RequestContext } from '../../graphql/context.js';
import { ActorKind } from '../complaint/complaint.enums.js';
import { appendTimeline } from '../complaint/timeline.js';
import { MailSender, type MailResult } from './mail.transport.js';
import { MAIL_DOMAIN_PATTERN, replyAddress } from './reply-tag.js';
import { companiesFrom } from '../../db/companies.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export interface MailWorkerOptions {
  /** How often it looks for due mail (besides being woken by this node's commits). */
  pollMs: number;
  /** One attempt: connecting, greeting and each reply of the SMTP server, at most. */
  timeoutMs: number;
  /** A claimed mail is another node's again after this (its node died mid-send); longer than an attempt. */
  leaseMs: number;
  /** Mails in flight on this node: for one company, in all. */
  perTenant: number;
  perNode: number;
  /** The waits after each failed attempt; when they run out (or the server refuses for good, 5xx) the mail has FAILED. */
  retryDelaysMs: number[];
}

/** Seven attempts over about 21 hours; a refusal for good (5xx) is final at once. */
export const MAIL_RETRY_DELAYS_MS = [1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR, 12 * HOUR];

export const DEFAULT_MAIL_WORKER: MailWorkerOptions = {
  pollMs: 1000,
  timeoutMs: 30 * SECOND,
  leaseMs: 5 * MINUTE,
  perTenant: 4,
  perNode: 32,
  retryDelaysMs: MAIL_RETRY_DELAYS_MS,
};

/** Where mail comes from and how it is sent (docs/email.md). */
export interface MailSettings {
  /** SMTP_URL; without it mail stays in the development mailbox. */
  smtpUrl?: string;
  /** MAIL_DOMAIN: the companies' addresses, the reply addresses and our Message-IDs are under it. */
  domain: string;
  /** MAIL_TAG_SECRET: keys the reply addresses' HMAC. */
  tagSecret: string;
  /** MAIL_DKIM_SELECTOR and the key of MAIL_DKIM_KEY_FILE: every mail is signed for `domain` with it. */
  dkim?: { selector: string; privateKey: string };
}

interface ClaimedMail {
  id: string;
  complaint_id: string | null;
  to_address: string;
  subject: string;
  body_text: string;
  message_id: string;
  attempts: number;
  slug: string;
  company: string;
  number: string | null;
  earlier: string[] | null;
}

/**
 * Sends the outbox's mail, on every node, with the outbox workers'
 * machinery (db/claiming-worker.ts). The claim fixes the mail's Message-ID
 * (`<id@MAIL_DOMAIN>`, the same for every attempt) and reads the earlier
 * mails of its complaint for `References`; the mail goes from the company's
 * address with the complaint's reply address as Reply-To; its outcome is
 * recorded in a transaction of its own, and a mail that has failed for good
 * is written on its complaint's timeline.
 */
export class MailWorker extends ClaimingWorker<ClaimedMail> {
  readonly sender: MailSender;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: MailSettings,
    private readonly publisher: CommittedEvents | undefined,
    private readonly options: MailWorkerOptions = DEFAULT_MAIL_WORKER,
  ) {
    super('mail', { pollMs: options.pollMs, perTenant: options.perTenant, perNode: options.perNode });
    if (!MAIL_DOMAIN_PATTERN.test(settings.domain)) throw new Error(`mail: ${JSON.stringify(settings.domain)} is not a domain`);
    this.sender = new MailSender(
      settings.smtpUrl,
      options.timeoutMs,
      settings.dkim && { domainName: settings.domain, keySelector: settings.dkim.selector, privateKey: settings.dkim.privateKey },
    );
  }

  /** Stops for good: waits for the sends in flight, then closes the SMTP connections (stop alone keeps them for a restart). */
  async close(): Promise<void> {
    await this.stop();
    this.sender.close();
  }

  protected async dueTenants(): Promise<string[]> {
    return companiesFrom(this.dataSource, 'mail_due_tenants', 1000);
  }

  protected describe(m: ClaimedMail): string {
    return `mail ${m.id}`;
  }

  /** Locks up to `limit` due mails (SKIP LOCKED) and leases them; the domain is checked and the integers truncated before inlining. */
  protected claim(tenantId: string, limit: number): Promise<ClaimedMail[]> {
    const domain = this.settings.domain.toLowerCase();
    return claimInTenant<ClaimedMail>(
      this.dataSource,
      tenantId,
      'mail',
      `WITH due AS (
        SELECT m.id FROM outbound_mails m
         WHERE m.status = 'PENDING' AND m.next_attempt_at <= now()
         ORDER BY m.next_attempt_at
         LIMIT ${Math.trunc(limit)}
         FOR UPDATE SKIP LOCKED
      )
      UPDATE outbound_mails m
         SET next_attempt_at = now() + make_interval(secs => ${Math.trunc(this.options.leaseMs)}::float8 / 1000), attempts = m.attempts + 1,
             message_id = coalesce(m.message_id, '<' || m.id || '@${domain}>')
        FROM due, tenants t
       WHERE m.id = due.id AND t.id = m.tenant_id
      RETURNING m.id, m.complaint_id, m.to_address, m.subject, m.body_text, m.message_id, m.attempts, t.slug, t.name AS company,
                (SELECT c.number FROM complaints c WHERE c.id = m.complaint_id) AS number,
                (SELECT array_agg(p.message_id ORDER BY p.created_at, p.id) FROM outbound_mails p
                  WHERE p.complaint_id = m.complaint_id AND p.message_id IS NOT NULL AND p.id <> m.id
                    AND (p.created_at, p.id) < (m.created_at, m.id)) AS earlier`,
    );
  }

  protected async send(tenantId: string, m: ClaimedMail, release: () => void): Promise<SendOutcome> {
    const { domain, tagSecret } = this.settings;
    const references = m.earlier ?? [];
    const result = await this.sender.send({
      from: { name: m.company, address: `${m.slug}@${domain}` },
      to: m.to_address,
      replyTo: m.number ? replyAddress(tagSecret, m.slug, m.number, domain) : `${m.slug}@${domain}`,
      subject: m.subject,
      text: m.body_text,
      messageId: m.message_id,
      inReplyTo: references.at(-1),
      references,
    });
    release();
    const retryInMs = result.ok || result.failure.permanent ? undefined : this.options.retryDelaysMs[m.attempts - 1];
    return this.record(tenantId, m, result, retryInMs);
  }

  /** The attempt's outcome, unless the lease was lost meanwhile (another node took the mail); a final failure goes on the timeline. */
  private async record(tenantId: string, m: ClaimedMail, result: MailResult, retryInMs: number | undefined): Promise<SendOutcome> {
    return inTenant(
      this.dataSource,
      tenantId,
      async (manager, uow) => {
        const ctx = new RequestContext(tenantId, null, manager, uow);
        const [row] = await ctx.query<{ status: string }>(
          `WITH u AS (
         UPDATE outbound_mails
            SET status = CASE WHEN $3 THEN 'SENT' WHEN $4::float8 IS NULL THEN 'FAILED' ELSE 'PENDING' END,
                sent_at = CASE WHEN $3 THEN now() END, transport = CASE WHEN $3 THEN $6 END,
                last_error_code = coalesce($5, last_error_code), last_error_detail = CASE WHEN $5 IS NULL THEN last_error_detail ELSE $7 END,
                next_attempt_at = CASE WHEN $3 OR $4::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $4::float8 / 1000) END,
                -- Kept in the development mailbox, which is where its reader (an admin, who may set any password anyway) finds the link.
                body_text = CASE WHEN body_secret AND ($3 OR $4::float8 IS NULL) AND $6 <> 'MAILBOX' THEN '' ELSE body_text END
          WHERE id = $1 AND attempts = $2 AND status = 'PENDING'
          RETURNING status
         )
         SELECT status FROM u`,
          [m.id, m.attempts, result.ok, retryInMs ?? null, result.failure?.code ?? null, this.sender.kind, result.failure?.detail ?? null],
        );
        if (row?.status === 'FAILED' && m.complaint_id) {
          await appendTimeline(
            ctx,
            {
              complaintId: m.complaint_id,
              type: 'MAIL_FAILED',
              data: { mailId: m.id, to: m.to_address, code: result.failure?.code, detail: result.failure?.detail },
            },
            ActorKind.SYSTEM,
          );
        }
        return !row ? null : result.ok ? 'delivered' : 'failed';
      },
      { job: 'mail', publisher: this.publisher },
    );
  }
}
