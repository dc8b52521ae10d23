import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { NotificationEvent, type NotificationLocale } from '../notification-texts.js';

@InputType()
export class NotificationTemplateInput {
  @Field(() => NotificationEvent)
  event!: NotificationEvent;

  @Field(() => String, { description: 'ru or en' })
  @IsIn(['ru', 'en'])
  locale!: NotificationLocale;

  @Field()
  @IsString() @MinLength(1) @MaxLength(200)
  subject!: string;

  @Field()
  @IsString() @MinLength(1) @MaxLength(10_000)
  body!: string;
}

