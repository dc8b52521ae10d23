import { CANONICAL_UUID } from '../../ids.js';
import type { DataSource } from 'typeorm';
import { ClaimingWorker, claimInTenant, type SendOutcome } from '../../db/claiming-worker.js';
import { delivered, postWebhook } from './sender.js';
import { DeliveryRecorder } from './webhook.recorder.js';
import { signatureHeader } from './signature.js';
import { systemResolver, type Resolver, type UrlRules } from './ssrf.js';
import { companiesFrom } from '../../db/companies.js';

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
  pollMs: 500,
  timeoutMs: 15 * SECOND,
  leaseMs: 60 * SECOND,
  perTenant: 8,
  perEndpoint: 2,
  perNode: 64,
  retryDelaysMs: RETRY_DELAYS_MS,
  disableAfterMs: 5 * 24 * HOUR,
  rules: { allowInsecure: false },
  resolve: systemResolver,
};

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
 * Sends webhook deliveries, on every node, with the outbox workers'
 * machinery (db/claiming-worker.ts): one short transaction of a company
 * claims what it may send now and leases it for `leaseMs`; the attempts run
 * outside any transaction and are recorded together (DeliveryRecorder). An
 * endpoint has at most `perEndpoint` attempts in flight on a node, so a
 * hanging endpoint holds its own slots for at most `timeoutMs` and never
 * those of another endpoint or company. A complaint's deliveries to an
 * endpoint go one at a time, in sequence: the next is claimed once the one
 * before is delivered or has failed for good.
 */
export class WebhookWorker extends ClaimingWorker<Claimed> {
  private readonly recorder: DeliveryRecorder;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: WebhookWorkerOptions = DEFAULT_WEBHOOK_WORKER,
  ) {
    super('webhooks', { pollMs: options.pollMs, perTenant: options.perTenant, perNode: options.perNode, perKey: options.perEndpoint });
    this.recorder = new DeliveryRecorder(dataSource, options.disableAfterMs);
  }

  protected async dueTenants(): Promise<string[]> {
    return companiesFrom(this.dataSource, 'webhook_due_tenants', 1000, this.busyKeys());
  }

  protected keyOf(d: Claimed): string {
    return d.endpoint_id;
  }

  protected describe(d: Claimed): string {
    return `delivery ${d.id}`;
  }

  /**
   * One statement after BEGIN: locks up to `limit` due deliveries (SKIP
   * LOCKED), keeps of each endpoint what it has room for on this node (the
   * other rows are unlocked at commit) and leases them. The values are
   * inlined (UUIDs this node holds, integers), so the statement goes with
   * setting the tenant.
   */
  protected claim(tenantId: string, limit: number): Promise<Claimed[]> {
    const used = this.keysInUse();
    const uuids = (ids: string[]) => `ARRAY[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`;
    if (!used.every(([id]) => CANONICAL_UUID.test(id))) throw new Error('webhooks: an endpoint id is not a UUID');
    return claimInTenant<Claimed>(
      this.dataSource,
      tenantId,
      'webhooks',
      `WITH due AS (
                 SELECT d.id, d.endpoint_id, d.next_attempt_at, d.seq FROM webhook_deliveries d
                   JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id AND e.enabled
                  WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND d.endpoint_id <> ALL (${uuids(this.busyKeys())})
                    AND NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries p
                       WHERE p.tenant_id = d.tenant_id AND p.endpoint_id = d.endpoint_id AND p.complaint_id = d.complaint_id
                         AND p.status = 'PENDING' AND (p.seq < d.seq OR (p.seq = d.seq AND p.created_at < d.created_at)))
                  ORDER BY d.next_attempt_at, d.seq
                  LIMIT ${Math.trunc(limit)}
                  FOR UPDATE OF d SKIP LOCKED
               ), ranked AS (
                 SELECT due.id, row_number() OVER (PARTITION BY due.endpoint_id ORDER BY due.next_attempt_at, due.seq) AS n,
                        ${Math.trunc(this.options.perEndpoint)} - coalesce(u.used, 0) AS room
                   FROM due LEFT JOIN unnest(${uuids(used.map(([id]) => id))}, ARRAY[${used.map(([, n]) => Math.trunc(n)).join(',')}]::int[])
                        AS u(endpoint_id, used) ON u.endpoint_id = due.endpoint_id
               )
               UPDATE webhook_deliveries d
                  SET next_attempt_at = now() + make_interval(secs => ${Math.trunc(this.options.leaseMs)}::float8 / 1000), attempts = d.attempts + 1
                 FROM ranked k, webhook_endpoints e
                WHERE d.id = k.id AND k.n <= k.room AND e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
               RETURNING d.id, d.endpoint_id, d.complaint_id, d.seq, d.event_id::text, d.payload, d.attempts,
                         e.url, e.secret, e.previous_secret, e.previous_secret_until`,
    );
  }

  protected async send(tenantId: string, d: Claimed, release: () => void): Promise<SendOutcome> {
    const id = `evt_${d.event_id}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets =
      d.previous_secret && d.previous_secret_until && d.previous_secret_until.getTime() > Date.now()
        ? [d.secret, d.previous_secret]
        : [d.secret];
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, id, timestamp, d.payload),
    };
    const result = await postWebhook(d.url, headers, d.payload, this.options);
    // The slot is free once the endpoint answered: the delivery stays leased (and its complaint's next one
    // waits) until the outcome is recorded.
    release();
    const recorded = await this.recorder.record(tenantId, {
      deliveryId: d.id,
      attempts: d.attempts,
      result,
      retryInMs: this.options.retryDelaysMs[d.attempts - 1],
    });
    return !recorded ? null : delivered(result) ? 'delivered' : 'failed';
  }
}
