import { RateBuckets } from './rate-buckets.js';
import { log } from '../ops/log.js';

/**
 * Work queued per company and run round-robin across companies: a company
 * with thousands of waiting jobs delays another's next job by at most one
 * turn (`quantum` jobs per slot), never by its whole backlog. Each turn takes
 * one slot; the slots bound the pooled connections the work holds at once.
 * With `perSecond`, each company may also start at most that many jobs a
 * second (a bucket that holds one second's worth): its jobs beyond that wait
 * in its queue, so one company's flood of work cannot take the node's CPU
 * from the others even while the slots are free.
 */
export class FairQueue<J> {
  private readonly queues = new Map<string, J[]>();
  /** Companies with waiting jobs, in turn order. */
  private readonly ring: string[] = [];
  private running = 0;
  /** Each company's jobs a second, when `perSecond` is set. */
  private readonly budgets?: RateBuckets;
  private wake?: NodeJS.Timeout;

  constructor(
    private readonly options: { slots: number; quantum: number; maxPending: number; perSecond?: number },
    private readonly work: (tenantId: string, jobs: J[]) => Promise<void>,
    now: () => number = Date.now,
  ) {
    if (options.perSecond && options.perSecond > 0) this.budgets = new RateBuckets(options.perSecond, now);
  }

  /** Queues a job; false when the company already has `maxPending` waiting (0: no cap). */
  offer(tenantId: string, job: J): boolean {
    let queue = this.queues.get(tenantId);
    if (!queue) {
      this.queues.set(tenantId, (queue = []));
      this.ring.push(tenantId);
    }
    if (this.options.maxPending > 0 && queue.length >= this.options.maxPending) return false;
    queue.push(job);
    this.pump();
    return true;
  }

  /** Takes out and returns the company's waiting jobs that `which` picks (work nobody waits for any more). */
  discard(tenantId: string, which: (job: J) => boolean): J[] {
    const queue = this.queues.get(tenantId);
    if (!queue) return [];
    const kept: J[] = [];
    const taken: J[] = [];
    for (const job of queue) (which(job) ? taken : kept).push(job);
    if (!taken.length) return [];
    if (kept.length) this.queues.set(tenantId, kept);
    else {
      this.queues.delete(tenantId);
      const at = this.ring.indexOf(tenantId);
      if (at >= 0) this.ring.splice(at, 1);
    }
    return taken;
  }

  /** Jobs waiting (not running) in all companies. */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Stops the timer that waits for a company's budget to refill. */
  close(): void {
    clearTimeout(this.wake);
  }

  /** How many jobs `tenantId` may start now (at most `want`), spending them from its budget. */
  private allowance(tenantId: string, want: number): number {
    return this.budgets ? this.budgets.takeUpTo(tenantId, want) : want;
  }

  private pump(): void {
    // Companies passed over in this round because their budget is spent: they keep their place for the next.
    let passed = 0;
    while (this.running < this.options.slots && this.ring.length > passed) {
      const tenantId = this.ring.shift()!;
      const queue = this.queues.get(tenantId)!;
      const allowed = this.allowance(tenantId, Math.min(this.options.quantum, queue.length));
      if (!allowed) {
        this.ring.push(tenantId);
        passed++;
        continue;
      }
      const turn = queue.splice(0, allowed);
      // Back of the line while its turn runs: every other waiting company goes first.
      if (queue.length) this.ring.push(tenantId);
      else this.queues.delete(tenantId);
      if (!turn.length) continue;
      this.running++;
      this.work(tenantId, turn)
        .catch((err) => log.error({ err: err }, 'live delivery failed'))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
    // Work is waiting only for budgets to refill: look again when one job's worth has.
    if (passed && this.running < this.options.slots && !this.wake) {
      this.wake = setTimeout(
        () => {
          this.wake = undefined;
          this.pump();
        },
        Math.ceil(1000 / this.options.perSecond!),
      );
      this.wake.unref();
    }
  }
}
