import pg from 'pg';
import { Batcher, type PubSub, type PubSubListener, type PubSubMessage } from './pubsub.js';
import { log } from '../ops/log.js';
import { oneStatementAtATime } from '../db/one-at-a-time.js';

/** NOTIFY refuses payloads of 8000 bytes or more. */
const MAX_PAYLOAD = 7999;

/**
 * PostgreSQL LISTEN/NOTIFY on two dedicated connections, outside the pool.
 *
 * NOTIFY is sent after the writer's transaction committed, from its own
 * connection, batched: one statement and one commit carry every message
 * queued meanwhile. (A NOTIFY inside the writer's transaction would take
 * the cluster-wide notify lock at its commit and serialise all writers.)
 *
 * The listening connection reconnects with backoff, LISTENs again to every
 * topic, and reports the outage as a gap.
 */
export class PostgresPubSub implements PubSub {
  readonly kind = 'postgres' as const;
  private readonly topics = new Set<string>();
  private listener?: pg.Client;
  private connecting?: Promise<pg.Client>;
  private notifier?: pg.Client;
  private notifierConnecting?: Promise<pg.Client>;
  private readonly batcher = new Batcher<PubSubMessage>((batch) => this.notify(batch));
  private closed = false;
  private lostAt?: Date;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly connectionString: string,
    private readonly sink: PubSubListener,
  ) {}

  /** No LISTEN connection lost and not yet back (before the first LISTEN there is nothing to lose). */
  get connected(): boolean {
    return !this.lostAt && !this.closed;
  }

  publish(messages: readonly PubSubMessage[]): Promise<void> {
    for (const m of messages) {
      if (Buffer.byteLength(m.payload) > MAX_PAYLOAD)
        return Promise.reject(new Error(`a NOTIFY payload is limited to ${MAX_PAYLOAD} bytes`));
    }
    return this.batcher.add(messages);
  }

  async listen(topic: string): Promise<void> {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    let client: pg.Client;
    try {
      client = await this.listening();
    } catch (err) {
      // The topic is kept: the reconnection LISTENs to it, and replays what was missed meanwhile.
      this.lostAt ??= new Date();
      this.reconnect(100);
      throw err;
    }
    await client.query(`LISTEN ${ident(topic)}`);
  }

  async unlisten(topic: string): Promise<void> {
    if (!this.topics.delete(topic) || !this.listener) return;
    await this.listener.query(`UNLISTEN ${ident(topic)}`).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await Promise.all([this.listener?.end().catch(() => undefined), this.notifier?.end().catch(() => undefined)]);
  }

  private async notify(batch: PubSubMessage[]): Promise<void> {
    const client = await this.notifying();
    try {
      await client.query('SELECT pg_notify(t, p) FROM unnest($1::text[], $2::text[]) AS m(t, p)', [
        batch.map((m) => m.topic),
        batch.map((m) => m.payload),
      ]);
    } catch (err) {
      // A broken connection is replaced on the next batch; the caller leaves the events to the relay.
      if (this.notifier === client) this.notifier = undefined;
      client.end().catch(() => undefined);
      throw err;
    }
  }

  private notifying(): Promise<pg.Client> {
    if (this.notifier) return Promise.resolve(this.notifier);
    this.notifierConnecting ??= (async () => {
      const client = this.dedicatedClient('reclaim-notify');
      client.on('error', () => {
        if (this.notifier === client) this.notifier = undefined;
      });
      try {
        await client.connect();
        this.notifier = client;
        return client;
      } finally {
        this.notifierConnecting = undefined;
      }
    })();
    return this.notifierConnecting;
  }

  /** A connection outside the pool; a hung query fails after 10 s (the relay then publishes) instead of blocking forever. */
  private dedicatedClient(name: string): pg.Client {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: name,
      keepAlive: true,
      query_timeout: 10_000,
    });
    // LISTEN, UNLISTEN and the health check come from different callers at once.
    oneStatementAtATime(client);
    return client;
  }

  private listening(): Promise<pg.Client> {
    if (this.listener) return Promise.resolve(this.listener);
    this.connecting ??= this.connectListener().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectListener(): Promise<pg.Client> {
    const client = this.dedicatedClient('reclaim-listen');
    client.on('notification', (n) => {
      if (n.payload !== undefined && this.topics.has(n.channel)) this.sink.message(n.channel, n.payload);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    for (const topic of this.topics) await client.query(`LISTEN ${ident(topic)}`);
    this.listener = client;
    this.watchHealth(client);
    if (this.lostAt) {
      const since = this.lostAt;
      this.lostAt = undefined;
      this.sink.gap(since);
    }
    return client;
  }

  /**
   * A connection cut silently (an idle timeout on the way, say) raises no
   * error: a cheap query every 10 s finds out, and the outage is replayed.
   */
  private watchHealth(client: pg.Client): void {
    const timer = setInterval(() => {
      if (this.listener !== client) return clearInterval(timer);
      client.query('SELECT 1').catch(() => this.lost(client));
    }, 10_000);
    timer.unref();
  }

  private lost(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.lostAt ??= new Date();
    this.reconnect(100);
  }

  private reconnect(delay: number): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (this.closed || this.listener) return;
      this.listening().catch((err) => {
        log.error(`LISTEN connection failed (${(err as Error).message}); retrying`);
        this.reconnect(Math.min(delay * 2, 5000));
      });
    }, delay);
  }
}

/** Topics are made of [a-z0-9_] (see topicOf); quoted all the same. */
function ident(topic: string): string {
  if (!/^[a-z0-9_]{1,63}$/.test(topic)) throw new Error(`bad topic ${topic}`);
  return `"${topic}"`;
}
