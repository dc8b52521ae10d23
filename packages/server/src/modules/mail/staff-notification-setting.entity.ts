import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NotificationEvent, type StaffEvent } from './notification-texts.js';

/** A staff member's own choice for one staff event; without a row, the default of their roles applies (docs/email.md#staff-notifications). */
@Entity('staff_notification_settings')
export class StaffNotificationSettingRow {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  userId!: string;

  @PrimaryColumn('text')
  event!: StaffEvent;

  @Column('boolean')
  enabled!: boolean;

  @Column('timestamptz')
  updatedAt!: Date;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Whether the signed-in staff member gets mail for one staff event (docs/email.md#staff-notifications)',
})
export class StaffNotificationSetting {
  @Field(() => NotificationEvent, { description: 'STAFF_ASSIGNED, STAFF_SLA or STAFF_NEW_IN_INBOX' })
  event!: StaffEvent;

  @Field({ description: 'Mail is written for this event' })
  enabled!: boolean;

  @Field({ description: "What the user's roles give without a choice of their own" })
  defaultEnabled!: boolean;

  @Field({ description: 'false: the default of the roles applies' })
  custom!: boolean;
}
