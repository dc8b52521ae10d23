import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PostgresPubSub } from '../pubsub-postgres.js';

const url = process.env.DATABASE_URL;

describe.skipIf(!url)('PostgreSQL LISTEN/NOTIFY', () => {
  let pubsub: PostgresPubSub | undefined;
  afterEach(() => pubsub?.close());

  it('sends one statement at a time on its connection, whoever asks at once, and still delivers', async () => {
    // pg queues a statement sent while another runs, warns that it is deprecated, and pg 9 will refuse it.
    let overlapping = 0;
    const query = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      if ((this as unknown as { _queryQueue: unknown[] })._queryQueue.length > 0) overlapping++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    const received: string[] = [];
    pubsub = new PostgresPubSub(url!, { message: (topic, payload) => received.push(`${topic}:${payload}`), gap: () => undefined });
    const topics = Array.from({ length: 20 }, (_, i) => `one_at_a_time_${i}`);
    await Promise.all(topics.map((t) => pubsub!.listen(t)));
    await Promise.all(topics.slice(10).map((t) => pubsub!.unlisten(t)));
    await pubsub.publish(topics.map((t) => ({ topic: t, payload: 'x' })));
    await vi.waitFor(() => expect(received).toHaveLength(10));
    expect(received.sort()).toEqual(
      topics
        .slice(0, 10)
        .map((t) => `${t}:x`)
        .sort(),
    );
    expect(overlapping).toBe(0);
  });
});
