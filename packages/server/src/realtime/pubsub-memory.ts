import type { PubSub, PubSubListener, PubSubMessage } from './pubsub.js';

/** Every in-process pub/sub of this process, by the topics it listens to. */
const listening = new Map<string, Set<MemoryPubSub>>();

/** One process, no network: embedded mode. Instances in one process hear each other (as nodes would). */
export class MemoryPubSub implements PubSub {
  readonly kind = 'memory' as const;
  readonly connected = true;
  private readonly topics = new Set<string>();

  constructor(private readonly listener: PubSubListener) {}

  async publish(messages: readonly PubSubMessage[]): Promise<void> {
    for (const { topic, payload } of messages) {
      for (const node of listening.get(topic) ?? []) {
        // Asynchronously, as a real transport would: never inside the publisher's call stack.
        queueMicrotask(() => node.topics.has(topic) && node.listener.message(topic, payload));
      }
    }
  }

  async listen(topic: string): Promise<void> {
    this.topics.add(topic);
    let nodes = listening.get(topic);
    if (!nodes) listening.set(topic, (nodes = new Set()));
    nodes.add(this);
  }

  async unlisten(topic: string): Promise<void> {
    this.topics.delete(topic);
    const nodes = listening.get(topic);
    nodes?.delete(this);
    if (nodes && !nodes.size) listening.delete(topic);
  }

  async close(): Promise<void> {
    for (const topic of [...this.topics]) await this.unlisten(topic);
  }
}
