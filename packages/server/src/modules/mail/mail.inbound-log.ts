import { Field, ID, ObjectType } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { checkFirst } from '../../graphql/limits.js';

@ObjectType({ description: 'A mail the receiver took for the company, with what became of it (docs/email.md#inbound-mail)' })
export class InboundMailView {
  @Field(() => ID)
  id!: string;

  @Field()
  messageId!: string;

  @Field({ description: 'The From address, lower case' })
  fromAddress!: string;

  @Field()
  subject!: string;

  @Field({
    description:
      "THREADED, NEW_COMPLAINT, AUTOMATIC, BOUNCE, or TOO_LARGE: in the company's own mailbox, larger than MAIL_MAX_MB, left unread there",
  })
  outcome!: string;

  @Field(() => String, { nullable: true, description: 'How it found its complaint: REPLY_ADDRESS, REFERENCES or SUBJECT' })
  threadedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'The complaint it was attached to or became' })
  complaintNumber!: string | null;

  @Field({ description: 'It was a reply to a closed or rejected complaint (attached and flagged within the window, a REPEAT after it)' })
  afterClosing!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'SPF result (pass, fail, softfail, neutral, none, temperror, permerror); null: not checked',
  })
  spf!: string | null;

  @Field(() => String, { nullable: true, description: 'DKIM result (pass when any signature passes); null: not checked' })
  dkim!: string | null;

  @Field(() => String, { nullable: true, description: 'DMARC result; null: not checked or no author domain' })
  dmarc!: string | null;

  @Field(() => String, { nullable: true, description: "The sender domain's DMARC policy: reject, quarantine or none" })
  dmarcPolicy!: string | null;

  @Field()
  receivedAt!: Date;
}

/** The company's received mail, newest first. */
export async function listInboundMails(ctx: RequestContext, first: number): Promise<InboundMailView[]> {
  checkFirst(first);
  return ctx.query<InboundMailView>(
    `SELECT m.id, m.message_id AS "messageId", m.from_address AS "fromAddress", m.subject, m.outcome, m.threaded_by AS "threadedBy",
            c.number AS "complaintNumber", m.after_closing AS "afterClosing", m.spf, m.dkim, m.dmarc, m.dmarc_policy AS "dmarcPolicy",
            m.received_at AS "receivedAt"
       FROM inbound_mails m LEFT JOIN complaints c ON c.tenant_id = m.tenant_id AND c.id = m.complaint_id
      ORDER BY m.received_at DESC, m.id LIMIT $1`,
    [first],
  );
}
