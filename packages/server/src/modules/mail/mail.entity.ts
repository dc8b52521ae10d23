import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MailKind } from './mail.outbox.js';
import { MailError } from './mail-error.js';

export enum OutboundMailStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}
registerEnumType(OutboundMailStatus, {
  name: 'OutboundMailStatus',
  description: 'PENDING: to be sent or retried; FAILED: every retry failed',
});

export enum MailTransport {
  SMTP = 'SMTP',
  MAILBOX = 'MAILBOX',
}
registerEnumType(MailTransport, {
  name: 'MailTransport',
  description: 'SMTP: handed to the SMTP server (SMTP_URL); MAILBOX: kept in the development mailbox (no SMTP_URL)',
});

/** A mail to a customer or a staff member, written with the change that causes it and sent by the mail worker (docs/email.md). */
@ObjectType({ simpleResolvers: true })
@Entity('outbound_mails')
export class OutboundMail {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field(() => ID, { nullable: true })
  @Column('uuid', { nullable: true })
  complaintId!: string | null;

  @Field(() => MailKind, { description: 'Why the mail was written (docs/email.md)' })
  @Column('text')
  kind!: MailKind;

  @Field({ description: 'The recipient' })
  @Column('text')
  toAddress!: string;

  @Field()
  @Column('text')
  subject!: string;

  @Field({ description: 'The plain text sent' })
  @Column('text')
  bodyText!: string;

  /** The body holds a one-time link, blanked once the mail is sent or has failed. */
  @Column('boolean')
  bodySecret!: boolean;

  /** Written at most once per company under this key (queueMailOnce); null for every other mail. */
  @Column('text', { nullable: true })
  onceKey!: string | null;

  @Field(() => String, { nullable: true, description: 'Our Message-ID, fixed when the mail is first taken for sending' })
  @Column('text', { nullable: true })
  messageId!: string | null;

  @Field(() => OutboundMailStatus)
  @Column('text')
  status!: OutboundMailStatus;

  @Field(() => Int)
  @Column('integer')
  attempts!: number;

  @Column('timestamptz', { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => MailTransport, { nullable: true })
  @Column('text', { nullable: true })
  transport!: MailTransport | null;

  @Field(() => MailError, { nullable: true, description: 'Why the last failed attempt failed (a bounce included)' })
  @Column('text', { nullable: true })
  lastErrorCode!: MailError | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the last failed attempt was told (in English, as the mail server or the system said it)',
  })
  @Column('text', { nullable: true })
  lastErrorDetail!: string | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  sentAt!: Date | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  /** Read with the mail by the log's query (not a column). */
  @Field(() => String, { nullable: true, description: 'The number of the complaint the mail is about' })
  complaintNumber?: string | null;
}
