import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum MailboxSecurity {
  TLS = 'TLS',
  STARTTLS = 'STARTTLS',
  NONE = 'NONE',
}
registerEnumType(MailboxSecurity, {
  name: 'MailboxSecurity',
  description:
    'TLS: encrypted from the start (IMAPS, usually port 993); STARTTLS: plain, then encrypted before signing in (usually 143); ' +
    'NONE: never encrypted (only where MAILBOXES_ALLOW_INSECURE allows it: development and tests)',
});

export enum MailboxError {
  UNREACHABLE = 'UNREACHABLE',
  TLS = 'TLS',
  LOGIN_FAILED = 'LOGIN_FAILED',
  FOLDER_MISSING = 'FOLDER_MISSING',
  ADDRESS_NOT_ALLOWED = 'ADDRESS_NOT_ALLOWED',
  KEY_CHANGED = 'KEY_CHANGED',
  OTHER = 'OTHER',
}
registerEnumType(MailboxError, {
  name: 'MailboxError',
  description:
    'Why the last read failed: UNREACHABLE (no connection, or it timed out), TLS (no encryption, or a certificate not valid for the host), ' +
    'LOGIN_FAILED, FOLDER_MISSING, ADDRESS_NOT_ALLOWED (a private or loopback address), KEY_CHANGED (the password must be entered again: ' +
    "the nodes' key changed), OTHER",
});

/** A company's own mailbox, read over IMAP (docs/email.md#the-companys-own-mailbox-imap). Never carries the password. */
@ObjectType({ simpleResolvers: true })
@Entity('mail_mailboxes')
export class MailMailbox {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field()
  @Column('text')
  host!: string;

  @Field(() => Int)
  @Column('integer')
  port!: number;

  @Field(() => MailboxSecurity)
  @Column('text')
  security!: MailboxSecurity;

  @Field()
  @Column('text')
  username!: string;

  @Column('bytea')
  passwordSealed!: Buffer;

  @Field()
  @Column('text')
  folder!: string;

  @Field({ description: 'false: kept, but not read' })
  @Column('boolean')
  enabled!: boolean;

  @Column('numeric', { precision: 20, nullable: true })
  uidValidity!: string | null;

  @Column('bigint', { nullable: true })
  lastUid!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it is read next' })
  @Column('timestamptz', { nullable: true })
  nextPollAt!: Date | null;

  @Field(() => Int, { description: 'Reads that failed in a row (each waits longer before the next, up to an hour)' })
  @Column('integer')
  failures!: number;

  @Field(() => MailboxError, { nullable: true, description: 'Why the last read failed; null when it succeeded' })
  @Column('text', { nullable: true })
  lastErrorCode!: MailboxError | null;

  @Field(() => String, { nullable: true, description: 'What the server or the connection said (as it said it)' })
  @Column('text', { nullable: true })
  lastErrorDetail!: string | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  lastPolledAt!: Date | null;

  @Field(() => Int, { description: 'Mails taken from it so far' })
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  fetched!: number;

  @Field()
  @Column('timestamptz')
  updatedAt!: Date;
}
