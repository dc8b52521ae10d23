import { randomUUID } from 'node:crypto';
import { checkFirst } from '../../graphql/limits.js';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound } from '../../graphql/errors.js';
import { newWebhookSecret } from './signature.js';
import { checkUrl, type Resolver, type UrlRules } from './ssrf.js';
import { WebhookDelivery, WebhookDeliveryStatus, WebhookDisabledReason, WebhookEndpoint } from './webhook.entity.js';
import type { CreateWebhookEndpointInput, UpdateWebhookEndpointInput } from './dto/webhook.input.js';

/** How endpoint URLs are checked when saved (the same rules hold again at every connection). */
export interface WebhookUrlPolicy {
  rules: UrlRules;
  resolve: Resolver;
}

/** An endpoint with its signing secret, shown this once. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;
/** At most this many endpoints per company. */
export const MAX_ENDPOINTS = 20;

export function listEndpoints(ctx: RequestContext): Promise<WebhookEndpoint[]> {
  return ctx.manager.find(WebhookEndpoint, { order: { createdAt: 'ASC' } });
}

export async function createEndpoint(
  ctx: RequestContext,
  input: CreateWebhookEndpointInput,
  policy: WebhookUrlPolicy,
): Promise<EndpointWithSecret> {
  const url = await checkUrl(input.url, policy.rules, policy.resolve);
  // Serialises creations of one company, so the cap holds under concurrent requests.
  await ctx.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhook_endpoints:' || app_tenant_id()::text, 0))`);
  const [{ n }] = await ctx.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_endpoints');
  if (n >= MAX_ENDPOINTS)
    throw badInput(`a company has at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`, { reason: 'ENDPOINT_LIMIT' });
  const now = new Date();
  const secret = newWebhookSecret();
  const endpoint = ctx.manager.create(WebhookEndpoint, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    url: url.toString(),
    description: input.description.trim(),
    eventTypes: [...new Set(input.eventTypes)],
    secret,
    previousSecret: null,
    previousSecretUntil: null,
    enabled: true,
    disabledReason: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  });
  await ctx.manager.insert(WebhookEndpoint, endpoint);
  return { endpoint, secret };
}

async function lockEndpoint(ctx: RequestContext, id: string): Promise<WebhookEndpoint> {
  const endpoint = await ctx.manager.findOne(WebhookEndpoint, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!endpoint) throw notFound('webhook endpoint');
  return endpoint;
}

export async function updateEndpoint(
  ctx: RequestContext,
  input: UpdateWebhookEndpointInput,
  policy: WebhookUrlPolicy,
): Promise<WebhookEndpoint> {
  const endpoint = await lockEndpoint(ctx, input.id);
  const change: Partial<WebhookEndpoint> = { updatedAt: new Date() };
  if (input.url != null) change.url = (await checkUrl(input.url, policy.rules, policy.resolve)).toString();
  if (input.eventTypes != null) change.eventTypes = [...new Set(input.eventTypes)];
  if (input.enabled != null) {
    change.enabled = input.enabled;
    change.disabledReason = input.enabled ? null : WebhookDisabledReason.BY_ADMIN;
    if (input.enabled) change.failingSince = null;
  }
  await ctx.manager.update(WebhookEndpoint, { id: input.id }, change);
  return Object.assign(endpoint, change);
}

/** A new secret, shown once; the previous one keeps signing too for a day, so receivers can switch without losing deliveries. */
export async function rotateSecret(ctx: RequestContext, id: string): Promise<EndpointWithSecret> {
  const endpoint = await lockEndpoint(ctx, id);
  const secret = newWebhookSecret();
  const change = {
    secret,
    previousSecret: endpoint.secret,
    previousSecretUntil: new Date(Date.now() + ROTATION_OVERLAP_MS),
    updatedAt: new Date(),
  };
  await ctx.manager.update(WebhookEndpoint, { id }, change);
  return { endpoint: Object.assign(endpoint, change), secret };
}

/** Deletes the endpoint with its deliveries and their log. */
export async function deleteEndpoint(ctx: RequestContext, id: string): Promise<boolean> {
  await lockEndpoint(ctx, id);
  await ctx.manager.delete(WebhookEndpoint, { id });
  return true;
}

/** The delivery log of an endpoint, newest first. */
export async function listDeliveries(
  ctx: RequestContext,
  endpointId: string,
  first: number,
  status?: WebhookDeliveryStatus | null,
): Promise<WebhookDelivery[]> {
  checkFirst(first);
  if (!(await ctx.manager.existsBy(WebhookEndpoint, { id: endpointId }))) throw notFound('webhook endpoint');
  return ctx.manager.find(WebhookDelivery, {
    where: { endpointId, ...(status ? { status } : {}) },
    order: { createdAt: 'DESC', id: 'ASC' },
    take: first,
  });
}

/**
 * Sends a delivery again, as it was (same body, same `webhook-id`, so a
 * receiver that already has it can tell), as a new delivery in the log.
 */
export async function replayDelivery(ctx: RequestContext, id: string): Promise<WebhookDelivery> {
  const original = await ctx.manager.findOneBy(WebhookDelivery, { id });
  if (!original) throw notFound('webhook delivery');
  const replay = ctx.manager.create(WebhookDelivery, {
    ...original,
    id: randomUUID(),
    status: WebhookDeliveryStatus.PENDING,
    attempts: 0,
    nextAttemptAt: new Date(),
    deliveredAt: null,
    replayOf: original.replayOf ?? original.id,
    createdAt: new Date(),
  });
  await ctx.manager.insert(WebhookDelivery, replay);
  return replay;
}
