import { describe, expect, it } from 'vitest';
import { MailboxFailure, mailboxFailure, openMailbox, type MailboxPolicy } from '../mailbox.connection.js';
import { MailboxError, MailboxSecurity } from '../mailbox.entity.js';

const strict: MailboxPolicy = {
  allowInsecure: false,
  timeoutMs: 2000,
  maxBytes: 1024 * 1024,
  resolve: async (host) =>
    host === 'imap.inside.test'
      ? [{ address: '10.1.2.3', family: 4 }]
      : host === 'imap.mixed.test'
        ? [
            { address: '93.184.216.34', family: 4 },
            { address: '::1', family: 6 },
          ]
        : Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })),
};
const address = (host: string, security = MailboxSecurity.TLS) => ({ host, port: 993, security, username: 'u', password: 'p' });

async function failure(p: Promise<unknown>): Promise<MailboxFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MailboxFailure) return err;
    throw err;
  }
  throw new Error('expected a MailboxFailure');
}

describe('reaching a mailbox', () => {
  it('refuses private, loopback and link-local addresses, by name (every address the name has) or written out, before connecting', async () => {
    for (const host of ['127.0.0.1', '10.0.0.5', '169.254.169.254', '::1', 'imap.inside.test', 'imap.mixed.test']) {
      expect((await failure(openMailbox(address(host), strict))).code, host).toBe(MailboxError.ADDRESS_NOT_ALLOWED);
    }
    expect((await failure(openMailbox(address('imap.nowhere.test'), strict))).code).toBe(MailboxError.UNREACHABLE);
  });

  it('refuses a connection that is never encrypted unless the server allows it', async () => {
    expect((await failure(openMailbox(address('imap.example.com', MailboxSecurity.NONE), strict))).code).toBe(MailboxError.TLS);
  });

  it("names what went wrong in the admin's terms", () => {
    expect(mailboxFailure({ authenticationFailed: true, responseText: 'Authentication failed.' }).code).toBe(MailboxError.LOGIN_FAILED);
    expect(mailboxFailure({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }).code).toBe(MailboxError.TLS);
    expect(mailboxFailure({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: 'Hostname/IP does not match' }).code).toBe(MailboxError.TLS);
    expect(mailboxFailure({ serverResponseCode: 'NONEXISTENT', responseText: "Mailbox doesn't exist: Complaints" }).code).toBe(
      MailboxError.FOLDER_MISSING,
    );
    expect(mailboxFailure({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toMatchObject({
      code: MailboxError.UNREACHABLE,
      detail: 'ECONNREFUSED: connect ECONNREFUSED',
    });
  });
});
