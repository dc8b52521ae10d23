import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import { unitLimitsOf } from '../db/unit-of-work.js';
import type { Realtime } from '../realtime/index.js';
import type { SlaScheduler } from '../modules/sla/sla.scheduler.js';
import type { MailReceiver } from '../modules/mail/mail.receiver.js';

/** Where a request went: bounded, so that the label set stays small. */
export type Endpoint = 'staff' | 'portal' | 'files' | 'app' | 'ops';

export interface MetricSources {
  dataSource: DataSource;
  realtime: Realtime;
  scheduler: SlaScheduler | null;
  /** The SMTP receiver, when the node has one (SMTP_PORT). */
  mailReceiver: MailReceiver | null;
}

/**
 * The node's figures in Prometheus's text format (prom-client). Labels are
 * bounded: endpoints, GraphQL root fields (the schema's), status classes and
 * error codes — never a company, user or address (those are in the logs).
 * Gauges that need the database (outbox, SLA lag) are read at scrape time,
 * under a one-second statement timeout.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requestSeconds: Histogram<'endpoint' | 'operation' | 'status'>;
  private readonly graphqlErrors: Counter<'code'>;

  constructor(private readonly sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'reclaim_' });
    this.requestSeconds = new Histogram({
      name: 'reclaim_http_request_duration_seconds',
      help: "Time from a request's arrival to its answer being sent, in seconds, by endpoint, GraphQL root field (operation) and status class.",
      labelNames: ['endpoint', 'operation', 'status'],
      registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.graphqlErrors = new Counter({
      name: 'reclaim_graphql_errors_total',
      help: "GraphQL errors answered, by error code (the contract's codes).",
      labelNames: ['code'],
      registers,
    });
    const shares = () => unitLimitsOf(sources.dataSource)?.shares;
    new Gauge({
      name: 'reclaim_db_pool_connections',
      help: "Pooled database connections by state: in use by units of work, and the pool's size.",
      labelNames: ['state'],
      registers,
      collect() {
        const s = shares();
        this.set({ state: 'in_use' }, s?.holding ?? 0);
        this.set({ state: 'size' }, s?.limits.size ?? 0);
      },
    });
    new Gauge({
      name: 'reclaim_db_pool_waiting',
      help: "Units of work waiting for a pooled connection (their company's or user's share).",
      registers,
      collect() {
        this.set(shares()?.waiting ?? 0);
      },
    });
    const figures = () => this.databaseFigures();
    new Gauge({
      name: 'reclaim_outbox_backlog_events',
      help: 'Committed events not yet published to the other nodes.',
      registers,
      async collect() {
        this.set((await figures()).backlog);
      },
    });
    new Gauge({
      name: 'reclaim_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished event, in seconds (0 when none).',
      registers,
      async collect() {
        this.set((await figures()).oldestSeconds);
      },
    });
    new Gauge({
      name: 'reclaim_sla_scheduler_lag_seconds',
      help: 'How long the most overdue SLA warning or breach has been waiting to fire, in seconds (0 when none is due).',
      registers,
      async collect() {
        this.set((await figures()).slaLagSeconds);
      },
    });
    mirror(
      this.registry,
      'reclaim_sla_clocks_fired_total',
      'SLA warnings and breaches fired by this node.',
      () => sources.scheduler?.stats.claimed ?? 0,
    );
    mirror(
      this.registry,
      'reclaim_sla_scheduler_errors_total',
      "Failed passes of this node's SLA scheduler.",
      () => sources.scheduler?.stats.errors ?? 0,
    );
    mirror(
      this.registry,
      'reclaim_live_events_total',
      "Committed events received by this node's subscription hub.",
      () => sources.realtime.hub?.stats.events ?? 0,
    );
    mirror(
      this.registry,
      'reclaim_live_executions_total',
      'Subscription executions run by this node (one per group of subscribers per event).',
      () => sources.realtime.hub?.stats.executions ?? 0,
    );
    mirror(
      this.registry,
      'reclaim_live_pushed_total',
      'Subscription results sent to subscribers by this node.',
      () => sources.realtime.hub?.stats.pushed ?? 0,
    );
    new Gauge({
      name: 'reclaim_live_queue_pending',
      help: "Subscription executions waiting in this node's per-company queues.",
      registers,
      collect() {
        this.set(sources.realtime.hub?.pending ?? 0);
      },
    });
    new Gauge({
      name: 'reclaim_live_subscriptions',
      help: 'Open subscriptions on this node.',
      registers,
      collect() {
        this.set(sources.realtime.hub?.size ?? 0);
      },
    });
    const receiver = sources.mailReceiver;
    if (receiver) {
      new Gauge({
        name: 'reclaim_smtp_receiver_listening',
        help: "Whether this node's SMTP receiver listens (1) or could not start, e.g. its port was taken (0).",
        registers,
        collect() {
          this.set(receiver.state.listening ? 1 : 0);
        },
      });
    }
    new Gauge({
      name: 'reclaim_websockets_open',
      help: 'Open WebSocket connections on this node.',
      registers,
      collect() {
        this.set(sources.realtime.socketCount());
      },
    });
  }

  /** Counts one answered request. */
  observeRequest(endpoint: Endpoint, operation: string | undefined, status: number, seconds: number): void {
    this.requestSeconds.observe({ endpoint, operation: operation ?? '-', status: `${Math.floor(status / 100)}xx` }, seconds);
  }

  /** Counts the errors of one GraphQL answer by code. */
  countErrors(codes: readonly string[]): void {
    for (const code of codes) this.graphqlErrors.inc({ code });
  }

  async exposition(): Promise<string> {
    this.figures = undefined;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private figures?: Promise<{ backlog: number; oldestSeconds: number; slaLagSeconds: number }>;

  /** One round trip per scrape for the figures that live in the database. */
  private databaseFigures() {
    this.figures ??= (async () => {
      const runner = this.sources.dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query('SET LOCAL statement_timeout = 1000');
        const [row] = await runner.query(
          `SELECT (SELECT count(*) FROM outbox_events WHERE published_at IS NULL)::int AS backlog,
                  coalesce((SELECT extract(epoch FROM clock_timestamp() - min(created_at)) FROM outbox_events WHERE published_at IS NULL), 0)::float8 AS oldest,
                  coalesce((SELECT extract(epoch FROM clock_timestamp() - min(fire_at)) FROM sla_fire_times(clock_timestamp(), 1)), 0)::float8 AS lag`,
        );
        await runner.commitTransaction();
        return {
          backlog: Number(row.backlog),
          oldestSeconds: Math.max(0, Number(row.oldest)),
          slaLagSeconds: Math.max(0, Number(row.lag)),
        };
      } catch {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        return { backlog: NaN, oldestSeconds: NaN, slaLagSeconds: NaN };
      } finally {
        await runner.release();
      }
    })();
    return this.figures;
  }
}

/** A counter that follows a running total kept elsewhere (the scheduler's and the hub's own figures). */
function mirror(registry: Registry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = Math.max(seen, now);
    },
  });
}
