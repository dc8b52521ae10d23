import { ArrayMaxSize, ArrayMinSize, IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';
import { WebhookEventType } from '../webhook.events.js';

@InputType()
export class CreateWebhookEndpointInput {
  @Field({ description: 'https:// only; its addresses must be public (checked again at every delivery)' })
  @PlainText({ max: 2000, singleLine: true })
  url!: string;

  @Field({ defaultValue: '' })
  @PlainText({ max: 200, min: 0, singleLine: true })
  description!: string;

  @Field(() => [WebhookEventType])
  @ArrayMinSize(1, { message: 'choose at least one event type' })
  @ArrayMaxSize(20)
  eventTypes!: WebhookEventType[];
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 2000, singleLine: true })
  url?: string | null;

  @Field(() => [WebhookEventType], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1, { message: 'choose at least one event type' })
  eventTypes?: WebhookEventType[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Enabling again clears a FAILING state; deliveries waiting meanwhile are then sent',
  })
  @IsOptional()
  enabled?: boolean | null;
}
