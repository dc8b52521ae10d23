import { IsIn, IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { Arg, Ctx, Field, InputType, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { PlainText } from '../../graphql/validation.js';
import { MailboxSecurity, MailMailbox } from './mailbox.entity.js';
import { getMailbox, readMailboxNow, removeMailbox, saveMailbox, type MailboxAccess } from './mailbox.service.js';

@InputType({ description: "The company's own mailbox, read over IMAP" })
export class MailboxInput {
  @Field({ description: "The IMAP server's host name (or address)" })
  @PlainText({ max: 253, singleLine: true })
  host!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @Field(() => MailboxSecurity)
  @IsIn(Object.values(MailboxSecurity))
  security!: MailboxSecurity;

  @Field()
  @PlainText({ max: 320, singleLine: true })
  username!: string;

  @Field(() => String, { nullable: true, description: 'Required the first time; left out, the saved password is kept. Never returned.' })
  @IsOptional()
  @MaxLength(500, { message: 'password must be at most 500 characters' })
  password?: string | null;

  @Field({ defaultValue: 'INBOX' })
  @PlainText({ max: 200, singleLine: true })
  folder!: string;

  @Field({ defaultValue: true })
  enabled!: boolean;
}

function access(gql: GraphQLContext): MailboxAccess {
  const mailboxes = gql.deps.mailboxes;
  if (!mailboxes) throw new Error('mailboxes: this server was built without mailbox access (ServerDeps.mailboxes)');
  return mailboxes;
}

/** The company's own mailbox: the admin's, as the company's other mail settings. */
@Resolver()
export class MailboxResolver {
  @Allow(Action.MANAGE_SETTINGS)
  @Query(() => MailMailbox, { nullable: true, description: "The company's own mailbox read over IMAP, if any (docs/email.md)" })
  async mailbox(@Ctx() gql: GraphQLContext): Promise<MailMailbox | null> {
    return getMailbox(await gql.staff());
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => MailMailbox, {
    description:
      'Saves the mailbox once a sign-in works and the folder opens; else BAD_USER_INPUT with MAILBOX_UNREACHABLE, MAILBOX_ADDRESS_NOT_ALLOWED, ' +
      'MAILBOX_TLS, MAILBOX_LOGIN_FAILED or MAILBOX_FOLDER_MISSING on its field, and nothing is saved',
  })
  async saveMailbox(@Arg('input') input: MailboxInput, @Ctx() gql: GraphQLContext): Promise<MailMailbox> {
    return saveMailbox(await gql.staff(), input, access(gql));
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => Boolean, { description: 'Stops reading the mailbox and forgets it (its password too); false when there was none' })
  async removeMailbox(@Ctx() gql: GraphQLContext): Promise<boolean> {
    return removeMailbox(await gql.staff());
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => MailMailbox, { description: 'Reads the mailbox within seconds rather than at its next turn' })
  async readMailboxNow(@Ctx() gql: GraphQLContext): Promise<MailMailbox> {
    return readMailboxNow(await gql.staff());
  }
}
