import type { PurgeJob } from '../../db/purge.js';
import { log } from '../../ops/log.js';

/**
 * Companies whose first admin has not confirmed the address `afterMs` after
 * signing up (UNCONFIRMED_COMPANY_DAYS), deleted with everything they hold
 * (docs/operations.md, "What is deleted, and when"). Each is deleted in its
 * own unit of work by `delete_unconfirmed_tenant`, which checks again, under
 * the row's lock, that it is still unconfirmed: an admin confirming at that
 * moment either comes first and keeps the company, or finds it gone.
 * Looked for every hour.
 */
export function unconfirmedCompanyPurgeJob(afterMs: number): PurgeJob {
  return {
    name: 'unconfirmed company',
    everyMs: 3600_000,
    async tenants(dataSource, now) {
      const rows: Array<{ tenant_id: string }> = await dataSource.query(
        'SELECT tenant_id FROM expired_unconfirmed_tenants($1)', [new Date(now - afterMs)]);
      return rows.map((r) => r.tenant_id);
    },
    async purge(ctx, now) {
      const [{ deleted }] = await ctx.query<{ deleted: boolean }>('SELECT delete_unconfirmed_tenant($1) AS deleted', [new Date(now - afterMs)]);
      if (deleted) log.info(`deleted company ${ctx.tenantId}: its address was not confirmed within ${Math.round(afterMs / 86_400_000)} days of signing up`);
      return deleted ? 1 : 0;
    },
  };
}
