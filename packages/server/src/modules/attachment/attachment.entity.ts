import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ActorKind } from '../complaint/complaint.enums.js';

@ObjectType({ simpleResolvers: true, description: 'A photo, video or document attached to a complaint or one of its messages' })
@Entity('attachments')
export class Attachment {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  /** Null while uploaded but not yet part of a submission or message. */
  @Column('uuid', { nullable: true })
  complaintId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The message that carried it; null for files of the submission itself' })
  @Column('uuid', { nullable: true })
  messageId!: string | null;

  @Field()
  @Column('text')
  fileName!: string;

  @Field({ description: 'Sniffed from the bytes, e.g. image/jpeg, application/pdf, video/mp4' })
  @Column('text')
  contentType!: string;

  @Field(() => Int, { description: 'Bytes' })
  @Column('int', { name: 'size_bytes' })
  size!: number;

  @Column('bytea')
  sha256!: Buffer;

  @Column('text')
  authorKind!: ActorKind;

  @Column('uuid', { nullable: true })
  authorUserId!: string | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  linkedAt!: Date | null;

  /** The uploader's address, for the quota of pending bytes per address. */
  @Column('text', { nullable: true })
  clientAddress!: string | null;
}
