import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { GraphQLContext, type ServerDeps } from '../graphql/context.js';
import { AppError, codedError } from '../graphql/errors.js';
import { UnitOfWork } from '../db/unit-of-work.js';
import type { Feed } from './feeds.js';
import type { ComplaintEvent } from './events.js';
import { FairQueue } from './fair-queue.js';
import { Tally, over } from '../http/tally.js';
import { tooMany, type LiveLimits } from './live-limits.js';
import type { LiveSocket, UnsentBytes } from './unsent-bytes.js';
import { log } from '../ops/log.js';

/** What a subscriber asked for, already parsed, validated and normalised. */
export interface SubscriptionRequest {
  schema: GraphQLSchema;
  /** The one operation to run, unnamed, with its fragments. */
  document: DocumentNode;
  /** The document printed (formatting, comments and the operation's name gone; aliases kept): part of the group key. */
  normalised: string;
  variables?: Record<string, unknown> | null;
  /** The variables' values after coercion, in the document's order: part of the group key. */
  coercedVariables: Record<string, unknown>;
}

/** Who holds a subscription: a staff member (caps per user and per company) or an anonymous portal visitor (caps per address). */
export interface SubscriptionOwner {
  userId: string | null;
  address: string;
}

/** Staff count per user, anonymous visitors per client address: a whole office behind one address is not one caller. */
const ownerKey = (o: SubscriptionOwner) => (o.userId ? `user:${o.userId}` : `address:${o.address}`);

const tallyOf = (map: Map<string, Tally>, key: string): Tally => {
  let tally = map.get(key);
  if (!tally) map.set(key, (tally = new Tally()));
  return tally;
};

/** Events executed at the same time (each holds a pooled connection): a burst must not starve HTTP requests of the pool. */
const MAX_CONCURRENT_DELIVERIES = 4;
/** Executions one company runs per turn, in one unit of work, before the next company's turn. */
const QUANTUM = 8;

/**
 * The subscribers that share one execution per event: same tenant, same
 * document and variables, same audience (roles and departments, or
 * "customer"), and so the same feed filter.
 */
class Group {
  readonly subscribers = new Set<Subscriber>();
  constructor(
    readonly key: string,
    readonly request: SubscriptionRequest,
    readonly feed: Feed,
  ) {}
}

/** One execution waiting for its company's turn: a group's payload for one event. */
interface Job {
  group: Group;
  event: ComplaintEvent;
  done(): void;
}

/**
 * Where a subscriber's results go: its socket and the subscription's id.
 * The hub serialises a group's result once and writes it to every member's
 * socket as a graphql-ws `next` frame, instead of having graphql-ws
 * serialise it per subscriber through an async iterator.
 */
export interface DirectSink {
  id: string;
  socket: LiveSocket;
}

/**
 * One subscription as graphql-ws sees it: an async generator that yields
 * nothing until it ends (results go straight to the socket), then at most
 * one error, so that graphql-ws sends `next` with it and `complete`.
 */
export class Subscriber implements AsyncGenerator<ExecutionResult, undefined> {
  private readonly prefix: Buffer;
  private final?: ExecutionResult;
  private waiting?: (r: IteratorResult<ExecutionResult, undefined>) => void;
  private done = false;

  constructor(
    private readonly leave: (s: Subscriber) => void,
    private readonly sink: DirectSink,
    private readonly unsent: UnsentBytes,
  ) {
    this.prefix = Buffer.from(`{"id":${JSON.stringify(sink.id)},"type":"next","payload":`);
  }

  /** Writes one result, serialised once for the whole group as `payload`, within the unsent-bytes budgets. */
  push(payload: Buffer): void {
    if (!this.done) this.unsent.send(this.sink.socket, this.prefix, payload);
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
 * tenant and actor). Executions wait in a queue per company and take
 * delivery slots round-robin across companies (FairQueue).
 */
export class SubscriptionHub {
  private readonly byTenant = new Map<string, Map<string, Group>>();
  private readonly listening = new Map<string, Promise<void>>();
  private readonly queue: FairQueue<Job>;
  /** Staff subscriptions and staff groups per company (portal visitors are counted per address instead, see admit). */
  private readonly staffSubscriptions = new Tally();
  private readonly staffGroups = new Tally();
  private readonly perOwner = new Tally();
  /** Per owner, the groups its subscriptions are in (and how many of them in each). */
  private readonly ownerGroups = new Map<string, Tally>();
  /** Subscriptions that passed `precheck` and are opening their feed, counted against the caps as if joined (see precheck). */
  private readonly openingSubscriptions = new Tally();
  private readonly openingStaff = new Tally();
  /** Documents (by group-key prefix) being opened that would be new groups, per company and per owner. */
  private readonly openingGroups = new Map<string, Tally>();
  private readonly openingOwnerGroups = new Map<string, Tally>();
  /**
   * Per event delivered: executions run, results pushed, executions skipped
   * because every subscriber of the group had left, executions refused
   * because the company's queue was full (their subscribers are ended).
   */
  readonly stats = { events: 0, executions: 0, pushed: 0, skipped: 0, dropped: 0 };

