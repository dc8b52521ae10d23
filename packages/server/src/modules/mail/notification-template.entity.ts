import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NotificationAudience, NotificationEvent } from './notification-texts.js';

/** A company's own text of a notification (to the customer or to staff), in one language; where there is none the built-in text is used. */
@Entity('notification_templates')
export class NotificationTemplateRow {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('text')
  event!: NotificationEvent;

  @PrimaryColumn('text')
  locale!: string;

  @Column('text')
  subject!: string;

  @Column('text')
  body!: string;

  @Column('timestamptz')
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'The text a notification to the customer or to staff is written from (docs/email.md)' })
export class NotificationTemplate {
  @Field(() => NotificationEvent)
  event!: NotificationEvent;

  @Field(() => NotificationAudience, { description: 'Whom it is written for; each audience has its own placeholders (docs/email.md)' })
  audience!: NotificationAudience;

  @Field({ description: "ru or en: the company's language decides which is sent" })
  locale!: string;

  @Field({ description: "With placeholders; the complaint's number in brackets is put before it" })
  subject!: string;

  @Field({ description: 'Plain text with placeholders' })
  body!: string;

  @Field({ description: 'false: the built-in text' })
  custom!: boolean;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'A notification as it reads with example values' })
export class NotificationPreview {
  @Field()
  subject!: string;

  @Field()
  body!: string;
}
