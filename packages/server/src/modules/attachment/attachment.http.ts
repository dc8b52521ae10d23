import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { GraphQLContext, RequestContext, type ServerDeps } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import { bearer } from '../../auth/token.js';
import { Action, authorize } from '../../auth/permissions.js';
import { inTenant } from '../../db/unit-of-work.js';
import { HttpError, clientAddress, readRawBody, sendJson } from '../../http/http-util.js';
import { ActorKind } from '../complaint/complaint.enums.js';
import { fileBytes, linkedFile, storeUpload, tooLarge } from './attachment.service.js';
import { contentDisposition, MAX_FILE_BYTES, showsInline } from './file-types.js';

/** A file of 10 MB arrives in this time over 1 Mbit/s with room to spare. */
const UPLOAD_DEADLINE_MS = 120_000;

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, RATE_LIMITED: 429 };
const REASON_STATUS: Record<string, number> = { FILE_TOO_LARGE: 413, UNSUPPORTED_TYPE: 415 };

/**
 * The file routes beside the GraphQL endpoints (docs/attachments.md):
 * - `POST /portal/uploads?tenant=<slug>`: a customer's file, before the submission or reply that carries it;
 * - `POST /uploads` (staff token): a staff member's file, before the message that carries it;
 * - `GET /files/<id>?t&e&s`: a linked file, through a signed link from a GraphQL answer.
 * Uploads are the raw bytes (not multipart) with the name in `x-file-name`.
 * Answers are `{ id, fileName, contentType, size }` or `{ error: { code, message } }`.
 */
