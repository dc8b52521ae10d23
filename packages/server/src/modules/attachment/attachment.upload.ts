import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTenant } from '../../db/unit-of-work.js';
import { badInput } from '../../graphql/errors.js';
import { tooLarge, unsupportedType } from './attachment.service.js';
import { MAX_FILE_BYTES, sniffContentType } from './file-types.js';

/** A file's bytes are written in parts of about this size: what one upload holds in memory at most. */
export const PART_BYTES = 256 * 1024;

/** A body received into attachment_blobs, not yet recorded as an upload. */
export interface ReceivedFile {
  id: string;
  size: number;
  sha256: Buffer;
  /** Sniffed from the first part. */
  contentType: string;
}

/**
 * Streams an upload's body into attachment_blobs, a part at a time, each
 * part in its own short transaction: a slow sender holds a socket and at
 * most one part in memory, never a pooled connection. The size limit is
 * enforced as the bytes arrive and the type is sniffed from the first part,
 * before it is written. On any failure (too large, wrong type, a body cut
 * at its deadline or by the client) the parts written are deleted; parts
 * left by a node that stopped mid-body are deleted by the purge (through
 * upload_receipts, whose row storeUpload deletes when the file is recorded).
 */
export async function receiveFile(dataSource: DataSource, tenantId: string, body: AsyncIterable<Buffer>): Promise<ReceivedFile> {
  const id = randomUUID();
  const hash = createHash('sha256');
  let held: Buffer[] = [];
  let heldBytes = 0;
  let size = 0;
  let written = 0;
  let contentType: string | null = null;
  const flush = async () => {
    const data = Buffer.concat(held, heldBytes);
    held = [];
    heldBytes = 0;
    if (written === 0) contentType = sniffContentType(data);
    if (!contentType) throw unsupportedType();
    // The first part opens a receipt, so that the purge finds the parts if this node stops before the end.
    await inTenant(dataSource, tenantId, (m) =>
      m.query(
        `
      ${written === 0 ? 'WITH receipt AS (INSERT INTO upload_receipts (tenant_id, attachment_id) VALUES ($1, $2))' : ''}
      INSERT INTO attachment_blobs (tenant_id, attachment_id, byte_offset, data) VALUES ($1, $2, $3, $4)`,
        [tenantId, id, written, data],
      ),
    );
    written += data.length;
  };
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > MAX_FILE_BYTES) throw tooLarge();
      hash.update(chunk);
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes >= PART_BYTES) await flush();
    }
    if (size === 0) throw badInput('the file is empty', { reason: 'EMPTY_FILE' });
    if (heldBytes > 0) await flush();
    return { id, size, sha256: hash.digest(), contentType: contentType! };
  } catch (err) {
    if (written > 0) await dropReceived(dataSource, tenantId, id).catch(() => undefined);
    throw err;
  }
}

/** Deletes the bytes of a received file that is not going to be recorded. */
export async function dropReceived(dataSource: DataSource, tenantId: string, id: string): Promise<void> {
  await inTenant(dataSource, tenantId, (m) =>
    m.query(
      `
    WITH receipt AS (DELETE FROM upload_receipts WHERE attachment_id = $1)
    DELETE FROM attachment_blobs WHERE attachment_id = $1`,
      [id],
    ),
  );
}
