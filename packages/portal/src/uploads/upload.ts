import { uploadFile as send, type UploadedFile } from '@reclaim/client';

export { UploadError, type UploadedFile } from '@reclaim/client';

export type UploadFn = (slug: string, file: File, onProgress: (fraction: number) => void) => Promise<UploadedFile>;

/** A customer's file, to the company's portal upload route. */
export const uploadFile: UploadFn = (slug, file, onProgress) =>
  send({ url: `/portal/uploads?tenant=${encodeURIComponent(slug)}`, file, onProgress });
