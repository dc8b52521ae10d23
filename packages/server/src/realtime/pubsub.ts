/**
 * How events travel between server nodes. One small interface, three
 * transports: in-process (embedded mode, one node), PostgreSQL
 * LISTEN/NOTIFY (the default with PostgreSQL: no extra server) and Redis
 * (REDIS_URL, for larger deployments).
 *
 * Transports are at-most-once: a node whose connection drops misses what was
 * sent meanwhile. They say so through `gap`, and the dispatcher replays
 * those events from the outbox, so no committed event is lost for a
 * subscriber.
 */
export interface PubSubMessage {
  topic: string;
  payload: string;
}

export interface PubSubListener {
  message(topic: string, payload: string): void;
  /** The transport was disconnected since `since`: messages of that window may be missing. */
  gap(since: Date): void;
}

export interface PubSub {
  readonly kind: 'memory' | 'postgres' | 'redis';
  /** Whether messages from other nodes can arrive now (no outage in progress); readiness asks it. */
  readonly connected: boolean;
  /** Resolves once the transport has accepted every message (for NOTIFY: committed). */
  publish(messages: readonly PubSubMessage[]): Promise<void>;
  /** Starts receiving `topic` (idempotent). */
  listen(topic: string): Promise<void>;
  unlisten(topic: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs `send` for what was queued, one batch at a time: while a batch is in
 * flight new messages queue up and go together in the next one. Under no
 * load a message leaves at once; under load, one round trip (and, for
 * NOTIFY, one commit) carries many.
 */
export class Batcher<T> {
  private queue: Array<{ item: T; done: () => void; fail: (e: unknown) => void }> = [];
  private sending = false;

  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  add(items: readonly T[]): Promise<void> {
    if (!items.length) return Promise.resolve();
    const all = items.map((item) => new Promise<void>((done, fail) => this.queue.push({ item, done, fail })));
    this.pump();
    return Promise.all(all).then(() => undefined);
  }

  private pump(): void {
    if (this.sending || !this.queue.length) return;
    this.sending = true;
    const batch = this.queue.splice(0, this.maxBatch);
    this.send(batch.map((b) => b.item))
      .then(
        () => batch.forEach((b) => b.done()),
        (err) => batch.forEach((b) => b.fail(err)),
      )
      .finally(() => {
        this.sending = false;
        this.pump();
      });
  }
}
