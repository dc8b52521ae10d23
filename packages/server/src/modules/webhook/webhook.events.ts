import { registerEnumType } from 'type-graphql';

/** What an endpoint may subscribe to; the `type` of the payload is the value (docs/integrations.md#event-types). */
export enum WebhookEventType {
  COMPLAINT_RECEIVED = 'complaint.received',
  STAGE_CHANGED = 'complaint.stage_changed',
  ASSIGNED = 'complaint.assigned',
  PUBLIC_MESSAGE = 'complaint.public_message',
  SLA_AT_RISK = 'complaint.sla_at_risk',
  SLA_BREACHED = 'complaint.sla_breached',
  LEGAL_DEADLINE_BREACHED = 'complaint.legal_deadline_breached',
}
registerEnumType(WebhookEventType, { name: 'WebhookEventType', description: 'Events a webhook endpoint receives (docs/integrations.md)' });

/**
 * The webhook event of a timeline entry, or null for entries no endpoint
 * receives (internal notes, corrective actions, links…). The legal clock's
 * breach is an event of its own; its warning comes as an SLA warning with
 * `clock: LEGAL`.
 */
export function webhookEventOf(
  type: string,
  data: Record<string, unknown> | undefined,
  detail: Record<string, unknown> | undefined,
): WebhookEventType | null {
  switch (type) {
    case 'RECEIVED':
      return WebhookEventType.COMPLAINT_RECEIVED;
    case 'TRANSITIONED':
      return WebhookEventType.STAGE_CHANGED;
    case 'ASSIGNED':
      return WebhookEventType.ASSIGNED;
    case 'MESSAGE_ADDED':
      return data?.visibility === 'PUBLIC' ? WebhookEventType.PUBLIC_MESSAGE : null;
    case 'SLA_AT_RISK':
      return WebhookEventType.SLA_AT_RISK;
    case 'SLA_BREACHED':
      return detail?.target === 'LEGAL' ? WebhookEventType.LEGAL_DEADLINE_BREACHED : WebhookEventType.SLA_BREACHED;
    default:
      return null;
  }
}
