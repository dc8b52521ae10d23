import type { DataSource } from 'typeorm';
import { UnitOfWork } from '../../db/unit-of-work.js';
import { log } from '../../ops/log.js';
import { delivered, postWebhook, type AttemptResult } from './sender.js';
import { signatureHeader } from './signature.js';
import { systemResolver, type Resolver, type UrlRules } from './ssrf.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export interface WebhookWorkerOptions {
  /** How often it looks for due deliveries (besides being woken by this node's commits). */
  pollMs: number;
  /** One attempt, connection to response, at most. */
  timeoutMs: number;
  /** A claimed delivery is another node's again after this (its node died mid-attempt); longer than an attempt. */
  leaseMs: number;
  /** Attempts in flight on this node: for one company, for one endpoint, in all. */
  perTenant: number;
  perEndpoint: number;
  perNode: number;
  /** The waits after each failed attempt; when they run out the delivery has FAILED. */
  retryDelaysMs: number[];
  /** An endpoint that has failed without a success for this long is disabled. */
  disableAfterMs: number;
  rules: UrlRules;
  resolve: Resolver;
}

/**
 * The Standard Webhooks schedule (at once, 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h) and two daily attempts more: ten attempts over about three
 * days (75 h 35 min after the first).
 */
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR, 24 * HOUR, 24 * HOUR];

export const DEFAULT_WEBHOOK_WORKER: WebhookWorkerOptions = {
  pollMs: 500, timeoutMs: 15 * SECOND, leaseMs: 60 * SECOND, perTenant: 8, perEndpoint: 2, perNode: 64,
  retryDelaysMs: RETRY_DELAYS_MS, disableAfterMs: 5 * 24 * HOUR, rules: { allowInsecure: false }, resolve: systemResolver,
};

/** The rows an UPDATE … RETURNING gave (TypeORM answers an UPDATE with [rows, count]). */
const returned = <T>(result: unknown[]): T[] => (Array.isArray(result[0]) ? result[0] : result) as T[];

interface Claimed {
  id: string;
  endpoint_id: string;
  complaint_id: string;
  seq: number;
  event_id: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
}

/**
 * Sends webhook deliveries, on every node. Each look asks which companies
 * have deliveries due (the longest waiting first) and gives each a turn: one
 * short transaction of that company claims what it may send now
 * (FOR UPDATE SKIP LOCKED, so no two nodes take the same row) and leases it
 * for `leaseMs`; the attempts then run outside any transaction, each
 * recorded in a transaction of its own. A company, and an endpoint, has a
 * bounded number of attempts in flight on a node, so a hanging endpoint
 * holds its own slots for at most `timeoutMs` and never those of another
 * endpoint or company. A complaint's deliveries to an endpoint go one at a
 * time, in sequence: the next is claimed once the one before is delivered
 * or has failed for good.
 */
export class WebhookWorker {
  private timer?: NodeJS.Timeout;
  private looking?: Promise<void>;
  private again = false;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly byTenant = new Map<string, number>();
  private readonly byEndpoint = new Map<string, number>();
  readonly stats = { claimed: 0, delivered: 0, failed: 0, errors: 0 };

