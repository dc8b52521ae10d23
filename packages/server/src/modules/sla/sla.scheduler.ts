import type { DataSource } from 'typeorm';
import { inTenant, type CommittedEvents } from '../../db/unit-of-work.js';
import { RequestContext } from '../../graphql/context.js';
import { fireDueClocks } from './sla.service.js';
import { log } from '../../ops/log.js';
import type { MailLinks } from '../mail/mail-links.js';
import { companiesFrom } from '../../db/companies.js';

export interface SchedulerOptions {
  /** How far ahead the scheduler reads the instants at which clocks fire. */
  lookaheadMs: number;
  /** How often it reads them: other nodes' new deadlines, and what passed while it was busy or down. */
  pollMs: number;
  /** Clocks of one company claimed per pass (one transaction); the other due companies get their turn before its next ones. */
  perCompany: number;
  /**
   * At most this many upcoming instants are held (a burst beyond it is read on the next look); also how many due
   * clocks are read, in deadline order, to find the due companies (beyond it, each company is looked up).
   */
  maxUpcoming: number;
}

export const DEFAULT_SCHEDULER: SchedulerOptions = { lookaheadMs: 5000, pollMs: 1000, perCompany: 10, maxUpcoming: 20_000 };

/**
 * Fires SLA warnings and breaches, on every node. It holds only the instants
 * of the next few seconds (read every `pollMs` through `sla_fire_times`) and
 * one timer, for the earliest; never a timer per complaint. When the timer
 * goes off it fires every due clock in passes: each pass gives every company
 * with due clocks, the longest waiting first, one transaction that claims
 * at most `perCompany` of its clocks (FOR UPDATE SKIP LOCKED, so each
 * warning and breach fires once across all nodes). A company with thousands
 * of clocks due thus delays another company's clock by a turn or two, never
 * by its whole backlog. On start, the first look finds whatever fell due
 * while no node was running, and fires it at once.
 */
export class SlaScheduler {
  private upcoming: number[] = [];
  /** The database's clock minus this process's, measured at each look. */
  private offsetMs = 0;
  private pollTimer?: NodeJS.Timeout;
  private fireTimer?: NodeJS.Timeout;
  private firing?: Promise<void>;
  private polling?: Promise<void>;
  private again = false;
  private stopped = true;
  /** Clocks claimed, firing passes, looks at the database (polls) and errors, for operators and tests. */
  readonly stats = { claimed: 0, passes: 0, polls: 0, errors: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: CommittedEvents | undefined,
    private readonly options: SchedulerOptions = DEFAULT_SCHEDULER,
    /** For the staff mail a warning or breach writes (its console link); without it, none is written. */
    private readonly mailLinks?: MailLinks,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedulePoll(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.fireTimer);
    await Promise.all([this.polling, this.firing]);
  }

  /** How many instants it holds now. */
  get held(): number {
    return this.upcoming.length;
  }

  /** A clock committed on this node fires at `at` (database time; told by the node's units of work): keep it if it falls in the window. */
  expect(at: number): void {
    if (this.stopped) return;
    const local = at - this.offsetMs;
    if (local > Date.now() + this.options.lookaheadMs) return;
    const i = this.upcoming.findIndex((t) => t > local);
    this.upcoming.splice(i < 0 ? this.upcoming.length : i, 0, local);
    this.arm();
  }

  private schedulePoll(delay: number): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        this.schedulePoll(this.options.pollMs);
      });
    }, delay);
    this.pollTimer.unref();
  }

  /** Reads the window again in a moment, instead of at the next regular look. */
  private pollSoon(): void {
    if (this.stopped || this.polling) return;
    clearTimeout(this.pollTimer);
    this.schedulePoll(20);
  }

  private async poll(): Promise<void> {
    try {
      const sent = Date.now();
      const [row] = await this.dataSource.query(
        `SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now,
                ARRAY(SELECT extract(epoch FROM fire_at) * 1000
                        FROM sla_fire_times(clock_timestamp() + make_interval(secs => $1::float8 / 1000), $2)) AS times`,
        [this.options.lookaheadMs, this.options.maxUpcoming],
      );
      this.offsetMs = Number(row.now) - (sent + Date.now()) / 2;
      this.upcoming = (row.times as Array<number | string>).map((t) => Number(t) - this.offsetMs);
      this.stats.polls++;
      this.arm();
    } catch (err) {
      this.stats.errors++;
      if (!this.stopped) log.error(`SLA scheduler: ${(err as Error).message}`);
    }
  }

  private arm(): void {
    clearTimeout(this.fireTimer);
    if (this.stopped || !this.upcoming.length) return;
    this.fireTimer = setTimeout(() => this.fire(), Math.max(0, this.upcoming[0]! - Date.now()));
    this.fireTimer.unref();
  }

  private fire(): void {
    if (this.firing) {
      this.again = true;
      return;
    }
    this.firing = (async () => {
      do {
        this.again = false;
        const started = Date.now();
        const claimed = await this.fireAll();
        const expected = this.upcoming.filter((t) => t <= started).length;
        this.upcoming = this.upcoming.filter((t) => t > started);
        // Due here, not yet there (the clocks differ by a few ms), or held by a user's transaction: look again shortly.
        if (expected > claimed) this.pollSoon();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.firing = undefined;
      this.arm();
    });
  }

  /** Fires every due clock of every tenant, in passes; a failing tenant is logged and retried on the next look. */
  async fireAll(): Promise<number> {
    let total = 0;
    for (let more = true; more && !this.stopped;) {
      this.stats.passes++;
      more = false;
      for (const tenantId of await this.dueTenants()) {
        const claimed = await this.fireTenant(tenantId);
        total += claimed;
        // Its turn is over; it goes again in the next pass, after the others.
        if (claimed >= this.options.perCompany) more = true;
        if (this.stopped) break;
      }
    }
    this.stats.claimed += total;
    return total;
  }

  /** Companies with due clocks, the one whose clock has waited longest first. */
  private async dueTenants(): Promise<string[]> {
    try {
      return await companiesFrom(this.dataSource, 'sla_due_tenants', this.options.maxUpcoming);
    } catch (err) {
      this.stats.errors++;
      if (!this.stopped) log.error(`SLA scheduler: ${(err as Error).message}`);
      return [];
    }
  }

  /** One transaction of `tenantId` that fires up to `perCompany` of its due clocks; how many it claimed. */
  private async fireTenant(tenantId: string): Promise<number> {
    try {
      return await inTenant(
        this.dataSource,
        tenantId,
        (manager, uow) =>
          fireDueClocks(new RequestContext(tenantId, null, manager, uow, undefined, this.mailLinks), this.options.perCompany),
        { job: 'sla-scheduler', publisher: this.publisher },
      );
    } catch (err) {
      this.stats.errors++;
      if (!this.stopped) log.error(`SLA scheduler, tenant ${tenantId}: ${(err as Error).message}`);
      return 0;
    }
  }
}
