import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { ActorKind, Visibility } from '../complaint/complaint.enums.js';

@ObjectType({ simpleResolvers: true, description: 'A public reply (the customer sees it) or an internal note' })
@Entity('messages')
export class Message {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field(() => ID)
  @Column('uuid')
  complaintId!: string;

  @Field(() => Visibility)
  @Column('text')
  visibility!: Visibility;

  @Field(() => ActorKind)
  @Column('text')
  authorKind!: ActorKind;

  @Column('uuid', { nullable: true })
  authorUserId!: string | null;

  @Column('uuid', { nullable: true })
  authorIntegrationId!: string | null;

  @Field()
  @Column('text')
  body!: string;

  @Field({ description: 'A public reply that asks the customer something: the SLA clocks wait for their answer' })
  @Column('boolean')
  asksCustomer!: boolean;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}
