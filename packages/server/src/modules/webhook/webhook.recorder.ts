import type { DataSource } from 'typeorm';
import { inTenant } from '../../db/unit-of-work.js';
import { log } from '../../ops/log.js';
import { delivered, type AttemptResult } from './sender.js';

/** A finished attempt of a claimed delivery, to be recorded. */
export interface FinishedAttempt {
  deliveryId: string;
  /** The delivery's attempt count when it was claimed: a lease lost meanwhile (another node took it) records nothing. */
  attempts: number;
  result: AttemptResult;
  /** The wait before the next attempt; undefined when the retries have run out. */
  retryInMs: number | undefined;
}

/** How long finished attempts gather before they are recorded together. */
const GATHER_MS = 5;

/**
 * Records finished attempts: per company, everything that finished within a
 * few milliseconds in one transaction of one statement (the deliveries'
 * outcome, the attempts in the log, the endpoints' failing state, and the
 * complaints' later deliveries held behind a retry). One transaction per
 * attempt made the recording, not the sending, the limit of a node.
 */
export class DeliveryRecorder {
  private readonly waiting = new Map<string, Array<{ attempt: FinishedAttempt; done: (recorded: boolean) => void }>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly disableAfterMs: number,
  ) {}

  /** Resolves once recorded: true, or false when the lease had been lost (or the recording failed: the lease then runs out and it is retried). */
  record(tenantId: string, attempt: FinishedAttempt): Promise<boolean> {
    return new Promise((done) => {
      const list = this.waiting.get(tenantId) ?? [];
      list.push({ attempt, done });
      this.waiting.set(tenantId, list);
      this.timer ??= setTimeout(() => void this.flush(), GATHER_MS);
    });
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batches = [...this.waiting];
    this.waiting.clear();
    await Promise.all(
      batches.map(async ([tenantId, items]) => {
        try {
          const recorded = await this.write(
            tenantId,
            items.map((i) => i.attempt),
          );
          for (const item of items) item.done(recorded.has(item.attempt.deliveryId));
        } catch (err) {
          log.error(`webhooks: recording ${items.length} attempt(s): ${(err as Error).message}`);
          for (const item of items) item.done(false);
        }
      }),
    );
  }

  private async write(tenantId: string, attempts: FinishedAttempt[]): Promise<Set<string>> {
    return inTenant(
      this.dataSource,
      tenantId,
      async (manager) => {
        const column = <T>(f: (a: FinishedAttempt) => T) => attempts.map(f);
        const rows: Array<{ id: string }> = await manager.query(
          `WITH r AS (
           SELECT * FROM unnest($1::uuid[], $2::int[], $3::bool[], $4::float8[], $5::int[], $6::int[], $7::text[], $8::text[], $10::text[])
             AS r(id, attempts, ok, retry_ms, duration_ms, status_code, error_detail, body, error_code)
         ), d AS (
           UPDATE webhook_deliveries w
              SET status = CASE WHEN r.ok THEN 'DELIVERED' WHEN r.retry_ms IS NULL THEN 'FAILED' ELSE 'PENDING' END,
                  delivered_at = CASE WHEN r.ok THEN now() END,
                  next_attempt_at = CASE WHEN r.ok OR r.retry_ms IS NULL THEN NULL ELSE now() + make_interval(secs => r.retry_ms / 1000) END
             FROM r
            WHERE w.id = r.id AND w.attempts = r.attempts AND w.status = 'PENDING'
           RETURNING w.id, w.endpoint_id, w.complaint_id, w.seq, r.ok, r.retry_ms, r.duration_ms, r.status_code, r.error_code, r.error_detail, r.body
         ), attempt AS (
           INSERT INTO webhook_attempts (tenant_id, id, delivery_id, at, duration_ms, status_code, error_code, error_detail, response_body)
           SELECT app_tenant_id(), gen_random_uuid(), d.id, now() - make_interval(secs => d.duration_ms::float8 / 1000),
                  d.duration_ms, d.status_code, d.error_code, d.error_detail, d.body
             FROM d
         ), endpoint AS (
           UPDATE webhook_endpoints e
              SET failing_since = CASE WHEN x.ok THEN NULL ELSE coalesce(e.failing_since, now()) END,
                  enabled = e.enabled AND (x.ok OR coalesce(e.failing_since, now()) > now() - make_interval(secs => $9::float8 / 1000)),
                  disabled_reason = CASE WHEN NOT x.ok AND e.enabled AND coalesce(e.failing_since, now()) <= now() - make_interval(secs => $9::float8 / 1000)
                                         THEN 'FAILING' ELSE e.disabled_reason END
             FROM (SELECT endpoint_id, bool_or(ok) AS ok FROM d GROUP BY endpoint_id) x
            WHERE e.id = x.endpoint_id
         ), held AS (
           UPDATE webhook_deliveries w SET next_attempt_at = greatest(w.next_attempt_at, now() + make_interval(secs => d.retry_ms / 1000))
             FROM d
            WHERE NOT d.ok AND d.retry_ms IS NOT NULL AND w.endpoint_id = d.endpoint_id AND w.complaint_id = d.complaint_id
              AND w.seq > d.seq AND w.status = 'PENDING'
         )
         SELECT id FROM d`,
          [
            column((a) => a.deliveryId),
            column((a) => a.attempts),
            column((a) => delivered(a.result)),
            column((a) => (delivered(a.result) ? null : (a.retryInMs ?? null))),
            column((a) => a.result.durationMs),
            column((a) => a.result.statusCode),
            column((a) => a.result.errorDetail),
            column((a) => a.result.responseBody),
            this.disableAfterMs,
            column((a) => a.result.errorCode),
          ],
        );
        return new Set(rows.map((r) => r.id));
      },
      { job: 'webhooks' },
    );
  }
}
