import type { PurgeJob } from '../../db/purge.js';
import { companiesFrom } from '../../db/companies.js';

/**
 * The company's mail log past `retentionMs` (MAIL_LOG_RETENTION_DAYS): the
 * mails sent or given up on (never one still to be sent), and the record of
 * each mail received. The complaints' conversations are their messages,
 * which stay; a customer's reply to a purged mail is still threaded by its
 * reply address. Looked for every ten minutes.
 */
export function mailLogPurgeJob(retentionMs: number): PurgeJob {
  return {
    name: 'mail log',
    everyMs: 600_000,
    async tenants(dataSource, now) {
      return companiesFrom(dataSource, 'expired_log_tenants', new Date(now - retentionMs), '-infinity');
    },
    async purge(ctx, now, limit) {
      const [{ deleted }] = await ctx.query<{ deleted: number }>(
        `
        WITH sent AS (
               SELECT id FROM outbound_mails WHERE status <> 'PENDING' AND created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED),
             received AS (SELECT id FROM inbound_mails WHERE received_at < $1 ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED),
             gone_sent AS (DELETE FROM outbound_mails m USING sent WHERE m.id = sent.id RETURNING 1),
             gone_received AS (DELETE FROM inbound_mails i USING received WHERE i.id = received.id RETURNING 1)
        SELECT ((SELECT count(*) FROM gone_sent) + (SELECT count(*) FROM gone_received))::int AS deleted`,
        [new Date(now - retentionMs), limit],
      );
      return deleted;
    },
  };
}
