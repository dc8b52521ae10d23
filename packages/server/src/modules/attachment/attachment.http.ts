import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLContext, RequestContext, type ServerDeps } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import type { Actor } from '../../auth/actor.js';
import { bearer } from '../../auth/token.js';
import { Action, authorize } from '../../auth/permissions.js';
import { inTenant } from '../../db/unit-of-work.js';
import { HttpError, clientAddress, lingeringClose, sendError, sendJson } from '../../http/http-util.js';
import { ActorKind } from '../complaint/complaint.enums.js';
import type { Attachment } from './attachment.entity.js';
import {
  checkPendingQuota,
  fileBytes,
  linkedFile,
  storeUpload,
  tooLarge,
  uploadedFileName,
  type PendingQuota,
  type Upload,
} from './attachment.service.js';
import { PART_BYTES, dropReceived, receiveFile } from './attachment.upload.js';
import { contentDisposition, MAX_FILE_BYTES, showsInline } from './file-types.js';
import type { UploadSlots } from './upload-slots.js';
import { log } from '../../ops/log.js';

/** How uploads share a node (docs/security.md, "Request bodies and uploads"). */
export interface UploadPolicy extends PendingQuota {
  slots: UploadSlots;
  /** The body must have arrived this long after the request began. */
  deadlineMs: number;
}

/**
 * The file routes beside the GraphQL endpoints (docs/attachments.md):
 * - `POST /portal/uploads?tenant=<slug>`: a customer's file, before the submission or reply that carries it;
 * - `POST /uploads` (staff token): a staff member's file, before the message that carries it;
 * - `GET /files/<id>?t&e&s`: a linked file, through a signed link from a GraphQL answer.
 * Uploads are the raw bytes (not multipart) with the name in `x-file-name`.
 * Answers are `{ id, fileName, contentType, size }` or `{ error: { code, message } }`.
 */
