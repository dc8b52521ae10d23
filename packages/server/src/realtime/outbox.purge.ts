import type { PurgeJob } from '../db/purge.js';
import { companiesFrom } from '../db/companies.js';

/** How long a published event is kept: replayed to nodes after a transport gap (seconds), never read after that. */
export const OUTBOX_RETENTION_MS = 24 * 3600_000;

/**
 * A company's outbox events published more than `retentionMs` ago (never
 * one still to be published). Looked for every ten minutes. Not claimed
 * with SKIP LOCKED as the logs are: locking a row takes UPDATE, which the
 * company role does not have on the outbox; a second node deleting the
 * same company's events at the same moment waits for the first's short
 * transaction and skips the rows it deleted, so each is still deleted once.
 */
export function outboxPurgeJob(retentionMs = OUTBOX_RETENTION_MS): PurgeJob {
  return {
    name: 'outbox',
    everyMs: 600_000,
    async tenants(dataSource, now) {
      return companiesFrom(dataSource, 'expired_outbox_tenants', new Date(now - retentionMs));
    },
    async purge(ctx, now, limit) {
      const [{ deleted }] = await ctx.query<{ deleted: number }>(
        `
        WITH old AS (SELECT id FROM outbox_events WHERE published_at < $1 ORDER BY published_at LIMIT $2),
             gone AS (DELETE FROM outbox_events e USING old WHERE e.id = old.id RETURNING 1)
        SELECT count(*)::int AS deleted FROM gone`,
        [new Date(now - retentionMs), limit],
      );
      return deleted;
    },
  };
}
