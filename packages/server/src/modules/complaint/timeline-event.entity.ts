import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { ActorKind, Stage } from './complaint.enums.js';

/** One entry of a complaint's append-only audit trail. */
@ObjectType({ simpleResolvers: true })
@Entity('timeline_events')
export class TimelineEvent {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('bigint')
  id!: string;

  @Column('uuid')
  complaintId!: string;

  @Field({ description: 'RECEIVED, REGISTERED, TRANSITIONED, ASSIGNED, MESSAGE_ADDED, CORRECTIVE_ACTION_ADDED, ...' })
  @Column('text')
  type!: string;

  @Field(() => Stage, { nullable: true })
  @Column('text', { nullable: true })
  fromStage!: Stage | null;

  @Field(() => Stage, { nullable: true })
  @Column('text', { nullable: true })
  toStage!: Stage | null;

  @Field(() => ActorKind)
  @Column('text')
  actorKind!: ActorKind;

  @Column('uuid', { nullable: true })
  actorUserId!: string | null;

  @Column('uuid', { nullable: true })
  actorIntegrationId!: string | null;

  @Field(() => GraphQLJSONObject, { description: 'What changed, e.g. {"assigneeId": ..., "note": ...}' })
  @Column('jsonb')
  data!: Record<string, unknown>;

  @Field()
  @Column('timestamptz')
  at!: Date;
}