export function createFileRoutes(deps: ServerDeps) {
  const { uploads } = deps;

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL, side: ActorKind.CUSTOMER | ActorKind.STAFF): Promise<void> {
    const address = clientAddress(req, deps.trustedProxies);
    let release: (() => void) | null = null;
    let late = false;
    const deadline = setTimeout(() => {
      late = true;
      req.destroy();
    }, uploads.deadlineMs);
    try {
      // Before any of the body is read: the token's signature, a slot for the address (and user), the name.
      let userId: string | null = null;
      if (side === ActorKind.STAFF) {
        const token = bearer(req.headers.authorization);
        if (!token) throw new AppError('UNAUTHENTICATED', 'sign in first (Authorization: Bearer <token>)');
        userId = (await deps.tokens.verify(token)).userId;
      }
      release = uploads.slots.take(address, userId);
      if (!release)
        throw new AppError('RATE_LIMITED', 'too many uploads at once; wait for one to finish', { reason: 'CONCURRENT_UPLOADS' });
      const fileName = uploadedFileName(req.headers['x-file-name']);
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_FILE_BYTES) throw tooLarge();
      const { tenantId, actor } = await admit(req, url, side, address, Math.max(declared, 1));

      // Not destroyed when the receipt stops early (too large, wrong type): the rest is dropped, the client answered.
      const file = await receiveFile(deps.dataSource, tenantId, req.iterator({ destroyOnReturn: false }));
      clearTimeout(deadline);
      const stored = await record(tenantId, actor, { ...file, fileName, author: side, clientAddress: address });
      sendJson(res, 201, { id: stored.id, fileName: stored.fileName, contentType: stored.contentType, size: stored.size });
    } catch (err) {
      if (late) throw new HttpError(408, 'the request body did not arrive in time');
      lingeringClose(req);
      throw err;
    } finally {
      clearTimeout(deadline);
      release?.();
    }
  }

  /**
   * Who uploads, into which company: the staff member behind the token (their
   * request limit, their role) or the company of the portal's slug (the
   * address's request limit); and whether `declared` bytes more fit in the
   * quota of pending uploads. One short transaction, closed before the body
   * is read, so slow senders hold sockets, never pooled connections.
   */
  async function admit(
    req: IncomingMessage,
    url: URL,
    side: ActorKind,
    address: string,
    declared: number,
  ): Promise<{ tenantId: string; actor: Actor | null }> {
    const gql = new GraphQLContext(deps, req.headers.authorization, address);
    try {
      let ctx: RequestContext;
      if (side === ActorKind.STAFF) {
        ctx = await gql.staff();
        authorize(ctx.staff, Action.ADD_MESSAGE);
      } else {
        const tenantId = await gql.tenantIdBySlug((url.searchParams.get('tenant') ?? '').slice(0, 60));
        if (!tenantId) throw notFound('company');
        ctx = await gql.forTenant(tenantId);
      }
      await checkPendingQuota(ctx, address, declared, uploads);
      return { tenantId: ctx.tenantId, actor: ctx.actor };
    } finally {
      await gql.uow.finish(false).catch(() => undefined);
    }
  }

  /** Records a received file as a pending upload; if it may not be, its bytes are deleted. */
  async function record(tenantId: string, actor: Actor | null, upload: Upload): Promise<Attachment> {
    try {
      return await inTenant(deps.dataSource, tenantId, async (manager) => {
        const ctx = new RequestContext(tenantId, actor, manager);
        await checkPendingQuota(ctx, upload.clientAddress, upload.size, uploads);
        const attachment = await storeUpload(ctx, upload);
        // Accepted uploads count; a refused one (its transaction rolled back) does not.
        if (upload.author === ActorKind.CUSTOMER) await deps.portalLimits.upload(upload.clientAddress, tenantId);
        return attachment;
      });
    } catch (err) {
      await dropReceived(deps.dataSource, tenantId, upload.id).catch(() => undefined);
      throw err;
    }
  }

  async function download(req: IncomingMessage, res: ServerResponse, url: URL, id: string): Promise<void> {
    const link = deps.files.verify(id, url.searchParams);
    if (!link) throw new AppError('NOT_FOUND', 'this link is wrong or has expired; reload the page');
    // The record first: a revalidation or a HEAD never reads the bytes, a range reads only its part.
    const send = await inTenant(deps.dataSource, link.tenantId, async (manager): Promise<{ start: number; end: number } | null> => {
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
        res.end();
        return null;
      }
      const range = byteRange(req.headers.range, file.size);
      if (range === 'unsatisfiable') {
        res.statusCode = 416;
        res.setHeader('content-range', `bytes */${file.size}`);
        res.end();
        return null;
      }
      res.statusCode = range ? 206 : 200;
      if (range) res.setHeader('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
      res.setHeader('content-length', range ? range.end - range.start + 1 : file.size);
      if (req.method === 'HEAD') {
        res.end();
        return null;
      }
      return range ?? { start: 0, end: file.size - 1 };
    });
    if (send) await sendBytes(res, link.tenantId, link.attachmentId, send);
  }

  /**
   * Writes bytes `start` to `end` of a file a part at a time, each read in its
   * own short transaction and written when the client has taken the last: a
   * download holds one part in memory and no pooled connection while a slow
   * client reads.
   */
  async function sendBytes(
    res: ServerResponse,
    tenantId: string,
    attachmentId: string,
    range: { start: number; end: number },
  ): Promise<void> {
    try {
      for (let at = range.start; at <= range.end && !res.destroyed; at += PART_BYTES) {
        const part = { start: at, end: Math.min(range.end, at + PART_BYTES - 1) };
        const bytes = await inTenant(deps.dataSource, tenantId, (manager) =>
          fileBytes(new RequestContext(tenantId, null, manager), attachmentId, part),
        );
        if (!res.write(bytes)) await drained(res);
      }
      res.end();
    } catch (err) {
      // The length is promised already: a file gone mid-way (its complaint deleted) or a failed read cuts the answer.
      res.destroy();
      if (!(err instanceof AppError)) log.error({ err: err }, 'unexpected error');
    }
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
      if (!req.socket || req.socket.destroyed) return;
      if (res.headersSent) return void res.end();
      if (!sendError(res, err)) {
        log.error({ err: err }, 'unexpected error');
        sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal server error' } });
      }
    });
    return true;
  };
}

/** Resolves when `res` can take more, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
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
