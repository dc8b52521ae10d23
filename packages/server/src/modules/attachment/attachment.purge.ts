import type { PurgeJob } from '../../db/purge.js';
import { purgeExpiredUploads, purgeUnfinishedUploads } from './attachment.service.js';
import { companiesFrom } from '../../db/companies.js';

/**
 * Uploads never linked to a complaint or message within `pendingTtlMs`, and
 * the parts of bodies that never finished (`unfinishedAfterMs` after they
 * began: their node stopped mid-body); looked for every minute.
 */
export function uploadPurgeJob(options: { pendingTtlMs: number; unfinishedAfterMs: number }): PurgeJob {
  const before = (now: number) => ({
    pending: new Date(now - options.pendingTtlMs),
    unfinished: new Date(now - options.unfinishedAfterMs),
  });
  return {
    name: 'upload',
    everyMs: 60_000,
    async tenants(dataSource, now) {
      const { pending, unfinished } = before(now);
      return companiesFrom(dataSource, 'expired_upload_tenants', pending, unfinished);
    },
    async purge(ctx, now, limit) {
      const { pending, unfinished } = before(now);
      await purgeUnfinishedUploads(ctx, unfinished);
      return purgeExpiredUploads(ctx, pending, limit);
    },
  };
}
