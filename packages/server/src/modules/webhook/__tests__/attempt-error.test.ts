import { describe, expect, it } from 'vitest';
import { attemptError, WebhookAttemptError } from '../attempt-error.js';
import { ForbiddenAddressError } from '../ssrf.js';

const errno = (code: string, message = `connect ${code} 203.0.113.9:443`) => Object.assign(new Error(message), { code });

describe('attemptError: why an attempt got no answer, as a code and the detail the system gave', () => {
  it.each([
    [errno('ECONNREFUSED'), WebhookAttemptError.CONNECTION_REFUSED],
    [errno('ECONNRESET', 'read ECONNRESET'), WebhookAttemptError.CONNECTION_RESET],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), WebhookAttemptError.CONNECTION_RESET],
    [errno('EPIPE', 'write EPIPE'), WebhookAttemptError.CONNECTION_RESET],
    [errno('EHOSTUNREACH'), WebhookAttemptError.UNREACHABLE],
    [errno('ENETUNREACH'), WebhookAttemptError.UNREACHABLE],
    [errno('ETIMEDOUT'), WebhookAttemptError.TIMEOUT],
    [errno('ENOTFOUND', 'getaddrinfo ENOTFOUND shop.example'), WebhookAttemptError.DNS],
    [errno('EAI_AGAIN', 'getaddrinfo EAI_AGAIN shop.example'), WebhookAttemptError.DNS],
    [errno('CERT_HAS_EXPIRED', 'certificate has expired'), WebhookAttemptError.TLS],
    [errno('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), WebhookAttemptError.TLS],
    [errno('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), WebhookAttemptError.TLS],
    [errno('EPROTO', 'ssl3_get_record:wrong version number'), WebhookAttemptError.TLS],
    [new ForbiddenAddressError('rebind.test resolved to 127.0.0.1, which webhooks may not reach'), WebhookAttemptError.ADDRESS_NOT_ALLOWED],
    [new Error('something nobody expected'), WebhookAttemptError.OTHER],
  ])('%s', (err, code) => {
    expect(attemptError(err)).toEqual({ code, detail: err.message });
  });

  it('keeps at most 500 characters of the detail', () => {
    expect(attemptError(new Error('x'.repeat(2000))).detail).toHaveLength(500);
  });
});
