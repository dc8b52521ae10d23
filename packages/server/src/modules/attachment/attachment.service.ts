import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { ActorKind } from '../complaint/complaint.enums.js';
import { Message } from '../message/message.entity.js';
import { Attachment } from './attachment.entity.js';
import type { ReceivedFile } from './attachment.upload.js';
import { MAX_CUSTOMER_FILES_PER_COMPLAINT, MAX_FILE_BYTES, MAX_FILES_PER_MESSAGE, fileNameProblem } from './file-types.js';

export interface Upload extends ReceivedFile {
  fileName: string;
  author: ActorKind.CUSTOMER | ActorKind.STAFF;
  clientAddress: string;
}

/** The name a client sent for its file, ready to store; BAD_USER_INPUT when it cannot be a file name. */
export function uploadedFileName(header: string | string[] | undefined): string {
  let fileName: string;
  try {
    fileName = decodeURIComponent(String(header ?? ''))
      .normalize('NFC')
      .trim();
  } catch {
    throw badInput('x-file-name must be the URL-encoded file name');
  }
  const nameProblem = fileNameProblem(fileName);
  if (nameProblem) throw badInput(nameProblem, { fields: [{ field: 'fileName', messages: [nameProblem] }] });
  return fileName;
}

export interface PendingQuota {
  /** Bytes of pending uploads per client address (over all companies) and per company; 0: no quota. */
  pendingBytesPerAddress: number;
  pendingBytesPerTenant: number;
}

/**
 * Refuses (RATE_LIMITED, reason PENDING_UPLOADS) an upload of `adding` bytes
 * that would take the client address's or the company's pending uploads,
 * those not yet part of a complaint, over their quota.
 */
export async function checkPendingQuota(ctx: RequestContext, address: string, adding: number, quota: PendingQuota): Promise<void> {
  const [row] = await ctx.query<{ address_bytes: string; tenant_bytes: string }>(
    `
    SELECT pending_upload_bytes($1) AS address_bytes,
           (SELECT coalesce(sum(size_bytes), 0) FROM attachments WHERE complaint_id IS NULL)::bigint AS tenant_bytes`,
    [address],
  );
  const over = (limit: number, used: string) => limit > 0 && Number(used) + adding > limit;
  if (over(quota.pendingBytesPerAddress, row!.address_bytes)) {
    throw new AppError(
      'RATE_LIMITED',
      `files uploaded from this address and not yet sent may add up to ${mb(quota.pendingBytesPerAddress)} MB: ` +
        'send them with a complaint or reply, or wait until the unsent ones expire',
      { reason: 'PENDING_UPLOADS' },
    );
  }
  if (over(quota.pendingBytesPerTenant, row!.tenant_bytes)) {
    throw new AppError('RATE_LIMITED', 'this company has too many files uploaded and not yet sent; try again later', {
      reason: 'PENDING_UPLOADS',
    });
  }
}

/**
 * Records a received file (its bytes are in attachment_blobs already) as a
 * pending upload, not yet part of anything. Its id is the capability to
 * attach it: a random UUID, unguessable, handed only to the uploader.
 * Pending uploads not linked in time are purged (attachment.purge.ts).
 */
export async function storeUpload(ctx: RequestContext, upload: Upload): Promise<Attachment> {
  const attachment = ctx.manager.create(Attachment, {
    tenantId: ctx.tenantId,
    id: upload.id,
    complaintId: null,
    messageId: null,
    fileName: upload.fileName,
    contentType: upload.contentType,
    size: upload.size,
    sha256: upload.sha256,
    authorKind: upload.author,
    authorUserId: upload.author === ActorKind.STAFF ? ctx.staff.userId : null,
    createdAt: new Date(),
    linkedAt: null,
    clientAddress: upload.clientAddress,
  });
  await ctx.manager.insert(Attachment, attachment);
  await ctx.query('DELETE FROM upload_receipts WHERE attachment_id = $1', [upload.id]);
  return attachment;
}

/**
 * Deletes up to `limit` pending uploads created before `before`, claimed with
 * SKIP LOCKED so that nodes purging at once delete each upload once, and one
 * being linked right now is left to its link; answers how many it deleted.
 * Their bytes go with them (a trigger).
 */
export async function purgeExpiredUploads(ctx: RequestContext, before: Date, limit: number): Promise<number> {
  const [{ deleted }] = await ctx.query<{ deleted: number }>(
    `
    WITH doomed AS (
      SELECT id FROM attachments WHERE complaint_id IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED),
    gone AS (DELETE FROM attachments a USING doomed WHERE a.id = doomed.id RETURNING a.id)
    SELECT count(*)::int AS deleted FROM gone`,
    [before, limit],
  );
  return deleted;
}

/** Deletes the bytes of uploads whose receipt began before `before` and never finished (their node stopped mid-body). */
export async function purgeUnfinishedUploads(ctx: RequestContext, before: Date): Promise<void> {
  await ctx.query(
    `
    WITH gone AS (DELETE FROM upload_receipts WHERE started_at < $1 RETURNING attachment_id)
    DELETE FROM attachment_blobs WHERE attachment_id IN (SELECT attachment_id FROM gone)`,
    [before],
  );
}

