import { ArrayMaxSize, ArrayMinSize, ValidateNested } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { NotificationEvent } from '../notification-texts.js';

@InputType()
export class StaffNotificationSettingInput {
  @Field(() => NotificationEvent, { description: 'A staff event: STAFF_ASSIGNED, STAFF_SLA or STAFF_NEW_IN_INBOX' })
  event!: NotificationEvent;

  @Field()
  enabled!: boolean;
}

@InputType()
export class StaffNotificationSettingsInput {
  @Field(() => [StaffNotificationSettingInput], { description: 'The events to change; the others stay as they are' })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  settings!: StaffNotificationSettingInput[];
}
