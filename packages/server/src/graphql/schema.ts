import { buildSchema } from 'type-graphql';
import { guardOperations } from '../auth/allow.js';
import { shareResults } from './shared-results.js';
import type { GraphQLSchema } from 'graphql';
import { DateTime } from './scalars.js';
import { TenantResolver } from '../modules/tenant/tenant.resolver.js';
import { LogRetentionResolver } from '../modules/tenant/log-retention.resolver.js';
import { DepartmentResolver } from '../modules/department/department.resolver.js';
import { UserResolver } from '../modules/user/user.resolver.js';
import { AccountResolver } from '../modules/account/account.resolver.js';
import { CategoryResolver } from '../modules/category/category.resolver.js';
import { ComplaintResolver, TimelineEventResolver } from '../modules/complaint/complaint.resolver.js';
import { CorrectiveActionResolver, EffectivenessCheckResolver } from '../modules/complaint/corrective-action.resolver.js';
import { ComplaintLinkResolver, RelatedComplaintsResolver } from '../modules/complaint/complaint-link.resolver.js';
import { MessageResolver } from '../modules/message/message.resolver.js';
import { ComplaintPortalResolver, PortalAttachmentResolver } from '../modules/complaint/complaint.portal-resolver.js';
import { AttachmentResolver, ComplaintAttachmentsResolver, MessageAttachmentsResolver } from '../modules/attachment/attachment.resolver.js';
import {
  ComplaintSubscriptionResolver,
  PortalSubscriptionResolver,
  StaffNotificationResolver,
  StageChangeResolver,
} from '../modules/complaint/complaint.subscriptions.js';

/**
 * type-graphql insists on a pub/sub for schemas with subscriptions. Ours
 * live in src/realtime (the hub executes each event once per group of
 * subscribers), so type-graphql's must never be used.
 */
const unused = () => {
  throw new Error('type-graphql pub/sub is not used: see src/realtime');
};
const notUsedPubSub = { publish: unused, subscribe: unused };

import { ComplaintSlaResolver, SlaBreachResolver, SlaPolicyViewResolver, SlaSettingsResolver } from '../modules/sla/sla.resolver.js';
import { ResponseTemplateResolver } from '../modules/template/template.resolver.js';
import { SavedViewResolver } from '../modules/saved-view/saved-view.resolver.js';
import { ComplaintBulkResolver } from '../modules/complaint/complaint.bulk-resolver.js';
import { IntegrationResolver } from '../modules/integration/integration.resolver.js';
import { WebhookDeliveryResolver, WebhookResolver } from '../modules/webhook/webhook.resolver.js';
import { CauseResolver, RejectionReasonResolver } from '../modules/cause/cause.resolver.js';
import { AnalysisResolver } from '../modules/analysis/analysis.resolver.js';
import { MailResolver } from '../modules/mail/mail.resolver.js';
import { MailboxResolver } from '../modules/mail/mailbox.resolver.js';
import { NotificationTemplateResolver } from '../modules/mail/notification-template.resolver.js';
import { NotificationSettingsResolver } from '../modules/mail/notification-settings.resolver.js';
import { SurveyAnswerResolver, SurveyResolver, SurveyResponseResolver, SurveyVersionResolver } from '../modules/survey/survey.resolver.js';
import { SurveyPortalResolver } from '../modules/survey/survey.portal-resolver.js';
import { SurveySubscriptionResolver } from '../modules/survey/survey.subscriptions.js';

const common = {
  scalarsMap: [{ type: Date, scalar: DateTime }],
  pubSub: notUsedPubSub,
  validate: { forbidUnknownValues: false },
  emitSchemaFile: false as const,
};

/** Both endpoints' schemas. They hold no node's state (what a resolver needs comes with its request's context), so apps in one process may share them. */
export interface Schemas {
  staff: GraphQLSchema;
  portal: GraphQLSchema;
}

export async function buildSchemas(): Promise<Schemas> {
  const [staff, portal] = await Promise.all([buildStaffSchema(), buildPortalSchema()]);
  return { staff, portal };
}

/** Staff and integrations: /graphql. */
export async function buildStaffSchema(): Promise<GraphQLSchema> {
  return guardOperations(
    shareResults(
      await buildSchema({
        ...common,
        resolvers: [
          TenantResolver,
          DepartmentResolver,
          UserResolver,
          AccountResolver,
          CategoryResolver,
          ComplaintResolver,
          CorrectiveActionResolver,
          EffectivenessCheckResolver,
          TimelineEventResolver,
          MessageResolver,
          RelatedComplaintsResolver,
          ComplaintLinkResolver,
          ComplaintSubscriptionResolver,
          StageChangeResolver,
          StaffNotificationResolver,
          SlaSettingsResolver,
          SlaPolicyViewResolver,
          SlaBreachResolver,
          ComplaintSlaResolver,
          ResponseTemplateResolver,
          SavedViewResolver,
          ComplaintBulkResolver,
          IntegrationResolver,
          WebhookResolver,
          WebhookDeliveryResolver,
          CauseResolver,
          RejectionReasonResolver,
          AnalysisResolver,
          AttachmentResolver,
          ComplaintAttachmentsResolver,
          MessageAttachmentsResolver,
          MailResolver,
          NotificationTemplateResolver,
          MailboxResolver,
          LogRetentionResolver,
          NotificationSettingsResolver,
          SurveyResolver,
          SurveyVersionResolver,
          SurveyResponseResolver,
          SurveyAnswerResolver,
          SurveySubscriptionResolver,
        ],
      }),
    ),
  );
}

/** Customers: /portal/graphql. Only portal types are reachable from here. */
export function buildPortalSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    ...common,
    resolvers: [ComplaintPortalResolver, PortalAttachmentResolver, PortalSubscriptionResolver, SurveyPortalResolver],
  });
}
