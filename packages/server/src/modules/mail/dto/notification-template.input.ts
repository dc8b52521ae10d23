import { IsIn } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { PlainText } from '../../../graphql/validation.js';
import { NotificationEvent, type NotificationLocale } from '../notification-texts.js';

@InputType()
export class NotificationTemplateInput {
  @Field(() => NotificationEvent)
  event!: NotificationEvent;

  @Field(() => String, { description: 'ru or en' })
  @IsIn(['ru', 'en'])
  locale!: NotificationLocale;

  @Field()
  @PlainText({ min: 1, max: 200, singleLine: true })
  subject!: string;

  @Field()
  @PlainText({ min: 1, max: 10_000 })
  body!: string;
}
