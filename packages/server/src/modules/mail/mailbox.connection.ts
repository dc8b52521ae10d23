import { isIP } from 'node:net';
import type { ImapFlow } from 'imapflow';
import { isForbiddenAddress, type Resolver } from '../webhook/ssrf.js';
import { MailboxError, MailboxSecurity } from './mailbox.entity.js';
import { ERROR_DETAIL_CHARS } from './mail-error.js';

/** How mailboxes may be reached (MAILBOXES_ALLOW_INSECURE; tests give their own resolver). */
export interface MailboxPolicy {
  /** Private and loopback addresses, and connections that are never encrypted (NONE), allowed: development and tests. */
  allowInsecure: boolean;
  resolve: Resolver;
  /** Connecting, the TLS handshake and the server's greeting, each at most. */
  timeoutMs: number;
  /** A larger mail is not taken (as the SMTP receiver refuses it). */
  maxBytes: number;
}

export interface MailboxAddress {
  host: string;
  port: number;
  security: MailboxSecurity;
  username: string;
  password: string;
}

/** Why a mailbox could not be read, in the terms the admin sees (MailboxError), with what the other side said. */
export class MailboxFailure extends Error {
  constructor(
    readonly code: MailboxError,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME)/;

/** An error of imapflow or of the socket under it, as a MailboxFailure. */
export function mailboxFailure(err: unknown): MailboxFailure {
  if (err instanceof MailboxFailure) return err;
  const e = err as { code?: string; authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string; message?: string };
  const detail = [e.code, e.responseText ?? e.message].filter(Boolean).join(': ').slice(0, ERROR_DETAIL_CHARS) || 'unknown error';
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED')
    return new MailboxFailure(MailboxError.LOGIN_FAILED, detail);
  if ((e.code && TLS_CODES.test(e.code)) || /STARTTLS|certificate|\bTLS\b|\bSSL\b/i.test(e.message ?? ''))
    return new MailboxFailure(MailboxError.TLS, detail);
  if (
    e.serverResponseCode === 'NONEXISTENT' ||
    /mailbox doesn't exist|unknown mailbox|no such mailbox/i.test(`${e.responseText} ${e.message}`)
  ) {
    return new MailboxFailure(MailboxError.FOLDER_MISSING, detail);
  }
  return new MailboxFailure(MailboxError.UNREACHABLE, detail);
}

/**
 * Signs in to a mailbox: the host is resolved here and every address it
 * has must be allowed (not private, loopback or link-local, unless the
 * policy allows it), then the connection goes to that address, with the
 * host name for TLS (SNI and the certificate's check); a certificate that
 * is not valid for the host is refused. STARTTLS is required when chosen,
 * never skipped. Throws MailboxFailure.
 */
export async function openMailbox(a: MailboxAddress, policy: MailboxPolicy): Promise<ImapFlow> {
  if (a.security === MailboxSecurity.NONE && !policy.allowInsecure) {
    throw new MailboxFailure(MailboxError.TLS, 'connections that are never encrypted are not allowed here');
  }
  let address = a.host;
  if (!isIP(a.host)) {
    let found;
    try {
      found = await policy.resolve(a.host);
    } catch (err) {
      throw new MailboxFailure(MailboxError.UNREACHABLE, `${a.host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!found.length) throw new MailboxFailure(MailboxError.UNREACHABLE, `${a.host} has no address`);
    const bad = policy.allowInsecure ? undefined : found.find((f) => isForbiddenAddress(f.address));
    if (bad) throw new MailboxFailure(MailboxError.ADDRESS_NOT_ALLOWED, `${a.host} resolves to ${bad.address}`);
    address = found[0]!.address;
  } else if (!policy.allowInsecure && isForbiddenAddress(a.host)) {
    throw new MailboxFailure(MailboxError.ADDRESS_NOT_ALLOWED, `${a.host} is a private, loopback or link-local address`);
  }
  const servername = isIP(a.host) ? undefined : a.host;
  const { ImapFlow: Client } = await import('imapflow');
  const client = new Client({
    host: address,
    port: a.port,
    secure: a.security === MailboxSecurity.TLS,
    doSTARTTLS: a.security === MailboxSecurity.STARTTLS ? true : undefined,
    servername,
    tls: { servername, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    auth: { user: a.username, pass: a.password },
    logger: false,
    disableAutoIdle: true,
    disableCompression: true,
    clientInfo: { name: 'Reclaim' },
    connectionTimeout: policy.timeoutMs,
    greetingTimeout: policy.timeoutMs,
    socketTimeout: 6 * policy.timeoutMs,
    maxLiteralSize: policy.maxBytes + 64 * 1024,
    maxResponseSize: policy.maxBytes + 128 * 1024,
  });
  // A socket that fails later reports here as well as to the command that was waiting.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw mailboxFailure(err);
  }
  return client;
}

/** Signs out, or drops the connection when the server does not answer. */
export async function closeMailbox(client: ImapFlow): Promise<void> {
  await client.logout().catch(() => client.close());
}
