import type { PurgeJob } from '../../db/purge.js';
import { remindOfDeletion, type AccountSettings } from './account.service.js';

/** How many days before a company never confirmed is deleted its admin is reminded. */
export const DELETION_REMINDER_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * A week before a company whose admin never confirmed the address is deleted (UNCONFIRMED_COMPANY_DAYS after
 * signing up, tenant.purge.ts), the admin is sent the confirmation again, with the moment of the deletion in the
 * company's language and time zone: the console's banner says it only to an admin who signs in. Run by the purge,
 * after the deletion, like its jobs (hourly, each company in its own unit of work, ids from a SECURITY DEFINER
 * function); it deletes nothing, and counts the reminders it sent.
 */
export function deletionReminderJob(settings: AccountSettings): PurgeJob {
  const days = settings.unconfirmedCompanyDays;
  const cutoffs = (now: number) => ({
    signedUpBefore: new Date(now - (days - DELETION_REMINDER_DAYS) * DAY_MS),
    deletedBefore: new Date(now - days * DAY_MS),
  });
  return {
    name: 'unconfirmed company reminder',
    everyMs: 3600_000,
    async tenants(dataSource, now) {
      const rows: Array<{ tenant_id: string }> = await dataSource.query('SELECT tenant_id FROM unreminded_unconfirmed_tenants($1)', [
        cutoffs(now).signedUpBefore,
      ]);
      return rows.map((r) => r.tenant_id);
    },
    async purge(ctx, now) {
      return (await remindOfDeletion(ctx, cutoffs(now), settings)) ? 1 : 0;
    },
  };
}
