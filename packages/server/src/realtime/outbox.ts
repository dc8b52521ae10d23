import type { DataSource } from 'typeorm';
import type { CommittedEvents } from '../db/unit-of-work.js';
import { eventFromRow, topicOf, type ComplaintEvent, type OutboxRow } from './events.js';
import { Batcher, type PubSub } from './pubsub.js';
import { log } from '../ops/log.js';

const asMessage = (e: ComplaintEvent) => ({ topic: topicOf(e.tenantId), payload: JSON.stringify(e) });

/**
 * Publishes a unit of work's events right after its COMMIT, then marks
 * them published (batched, off the request path). If publishing fails or
 * the node dies first, the rows stay unpublished and a relay publishes them.
 */
export class OutboxPublisher implements CommittedEvents {
  private readonly marker: Batcher<string>;
  private readonly inFlight = new Set<Promise<void>>();
  /** Called after COMMIT, before publishing (fault injection in tests). */
  beforePublish?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
  ) {
    this.marker = new Batcher<string>((ids) => markPublished(this.dataSource, ids), 5000);
  }

  committed(events: readonly ComplaintEvent[]): void {
    this.beforePublish?.();
    const done = this.pubsub
      .publish(events.map(asMessage))
      .then(() => this.marker.add(events.map((e) => e.id)))
      .catch((err) => log.error(`publishing ${events.length} event(s) failed; the outbox relay will retry: ${(err as Error).message}`))
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  /** Waits for everything handed over so far to be published and marked (for shutdown). */
  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }
}

function markPublished(dataSource: DataSource, ids: string[]): Promise<void> {
  return dataSource.query('UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL', [ids]);
}

export interface RelayOptions {
  /** Events younger than this are left to the node that wrote them. */
  graceMs: number;
  /** How often the relay looks for unpublished events. */
  intervalMs: number;
  batchSize: number;
}

export const DEFAULT_RELAY: RelayOptions = { graceMs: 2000, intervalMs: 500, batchSize: 500 };

/**
 * Runs on every node: publishes events that stayed unpublished past the
 * grace period (their node died between COMMIT and publishing, or its
 * publish failed), oldest first. Rows are claimed with FOR UPDATE SKIP
 * LOCKED, so nodes never publish the same rows at the same time; a row
 * published twice (its node marked it late) is dropped by subscribers, who
 * deduplicate by complaint and sequence number. Published events are
 * deleted by the purge a day later (outbox.purge.ts).
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly options: RelayOptions = DEFAULT_RELAY,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: publishes up to one batch; returns how many events it published. */
  async runOnce(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      const rows: OutboxRow[] = await runner.query(
        `SELECT * FROM outbox_events
          WHERE published_at IS NULL AND created_at < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [this.options.graceMs, this.options.batchSize],
      );
      if (rows.length) {
        await this.pubsub.publish(rows.map(eventFromRow).map(asMessage));
        await runner.query('UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => String(r.id))]);
      }
      await runner.commitTransaction();
      return rows.length;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.options.intervalMs));
    }, delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      // A full batch means there may be more: keep going before sleeping.
      while (!this.stopped && (await this.runOnce()) === this.options.batchSize);
    } catch (err) {
      log.error(`outbox relay: ${(err as Error).message}`);
    }
  }
}

/**
 * Events of `tenantIds` published in the last `seconds` (on the database's
 * clock), and those not marked published yet (possibly sent while this
 * node was not listening, and marked later): what a node replays after a
 * transport gap, oldest first, a page at a time.
 */
export async function* recentEvents(dataSource: DataSource, tenantIds: string[], seconds: number): AsyncGenerator<ComplaintEvent> {
  if (!tenantIds.length) return;
  let after = '0';
  for (;;) {
    const rows: OutboxRow[] = await dataSource.query(
      `SELECT * FROM outbox_events WHERE tenant_id = ANY($1::uuid[]) AND id > $3::bigint
          AND (published_at IS NULL OR published_at >= now() - make_interval(secs => $2::float8))
        ORDER BY id LIMIT 5000`,
      [tenantIds, seconds, after],
    );
    for (const row of rows) yield eventFromRow(row);
    if (rows.length < 5000) return;
    after = String(rows[rows.length - 1]!.id);
  }
}
