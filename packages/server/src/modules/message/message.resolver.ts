import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from 'type-graphql';
import { Action } from '../../auth/permissions.js';
import { Allow } from '../../auth/allow.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { ArrayMaxSize, IsOptional } from 'class-validator';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { MAX_FILES_PER_MESSAGE } from '../attachment/file-types.js';
import { Visibility } from '../complaint/complaint.enums.js';
import { User } from '../user/user.entity.js';
import { Message } from './message.entity.js';
import { addStaffMessage } from './message.service.js';

@InputType()
export class AddMessageInput {
  @Field(() => ID)
  @IsEntityId()
  complaintId!: string;

  @Field()
  @PlainText({ max: 10_000 })
  body!: string;

  @Field(() => Visibility)
  visibility!: Visibility;

  @Field(() => Boolean, {
    nullable: true,
    description: 'A public reply that asks the customer something: the SLA clocks pause until they answer (the legal deadline runs on)',
  })
  awaitCustomer?: boolean | null;

  @Field(() => [ID], { nullable: true, description: `Files uploaded to /uploads; at most ${MAX_FILES_PER_MESSAGE}` })
  @IsOptional()
  @ArrayMaxSize(MAX_FILES_PER_MESSAGE, { message: `attachmentIds: at most ${MAX_FILES_PER_MESSAGE} files` })
  @IsEntityId({ each: true })
  attachmentIds?: string[] | null;
}

@Resolver(() => Message)
export class MessageResolver {
  @Allow(Action.ADD_MESSAGE)
  @Mutation(() => Message, { description: 'A public reply (the customer sees it) or an internal note' })
  async addMessage(@Arg('input') input: AddMessageInput, @Ctx() gql: GraphQLContext): Promise<Message> {
    return addStaffMessage(await gql.staff(), input);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The staff author; null for the customer' })
  async author(@Root() m: Message, @Ctx() gql: GraphQLContext) {
    return m.authorUserId ? (await gql.staff()).loaders.user.load(m.authorUserId) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The integration that wrote it (authorKind INTEGRATION)' })
  async integrationName(@Root() m: Message, @Ctx() gql: GraphQLContext): Promise<string | null> {
    return m.authorIntegrationId ? ((await (await gql.staff()).loaders.integration.load(m.authorIntegrationId))?.name ?? null) : null;
  }
}
