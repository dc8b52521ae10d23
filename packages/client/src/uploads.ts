/**
 * Files for the upload routes (docs/attachments.md), shared by the console
 * and the portal: the limits checked before sending (the server checks
 * again, from the bytes) and the upload itself.
 */
import { networkProblem, routeProblem, type RequestProblem } from './errors.js';

/** What an upload route answers with 201. */
export interface UploadedFile {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
}

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Files per portal complaint (customer) and per staff message. */
export const MAX_FILES = 5;

export const ACCEPTED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/heic',
  'image/heif',
  'application/pdf',
  'video/mp4',
  'video/webm',
  'video/quicktime',
] as const;
/** Browsers often give HEIC and some videos no type: the extension decides then. */
const ACCEPTED_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'heic', 'heif', 'pdf', 'mp4', 'webm', 'mov'];
/** For `<input type="file" accept>`. */
export const ACCEPT_ATTRIBUTE = [...ACCEPTED_TYPES, ...ACCEPTED_EXTENSIONS.map((e) => `.${e}`)].join(',');

export type FileRefusal = 'empty' | 'tooLarge' | 'type';

/** Why a chosen file would be refused, or null. */
export function checkFile(file: Pick<File, 'name' | 'size' | 'type'>): FileRefusal | null {
  if (file.size === 0) return 'empty';
  if (file.size > MAX_FILE_BYTES) return 'tooLarge';
  const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  const typeOk = file.type ? (ACCEPTED_TYPES as readonly string[]).includes(file.type) : ACCEPTED_EXTENSIONS.includes(extension);
  return typeOk ? null : 'type';
}

/**
 * A refused or failed upload: what the server (or the network) said, to be put into words as any
 * failed request is (`errorText`), and `refusal` where it refused the file itself, as `checkFile` would have.
 */
export class UploadError extends Error {
  constructor(
    readonly problem: RequestProblem,
    readonly refusal: FileRefusal | null = null,
  ) {
    super(problem.message);
  }
}

const REFUSAL_BY_REASON: Record<string, FileRefusal> = { FILE_TOO_LARGE: 'tooLarge', UNSUPPORTED_TYPE: 'type', EMPTY_FILE: 'empty' };

export interface UploadRequest {
  /** `/portal/uploads?tenant=<slug>` or `/uploads`. */
  url: string;
  file: File;
  /** E.g. the staff `authorization` header. */
  headers?: Record<string, string>;
  onProgress?: (fraction: number) => void;
}

/**
 * Sends the raw bytes (not multipart), as the upload routes want them.
 * XMLHttpRequest rather than fetch: only it reports upload progress.
 */
export function uploadFile({ url, file, headers = {}, onProgress }: UploadRequest): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // a proxy's HTML error page: the status says enough
      }
      const uploaded = body as Partial<UploadedFile> | null;
      if (xhr.status === 201 && uploaded?.id) {
        onProgress?.(1);
        resolve(uploaded as UploadedFile);
        return;
      }
      const problem = routeProblem(xhr.status, body);
      reject(new UploadError(problem, REFUSAL_BY_REASON[problem.reason ?? ''] ?? null));
    };
    xhr.onerror = () => reject(new UploadError(networkProblem(new Error('the upload did not reach the server'))));
    xhr.send(file);
  });
}

/** A file size as people read it: 900 B, 239 KB, 1.5 MB (1,5 МБ). */
export function formatFileSize(bytes: number, locale: string): string {
  const units = locale === 'ru' ? ['Б', 'КБ', 'МБ'] : ['B', 'KB', 'MB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toLocaleString(locale === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: digits })} ${units[unit]}`;
}
