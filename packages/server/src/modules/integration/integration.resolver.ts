import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { entityId } from '../../graphql/validation.js';
import { CreateIntegrationInput } from './dto/integration.input.js';
import { Integration } from './integration.entity.js';
import { createIntegration, listIntegrations, revokeIntegration } from './integration.service.js';

@ObjectType({ simpleResolvers: true, description: 'A new integration with its key: shown this once, only a hash of it is stored' })
class IssuedIntegration {
  @Field(() => Integration)
  integration!: Integration;

  @Field({ description: 'rk_<prefix>_<secret>: send it as `Authorization: Bearer <key>`' })
  key!: string;
}

/** Integrations (service accounts with API keys): managed by ADMIN, as the company's other settings. */
@Resolver(() => Integration)
export class IntegrationResolver {
  @Allow(Action.MANAGE_SETTINGS)
  @Query(() => [Integration], { description: 'Active ones first, newest first' })
  async integrations(@Ctx() gql: GraphQLContext): Promise<Integration[]> {
    return listIntegrations(await gql.staff());
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => IssuedIntegration)
  async createIntegration(@Arg('input') input: CreateIntegrationInput, @Ctx() gql: GraphQLContext): Promise<IssuedIntegration> {
    return createIntegration(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => Integration, { description: 'Its key is refused from the next request on' })
  async revokeIntegration(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<Integration> {
    return revokeIntegration(await gql.staff(), entityId(id, 'id'));
  }
}
