import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { WebhookEventType } from './webhook.events.js';
import { WebhookAttemptError } from './attempt-error.js';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING: to be sent or retried; FAILED: every retry failed',
});

export enum WebhookDisabledReason {
  BY_ADMIN = 'BY_ADMIN',
  FAILING = 'FAILING',
}
registerEnumType(WebhookDisabledReason, {
  name: 'WebhookDisabledReason',
  description: 'FAILING: disabled after failing for days without a success',
});

/** An HTTPS address of the company's that receives signed events (Standard Webhooks). */
@ObjectType({ simpleResolvers: true })
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field()
  @Column('text')
  url!: string;

  @Field()
  @Column('text')
  description!: string;

  @Field(() => [WebhookEventType])
  @Column('text', { array: true })
  eventTypes!: WebhookEventType[];

  @Column('text')
  secret!: string;

  @Column('text', { nullable: true })
  previousSecret!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'After a rotation, deliveries carry a signature with the previous secret too until then',
  })
  @Column('timestamptz', { nullable: true })
  previousSecretUntil!: Date | null;

  @Field()
  @Column('boolean')
  enabled!: boolean;

  @Field(() => WebhookDisabledReason, { nullable: true })
  @Column('text', { nullable: true })
  disabledReason!: WebhookDisabledReason | null;

  @Field(() => Date, { nullable: true, description: 'Failing without a success since then' })
  @Column('timestamptz', { nullable: true })
  failingSince!: Date | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  @Field()
  @Column('timestamptz')
  updatedAt!: Date;
}

/** One event for one endpoint: its body is fixed when written, and every attempt is logged. */
@ObjectType({ simpleResolvers: true })
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field(() => ID)
  @Column('uuid')
  endpointId!: string;

  @Column('bigint')
  eventId!: string;

  @Field(() => ID)
  @Column('uuid')
  complaintId!: string;

  @Field(() => Int, { description: "The complaint's event sequence" })
  @Column('integer')
  seq!: number;

  @Field(() => WebhookEventType)
  @Column('text')
  eventType!: WebhookEventType;

  @Field({ description: 'The body as sent' })
  @Column('text')
  payload!: string;

  @Field(() => WebhookDeliveryStatus)
  @Column('text')
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  @Column('integer')
  attempts!: number;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The delivery this one replays' })
  @Column('uuid', { nullable: true })
  replayOf!: string | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}

/** One attempt of a delivery and what the endpoint answered. */
@ObjectType({ simpleResolvers: true })
@Entity('webhook_attempts')
export class WebhookAttempt {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  deliveryId!: string;

  @Field()
  @Column('timestamptz')
  at!: Date;

  @Field(() => Int)
  @Column('integer')
  durationMs!: number;

  @Field(() => Int, { nullable: true })
  @Column('integer', { nullable: true })
  statusCode!: number | null;

  @Field(() => WebhookAttemptError, {
    nullable: true,
    description: 'Why the attempt failed (HTTP_STATUS: an answer other than 2xx); null when it delivered',
  })
  @Column('text', { nullable: true })
  errorCode!: WebhookAttemptError | null;

  @Field(() => String, {
    nullable: true,
    description: 'The technical detail of an error without an answer, as the system gave it (English, at most 500 characters)',
  })
  @Column('text', { nullable: true })
  errorDetail!: string | null;

  @Field(() => String, { nullable: true, description: 'The start of the answer (at most 2 KiB)' })
  @Column('text', { nullable: true })
  responseBody!: string | null;
}
