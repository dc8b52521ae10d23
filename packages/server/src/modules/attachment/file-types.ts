/**
 * What may be attached, decided from the bytes (the client's Content-Type
 * and the file's extension are not trusted): photos, PDF documents and
 * videos. Pure, so that the rules are table-tested.
 */

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Files a customer may attach to one complaint, over the submission and all their replies. */
export const MAX_CUSTOMER_FILES_PER_COMPLAINT = 5;
/** Files one staff message may carry. */
export const MAX_FILES_PER_MESSAGE = 5;

export interface FileKind {
  contentType: string;
  /** Images and videos are shown inline; anything else is downloaded. */
  inline: boolean;
}

const at = (bytes: Uint8Array, offset: number, ascii: string) =>
  bytes.length >= offset + ascii.length && [...ascii].every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));

/** The ISO base media brands (ftyp box) we accept, and what they are. */
const FTYP_BRANDS: Record<string, string> = {
  heic: 'image/heic', heix: 'image/heic', mif1: 'image/heic', msf1: 'image/heic', avif: 'image/avif',
  qt: 'video/quicktime',
  isom: 'video/mp4', iso2: 'video/mp4', iso4: 'video/mp4', iso5: 'video/mp4', iso6: 'video/mp4', mp41: 'video/mp4', mp42: 'video/mp4',
  avc1: 'video/mp4', dash: 'video/mp4', M4V: 'video/mp4', '3gp4': 'video/3gpp', '3gp5': 'video/3gpp', '3gp6': 'video/3gpp',
};

/** The type of an accepted file, or null: not a photo, PDF or video we take. */
export function sniffFileKind(bytes: Uint8Array): FileKind | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { contentType: 'image/jpeg', inline: true };
  if (at(bytes, 0, '\x89PNG\r\n\x1a\n')) return { contentType: 'image/png', inline: true };
  if (at(bytes, 0, 'GIF87a') || at(bytes, 0, 'GIF89a')) return { contentType: 'image/gif', inline: true };
  if (at(bytes, 0, 'RIFF') && at(bytes, 8, 'WEBP')) return { contentType: 'image/webp', inline: true };
  if (at(bytes, 0, '%PDF-')) return { contentType: 'application/pdf', inline: false };
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return { contentType: 'video/webm', inline: true };
  if (at(bytes, 4, 'ftyp') && bytes.length >= 12) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12)).trimEnd();
    const type = FTYP_BRANDS[brand];
    if (type) return { contentType: type, inline: true };
  }
  return null;
}

/** Why `name` cannot be a stored file name, or null. */
export function fileNameProblem(name: string): string | null {
  if (!name.trim()) return 'the file needs a name';
  if (name.length > 200) return 'the file name must be at most 200 characters';
  // Control characters, path separators and bidi overrides that disguise an extension.
  if (/[\u0000-\u001f\u007f/\\\u202a-\u202e\u2066-\u2069]/.test(name)) return 'the file name has characters that are not allowed';
  return null;
}

/** A Content-Disposition header that every browser reads the same way, whatever the name's script. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