  constructor(
    private readonly deps: ServerDeps,
    private readonly hooks: HubHooks,
    private readonly limits: LiveLimits,
    private readonly unsent: UnsentBytes,
  ) {
    this.queue = new FairQueue<Job>(
      {
        slots: MAX_CONCURRENT_DELIVERIES,
        quantum: QUANTUM,
        maxPending: limits.pendingExecutionsPerTenant,
        perSecond: limits.executionsPerSecondPerTenant,
      },
      (tenantId, jobs) => this.runTurn(jobs),
    );
  }

  /** Subscriptions on this node. */
  get size(): number {
    let n = 0;
    for (const groups of this.byTenant.values()) for (const g of groups.values()) n += g.subscribers.size;
    return n;
  }

  /** Executions waiting for their company's turn. */
  get pending(): number {
    return this.queue.pending;
  }

  /** Tenants with subscribers on this node (whose topics it listens to). */
  tenants(): string[] {
    return [...this.byTenant.keys()];
  }

  /**
   * Joins the subscriber to its group at once (RATE_LIMITED past a cap);
   * `ready` resolves once this node receives the tenant's events.
   */
  subscribe(
    request: SubscriptionRequest,
    feed: Feed,
    sink: DirectSink,
    owner: SubscriptionOwner,
  ): { subscriber: Subscriber; ready: Promise<Subscriber> } {
    const { tenantId } = feed;
    const key = JSON.stringify([request.normalised, request.coercedVariables, feed.audience]);
    const who = ownerKey(owner);
    const group = this.byTenant.get(tenantId)?.get(key);
    let ownGroups = this.ownerGroups.get(who);
    this.admit(tenantId, owner, !group, !ownGroups?.get(key));
    const joined = group ?? this.openGroup(key, request, feed);
    const subscriber = new Subscriber((s) => this.leave(tenantId, joined, s, who), sink, this.unsent);
    joined.subscribers.add(subscriber);
    if (owner.userId) this.staffSubscriptions.add(tenantId);
    this.perOwner.add(who);
    if (!ownGroups) this.ownerGroups.set(who, (ownGroups = new Tally()));
    ownGroups.add(key);
    return { subscriber, ready: this.listening.get(tenantId)!.then(() => subscriber) };
  }

