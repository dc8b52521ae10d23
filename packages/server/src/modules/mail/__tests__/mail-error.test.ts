import { describe, expect, it } from 'vitest';
import { MailError, mailFailure } from '../mail-error.js';

/** Errors as nodemailer throws them: a code of its own, and the server's answer where there was one. */
const smtp = (message: string, fields: { code?: string; responseCode?: number }) => Object.assign(new Error(message), fields);

describe('mailFailure: why a mail was not sent, as a code, the detail the server gave, and whether to try again', () => {
  it.each([
    [
      smtp("Can't send mail - all recipients were rejected: 550 5.1.1 <x@example.com>: User unknown", {
        code: 'EENVELOPE',
        responseCode: 550,
      }),
      MailError.REFUSED,
      true,
    ],
    [smtp('Message failed: 554 5.7.1 Spam', { code: 'EMESSAGE', responseCode: 554 }), MailError.REFUSED, true],
    [
      smtp("Can't send mail - all recipients were rejected: 451 4.7.1 Try again later", { code: 'EENVELOPE', responseCode: 451 }),
      MailError.DEFERRED,
      false,
    ],
    [smtp('connect ECONNREFUSED 127.0.0.1:25', { code: 'ESOCKET' }), MailError.CONNECTION, false],
    [smtp('Connection timeout', { code: 'ETIMEDOUT' }), MailError.CONNECTION, false],
    [smtp('Greeting never received', { code: 'ETIMEDOUT' }), MailError.CONNECTION, false],
    [smtp('getaddrinfo ENOTFOUND smtp.example', { code: 'EDNS' }), MailError.CONNECTION, false],
    [smtp('Connection closed unexpectedly', { code: 'ECONNECTION' }), MailError.CONNECTION, false],
    [smtp('self-signed certificate', { code: 'ETLS' }), MailError.CONNECTION, false],
    // The service's own sign-in refused for good (as before, not retried); or no credentials at all.
    [smtp('Invalid login: 535 5.7.8 Authentication failed', { code: 'EAUTH', responseCode: 535 }), MailError.AUTH, true],
    [smtp('Missing credentials for "PLAIN"', { code: 'EAUTH' }), MailError.AUTH, false],
    [new Error('something nobody expected'), MailError.OTHER, false],
  ])('%s', (err, code, permanent) => {
    expect(mailFailure(err)).toEqual({ code, detail: err.message, permanent });
  });

  it('keeps at most 500 characters of the detail', () => {
    expect(mailFailure(new Error('x'.repeat(2000))).detail).toHaveLength(500);
  });
});
