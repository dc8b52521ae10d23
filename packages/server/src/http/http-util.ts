import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What of a refused body is read before its connection is closed: bytes, and time after the refusal. */
export const LINGER = { bytes: 1024 * 1024, ms: 2000 };

/**
 * The lingering close of a request answered before its body arrived (as
 * web servers do it): what is left of the body is read and dropped, so that
 * a client still sending gets the answer instead of a reset connection,
 * but only up to `LINGER.bytes` and for `LINGER.ms`; then the connection is
 * closed. Read whole, thirty refused 10-MB uploads were 300 MB through the
 * node at full speed, and a body that then stalled held its socket until
 * the server's request timeout. (A client that sent `Connection: close`
 * has its socket closed by Node as soon as the answer is written.)
 */
export function lingeringClose(req: IncomingMessage, linger = LINGER): void {
  if (req.readableEnded) return;
  let left = linger.bytes;
  const close = setTimeout(() => req.destroy(), linger.ms).unref();
  req.on('end', () => clearTimeout(close));
  req.on('close', () => clearTimeout(close));
  req.on('data', (chunk: Buffer) => {
    left -= chunk.length;
    // Past the budget, nothing more is read; the timer closes the connection.
    if (left < 0) req.pause();
  });
  req.resume();
}

/** Reads a body of at most `limit` bytes; a larger one is refused with 413 (and its connection lingers, then closes). */
async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const refuse = () => {
    lingeringClose(req);
    return new HttpError(413, `request body larger than ${limit} bytes`);
  };
  if (Number(req.headers['content-length'] ?? 0) > limit) throw refuse();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > limit) throw refuse();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads and parses a JSON body, refusing more than `limit` bytes, and with
 * 408 one that has not fully arrived within `timeoutMs` (0: no deadline).
 * The caller answers the 408 with `Connection: close`, which ends the read.
 */
export async function readBody(req: IncomingMessage, limit: number, timeoutMs = 0): Promise<unknown> {
  const reading = readRawBody(req, limit);
  let deadline: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    if (timeoutMs > 0) deadline = setTimeout(() => reject(new HttpError(408, 'the request body did not arrive in time')), timeoutMs);
  });
  reading.catch(() => undefined); // once late, its end (the connection closed) is of no interest
  let raw: Buffer;
  try {
    raw = await Promise.race([reading, late]);
  } finally {
    clearTimeout(deadline);
  }
  const text = raw.toString('utf8');
  if (!text) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * The client's address for rate limits. With `trustedProxies` load balancers
 * or proxies in front (TRUSTED_PROXIES), each appends the address it got the
 * request from to X-Forwarded-For; the client is the one the outermost
 * trusted proxy saw. Addresses further left were written by the client
 * itself and are never believed. Without proxies, the socket's peer.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const peer = req.socket.remoteAddress ?? '';
  if (trustedProxies <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedProxies)]!;
}

/** Whether the request carries the operators' token (OPERATOR_TOKEN); never without one configured. */
export function isOperator(req: IncomingMessage, operatorToken: string | undefined): boolean {
  const given = req.headers.authorization;
  if (!operatorToken || !given) return false;
  // Compared as digests: equal lengths, and no timing that tells how much of the token matched.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(`Bearer ${operatorToken}`));
}

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, RATE_LIMITED: 429 };
const REASON_STATUS: Record<string, number> = { FILE_TOO_LARGE: 413, UNSUPPORTED_TYPE: 415 };

/**
 * Answers an expected failure (a coded error) of the routes beside GraphQL
 * (files, exports) with its status and `{ error: { code, message, reason?, fields? } }`;
 * false for anything else.
 */
export function sendError(res: ServerResponse, err: unknown): boolean {
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: { code: 'BAD_USER_INPUT', message: err.message } });
    return true;
  }
  const code = err instanceof GraphQLError ? String(err.extensions?.code ?? '') : '';
  const status = STATUS[code];
  if (!status) return false;
  const reason = err instanceof GraphQLError ? err.extensions?.reason : undefined;
  const fields = err instanceof GraphQLError ? err.extensions?.fields : undefined;
  const retryAfterSeconds = err instanceof GraphQLError ? err.extensions?.retryAfterSeconds : undefined;
  sendJson(res, (typeof reason === 'string' && REASON_STATUS[reason]) || status, {
    error: {
      code,
      message: (err as Error).message,
      ...(reason ? { reason } : {}),
      ...(fields ? { fields } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    },
  });
  return true;
}
