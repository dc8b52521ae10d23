import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { NotificationPreview, NotificationTemplate } from './notification-template.entity.js';
import { NotificationTemplateInput } from './dto/notification-template.input.js';
import {
  listNotificationTemplates,
  previewNotificationTemplate,
  resetNotificationTemplate,
  saveNotificationTemplate,
} from './notification-template.service.js';
import { NotificationEvent, type NotificationLocale } from './notification-texts.js';

/** The texts of notifications to customers and to staff: edited by those who edit response templates. */
@Resolver()
export class NotificationTemplateResolver {
  @Allow(Action.MANAGE_TEMPLATES)
  @Query(() => [NotificationTemplate], {
    description: 'Every notification, to the customer and to staff, in both languages (docs/email.md)',
  })
  async notificationTemplates(@Ctx() gql: GraphQLContext): Promise<NotificationTemplate[]> {
    return listNotificationTemplates(await gql.staff());
  }

  @Allow(Action.MANAGE_TEMPLATES)
  @Mutation(() => NotificationTemplate, { description: "The company's own text of a notification in one language" })
  async saveNotificationTemplate(
    @Arg('input') input: NotificationTemplateInput,
    @Ctx() gql: GraphQLContext,
  ): Promise<NotificationTemplate> {
    return saveNotificationTemplate(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_TEMPLATES)
  @Mutation(() => NotificationTemplate, { description: 'Back to the built-in text' })
  async resetNotificationTemplate(
    @Arg('event', () => NotificationEvent) event: NotificationEvent,
    @Arg('locale') locale: string,
    @Ctx() gql: GraphQLContext,
  ): Promise<NotificationTemplate> {
    return resetNotificationTemplate(await gql.staff(), event, locale as NotificationLocale);
  }

  @Allow(Action.MANAGE_TEMPLATES)
  @Query(() => NotificationPreview, { description: 'A text as it would read, with example values' })
  async previewNotificationTemplate(
    @Arg('input') input: NotificationTemplateInput,
    @Ctx() gql: GraphQLContext,
  ): Promise<NotificationPreview> {
    return previewNotificationTemplate(await gql.staff(), input);
  }
}
