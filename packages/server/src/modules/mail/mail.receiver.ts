import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { DataSource } from 'typeorm';
import type { CommittedEvents } from '../../db/unit-of-work.js';
import type { RateLimiter } from '../../http/rate-limiter.js';
import { log } from '../../ops/log.js';
import type { MailLinks } from './mail-links.js';
import type { MailAuthenticator } from './mail.auth.js';
import { receiveFiles, receiveMail } from './mail.inbound.js';
import type { MailSettings } from './mail.worker.js';
import { verifyReplyAddress } from './reply-tag.js';

export interface ReceiverOptions {
  /** Where it listens: SMTP_PORT (0: any free port, for tests), on `host`. */
  port: number;
  host: string;
  /** A mail larger than this is refused (SIZE is announced, and checked while it arrives). */
  maxBytes: number;
  /** Mails accepted per sender address, and per company, per hour (RATE_LIMITED beyond: a temporary refusal, 451). */
  perSender: RateLimiter;
  perCompany: RateLimiter;
  /** SPF/DKIM/DMARC of each mail (MAIL_AUTH); null: not checked. */
  authenticator: MailAuthenticator | null;
  /** Its certificate and key (SMTP_TLS_CERT_FILE, SMTP_TLS_KEY_FILE): STARTTLS is offered, not required (RFC 3207); without, not offered. */
  tls?: { cert: string; key: string };
}

interface Recipient {
  tenantId: string;
  taggedNumber: string | null;
}
type Session = SMTPServerSession & { recipients?: Recipient[] };

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The SMTP receiver (smtp-server): it accepts mail for the companies'
 * addresses under MAIL_DOMAIN (`<slug>@` and the reply addresses
 * `<slug>+<number>.<tag>@`, whose tag must verify), refuses others at RCPT
 * TO, bounds the size and the rate per sender and per company, and answers
 * 250 only once the mail is committed (a failure is a temporary 451, so the
 * sending server tries again: nothing is lost).
 */
export class MailReceiver {
  private readonly server: SMTPServer;
  readonly stats = { accepted: 0, refused: 0, failed: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: CommittedEvents | undefined,
    private readonly links: MailLinks,
    private readonly settings: MailSettings,
    private readonly options: ReceiverOptions,
  ) {
    this.server = new SMTPServer({
      name: settings.domain,
      banner: 'Reclaim',
      size: options.maxBytes,
      authOptional: true,
      // Without ours, smtp-server would offer STARTTLS with the certificate it ships, whose key is public.
      disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(options.tls && { cert: options.tls.cert, key: options.tls.key }),
      logger: false,
      socketTimeout: 60_000,
      closeTimeout: 5_000,
      onRcptTo: (address, session, callback) => {
        this.recipient(address.address).then(
          (r) => {
            if (!r) return callback(smtpError(550, 'No such recipient here'));
            const s = session as Session;
            (s.recipients ??= []).push(r);
            callback();
          },
          (err: Error) => callback(smtpError(451, `Try again later (${err.message})`)),
        );
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (stream.sizeExceeded) return callback(smtpError(552, `Message exceeds the limit of ${options.maxBytes} bytes`));
          this.deliver(session as Session, Buffer.concat(chunks)).then(
            () => callback(),
            (err: Error & { responseCode?: number }) => {
              if (!err.responseCode) {
                this.stats.failed++;
                log.error(`mail receiver: ${err.message}`);
              }
              callback(err.responseCode ? err : smtpError(451, 'Try again later'));
            },
          );
        });
      },
    });
    this.server.on('error', (err: Error & { meta?: { stage?: string; remoteAddress?: string } }) => {
      // A sender's TLS handshake that failed (a scanner, no cipher in common) is the sender's business, not the node's.
      if (err.meta?.stage === 'connect') log.warn(`mail receiver: ${err.message} (${err.meta.remoteAddress ?? 'a sender'})`);
      else log.error(`mail receiver: ${err.message}`);
    });
  }

  /** Whether it listens, on which port, and why not when it could not (operators: /healthz/details, reclaim_smtp_receiver_listening). */
  state: { listening: boolean; port: number | null; error: string | null } = { listening: false, port: null, error: null };

  /**
   * Starts listening as a node does: a port it cannot have is logged and shown in `state`, not thrown, since
   * the node serves everything else without its receiver (a taken port in embedded mode must not stop the start).
   */
  async start(): Promise<number | null> {
    try {
      const port = await this.listen();
      log.info(`mail received over SMTP on ${this.options.host}:${port} for *@${this.settings.domain}`);
      return port;
    } catch (err) {
      log.error(`mail receiver not started: ${(err as Error).message}`);
      return null;
    }
  }

  /** Starts listening; the port it listens on (rejects when it cannot, e.g. the port is taken, and says so in `state`). */
  async listen(): Promise<number> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.server.once('error', reject);
        this.server.listen(this.options.port, this.options.host, () => {
          this.server.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.state = { listening: false, port: null, error: (err as Error).message };
      throw err;
    }
    const { port } = this.server.server.address() as AddressInfo;
    this.state = { listening: true, port, error: null };
    return port;
  }

  close(): Promise<void> {
    this.state = { ...this.state, listening: false };
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The company (and verified complaint number) of an address under our domain; null when it is nobody's. */
  private async recipient(address: string): Promise<Recipient | null> {
    const at = address.lastIndexOf('@');
    if (at < 0 || address.slice(at + 1).toLowerCase() !== this.settings.domain.toLowerCase()) return null;
    const local = address.slice(0, at).toLowerCase();
    const tagged = local.includes('+') ? verifyReplyAddress(this.settings.tagSecret, address, this.settings.domain) : null;
    if (local.includes('+') && !tagged) return null;
    const slug = tagged?.slug ?? local;
    // A company whose admin address is not confirmed has no mail address yet: refused at RCPT TO, as an unknown one.
    const [row] = await this.dataSource.query<Array<{ id: string | null }>>('SELECT mail_tenant_id_by_slug($1) AS id', [slug]);
    return row?.id ? { tenantId: row.id, taggedNumber: tagged?.number ?? null } : null;
  }

  private async deliver(session: Session, raw: Buffer): Promise<void> {
    const recipients = session.recipients ?? [];
    const sender = (session.envelope.mailFrom && session.envelope.mailFrom.address.toLowerCase()) || '<>';
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(raw);
    // Checked once for all recipients, before any transaction: DNS time never holds a database connection.
    const auth =
      (await this.options.authenticator?.check(raw, {
        ip: session.remoteAddress,
        helo: session.hostNameAppearsAs ?? '',
        sender: sender === '<>' ? '' : sender,
      })) ?? null;
    // Each company counts once per mail; one sender's flood, or one company's, waits (451) without touching the others.
    const companies = [...new Map(recipients.map((r) => [r.tenantId, r])).values()];
    for (const r of companies) {
      // A refused sender spends nothing of the company's share; a refusal by the company gives the sender's point back.
      const key = `${r.tenantId}:${sender}`;
      const refused =
        !(await this.options.perSender.spend(key)).allowed ||
        (!(await this.options.perCompany.spend(r.tenantId)).allowed && (await this.options.perSender.refund(key), true));
      if (refused) {
        this.stats.refused++;
        throw smtpError(451, 'Too many mails; try again later');
      }
    }
    for (const r of companies) {
      const files = await receiveFiles(this.dataSource, r.tenantId, parsed);
      await receiveMail(this.dataSource, this.publisher, this.links, {
        tenantId: r.tenantId,
        taggedNumber: r.taggedNumber,
        parsed,
        raw,
        files,
        auth,
      });
    }
    this.stats.accepted++;
  }
}
