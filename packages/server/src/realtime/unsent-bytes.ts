import { Tally } from '../http/tally.js';
import { RateBuckets } from './rate-buckets.js';
import { CloseCode, type LiveLimits } from './live-limits.js';

/** What the budget needs of a ws socket. */
export interface LiveSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  readonly OPEN: number;
  send(data: Buffer, options: { binary: boolean; fin: boolean }): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

interface Entry {
  address: string;
  /** bufferedAmount when last looked at. */
  known: number;
  /** When the socket last had nothing unsent or took some of it. */
  progressAt: number;
}

const FRAGMENT = { binary: false, fin: false };
const LAST_FRAGMENT = { binary: false, fin: true };
const CLOSING_BRACE = Buffer.from('}');

/** Unsent bytes over this, on a node over its total budget, make a socket the one to close. */
const BEHIND = 64 * 1024;

/**
 * Bytes written to sockets that their peers have not taken yet, per
 * socket, per client address and in total. A peer that stops reading makes
 * the server hold everything sent to it; past a budget, or after `stallMs`
 * without progress, its socket is closed (4408) and cut a second later, since
 * a peer that does not read will not answer the close either.
 */
export class UnsentBytes {
  private readonly sockets = new Map<LiveSocket, Entry>();
  private readonly byAddress = new Tally();
  /** Bytes each address (or user) may write a second; none when the budget is off. */
  private readonly writes?: RateBuckets;
  private total = 0;
  private readonly sweeper: NodeJS.Timeout;
  /** Sockets closed for being too slow (for operations and tests). */
  closed = 0;

  constructor(private readonly limits: LiveLimits) {
    if (limits.sentBytesPerSecondPerAddress > 0) this.writes = new RateBuckets(limits.sentBytesPerSecondPerAddress);
    this.sweeper = setInterval(() => this.sweep(), Math.max(100, Math.min(1000, limits.stallMs / 4 || 1000)));
    this.sweeper.unref();
  }

  /** Starts counting a socket's unsent bytes against `address` (again, under a new key, after a staff sign-in). */
  track(socket: LiveSocket, address: string): void {
    this.untrack(socket);
    this.sockets.set(socket, { address, known: 0, progressAt: Date.now() });
  }

  untrack(socket: LiveSocket): void {
    const entry = this.sockets.get(socket);
    if (!entry) return;
    this.sockets.delete(socket);
    this.byAddress.add(entry.address, -entry.known);
    this.total -= entry.known;
  }

  /**
   * Sends the text message `prefix` + `payload` + "}" if the socket, its
   * address and the node stay within their budgets; otherwise closes the
   * socket and returns false. The message goes as three WebSocket fragments,
   * so that the payload, serialised once for a whole group, is written to
   * every member's socket without a copy per subscriber.
   */
  send(socket: LiveSocket, prefix: Buffer, payload: Buffer): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    const entry = this.sockets.get(socket);
    if (entry) {
      this.refresh(entry, socket);
      const bytes = prefix.length + payload.length + 1;
      const { unsentBytesPerSocket: perSocket, unsentBytesPerAddress: perAddress, unsentBytesTotal: total } = this.limits;
      const overSocket = perSocket > 0 && entry.known + bytes > perSocket;
      const overAddress = perAddress > 0 && this.byAddress.get(entry.address) + bytes > perAddress;
      // Over the node's budget, only a socket that is itself behind is closed: one that keeps up is never punished for others.
      const overTotal = total > 0 && this.total + bytes > total && entry.known > BEHIND;
      if (overSocket || overAddress || overTotal) {
        this.cut(socket, 'too far behind: unsent data over the limit');
        return false;
      }
      if (this.writes && !this.writes.take(entry.address, bytes)) {
        this.cut(socket, 'too much data too fast for this address: subscribe again and refetch');
        return false;
      }
    }
    socket.send(prefix, FRAGMENT);
    socket.send(payload, FRAGMENT);
    socket.send(CLOSING_BRACE, LAST_FRAGMENT);
    if (entry) this.refresh(entry, socket);
    return true;
  }

  /** Unsent bytes on this node, as last looked at. */
  get unsent(): number {
    return this.total;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private refresh(entry: Entry, socket: LiveSocket): void {
    const now = socket.bufferedAmount;
    if (now < entry.known || now === 0) entry.progressAt = Date.now();
    this.byAddress.add(entry.address, now - entry.known);
    this.total += now - entry.known;
    entry.known = now;
  }

  private sweep(): void {
    const stalledBefore = Date.now() - this.limits.stallMs;
    for (const [socket, entry] of this.sockets) {
      this.refresh(entry, socket);
      if (this.limits.stallMs > 0 && entry.known > 0 && entry.progressAt < stalledBefore) {
        this.cut(socket, 'took no data for too long');
      }
    }
  }

  private cut(socket: LiveSocket, reason: string): void {
    this.untrack(socket);
    this.closed++;
    socket.close(CloseCode.TooSlow, reason);
    setTimeout(() => socket.terminate(), 1000).unref();
  }
}
