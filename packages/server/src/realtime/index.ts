import type { Server } from 'node:http';
import type { DataSource } from 'typeorm';
import type { GraphQLSchema } from 'graphql';
import type { ServerDeps, SessionEnder } from '../graphql/context.js';
import { RateLimiter } from '../http/rate-limiter.js';
import { EventDispatcher } from './dispatcher.js';
import { parseEvent, topicOf } from './events.js';
import { SubscriptionHub } from './hub.js';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from './live-limits.js';
import { UnsentBytes } from './unsent-bytes.js';
import { DEFAULT_RELAY, OutboxPublisher, OutboxRelay, recentEvents, type RelayOptions } from './outbox.js';
import type { PubSub, PubSubListener } from './pubsub.js';
import { MemoryPubSub } from './pubsub-memory.js';
import { PostgresPubSub } from './pubsub-postgres.js';
import { RedisPubSub } from './pubsub-redis.js';
import { attachSubscriptions } from './ws-server.js';
import { log } from '../ops/log.js';

export type PubSubKind = 'memory' | 'postgres' | 'redis';

export interface RealtimeConfig {
  pubsub: PubSubKind;
  databaseUrl?: string;
  redisUrl?: string;
  relay?: Partial<RelayOptions>;
  limits?: Partial<LiveLimits>;
}

/** Every node listens here: a user's credentials changed, and their sockets are to be closed. */
const SESSIONS_TOPIC = 'reclaim_sessions';

interface SessionEnded {
  tenantId: string;
  userId: string;
  credentialsVersion: number;
}

/**
 * Everything between a commit and a socket, on one node: the outbox
 * publisher and relay, the pub/sub transport, the dispatcher that restores
 * each complaint's order, and the hub that runs subscriptions.
 */
export class Realtime implements SessionEnder {
  readonly pubsub: PubSub;
  readonly limits: LiveLimits;
  readonly unsent: UnsentBytes;
  readonly publisher: OutboxPublisher;
  readonly relay: OutboxRelay;
  readonly dispatcher: EventDispatcher;
  hub?: SubscriptionHub;
  private sockets?: ReturnType<typeof attachSubscriptions>;

  constructor(
    private readonly dataSource: DataSource,
    readonly config: RealtimeConfig,
  ) {
    this.limits = { ...DEFAULT_LIVE_LIMITS, ...config.limits };
    this.unsent = new UnsentBytes(this.limits);
    const listener: PubSubListener = {
      message: (topic, payload) => {
        if (topic === SESSIONS_TOPIC) {
          this.endSession(payload);
          return;
        }
        const event = parseEvent(payload);
        // A message on a tenant's topic that names another tenant is dropped, whoever sent it.
        if (!event || topicOf(event.tenantId) !== topic) {
          log.error(`dropped a malformed event on ${topic}`);
          return;
        }
        this.dispatcher.accept(event);
      },
      gap: (since) => void this.replay(since),
    };
    this.pubsub = createPubSub(config, listener);
    this.publisher = new OutboxPublisher(dataSource, this.pubsub);
    const relay = { ...DEFAULT_RELAY, ...config.relay };
    this.relay = new OutboxRelay(dataSource, this.pubsub, relay);
    // A missing predecessor is waited for as long as the relay takes to publish it, twice over.
    this.dispatcher = new EventDispatcher((event) => this.hub?.deliver(event) ?? Promise.resolve(), {
      holdMs: 2 * (relay.graceMs + relay.intervalMs),
      idleMs: 10 * 60_000,
    });
  }

  /** Serves subscriptions on `server` (both endpoints) and starts the relay. */
  attach(server: Server, deps: ServerDeps, schemas: { staff: GraphQLSchema; portal: GraphQLSchema }): void {
    // Payloads are computed for many subscribers at once: no per-request rate limits there.
    const hubDeps: ServerDeps = { ...deps, staffLimiter: RateLimiter.off, anonymousLimiter: RateLimiter.off };
    this.hub = new SubscriptionHub(
      hubDeps,
      {
        watch: (tenantId) => this.pubsub.listen(topicOf(tenantId)),
        unwatch: (tenantId) => {
          // Events missed while not listening must not be waited for when the tenant is watched again.
          this.dispatcher.forget(tenantId);
          this.pubsub.unlisten(topicOf(tenantId)).catch(() => undefined);
        },
      },
      this.limits,
      this.unsent,
    );
    this.pubsub.listen(SESSIONS_TOPIC).catch((err) => log.error(`listening for ended sessions failed: ${(err as Error).message}`));
    this.sockets = attachSubscriptions(server, {
      deps,
      hub: this.hub,
      limits: this.limits,
      unsent: this.unsent,
      endpoints: [
        { path: '/graphql', schema: schemas.staff, staff: true },
        { path: '/portal/graphql', schema: schemas.portal, staff: false },
      ],
    });
    this.relay.start();
  }

  /** A user's credentials changed (committed): their sockets on every node are closed with 4403. */
  ended(tenantId: string, userId: string, credentialsVersion: number): void {
    const message: SessionEnded = { tenantId, userId, credentialsVersion };
    this.pubsub
      .publish([{ topic: SESSIONS_TOPIC, payload: JSON.stringify(message) }])
      .catch((err) => log.error(`announcing an ended session failed: ${(err as Error).message}`));
  }

  socketCount(): number {
    return this.sockets?.socketCount() ?? 0;
  }

  /** Ends subscriptions and closes sockets (first step of a shutdown). */
  async closeSockets(): Promise<void> {
    await this.sockets?.close();
  }

  /** Publishes what was committed, stops the relay, closes the transport (after HTTP has drained). */
  async close(): Promise<void> {
    await this.publisher.flush();
    await this.relay.stop();
    await this.dispatcher.idle();
    this.dispatcher.close();
    this.unsent.close();
    await this.pubsub.close();
  }

  private endSession(payload: string): void {
    let m: SessionEnded;
    try {
      m = JSON.parse(payload);
    } catch {
      m = {} as SessionEnded;
    }
    if (typeof m.tenantId !== 'string' || typeof m.userId !== 'string' || !Number.isInteger(m.credentialsVersion)) {
      log.error('dropped a malformed session message');
      return;
    }
    this.sockets?.endSession(m.tenantId, m.userId, m.credentialsVersion);
  }

  /** The transport lost messages since `since`: what the outbox says was published meanwhile goes through again (duplicates are dropped). */
  private async replay(since: Date): Promise<void> {
    try {
      // The outage's length, not its start: the node's clock and the database's may differ.
      const seconds = (Date.now() - since.getTime()) / 1000 + 5;
      for await (const event of recentEvents(this.dataSource, this.hub?.tenants() ?? [], seconds)) this.dispatcher.accept(event);
    } catch (err) {
      log.error(`replay after a pub/sub outage failed: ${(err as Error).message}`);
    }
  }
}

function createPubSub(config: RealtimeConfig, listener: PubSubListener): PubSub {
  switch (config.pubsub) {
    case 'memory':
      return new MemoryPubSub(listener);
    case 'postgres':
      if (!config.databaseUrl) throw new Error('PUBSUB=postgres needs DATABASE_URL');
      return new PostgresPubSub(config.databaseUrl, listener);
    case 'redis':
      if (!config.redisUrl) throw new Error('PUBSUB=redis needs REDIS_URL');
      return new RedisPubSub(config.redisUrl, listener);
  }
}
