import nodemailer, { type Transporter } from 'nodemailer';
import { MailTransport } from './mail.entity.js';
import { mailFailure, type MailFailure } from './mail-error.js';

/** A mail as the worker hands it to the transport. */
export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  replyTo: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
}

/** What one attempt came to: sent, or why not (permanent when the SMTP server refused for good, a 5xx). */
export type MailResult = { ok: true; failure: null } | { ok: false; failure: MailFailure };

/** DKIM signing of every mail sent (MAIL_DKIM_SELECTOR, MAIL_DKIM_KEY_FILE): the domain is MAIL_DOMAIN, which mail is sent from. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  /** A PEM private key (RSA or Ed25519). */
  privateKey: string;
}

/**
 * Nodemailer over SMTP_URL, or, without it (embedded mode), nodemailer's
 * stream transport: the mail is built as it would be sent and kept in the
 * outbox, where admins read it (the development mailbox). With a DKIM key,
 * nodemailer signs each mail (its headers and body) before it is handed on.
 */
export class MailSender {
  readonly kind: MailTransport;
  private readonly transporter: Transporter;

  constructor(smtpUrl: string | undefined, timeoutMs: number, dkim?: DkimKey) {
    this.kind = smtpUrl ? MailTransport.SMTP : MailTransport.MAILBOX;
    const signing = dkim ? { dkim: { domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey } } : {};
    this.transporter = smtpUrl
      ? nodemailer.createTransport({
          url: smtpUrl,
          pool: true,
          maxConnections: 5,
          connectionTimeout: timeoutMs,
          greetingTimeout: timeoutMs,
          socketTimeout: timeoutMs,
          ...signing,
        })
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', ...signing });
  }

  async send(mail: OutgoingMail): Promise<MailResult> {
    try {
      await this.transporter.sendMail({
        from: mail.from,
        to: mail.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        ...(mail.inReplyTo && { inReplyTo: mail.inReplyTo }),
        ...(mail.references.length && { references: mail.references }),
        // RFC 3834: a mail program's auto-responder answers nothing marked so; mail loops never start.
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      });
      return { ok: true, failure: null };
    } catch (err) {
      return { ok: false, failure: mailFailure(err) };
    }
  }

  close(): void {
    this.transporter.close();
  }
}