  constructor(private readonly dataSource: DataSource, private readonly options: WebhookWorkerOptions = DEFAULT_WEBHOOK_WORKER) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops looking and waits for the attempts in flight (each ends within `timeoutMs`). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.looking;
    await Promise.all([...this.inFlight]);
  }

  /** Something was committed on this node (perhaps deliveries): look now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.looking) this.again = true;
    else this.schedule(0);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.look(), delay);
    this.timer.unref();
  }

  private look(): void {
    if (this.looking) {
      this.again = true;
      return;
    }
    this.looking = (async () => {
      do {
        this.again = false;
        await this.claimAll();
      } while (this.again && !this.stopped);
    })().catch((err) => {
      this.stats.errors++;
      if (!this.stopped) log.error(`webhooks: ${(err as Error).message}`);
    }).finally(() => {
      this.looking = undefined;
      this.schedule(this.options.pollMs);
    });
  }

  /** One turn for every company with due deliveries. */
  private async claimAll(): Promise<void> {
    const tenants: Array<{ tenant_id: string }> = await this.dataSource.query('SELECT tenant_id FROM webhook_due_tenants($1)', [1000]);
    for (const { tenant_id: tenantId } of tenants) {
      if (this.stopped || this.inFlight.size >= this.options.perNode) return;
      const room = Math.min(this.options.perTenant - (this.byTenant.get(tenantId) ?? 0), this.options.perNode - this.inFlight.size);
      if (room <= 0) continue;
      for (const claimed of await this.claim(tenantId, room)) this.attempt(tenantId, claimed);
    }
  }

  private async claim(tenantId: string, limit: number): Promise<Claimed[]> {
    const busy = [...this.byEndpoint].filter(([, n]) => n >= this.options.perEndpoint).map(([id]) => id);
    const uow = new UnitOfWork(this.dataSource, undefined, { job: 'webhooks' });
    try {
      await uow.enterTenant(tenantId);
      const m = await uow.manager();
      const due: Array<{ id: string; endpoint_id: string }> = await m.query(
        `SELECT d.id, d.endpoint_id FROM webhook_deliveries d
           JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id AND e.enabled
          WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND d.endpoint_id <> ALL ($2::uuid[])
            AND NOT EXISTS (
              SELECT 1 FROM webhook_deliveries p
               WHERE p.tenant_id = d.tenant_id AND p.endpoint_id = d.endpoint_id AND p.complaint_id = d.complaint_id
                 AND p.status = 'PENDING' AND (p.seq < d.seq OR (p.seq = d.seq AND p.created_at < d.created_at)))
          ORDER BY d.next_attempt_at, d.seq
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED`, [limit, busy]);
      // An endpoint gets what it has room for on this node; the other rows stay as they are (unlocked at commit).
      const room = new Map<string, number>();
      const chosen = due.filter((r) => {
        const left = room.get(r.endpoint_id) ?? this.options.perEndpoint - (this.byEndpoint.get(r.endpoint_id) ?? 0);
        room.set(r.endpoint_id, left - 1);
        return left > 0;
      }).map((r) => r.id);
      const result: unknown[] = chosen.length ? await m.query(
        `UPDATE webhook_deliveries d
            SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000), attempts = d.attempts + 1
           FROM webhook_endpoints e
          WHERE d.id = ANY ($1::uuid[]) AND e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
         RETURNING d.id, d.endpoint_id, d.complaint_id, d.seq, d.event_id::text, d.payload, d.attempts,
                   e.url, e.secret, e.previous_secret, e.previous_secret_until`,
        [chosen, this.options.leaseMs]) : [];
      await uow.finish(true);
      return returned<Claimed>(result);
    } catch (err) {
      await uow.finish(false).catch(() => undefined);
      throw err;
    }
  }

  private attempt(tenantId: string, d: Claimed): void {
    this.stats.claimed++;
    const count = (map: Map<string, number>, key: string, by: number) => {
      const n = (map.get(key) ?? 0) + by;
      if (n) map.set(key, n);
      else map.delete(key);
    };
    count(this.byTenant, tenantId, 1);
    count(this.byEndpoint, d.endpoint_id, 1);
    const run = (async () => {
      const id = `evt_${d.event_id}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const secrets = d.previous_secret && d.previous_secret_until && d.previous_secret_until.getTime() > Date.now()
        ? [d.secret, d.previous_secret] : [d.secret];
      const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader(secrets, id, timestamp, d.payload) };
      const result = await postWebhook(d.url, headers, d.payload, this.options);
      await this.record(tenantId, d, result);
    })().catch((err) => {
      this.stats.errors++;
      log.error(`webhooks: recording delivery ${d.id}: ${(err as Error).message}`);
    }).finally(() => {
      this.inFlight.delete(run);
      count(this.byTenant, tenantId, -1);
      count(this.byEndpoint, d.endpoint_id, -1);
      this.wake();
    });
    this.inFlight.add(run);
  }

  /** The attempt and what follows from it, in one transaction; nothing when the lease was lost meanwhile (another node retried it). */
  private async record(tenantId: string, d: Claimed, result: AttemptResult): Promise<void> {
    const ok = delivered(result);
    const retryIn = this.options.retryDelaysMs[d.attempts - 1];
    const uow = new UnitOfWork(this.dataSource, undefined, { job: 'webhooks' });
    try {
      await uow.enterTenant(tenantId);
      const m = await uow.manager();
      const [updated] = await m.query(
        `UPDATE webhook_deliveries
            SET status = CASE WHEN $3 THEN 'DELIVERED' WHEN $4::float8 IS NULL THEN 'FAILED' ELSE 'PENDING' END,
                delivered_at = CASE WHEN $3 THEN now() END,
                next_attempt_at = CASE WHEN $3 OR $4::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $4::float8 / 1000) END
          WHERE id = $1 AND attempts = $2 AND status = 'PENDING'
         RETURNING id`, [d.id, d.attempts, ok, ok ? null : retryIn ?? null]).then((r: unknown[]) => returned(r));
      if (updated) {
        await m.query(
          `INSERT INTO webhook_attempts (tenant_id, id, delivery_id, at, duration_ms, status_code, error, response_body)
           VALUES (app_tenant_id(), gen_random_uuid(), $1, now() - make_interval(secs => $2::float8 / 1000), $2, $3, $4, $5)`,
          [d.id, result.durationMs, result.statusCode, result.error?.slice(0, 500) ?? null, result.responseBody]);
        await m.query(
          `UPDATE webhook_endpoints
              SET failing_since = CASE WHEN $2 THEN NULL ELSE coalesce(failing_since, now()) END,
                  enabled = enabled AND ($2 OR coalesce(failing_since, now()) > now() - make_interval(secs => $3::float8 / 1000)),
                  disabled_reason = CASE WHEN NOT $2 AND enabled AND coalesce(failing_since, now()) <= now() - make_interval(secs => $3::float8 / 1000)
                                         THEN 'FAILING' ELSE disabled_reason END
            WHERE id = $1`, [d.endpoint_id, ok, this.options.disableAfterMs]);
        // The complaint's later deliveries to this endpoint wait behind this one: not due before its retry.
        if (!ok && retryIn !== undefined) {
          await m.query(
            `UPDATE webhook_deliveries SET next_attempt_at = greatest(next_attempt_at, now() + make_interval(secs => $4::float8 / 1000))
              WHERE endpoint_id = $1 AND complaint_id = $2 AND seq > $3 AND status = 'PENDING'`,
            [d.endpoint_id, d.complaint_id, d.seq, retryIn]);
        }
        if (ok) this.stats.delivered++;
        else this.stats.failed++;
      }
      await uow.finish(true);
    } catch (err) {
      await uow.finish(false).catch(() => undefined);
      throw err;
    }
  }
}