export function createFileRoutes(deps: ServerDeps) {
  async function upload(req: IncomingMessage, res: ServerResponse, url: URL, side: ActorKind.CUSTOMER | ActorKind.STAFF): Promise<void> {
    const gql = new GraphQLContext(deps, req.headers.authorization, clientAddress(req, deps.trustedProxies));
    let ok = false;
    try {
      // Nothing touches the database until the whole body is here: a slow sender holds a socket, never a
      // pooled connection. What needs no database is checked first: the token's signature, the address's limit.
      if (side === ActorKind.STAFF) {
        const token = bearer(req.headers.authorization);
        if (!token) throw new AppError('UNAUTHENTICATED', 'sign in first (Authorization: Bearer <token>)');
        await deps.tokens.verify(token);
      } else {
        await gql.limitAnonymous();
      }
      let fileName: string;
      try {
        fileName = decodeURIComponent(String(req.headers['x-file-name'] ?? ''));
      } catch {
        throw new AppError('BAD_USER_INPUT', 'x-file-name must be the URL-encoded file name');
      }
      let bytes: Buffer;
      try {
        bytes = await readRawBody(req, MAX_FILE_BYTES, { timeoutMs: UPLOAD_DEADLINE_MS });
      } catch (err) {
        if (err instanceof HttpError && err.status === 413) throw tooLarge();
        throw err;
      }
      let ctx: RequestContext;
      if (side === ActorKind.STAFF) {
        ctx = await gql.staff();
        authorize(ctx.staff, Action.ADD_MESSAGE);
      } else {
        const tenantId = await gql.tenantIdBySlug((url.searchParams.get('tenant') ?? '').slice(0, 60));
        if (!tenantId) throw notFound('company');
        ctx = await gql.forTenant(tenantId);
      }
      const stored = await storeUpload(ctx, { fileName, bytes, author: side });
      // Accepted uploads count; a refused one (its transaction rolled back) does not.
      if (side === ActorKind.CUSTOMER) await deps.portalLimits.upload(gql.clientAddress, ctx.tenantId);
      await gql.uow.finish(true);
      ok = true;
      sendJson(res, 201, { id: stored.id, fileName: stored.fileName, contentType: stored.contentType, size: stored.size });
    } catch (err) {
      if (!ok) await gql.uow.finish(false).catch(() => undefined);
      // Whatever was not read yet is dropped, so that the answer reaches the client.
      if (!req.readableEnded) req.resume();
      throw err;
    }
  }

  async function download(req: IncomingMessage, res: ServerResponse, url: URL, id: string): Promise<void> {
    const link = deps.files.verify(id, url.searchParams);
    if (!link) throw new AppError('NOT_FOUND', 'this link is wrong or has expired; reload the page');
    // The record first: a revalidation or a HEAD never reads the bytes, a range reads only its part.
    await inTenant(deps.dataSource, link.tenantId, async (manager) => {
      const ctx = new RequestContext(link.tenantId, null, manager);
      const file = await linkedFile(ctx, link.attachmentId);
      if (!file) throw notFound('file');
      const etag = `"${file.sha256.toString('base64url')}"`;
      res.setHeader('content-type', file.contentType);
      res.setHeader('content-disposition', contentDisposition(showsInline(file.contentType) ? 'inline' : 'attachment', file.fileName));
      res.setHeader('x-content-type-options', 'nosniff');
      // Never a document of ours: no scripts, no frames, no reading from other sites.
      res.setHeader('content-security-policy', "default-src 'none'; sandbox");
      res.setHeader('cross-origin-resource-policy', 'same-origin');
      res.setHeader('cache-control', 'private, max-age=3600');
      res.setHeader('accept-ranges', 'bytes');
      res.setHeader('etag', etag);
      if (req.headers['if-none-match'] === etag) {
        res.statusCode = 304;
        return void res.end();
      }
      const range = byteRange(req.headers.range, file.size);
      if (range === 'unsatisfiable') {
        res.statusCode = 416;
        res.setHeader('content-range', `bytes */${file.size}`);
        return void res.end();
      }
      res.statusCode = range ? 206 : 200;
      if (range) res.setHeader('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
      res.setHeader('content-length', range ? range.end - range.start + 1 : file.size);
      if (req.method === 'HEAD') return void res.end();
      res.end(await fileBytes(ctx, file.id, range ?? { start: 0, end: file.size - 1 }));
    });
  }

  /** Answers `true` when the request was one of the file routes. */
  return function handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let work: Promise<void> | null = null;
    if (path === '/portal/uploads' || path === '/uploads') {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        sendJson(res, 405, { error: { code: 'BAD_USER_INPUT', message: 'POST the file' } });
        return true;
      }
      work = upload(req, res, url, path === '/uploads' ? ActorKind.STAFF : ActorKind.CUSTOMER);
    } else if (path.startsWith('/files/') && (req.method === 'GET' || req.method === 'HEAD')) {
      work = download(req, res, url, path.slice('/files/'.length));
    }
    if (!work) return false;
    work.catch((err: unknown) => {
      // The client went away (mid-upload, or cut at the deadline): nobody to answer.
      if (req.socket.destroyed) return;
      if (res.headersSent) return void res.end();
      if (!sendError(res, err)) {
        console.error(err);
        sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal server error' } });
      }
    });
    return true;
  };
}

/** Answers an expected failure (a coded error) with its status; false for anything else. */
function sendError(res: ServerResponse, err: unknown): boolean {
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: { code: 'BAD_USER_INPUT', message: err.message } });
    return true;
  }
  const code = err instanceof GraphQLError ? String(err.extensions?.code ?? '') : '';
  const status = STATUS[code];
  if (!status) return false;
  const reason = err instanceof GraphQLError ? err.extensions?.reason : undefined;
  const fields = err instanceof GraphQLError ? err.extensions?.fields : undefined;
  sendJson(res, (typeof reason === 'string' && REASON_STATUS[reason]) || status, {
    error: { code, message: (err as Error).message, ...(reason ? { reason } : {}), ...(fields ? { fields } : {}) },
  });
  return true;
}

/** One `bytes=a-b` range (the kind video players ask for), null for the whole file. */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'unsatisfiable';
  return { start, end };
}
