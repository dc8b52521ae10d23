import { createHash, randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { ActorKind } from '../complaint/complaint.enums.js';
import { Message } from '../message/message.entity.js';
import { Attachment } from './attachment.entity.js';
import { MAX_CUSTOMER_FILES_PER_COMPLAINT, MAX_FILE_BYTES, MAX_FILES_PER_MESSAGE, fileNameProblem, sniffContentType } from './file-types.js';

export interface Upload {
  fileName: string;
  bytes: Buffer;
  author: ActorKind.CUSTOMER | ActorKind.STAFF;
}

/**
 * Stores an uploaded file, not yet part of anything (pending). Its id is
 * the capability to attach it: a random UUID, unguessable, handed only to
 * the uploader. Pending files older than a day go with the next upload.
 */
export async function storeUpload(ctx: RequestContext, upload: Upload): Promise<Attachment> {
  const fileName = upload.fileName.normalize('NFC').trim();
  const nameProblem = fileNameProblem(fileName);
  if (nameProblem) throw badInput(nameProblem, { fields: [{ field: 'fileName', messages: [nameProblem] }] });
  if (upload.bytes.length === 0) throw badInput('the file is empty', { reason: 'EMPTY_FILE' });
  if (upload.bytes.length > MAX_FILE_BYTES) throw tooLarge();
  const contentType = sniffContentType(upload.bytes);
  if (!contentType) throw unsupportedType();

  await ctx.query(`DELETE FROM attachments WHERE complaint_id IS NULL AND created_at < now() - interval '1 day'`);
  const attachment = ctx.manager.create(Attachment, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    complaintId: null,
    messageId: null,
    fileName,
    contentType,
    size: upload.bytes.length,
    sha256: createHash('sha256').update(upload.bytes).digest(),
    authorKind: upload.author,
    authorUserId: upload.author === ActorKind.STAFF ? ctx.staff.userId : null,
    createdAt: new Date(),
    linkedAt: null,
  });
  await ctx.manager.insert(Attachment, attachment);
  await ctx.query('INSERT INTO attachment_blobs (tenant_id, attachment_id, data) VALUES ($1, $2, $3)', [ctx.tenantId, attachment.id, upload.bytes]);
  return attachment;
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
export async function linkAttachments(ctx: RequestContext, ids: readonly string[] | null | undefined, target: LinkTarget): Promise<Attachment[]> {
  const wanted = [...new Set(ids ?? [])];
  if (wanted.length === 0) return [];
  const field = 'attachmentIds';
  if (target.author === ActorKind.STAFF && wanted.length > MAX_FILES_PER_MESSAGE) {
    throw badInput(`a message can carry at most ${MAX_FILES_PER_MESSAGE} files`, { fields: [{ field, messages: ['too many files'] }] });
  }
  const found = await ctx.query<{ id: string }>(`
    SELECT id FROM attachments
     WHERE id = ANY($1::uuid[]) AND complaint_id IS NULL AND author_kind = $2 AND author_user_id IS NOT DISTINCT FROM $3
     FOR UPDATE`, [wanted, target.author, target.author === ActorKind.STAFF ? ctx.staff.userId : null]);
  if (found.length !== wanted.length) {
    const missing = wanted.filter((id) => !found.some((f) => f.id === id));
    throw badInput('an attached file was not found: upload it again', { fields: [{ field, messages: missing.map((id) => `${id} is not an upload of yours waiting to be attached`) }] });
  }
  if (target.author === ActorKind.CUSTOMER) {
    const [{ count }] = await ctx.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM attachments WHERE complaint_id = $1 AND author_kind = 'CUSTOMER'`, [target.complaintId]);
    if (count + wanted.length > MAX_CUSTOMER_FILES_PER_COMPLAINT) {
      throw badInput(`a complaint can have at most ${MAX_CUSTOMER_FILES_PER_COMPLAINT} files from the customer (it has ${count})`, {
        fields: [{ field, messages: ['too many files'] }],
      });
    }
  }
  await ctx.query('UPDATE attachments SET complaint_id = $2, message_id = $3, linked_at = now() WHERE id = ANY($1::uuid[])',
    [wanted, target.complaintId, target.messageId]);
  return ctx.manager.find(Attachment, { where: wanted.map((id) => ({ id })), order: { createdAt: 'ASC', id: 'ASC' } });
}

/** The files of a complaint the customer may see, oldest first: all but those of internal notes. (Staff read them through the loader.) */
export function customerVisibleFiles(ctx: RequestContext, complaintId: string): Promise<Attachment[]> {
  return ctx.manager.createQueryBuilder(Attachment, 'a')
    .leftJoin(Message, 'm', 'm.tenantId = a.tenantId AND m.id = a.messageId')
    .where('a.complaintId = :complaintId', { complaintId })
    .andWhere(`(a.messageId IS NULL OR m.visibility = 'PUBLIC')`)
    .orderBy('a.createdAt', 'ASC').addOrderBy('a.id', 'ASC')
    .getMany();
}

/** A linked file's record in the context's tenant; null when there is none (or it is still pending). */
export async function linkedFile(ctx: RequestContext, attachmentId: string): Promise<Attachment | null> {
  const attachment = await ctx.manager.findOneBy(Attachment, { id: attachmentId });
  return attachment?.complaintId ? attachment : null;
}

/** Bytes `start` to `end` (inclusive) of a stored file, cut out by the database. */
export async function fileBytes(ctx: RequestContext, attachmentId: string, range: { start: number; end: number }): Promise<Buffer> {
  const [blob] = await ctx.query<{ data: Buffer | Uint8Array }>(
    'SELECT substring(data FROM $2 FOR $3) AS data FROM attachment_blobs WHERE attachment_id = $1',
    [attachmentId, range.start + 1, range.end - range.start + 1]);
  if (!blob) throw notFound('file');
  return Buffer.isBuffer(blob.data) ? blob.data : Buffer.from(blob.data);
}

export const tooLarge = () => new AppError('BAD_USER_INPUT', `a file may be at most ${MAX_FILE_BYTES / 1024 / 1024} MB`, { reason: 'FILE_TOO_LARGE' });
const unsupportedType = () => new AppError('BAD_USER_INPUT',
  'this type of file is not accepted: attach photos (JPEG, PNG, WebP, GIF, HEIC), PDF documents or videos (MP4, WebM, MOV)', { reason: 'UNSUPPORTED_TYPE' });
