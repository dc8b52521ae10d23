/**
 * What may be attached, decided from the bytes (the client's Content-Type
 * and the file's extension are not trusted): photos, PDF documents and
 * videos. Pure, so that the rules are table-tested.
 */

import { hasHiddenCharacters } from '../../graphql/validation.js';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Files a customer may attach to one complaint, over the submission and all their replies. */
export const MAX_CUSTOMER_FILES_PER_COMPLAINT = 5;
/** Files one staff message may carry. */
export const MAX_FILES_PER_MESSAGE = 5;

const at = (bytes: Uint8Array, offset: number, ascii: string) =>
  bytes.length >= offset + ascii.length && [...ascii].every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));

/** The ISO base media brands (ftyp box) we accept, and what they are. */
const FTYP_BRANDS: Record<string, string> = {
  heic: 'image/heic',
  heix: 'image/heic',
  mif1: 'image/heic',
  msf1: 'image/heic',
  avif: 'image/avif',
  qt: 'video/quicktime',
  isom: 'video/mp4',
  iso2: 'video/mp4',
  iso4: 'video/mp4',
  iso5: 'video/mp4',
  iso6: 'video/mp4',
  mp41: 'video/mp4',
  mp42: 'video/mp4',
  avc1: 'video/mp4',
  dash: 'video/mp4',
  M4V: 'video/mp4',
  '3gp4': 'video/3gpp',
  '3gp5': 'video/3gpp',
  '3gp6': 'video/3gpp',
};

/** The content type of an accepted file, or null: not a photo, PDF or video we take. */
export function sniffContentType(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (at(bytes, 0, '\x89PNG\r\n\x1a\n')) return 'image/png';
  if (at(bytes, 0, 'GIF87a') || at(bytes, 0, 'GIF89a')) return 'image/gif';
  if (at(bytes, 0, 'RIFF') && at(bytes, 8, 'WEBP')) return 'image/webp';
  if (at(bytes, 0, '%PDF-')) return 'application/pdf';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'video/webm';
  if (at(bytes, 4, 'ftyp') && bytes.length >= 12) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12)).trimEnd();
    const type = FTYP_BRANDS[brand];
    if (type) return type;
  }
  return null;
}

/** Photos and videos are shown in the browser; documents (PDF) are downloaded. */
export const showsInline = (contentType: string) => contentType.startsWith('image/') || contentType.startsWith('video/');

/** Why `name` cannot be a stored file name, or null. */
export function fileNameProblem(name: string): string | null {
  if (!name.trim()) return 'the file needs a name';
  if (name.length > 200) return 'the file name must be at most 200 characters';
  // Hidden characters (such as bidi overrides that disguise an extension) and path separators.
  if (hasHiddenCharacters(name) || /[/\\]/.test(name)) return 'the file name has characters that are not allowed';
  return null;
}

/** A Content-Disposition header that every browser reads the same way, whatever the name's script. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // RFC 8187 allows fewer characters unescaped than encodeURIComponent leaves.
  const encoded = encodeURIComponent(fileName).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
