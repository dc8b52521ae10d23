import type { PurgeJob } from '../../db/purge.js';
import type { SessionEnder } from '../../graphql/context.js';
import { log } from '../../ops/log.js';
import { companiesFrom } from '../../db/companies.js';

const DAY_MS = 86_400_000;

/** When a company signed up at `createdAt` is deleted if its address is still unconfirmed then, `days` (UNCONFIRMED_COMPANY_DAYS) later; null with 0 days (kept). */
export function deletionIfUnconfirmed(createdAt: Date, days: number): Date | null {
  return days ? new Date(createdAt.getTime() + days * DAY_MS) : null;
}

/** The moment a company must have signed up before to be `days` old at `now` (ms). */
export function signedUpBefore(now: number, days: number): Date {
  return new Date(now - days * DAY_MS);
}

/**
 * Companies whose first admin has not confirmed the address `days` after
 * signing up (UNCONFIRMED_COMPANY_DAYS), deleted with everything they hold
 * (docs/operations.md, "What is deleted, and when"). Each is deleted in its
 * own unit of work by `delete_unconfirmed_tenant`, which checks again, under
 * the row's lock, that it is still unconfirmed: an admin confirming at that
 * moment either comes first and keeps the company, or finds it gone. The
 * company's slug is retired with it, and its staff's open sockets on every
 * node are closed once it is gone (`sessions`). Looked for every hour; a
 * company of many rows takes more than a request's statement timeout, so
 * the deletion has minutes.
 */
export function unconfirmedCompanyPurgeJob(days: number, sessions?: SessionEnder): PurgeJob {
  return {
    name: 'unconfirmed company',
    everyMs: 3600_000,
    async tenants(dataSource, now) {
      return companiesFrom(dataSource, 'expired_unconfirmed_tenants', signedUpBefore(now, days));
    },
    async purge(ctx, now) {
      await ctx.query(`SET LOCAL statement_timeout = '15min'`);
      const staff = await ctx.query<{ id: string; credentials_version: number }>('SELECT id, credentials_version FROM users');
      const [{ deleted }] = await ctx.query<{ deleted: boolean }>('SELECT delete_unconfirmed_tenant($1) AS deleted', [
        signedUpBefore(now, days),
      ]);
      if (!deleted) return 0;
      log.info(`deleted company ${ctx.tenantId}: its address was not confirmed within ${days} days of signing up`);
      ctx.afterCommit(() => {
        for (const user of staff) sessions?.ended(ctx.tenantId, user.id, user.credentials_version + 1);
      });
      return 1;
    },
  };
}