export interface LinkTarget {
  complaintId: string;
  messageId: string | null;
  author: ActorKind.CUSTOMER | ActorKind.STAFF;
}

/**
 * Makes pending uploads part of a complaint (and a message). Each id must
 * be a pending upload of the same side (a staff member's own, or a
 * customer's); a customer has at most five files per complaint in all.
 * Anything wrong refuses the whole request, so nothing is half-attached.
 */
export async function linkAttachments(
  ctx: RequestContext,
  ids: readonly string[] | null | undefined,
  target: LinkTarget,
): Promise<Attachment[]> {
  const wanted = [...new Set(ids ?? [])];
  if (wanted.length === 0) return [];
  const field = 'attachmentIds';
  if (target.author === ActorKind.STAFF && wanted.length > MAX_FILES_PER_MESSAGE) {
    throw badInput(`a message can carry at most ${MAX_FILES_PER_MESSAGE} files`, { fields: [{ field, messages: ['too many files'] }] });
  }
  const found = await ctx.query<{ id: string }>(
    `
    SELECT id FROM attachments
     WHERE id = ANY($1::uuid[]) AND complaint_id IS NULL AND author_kind = $2 AND author_user_id IS NOT DISTINCT FROM $3
     FOR UPDATE`,
    [wanted, target.author, target.author === ActorKind.STAFF ? ctx.staff.userId : null],
  );
  if (found.length !== wanted.length) {
    const missing = wanted.filter((id) => !found.some((f) => f.id === id));
    throw badInput('an attached file was not found: upload it again', {
      fields: [{ field, messages: missing.map((id) => `${id} is not an upload of yours waiting to be attached`) }],
    });
  }
  if (target.author === ActorKind.CUSTOMER) {
    const [{ count }] = await ctx.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM attachments WHERE complaint_id = $1 AND author_kind = 'CUSTOMER'`,
      [target.complaintId],
    );
    if (count + wanted.length > MAX_CUSTOMER_FILES_PER_COMPLAINT) {
      throw badInput(`a complaint can have at most ${MAX_CUSTOMER_FILES_PER_COMPLAINT} files from the customer (it has ${count})`, {
        fields: [{ field, messages: ['too many files'] }],
      });
    }
  }
  await ctx.query('UPDATE attachments SET complaint_id = $2, message_id = $3, linked_at = now() WHERE id = ANY($1::uuid[])', [
    wanted,
    target.complaintId,
    target.messageId,
  ]);
  return ctx.manager.find(Attachment, { where: wanted.map((id) => ({ id })), order: { createdAt: 'ASC', id: 'ASC' } });
}

/** The files of a complaint the customer may see, oldest first: all but those of internal notes. (Staff read them through the loader.) */
export function customerVisibleFiles(ctx: RequestContext, complaintId: string): Promise<Attachment[]> {
  return ctx.manager
    .createQueryBuilder(Attachment, 'a')
    .leftJoin(Message, 'm', 'm.tenantId = a.tenantId AND m.id = a.messageId')
    .where('a.complaintId = :complaintId', { complaintId })
    .andWhere(`(a.messageId IS NULL OR m.visibility = 'PUBLIC')`)
    .orderBy('a.createdAt', 'ASC')
    .addOrderBy('a.id', 'ASC')
    .getMany();
}

/** A linked file's record in the context's tenant; null when there is none (or it is still pending). */
export async function linkedFile(ctx: RequestContext, attachmentId: string): Promise<Attachment | null> {
  const attachment = await ctx.manager.findOneBy(Attachment, { id: attachmentId });
  return attachment?.complaintId ? attachment : null;
}

/** Bytes `start` to `end` (inclusive) of a stored file, cut out of its parts by the database. */
export async function fileBytes(ctx: RequestContext, attachmentId: string, range: { start: number; end: number }): Promise<Buffer> {
  const parts = await ctx.query<{ data: Buffer | Uint8Array }>(
    `
    SELECT substring(data FROM (greatest($2::bigint, byte_offset) - byte_offset + 1)::int
                          FOR (least($3::bigint, byte_offset + length(data) - 1) - greatest($2::bigint, byte_offset) + 1)::int) AS data
      FROM attachment_blobs
     WHERE attachment_id = $1 AND byte_offset <= $3 AND byte_offset + length(data) > $2
     ORDER BY byte_offset`,
    [attachmentId, range.start, range.end],
  );
  if (!parts.length) throw notFound('file');
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data))));
}

export const tooLarge = () =>
  new AppError('BAD_USER_INPUT', `a file may be at most ${MAX_FILE_BYTES / 1024 / 1024} MB`, { reason: 'FILE_TOO_LARGE' });
export const unsupportedType = () =>
  new AppError(
    'BAD_USER_INPUT',
    'this type of file is not accepted: attach photos (JPEG, PNG, WebP, GIF, HEIC), PDF documents or videos (MP4, WebM, MOV)',
    { reason: 'UNSUPPORTED_TYPE' },
  );

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