  /**
   * Throws what `subscribe` would surely throw for this document and these
   * variables, before the caller opens the feed: a subscription past a cap
   * costs no database work. (One that might join an existing group, of
   * another audience, is left to `subscribe`.) Passing reserves its place
   * under the caps until the returned function is called, which the caller
   * does just before `subscribe` or when it gives up: a burst of subscribe
   * messages whose feeds are still opening cannot pass a cap together.
   */
  precheck(owner: SubscriptionOwner, tenantId: string | null, normalised: string, variables: Record<string, unknown>): () => void {
    const prefix = `${JSON.stringify([normalised, variables]).slice(0, -1)},`;
    const like = (keys: Iterable<string>) => {
      for (const k of keys) if (k.startsWith(prefix)) return true;
      return false;
    };
    const who = ownerKey(owner);
    const tenant = tenantId ?? '';
    const newGroup = !tenantId || (!like(this.byTenant.get(tenantId)?.keys() ?? []) && !this.openingGroups.get(tenant)?.get(prefix));
    const newToOwner = !like(this.ownerGroups.get(who)?.keys() ?? []) && !this.openingOwnerGroups.get(who)?.get(prefix);
    this.admit(tenant, owner, newGroup, newToOwner);
    const counts: Array<[Tally, string]> = [[this.openingSubscriptions, who]];
    if (owner.userId) counts.push([this.openingStaff, tenant]);
    if (owner.userId && newGroup) counts.push([tallyOf(this.openingGroups, tenant), prefix]);
    if (newToOwner) counts.push([tallyOf(this.openingOwnerGroups, who), prefix]);
    for (const [tally, key] of counts) tally.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [tally, key] of counts) tally.add(key, -1);
      for (const map of [this.openingGroups, this.openingOwnerGroups]) for (const [k, t] of map) if (!t.size) map.delete(k);
    };
  }

  /** Queues the event's execution for every interested group, in its company's queue. */
  async deliver(event: ComplaintEvent): Promise<void> {
    const groups = [...(this.byTenant.get(event.tenantId)?.values() ?? [])].filter((g) => g.feed.matches(event));
    this.stats.events++;
    await Promise.all(
      groups.map(
        (group) =>
          new Promise<void>((done) => {
            if (this.queue.offer(event.tenantId, { group, event, done })) return;
            // Refused rather than silently lost: the subscribers learn that they missed events and resubscribe to catch up.
            this.stats.dropped++;
            const behind = new AppError('RATE_LIMITED', 'live updates of this company are too far behind; subscribe again to catch up', {
              reason: 'LIVE_QUEUE_FULL',
            });
            for (const s of [...group.subscribers]) s.end(behind);
            done();
          }),
      ),
    );
  }

  /** Ends every subscription (shutdown): their clients get `complete` and may resubscribe elsewhere. */
  endAll(): void {
    for (const groups of this.byTenant.values()) {
      for (const group of groups.values()) for (const s of [...group.subscribers]) s.end();
    }
  }

  /**
   * Throws RATE_LIMITED if one more subscription (in a new group, or one
   * new to its owner) passes a cap. The company's caps count its staff only:
   * anonymous visitors, capped per address, cannot use up a company's share.
   */
  private admit(tenantId: string, owner: SubscriptionOwner, newGroup: boolean, newToOwner: boolean): void {
    const l = this.limits;
    const who = ownerKey(owner);
    const mine = this.perOwner.get(who) + this.openingSubscriptions.get(who);
    if (owner.userId) {
      if (over(l.subscriptionsPerUser, mine)) throw tooMany('subscriptions', l.subscriptionsPerUser, 'per user');
      const staff = this.staffSubscriptions.get(tenantId) + this.openingStaff.get(tenantId);
      if (over(l.subscriptionsPerTenant, staff)) throw tooMany('subscriptions', l.subscriptionsPerTenant, 'per company');
      const groups = this.staffGroups.get(tenantId) + (this.openingGroups.get(tenantId)?.size ?? 0);
      if (newGroup && over(l.groupsPerTenant, groups)) throw tooMany('distinct subscription documents', l.groupsPerTenant, 'per company');
      return;
    }
    if (over(l.subscriptionsPerAddress, mine)) throw tooMany('subscriptions', l.subscriptionsPerAddress, 'per client address');
    const groups = (this.ownerGroups.get(who)?.size ?? 0) + (this.openingOwnerGroups.get(who)?.size ?? 0);
    if (newToOwner && over(l.groupsPerAddress, groups))
      throw tooMany('distinct subscription documents', l.groupsPerAddress, 'per client address');
  }

  private openGroup(key: string, request: SubscriptionRequest, feed: Feed): Group {
    let groups = this.byTenant.get(feed.tenantId);
    if (!groups) {
      this.byTenant.set(feed.tenantId, (groups = new Map()));
      this.listening.set(
        feed.tenantId,
        this.hooks.watch(feed.tenantId).catch((err) => {
          // Not fatal: the transport retries, and replays what it missed once it listens.
          log.error(`listening for tenant events failed: ${(err as Error).message}`);
        }),
      );
    }
    const group = new Group(key, request, feed);
    groups.set(key, group);
    if (feed.actor) this.staffGroups.add(feed.tenantId);
    return group;
  }

  /** One company's turn: its next few executions, in one unit of work; groups everyone has left are skipped. */
  private async runTurn(jobs: Job[]): Promise<void> {
    let uow: UnitOfWork | undefined;
    try {
      for (const { group, event } of jobs) {
        if (!group.subscribers.size) {
          this.stats.skipped++;
          continue;
        }
        uow ??= new UnitOfWork(this.deps.dataSource, undefined, { job: 'live-delivery' });
        const json = Buffer.from(JSON.stringify(await this.run(group, event, uow)));
        this.stats.executions++;
        for (const s of group.subscribers) s.push(json);
        this.stats.pushed += group.subscribers.size;
      }
    } finally {
      await uow?.finish(false).catch(() => undefined);
      for (const job of jobs) job.done();
    }
  }

  private async run(group: Group, event: ComplaintEvent, uow: UnitOfWork): Promise<ExecutionResult> {
    const { request, feed } = group;
    try {
      const result = await execute({
        schema: request.schema,
        document: request.document,
        variableValues: request.variables,
        rootValue: event,
        contextValue: GraphQLContext.forSubscription(this.deps, uow, feed.tenantId, feed.actor),
      });
      return result.errors ? { ...result, errors: result.errors.map(codedError) } : result;
    } catch (err) {
      return { errors: [codedError(err)] };
    }
  }

  private leave(tenantId: string, group: Group, subscriber: Subscriber, who: string): void {
    if (!group.subscribers.delete(subscriber)) return;
    if (group.feed.actor) this.staffSubscriptions.add(tenantId, -1);
    this.perOwner.add(who, -1);
    const ownGroups = this.ownerGroups.get(who);
    ownGroups?.add(group.key, -1);
    if (ownGroups && !ownGroups.size) this.ownerGroups.delete(who);
    if (group.subscribers.size) return;
    // Its waiting executions go at once: they would spend the company's budget and hold its queue's places for nobody.
    for (const job of this.queue.discard(tenantId, (j) => j.group === group)) {
      this.stats.skipped++;
      job.done();
    }
    if (group.feed.actor) this.staffGroups.add(tenantId, -1);
    const groups = this.byTenant.get(tenantId);
    groups?.delete(group.key);
    if (groups && !groups.size) {
      this.byTenant.delete(tenantId);
      this.listening.delete(tenantId);
      this.hooks.unwatch(tenantId);
    }
  }
}
