import type { GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';
import type { Actor } from '../auth/actor.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { ComplaintEvent } from './events.js';

/**
 * A subscription, once allowed: whose events it may receive and which of
 * them. Subscribers with the same document, variables and `audience` (what
 * the payload's resolvers read of the actor) share one execution per event.
 */
export interface Feed {
  tenantId: string;
  actor: Actor | null;
  audience: string;
  matches(event: ComplaintEvent): boolean;
}

/** Checks, inside the subscribing unit of work, that the subscriber may open the feed; throws a coded AppError if not. */
export type FeedOpener = (gql: GraphQLContext, args: Record<string, unknown>) => Promise<Feed>;

/**
 * Declares a subscription in one place: on its resolver (which turns one
 * event into the payload), who may open it and which events reach it. The
 * subscription hub reads it from the schema (`feedsOf`).
 */
export const LiveFeed = (open: FeedOpener) => Extensions({ liveFeed: open });

/** The `subscribe` of every subscription: never called, as the hub opens subscriptions and runs their resolvers per event. */
export const servedByHub = (): never => {
  throw new Error('subscriptions are served over graphql-ws by the subscription hub');
};

/** The feed of each subscription of `schema`, by field name; a subscription declared without one fails here, at start. */
export function feedsOf(schema: GraphQLSchema): Record<string, FeedOpener> {
  const feeds: Record<string, FeedOpener> = {};
  for (const [name, field] of Object.entries(schema.getSubscriptionType()?.getFields() ?? {})) {
    const open = field.extensions?.liveFeed as FeedOpener | undefined;
    if (typeof open !== 'function') throw new Error(`subscription ${name} declares no @LiveFeed`);
    feeds[name] = open;
  }
  return feeds;
}
