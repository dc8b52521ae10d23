import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { entityId } from '../../graphql/validation.js';
import { CreateWebhookEndpointInput, UpdateWebhookEndpointInput } from './dto/webhook.input.js';
import { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entity.js';
import {
  createEndpoint,
  deleteEndpoint,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  rotateSecret,
  updateEndpoint,
  type WebhookUrlPolicy,
} from './webhook.service.js';
import { DEFAULT_WEBHOOK_WORKER } from './webhook.worker.js';

@ObjectType({ simpleResolvers: true, description: 'An endpoint with its signing secret: shown this once' })
class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field({ description: 'whsec_…: verify the webhook-signature header with it (docs/integrations.md)' })
  secret!: string;
}

const policyOf = (gql: GraphQLContext): WebhookUrlPolicy => gql.deps.webhookUrls ?? DEFAULT_WEBHOOK_WORKER;

/** Webhook endpoints and their delivery log: managed by ADMIN, as the company's other settings. */
@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Allow(Action.MANAGE_SETTINGS)
  @Query(() => [WebhookEndpoint])
  async webhookEndpoints(@Ctx() gql: GraphQLContext): Promise<WebhookEndpoint[]> {
    return listEndpoints(await gql.staff());
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => WebhookEndpointWithSecret)
  async createWebhookEndpoint(
    @Arg('input') input: CreateWebhookEndpointInput,
    @Ctx() gql: GraphQLContext,
  ): Promise<WebhookEndpointWithSecret> {
    return createEndpoint(await gql.staff(), input, policyOf(gql));
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => WebhookEndpoint)
  async updateWebhookEndpoint(@Arg('input') input: UpdateWebhookEndpointInput, @Ctx() gql: GraphQLContext): Promise<WebhookEndpoint> {
    return updateEndpoint(await gql.staff(), input, policyOf(gql));
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => WebhookEndpointWithSecret, { description: 'A new secret; for a day deliveries are signed with the previous one too' })
  async rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<WebhookEndpointWithSecret> {
    return rotateSecret(await gql.staff(), entityId(id, 'id'));
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => Boolean, { description: 'With its deliveries and their log' })
  async deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<boolean> {
    return deleteEndpoint(await gql.staff(), entityId(id, 'id'));
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Query(() => [WebhookDelivery], { description: 'The delivery log of an endpoint, newest first' })
  async webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true }) status: WebhookDeliveryStatus | null,
    @Ctx() gql: GraphQLContext,
  ): Promise<WebhookDelivery[]> {
    return listDeliveries(await gql.staff(), entityId(endpointId, 'endpointId'), first, status);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => WebhookDelivery, { description: 'Sends it again as it was (same body and webhook-id), as a new delivery of the log' })
  async replayWebhookDelivery(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext): Promise<WebhookDelivery> {
    return replayDelivery(await gql.staff(), entityId(id, 'id'));
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => [WebhookAttempt], { description: 'Oldest first' })
  async attemptLog(@Root() d: WebhookDelivery, @Ctx() gql: GraphQLContext): Promise<WebhookAttempt[]> {
    return (await gql.staff()).loaders.webhookAttempts.load(d.id);
  }
}
