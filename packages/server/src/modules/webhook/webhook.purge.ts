import type { PurgeJob } from '../../db/purge.js';
import { companiesFrom } from '../../db/companies.js';

/**
 * The company's webhook deliveries past `retentionMs` (WEBHOOK_LOG_RETENTION_DAYS),
 * delivered or given up on (never one still being tried), with their
 * attempts; such a delivery can no longer be replayed. Looked for every ten minutes.
 */
export function webhookLogPurgeJob(retentionMs: number): PurgeJob {
  return {
    name: 'webhook log',
    everyMs: 600_000,
    async tenants(dataSource, now) {
      return companiesFrom(dataSource, 'expired_log_tenants', '-infinity', new Date(now - retentionMs));
    },
    async purge(ctx, now, limit) {
      const [{ deleted }] = await ctx.query<{ deleted: number }>(
        `
        WITH done AS (
               SELECT id FROM webhook_deliveries WHERE status <> 'PENDING' AND created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED),
             gone AS (DELETE FROM webhook_deliveries d USING done WHERE d.id = done.id RETURNING 1)
        SELECT count(*)::int AS deleted FROM gone`,
        [new Date(now - retentionMs), limit],
      );
      return deleted;
    },
  };
}
