import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Allow, STAFF } from '../../auth/allow.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { entityId } from '../../graphql/validation.js';
import { ComplaintSortField, SortDirection } from '../complaint/complaint.order.js';
import { RenameViewInput, SaveViewInput } from './dto/saved-view.input.js';
import { BuiltInView, deleteView, listViews, renameView, saveView, type QueueView } from './saved-view.service.js';

registerEnumType(BuiltInView, {
  name: 'BuiltInView',
  description: "A view every staff member has; the console names it in the user's language",
});

@ObjectType('ComplaintOrdering', { simpleResolvers: true })
class ComplaintOrderingView {
  @Field(() => ComplaintSortField)
  field!: ComplaintSortField;

  @Field(() => SortDirection)
  direction!: SortDirection;
}

@ObjectType('SavedView', {
  simpleResolvers: true,
  description: "A named filter and order of the complaint queue: built in, or the signed-in user's own",
})
class SavedViewType implements QueueView {
  @Field(() => ID, { description: 'For a built-in view, its BuiltInView name' })
  id!: string;

  @Field({ description: 'As the user named it (a built-in view: its English name)' })
  name!: string;

  @Field(() => BuiltInView, { nullable: true, description: 'Set for a built-in view, which cannot be renamed or deleted' })
  builtIn!: BuiltInView | null;

  @Field(() => GraphQLJSONObject, { description: 'A ComplaintFilter, to pass as it is to `complaints(filter:)`' })
  filter!: Record<string, unknown>;

  @Field(() => ComplaintOrderingView, { description: 'To pass as it is to `complaints(orderBy:)`' })
  orderBy!: ComplaintOrderingView;
}

/** Saved views: every staff member keeps their own; nobody else (not even an ADMIN) sees them. */
@Resolver(() => SavedViewType)
export class SavedViewResolver {
  @Allow(STAFF)
  @Query(() => [SavedViewType], { description: "The built-in views, then the signed-in user's own by name" })
  async savedViews(@Ctx() gql: GraphQLContext): Promise<QueueView[]> {
    return listViews(await gql.staff());
  }

  @Allow(STAFF)
  @Mutation(() => SavedViewType, {
    description: 'CONFLICT (DUPLICATE) for a name the user has already; BAD_USER_INPUT (VIEW_LIMIT) past 50 views',
  })
  async saveView(@Arg('input') input: SaveViewInput, @Ctx() gql: GraphQLContext): Promise<QueueView> {
    return saveView(await gql.staff(), input);
  }

  @Allow(STAFF)
  @Mutation(() => SavedViewType, { description: "NOT_FOUND for another user's view; a built-in view's id is not one (BAD_USER_INPUT)" })
  async renameView(@Arg('input') input: RenameViewInput, @Ctx() gql: GraphQLContext): Promise<QueueView> {
    return renameView(await gql.staff(), input);
  }

  @Allow(STAFF)
  @Mutation(() => Boolean, { description: "NOT_FOUND for another user's view; a built-in view's id is not one (BAD_USER_INPUT)" })
  async deleteView(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<boolean> {
    return deleteView(await gql.staff(), entityId(id, 'id'));
  }
}
