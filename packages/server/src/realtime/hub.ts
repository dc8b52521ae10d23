import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { GraphQLContext, type ServerDeps } from '../graphql/context.js';
import { codedError } from '../graphql/errors.js';
import { UnitOfWork } from '../db/unit-of-work.js';
import type { Feed } from '../modules/complaint/complaint.feeds.js';
import type { ComplaintEvent } from './events.js';

/** What a subscriber asked for, already parsed and validated. */
export interface SubscriptionRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  /** The query text as sent, part of the group key. */
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Events executed at the same time (each holds a pooled connection): a burst must not starve HTTP requests of the pool. */
const MAX_CONCURRENT_DELIVERIES = 4;
/** Bytes waiting in a subscriber's socket beyond this mean it cannot keep up: it is ended with an error. */
const MAX_BUFFERED = 4 * 1024 * 1024;

/**
 * The subscribers that share one execution per event: same tenant, same
 * document and variables, same audience (roles and departments, or
 * "customer"), and so the same feed filter.
 */
class Group {
  readonly subscribers = new Set<Subscriber>();
  constructor(readonly key: string, readonly request: SubscriptionRequest, readonly feed: Feed) {}
}

/**
 * Where a subscriber's results go: its socket and the subscription's id.
 * The hub serialises a group's result once and writes it to every member's
 * socket as a graphql-ws `next` frame, instead of having graphql-ws
 * serialise it per subscriber through an async iterator.
 */
export interface DirectSink {
  id: string;
  socket: { send(data: string): void; readonly bufferedAmount: number; readonly readyState: number; readonly OPEN: number };
}

/**
 * One subscription as graphql-ws sees it: an async generator that yields
 * nothing until it ends (results go straight to the socket), then at most
 * one error, so that graphql-ws sends `next` with it and `complete`.
 */
export class Subscriber implements AsyncGenerator<ExecutionResult, undefined> {
  private readonly prefix: string;
  private final?: ExecutionResult;
  private waiting?: (r: IteratorResult<ExecutionResult, undefined>) => void;
  private done = false;

  constructor(private readonly leave: (s: Subscriber) => void, private readonly sink: DirectSink) {
    this.prefix = `{"id":${JSON.stringify(sink.id)},"type":"next","payload":`;
  }

  /** Writes one result, already serialised (once for the whole group) as `json`. */
  push(json: string): void {
    const { socket } = this.sink;
    if (this.done || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED) {
      this.end(new GraphQLError('this subscriber fell too far behind and was ended; subscribe again', { extensions: { code: 'RATE_LIMITED' } }));
      return;
    }
    socket.send(`${this.prefix}${json}}`);
  }

  next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    const value = this.final;
    if (value) {
      this.final = undefined;
      return Promise.resolve({ value, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    this.final = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<ExecutionResult, undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** Leaves the hub; the client gets `error` (if given) and `complete`. */
  end(error?: GraphQLError): void {
    if (this.done) return;
    this.done = true;
    this.leave(this);
    const final: ExecutionResult | undefined = error ? { errors: [error] } : undefined;
    const resolve = this.waiting;
    this.waiting = undefined;
    if (!resolve) this.final = final;
    else resolve(final ? { value: final, done: false } : { value: undefined, done: true });
  }
}

export interface HubHooks {
  /** The first subscriber of a tenant arrived on this node: start receiving its topic (resolves once listening). */
  watch(tenantId: string): Promise<void>;
  /** The last one left. */
  unwatch(tenantId: string): void;
}

/**
 * All subscriptions of this node, grouped so that each event is executed
 * once per group rather than once per subscriber, in one read-only unit of
 * work (row-level security applies: the payload is read as the group's
 * tenant and actor).
 */
export class SubscriptionHub {
  private readonly byTenant = new Map<string, Map<string, Group>>();
  private running = 0;
  private readonly listening = new Map<string, Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  /** Executions per event delivered, for the benchmark and operations. */
  readonly stats = { events: 0, executions: 0, pushed: 0 };

  constructor(private readonly deps: ServerDeps, private readonly hooks: HubHooks) {}

  /** Subscriptions on this node. */
  get size(): number {
    let n = 0;
    for (const groups of this.byTenant.values()) for (const g of groups.values()) n += g.subscribers.size;
    return n;
  }

  /** Tenants with subscribers on this node (whose topics it listens to). */
  tenants(): string[] {
    return [...this.byTenant.keys()];
  }

  /** Joins the subscriber to its group; resolves once this node receives the tenant's events. */
  async subscribe(request: SubscriptionRequest, feed: Feed, sink: DirectSink): Promise<Subscriber> {
    const key = JSON.stringify([request.query, request.operationName ?? null, request.variables ?? {}, feed.audience]);
    let groups = this.byTenant.get(feed.tenantId);
    if (!groups) {
      this.byTenant.set(feed.tenantId, (groups = new Map()));
      this.listening.set(feed.tenantId, this.hooks.watch(feed.tenantId).catch((err) => {
        // Not fatal: the transport retries, and replays what it missed once it listens.
        console.error(`listening for tenant events failed: ${(err as Error).message}`);
      }));
    }
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new Group(key, request, feed)));
    const joined = group;
    const subscriber = new Subscriber((s) => this.leave(feed.tenantId, joined, s), sink);
    group.subscribers.add(subscriber);
    await this.listening.get(feed.tenantId);
    return subscriber;
  }

  /** Computes the event's payload once per interested group and hands it to every member. */
  async deliver(event: ComplaintEvent): Promise<void> {
    const groups = [...(this.byTenant.get(event.tenantId)?.values() ?? [])].filter((g) => g.feed.matches(event));
    this.stats.events++;
    if (!groups.length) return;
    // A finishing delivery hands its slot straight to the next waiting one.
    if (this.running >= MAX_CONCURRENT_DELIVERIES) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    const uow = new UnitOfWork(this.deps.dataSource, undefined, { job: 'live-delivery' });
    try {
      for (const group of groups) {
        const result = await this.run(group, event, uow);
        const json = JSON.stringify(result);
        this.stats.executions++;
        for (const s of group.subscribers) s.push(json);
        this.stats.pushed += group.subscribers.size;
      }
    } finally {
      await uow.finish(false).catch(() => undefined);
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Ends every subscription (shutdown): their clients get `complete` and may resubscribe elsewhere. */
  endAll(): void {
    for (const groups of this.byTenant.values()) {
      for (const group of groups.values()) for (const s of [...group.subscribers]) s.end();
    }
  }

  private async run(group: Group, event: ComplaintEvent, uow: UnitOfWork): Promise<ExecutionResult> {
    const { request, feed } = group;
    try {
      const result = await execute({
        schema: request.schema,
        document: request.document,
        operationName: request.operationName,
        variableValues: request.variables,
        rootValue: event,
        contextValue: GraphQLContext.forSubscription(this.deps, uow, feed.tenantId, feed.actor),
      });
      return result.errors ? { ...result, errors: result.errors.map(codedError) } : result;
    } catch (err) {
      return { errors: [codedError(err)] };
    }
  }

  private leave(tenantId: string, group: Group, subscriber: Subscriber): void {
    if (!group.subscribers.delete(subscriber) || group.subscribers.size) return;
    const groups = this.byTenant.get(tenantId);
    groups?.delete(group.key);
    if (groups && !groups.size) {
      this.byTenant.delete(tenantId);
      this.listening.delete(tenantId);
      this.hooks.unwatch(tenantId);
    }
  }
}

