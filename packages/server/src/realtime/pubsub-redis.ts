import { Redis } from 'ioredis';
import { Batcher, type PubSub, type PubSubListener, type PubSubMessage } from './pubsub.js';

/**
 * Redis PUBLISH/SUBSCRIBE on two connections (a subscribing connection can
 * do nothing else). ioredis reconnects and subscribes again by itself; the
 * time between losing and regaining the subscriber is reported as a gap.
 */
export class RedisPubSub implements PubSub {
  readonly kind = 'redis' as const;
  private readonly sub: Redis;
  private readonly pub: Redis;
  private readonly topics = new Set<string>();
  private readonly batcher = new Batcher<PubSubMessage>(async (batch) => {
    const pipeline = this.pub.pipeline();
    for (const m of batch) pipeline.publish(m.topic, m.payload);
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  });
  private lostAt?: Date;
  private wasReady = false;

  constructor(
    url: string,
    private readonly sink: PubSubListener,
  ) {
    const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false };
    this.sub = new Redis(url, { ...options, connectionName: 'reclaim-sub' });
    this.pub = new Redis(url, { ...options, connectionName: 'reclaim-pub' });
    this.sub.on('message', (topic: string, payload: string) => {
      if (this.topics.has(topic)) this.sink.message(topic, payload);
    });
    this.sub.on('close', () => {
      if (this.wasReady) this.lostAt ??= new Date();
    });
    this.sub.on('ready', () => {
      this.wasReady = true;
      if (this.lostAt) {
        const since = this.lostAt;
        this.lostAt = undefined;
        this.sink.gap(since);
      }
    });
    // Errors surface through failed commands and reconnects; an unhandled 'error' event would crash the process.
    this.sub.on('error', () => undefined);
    this.pub.on('error', () => undefined);
  }

  get connected(): boolean {
    return this.sub.status === 'ready' && this.pub.status === 'ready';
  }

  publish(messages: readonly PubSubMessage[]): Promise<void> {
    return this.batcher.add(messages);
  }

  async listen(topic: string): Promise<void> {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    try {
      await this.sub.subscribe(topic);
    } catch (err) {
      // Forgotten, so that the next subscriber of this tenant tries again.
      this.topics.delete(topic);
      throw err;
    }
  }

  async unlisten(topic: string): Promise<void> {
    if (!this.topics.delete(topic)) return;
    await this.sub.unsubscribe(topic).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([this.sub.quit().catch(() => undefined), this.pub.quit().catch(() => undefined)]);
  }
}
