import type { DataSource } from 'typeorm';
import { ClaimingWorker, claimInTenant, type SendOutcome } from '../../db/claiming-worker.js';
import { inTenant, type CommittedEvents } from '../../db/unit-of-work.js';
import { log } from '../../ops/log.js';
import { RequestContext } from '../../graphql/context.js';
import type { MailLinks } from '../mail/mail-links.js';
import { recordScheduleFailure, runSchedule, type LeasedSchedule } from './survey.schedules.js';
import { companiesFrom } from '../../db/companies.js';

export interface SurveySchedulerOptions {
  /** How often a node looks for schedules due. */
  pollMs: number;
  /** A schedule being run is another node's again after this (its node died); longer than a run. */
  leaseMs: number;
  /** Runs at once on this node. */
  perNode: number;
  /** A failed run is tried again after this, twice as long after each failure in a row (up to an hour). */
  retryMs: number;
}

export const DEFAULT_SURVEY_SCHEDULER: SurveySchedulerOptions = { pollMs: 30_000, leaseMs: 10 * 60_000, perNode: 2, retryMs: 60_000 };

/**
 * Runs scheduled surveys (docs/surveys.md#schedules) on every node, with
 * the outbox workers' machinery: the companies with a run due come from
 * `survey_schedule_due_tenants`; a due schedule is leased by one node (FOR
 * UPDATE SKIP LOCKED, its next run moved to the lease's end), which then
 * runs it in one transaction of the company that checks the lease is still
 * its own and writes the invitations, their mails (outbox) and the next
 * run together. A node that dies mid-run wrote nothing; when the lease runs
 * out another node runs the schedule. A run that fails wrote nothing either:
 * the failure is recorded on the schedule for its admin and the run tried
 * again after a back-off (`recordScheduleFailure`).
 */
export class SurveyScheduler extends ClaimingWorker<LeasedSchedule> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: CommittedEvents | undefined,
    private readonly links: MailLinks,
    private readonly options: SurveySchedulerOptions = DEFAULT_SURVEY_SCHEDULER,
  ) {
    super('survey schedules', { pollMs: options.pollMs, perTenant: 1, perNode: options.perNode });
  }

  protected async dueTenants(): Promise<string[]> {
    return companiesFrom(this.dataSource, 'survey_schedule_due_tenants', 100);
  }

  protected describe(s: LeasedSchedule): string {
    return `survey schedule ${s.id}`;
  }

  protected claim(tenantId: string, limit: number): Promise<LeasedSchedule[]> {
    return claimInTenant<LeasedSchedule>(
      this.dataSource,
      tenantId,
      'survey-schedule',
      `WITH due AS (
        SELECT s.id FROM survey_schedules s WHERE s.active AND s.next_run_at <= now()
         ORDER BY s.next_run_at LIMIT ${Math.trunc(limit)} FOR UPDATE SKIP LOCKED
      )
      UPDATE survey_schedules s SET next_run_at = now() + make_interval(secs => ${Math.trunc(this.options.leaseMs)}::float8 / 1000)
        FROM due WHERE s.id = due.id
      RETURNING s.id, s.next_run_at::text AS lease, s.failures`,
    );
  }

  protected async send(tenantId: string, s: LeasedSchedule): Promise<SendOutcome> {
    try {
      const invited = await inTenant(
        this.dataSource,
        tenantId,
        (manager, uow) =>
          runSchedule(new RequestContext(tenantId, null, manager, uow, undefined, this.links), s.id, s.lease, this.links.publicUrl),
        { job: 'survey-schedule', publisher: this.publisher },
      );
      return invited === null ? null : 'delivered';
    } catch (err) {
      const failures = await inTenant(
        this.dataSource,
        tenantId,
        (manager, failed) => recordScheduleFailure(new RequestContext(tenantId, null, manager, failed), s, err, this.options.retryMs),
        { job: 'survey-schedule' },
      ).catch((recording: unknown) => {
        // The run's own failure is what the log must keep; the record's is said beside it.
        log.error(
          { tenantId, scheduleId: s.id, err: (err as Error).message },
          `survey schedule: the run failed, and so did recording it (${(recording as Error).message})`,
        );
        return null;
      });
      if (failures === null) throw err;
      log.warn(
        { tenantId, scheduleId: s.id, failures, err: (err as Error).message },
        'survey schedule: the run failed; it is tried again later',
      );
      return 'failed';
    }
  }
}
