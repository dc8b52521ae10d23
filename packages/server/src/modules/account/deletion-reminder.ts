import type { PurgeJob } from '../../db/purge.js';
import { signedUpBefore } from '../tenant/tenant.purge.js';
import { remindOfDeletion, type AccountSettings } from './account.service.js';
import { companiesFrom } from '../../db/companies.js';

/** How many days before a company never confirmed is deleted its admin is reminded. */
export const DELETION_REMINDER_DAYS = 7;
/** Less than this before the deletion, no reminder is sent: it could not be acted on (a first deploy, a long outage). */
const TOO_LATE_MS = 3600_000;

/**
 * A week before a company whose admin never confirmed the address is deleted (UNCONFIRMED_COMPANY_DAYS after
 * signing up, tenant.purge.ts), the admin is sent the confirmation again, with the moment of the deletion in the
 * company's language and time zone: the console's banner says it only to an admin who signs in. Run by the purge,
 * after the deletion, as its jobs are (hourly, each company in its own unit of work, ids from a SECURITY DEFINER
 * function); it deletes nothing, and counts the reminders it sent.
 */
export function deletionReminderJob(settings: AccountSettings): PurgeJob {
  const days = settings.unconfirmedCompanyDays;
  // Signed up long enough ago to be reminded, and not so long ago that the deletion is less than an hour away.
  const window = (now: number) => ({
    signedUpBefore: signedUpBefore(now, days - DELETION_REMINDER_DAYS),
    signedUpAfter: signedUpBefore(now + TOO_LATE_MS, days),
  });
  return {
    name: 'unconfirmed company reminder',
    everyMs: 3600_000,
    async tenants(dataSource, now) {
      const { signedUpBefore, signedUpAfter } = window(now);
      return companiesFrom(dataSource, 'unreminded_unconfirmed_tenants', signedUpBefore, signedUpAfter);
    },
    async purge(ctx, now) {
      return (await remindOfDeletion(ctx, window(now), settings)) ? 1 : 0;
    },
  };
}
