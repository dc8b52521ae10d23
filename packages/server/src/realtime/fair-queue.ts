/**
 * Work queued per company and run round-robin across companies: a company
 * with thousands of waiting jobs delays another's next job by at most one
 * turn (`quantum` jobs per slot), never by its whole backlog. Each turn takes
 * one slot; the slots bound the pooled connections the work holds at once.
 */
export class FairQueue<J> {
  private readonly queues = new Map<string, J[]>();
  /** Companies with waiting jobs, in turn order. */
  private readonly ring: string[] = [];
  private running = 0;

  constructor(
    private readonly options: { slots: number; quantum: number; maxPending: number },
    private readonly work: (tenantId: string, jobs: J[]) => Promise<void>,
  ) {}

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

  /** Jobs waiting (not running) in all companies. */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private pump(): void {
    while (this.running < this.options.slots && this.ring.length) {
      const tenantId = this.ring.shift()!;
      const queue = this.queues.get(tenantId)!;
      const turn = queue.splice(0, this.options.quantum);
      // Back of the line while its turn runs: every other waiting company goes first.
      if (queue.length) this.ring.push(tenantId);
      else this.queues.delete(tenantId);
      if (!turn.length) continue;
      this.running++;
      this.work(tenantId, turn)
        .catch((err) => console.error('live delivery failed', err))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
