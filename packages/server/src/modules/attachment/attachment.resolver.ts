import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { ActorKind } from '../complaint/complaint.enums.js';
import { Message } from '../message/message.entity.js';
import { User } from '../user/user.entity.js';
import { Attachment } from './attachment.entity.js';

@Resolver(() => Attachment)
export class AttachmentResolver {
  @FieldResolver(() => String, { description: 'A signed download link, relative to the server, valid for at least an hour' })
  url(@Root() a: Attachment, @Ctx() gql: GraphQLContext): string {
    return gql.deps.files.url(a.tenantId, a.id);
  }

  @FieldResolver(() => ActorKind, { description: 'CUSTOMER or STAFF' })
  author(@Root() a: Attachment): ActorKind {
    return a.authorKind;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The staff member who attached it; null for the customer' })
  async uploadedBy(@Root() a: Attachment, @Ctx() gql: GraphQLContext) {
    return a.authorUserId ? (await gql.staff()).loaders.user.load(a.authorUserId) : null;
  }
}

@Resolver(() => Complaint)
export class ComplaintAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: 'Every file of the complaint (of the submission and of all messages), oldest first' })
  async attachments(@Root() c: Complaint, @Ctx() gql: GraphQLContext): Promise<Attachment[]> {
    return (await gql.staff()).loaders.attachments.load(c.id);
  }
}

@Resolver(() => Message)
export class MessageAttachmentsResolver {
  @FieldResolver(() => [Attachment])
  async attachments(@Root() m: Message, @Ctx() gql: GraphQLContext): Promise<Attachment[]> {
    const all = await (await gql.staff()).loaders.attachments.load(m.complaintId);
    return all.filter((a) => a.messageId === m.id);
  }
}
