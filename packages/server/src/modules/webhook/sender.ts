import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { attemptError, ERROR_DETAIL_CHARS, WebhookAttemptError } from './attempt-error.js';
import { checkUrlForm, guardedLookup, type Resolver, type UrlRules } from './ssrf.js';

/** What one attempt got: the response's status and the start of its body, or the error that stopped it. */
export interface AttemptResult {
  statusCode: number | null;
  responseBody: string | null;
  /** Why it failed (HTTP_STATUS for an answer other than 2xx); null when it delivered. */
  errorCode: WebhookAttemptError | null;
  /** The technical detail of an error without an answer, as the system gave it. */
  errorDetail: string | null;
  durationMs: number;
}

/** The response body kept in the delivery log, at most. */
export const RESPONSE_BODY_BYTES = 2048;

/**
 * POSTs one webhook: a new connection (no pooling across endpoints), the
 * address checked at connect time, no redirect followed (a 3xx is a
 * failure), everything over within `timeoutMs`.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; resolve: Resolver; rules: UrlRules },
): Promise<AttemptResult> {
  const started = Date.now();
  const result = (r: Omit<AttemptResult, 'durationMs'>): AttemptResult => ({ ...r, durationMs: Date.now() - started });
  return new Promise((done) => {
    let target: URL;
    try {
      target = checkUrlForm(url, options.rules);
    } catch (err) {
      const detail = (err as Error).message.slice(0, ERROR_DETAIL_CHARS);
      done(result({ statusCode: null, responseBody: null, errorCode: WebhookAttemptError.ADDRESS_NOT_ALLOWED, errorDetail: detail }));
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      agent: false,
      lookup: guardedLookup(options.resolve, options.rules),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Reclaim-Webhooks/1',
        ...headers,
        'content-length': String(Buffer.byteLength(body)),
      },
    });
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      options.timeoutMs,
    );
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < RESPONSE_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_BODY_BYTES) res.destroy();
      });
      const finish = () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_BYTES).toString('utf8');
        const statusCode = res.statusCode ?? null;
        const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
        done(result({ statusCode, responseBody: text, errorCode: ok ? null : WebhookAttemptError.HTTP_STATUS, errorDetail: null }));
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', () => undefined);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      const { code, detail } = attemptError(err);
      done(result({ statusCode: null, responseBody: null, errorCode: code, errorDetail: detail }));
    });
    req.end(body);
  });
}

/** Whether an attempt delivered the webhook: a 2xx; redirects are not followed, so a 3xx is a failure. */
export const delivered = (r: AttemptResult): boolean => r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;
