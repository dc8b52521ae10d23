import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { entityId } from '../../graphql/validation.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { clearMailAfterClosing } from './mail.after-closing.js';
import { InboundMailView, listInboundMails } from './mail.inbound-log.js';
import { MailTransport, OutboundMail, OutboundMailStatus } from './mail.entity.js';
import { listOutboundMails } from './mail.service.js';

@ObjectType({ simpleResolvers: true })
class OutboundMailLog {
  @Field(() => MailTransport, { description: 'How this server sends mail now: SMTP, or MAILBOX (kept here, the development mailbox)' })
  transport!: MailTransport;

  @Field(() => [OutboundMail], { description: 'Newest first' })
  mails!: OutboundMail[];
}

/** The company's outbound mail: read by ADMIN, as the company's other settings and logs. */
@Resolver()
export class MailResolver {
  @Allow(Action.MANAGE_SETTINGS)
  @Query(() => OutboundMailLog, { description: 'Mail sent to customers, newest first (docs/email.md)' })
  async outboundMails(
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('status', () => OutboundMailStatus, { nullable: true }) status: OutboundMailStatus | null,
    @Ctx() gql: GraphQLContext,
  ): Promise<OutboundMailLog> {
    const mails = await listOutboundMails(await gql.staff(), first, status);
    return { transport: gql.deps.mailTransport ?? MailTransport.MAILBOX, mails };
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Query(() => [InboundMailView], {
    description: 'Mail received for the company, newest first, with its SPF, DKIM and DMARC results (docs/email.md)',
  })
  async inboundMails(@Arg('first', () => Int, { defaultValue: 50 }) first: number, @Ctx() gql: GraphQLContext): Promise<InboundMailView[]> {
    return listInboundMails(await gql.staff(), first);
  }

  @Allow(Action.HANDLE_ESCALATIONS)
  @Mutation(() => Complaint, {
    description:
      'The mail the customer wrote after closing has been looked at: mailAfterClosingAt is cleared (on the timeline); on an unmarked complaint nothing changes',
  })
  async clearMailAfterClosing(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return clearMailAfterClosing(await gql.staff(), entityId(id, 'id'));
  }
}
