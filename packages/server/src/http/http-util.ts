import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Reads a body of at most `limit` bytes. A larger one is refused with 413
 * after the rest is read and dropped (up to a ceiling), so that the client
 * gets the answer instead of a reset connection; past the ceiling the
 * connection is cut.
 */
async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const refuse = () => new HttpError(413, `request body larger than ${limit} bytes`);
  const declared = Number(req.headers['content-length'] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit + 16 * 1024 * 1024) {
      req.destroy();
      throw refuse();
    }
    if (size <= limit && declared <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit || declared > limit) throw refuse();
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
  const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((a) => a.trim()).filter(Boolean);
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
