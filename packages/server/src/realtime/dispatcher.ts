import type { ComplaintEvent } from './events.js';
import { log } from '../ops/log.js';

interface ComplaintStream {
  /** The highest sequence number handed on. */
  last: number;
  /** Numbers handed on, within WINDOW of `last` (late arrivals are handed on once, never twice). */
  seen: Set<number>;
  /** Arrived ahead of a missing predecessor, waiting for it. */
  held: Map<number, ComplaintEvent>;
  holdTimer?: NodeJS.Timeout;
  /** The delivery chain: one complaint's events are delivered one after another. */
  tail: Promise<void>;
  touched: number;
}

/** How far behind the newest event a straggler is still handed on; older ones count as duplicates. */
const WINDOW = 64;

export interface DispatcherOptions {
  /** How long an event waits for a missing predecessor (which the outbox relay will publish) before it goes anyway. */
  holdMs: number;
  /** Streams idle this long are forgotten. */
  idleMs: number;
}

/**
 * Turns the transport's messages into each complaint's events, once each
 * and in commit order, on this node. Events arrive directly from the node
 * that committed them, again from a relay or a replay, and occasionally
 * overtake one another (a predecessor whose node died waits for the relay);
 * sequence numbers per complaint sort that out. Delivery of one complaint's
 * events is serialised; different complaints proceed in parallel.
 */
export class EventDispatcher {
  private readonly streams = new Map<string, ComplaintStream>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly deliver: (event: ComplaintEvent) => Promise<void>,
    private readonly options: DispatcherOptions,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(options.idleMs, 60_000));
    this.sweeper.unref();
  }

  accept(event: ComplaintEvent): void {
    const key = `${event.tenantId}/${event.complaintId}`;
    let s = this.streams.get(key);
    const now = Date.now();
    if (!s) {
      // The first event this node sees of a complaint starts its stream: earlier ones, if any, were not ours to wait for.
      s = { last: event.seq - 1, seen: new Set(), held: new Map(), tail: Promise.resolve(), touched: now };
      this.streams.set(key, s);
    }
    s.touched = now;
    if (s.seen.has(event.seq) || event.seq <= s.last - WINDOW) return; // a duplicate
    if (event.seq <= s.last) {
      // A straggler that missed its turn (its predecessor's wait ran out): late, but not lost.
      this.handOn(s, event);
      return;
    }
    if (event.seq === s.last + 1) {
      this.handOn(s, event);
      this.drain(s);
      return;
    }
    if (!s.held.has(event.seq)) s.held.set(event.seq, event);
    s.holdTimer ??= setTimeout(() => this.giveUpWaiting(s), this.options.holdMs);
  }

  /** Drops the streams of a tenant this node no longer listens to (what it misses meanwhile is not its to wait for). */
  forget(tenantId: string): void {
    for (const [key, s] of this.streams) {
      if (key.startsWith(`${tenantId}/`)) {
        clearTimeout(s.holdTimer);
        this.streams.delete(key);
      }
    }
  }

  /** Resolves when everything accepted so far has been delivered (for shutdown and tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.streams.values()].map((s) => s.tail));
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const s of this.streams.values()) clearTimeout(s.holdTimer);
  }

  private handOn(s: ComplaintStream, event: ComplaintEvent): void {
    s.seen.add(event.seq);
    if (event.seq > s.last) s.last = event.seq;
    if (s.seen.size > 2 * WINDOW) for (const n of s.seen) if (n <= s.last - WINDOW) s.seen.delete(n);
    s.tail = s.tail.then(() => this.deliver(event)).catch((err) => log.error({ err: err }, 'event delivery failed'));
  }

  private drain(s: ComplaintStream): void {
    let next: ComplaintEvent | undefined;
    while ((next = s.held.get(s.last + 1))) {
      s.held.delete(next.seq);
      this.handOn(s, next);
    }
    if (!s.held.size) {
      clearTimeout(s.holdTimer);
      s.holdTimer = undefined;
    }
  }

  /** The predecessor did not come: hand on what waited, in order, and accept the predecessor late if it shows up. */
  private giveUpWaiting(s: ComplaintStream): void {
    s.holdTimer = undefined;
    const waiting = [...s.held.values()].sort((a, b) => a.seq - b.seq);
    s.held.clear();
    for (const e of waiting) {
      // The skipped numbers stay acceptable as stragglers: they are not in `seen`.
      if (e.seq > s.last) s.last = e.seq - 1;
      if (!s.seen.has(e.seq)) this.handOn(s, e);
    }
  }

  private sweep(): void {
    const cutoff = Date.now() - this.options.idleMs;
    for (const [key, s] of this.streams) {
      if (s.touched < cutoff && !s.held.size) this.streams.delete(key);
    }
  }
}
