import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Allow, STAFF } from '../../auth/allow.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { StaffNotificationSettingsInput } from './dto/staff-notification-settings.input.js';
import { StaffNotificationSetting } from './staff-notification-setting.entity.js';
import { myNotificationSettings, setMyNotificationSettings } from './staff-notification-settings.js';

/** Which staff notifications by mail the signed-in staff member gets: everyone's own, nobody else's. */
@Resolver()
export class NotificationSettingsResolver {
  @Allow(STAFF)
  @Query(() => [StaffNotificationSetting], {
    description: "The signed-in user's mail settings for each staff event (docs/email.md#staff-notifications)",
  })
  async myNotificationSettings(@Ctx() gql: GraphQLContext): Promise<StaffNotificationSetting[]> {
    return myNotificationSettings(await gql.staff());
  }

  @Allow(STAFF)
  @Mutation(() => [StaffNotificationSetting], {
    description: "Turns the signed-in user's mail for staff events on or off; returns every setting",
  })
  async setMyNotificationSettings(
    @Arg('input') input: StaffNotificationSettingsInput,
    @Ctx() gql: GraphQLContext,
  ): Promise<StaffNotificationSetting[]> {
    return setMyNotificationSettings(await gql.staff(), input);
  }
}
