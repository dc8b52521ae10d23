import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
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

  @Field(() => Boolean, { nullable: true, description: 'A public reply that asks the customer something: the SLA clocks pause until they answer (the legal deadline runs on)' })
  awaitCustomer?: boolean | null;
}

@Resolver(() => Message)
export class MessageResolver {
  @Mutation(() => Message, { description: 'A public reply (the customer sees it) or an internal note' })
  async addMessage(@Arg('input') input: AddMessageInput, @Ctx() gql: GraphQLContext): Promise<Message> {
    return addStaffMessage(await gql.staff(), input);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The staff author; null for the customer' })
  async author(@Root() m: Message, @Ctx() gql: GraphQLContext) {
    return m.authorUserId ? (await gql.staff()).loaders.user.load(m.authorUserId) : null;
  }
}
