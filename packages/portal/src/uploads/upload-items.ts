import type { RequestProblem } from '@reclaim/client';
import type { MessageKey, Params } from '../i18n/index.js';

/** One file the customer added, from the moment it is chosen until it is sent with the complaint or reply. */
export interface UploadItem {
  key: number;
  name: string;
  size: number;
  state: 'uploading' | 'done' | 'error';
  /** 0..1 */
  progress: number;
  id: string | null;
  /** The portal's own text (a refused file), or the server's refusal, put into words by `failureText`. */
  error: { key: MessageKey; params?: Params } | { problem: RequestProblem } | null;
}

export function uploadedIds(items: readonly UploadItem[]): string[] {
  return items.filter((item) => item.state === 'done' && item.id).map((item) => item.id!);
}

export function uploadsPending(items: readonly UploadItem[]): boolean {
  return items.some((item) => item.state === 'uploading');
}

/** Files that count toward the limit: the refused ones do not. */
export function countedItems(items: readonly UploadItem[]): number {
  return items.filter((item) => item.state !== 'error').length;
}
