import { afterEach, describe, expect, it, vi } from 'vitest';

const json = (text: string) => Buffer.from(text);
import { Subscriber } from '../hub.js';
import { DEFAULT_LIVE_LIMITS } from '../live-limits.js';
import { UnsentBytes } from '../unsent-bytes.js';

/** Records each message once its last fragment is written. */
function fakeSocket() {
  let fragments: Buffer[] = [];
  return {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    sent: [] as string[],
    closedWith: undefined as number | undefined,
    send(data: Buffer, options: { binary: boolean; fin: boolean }) {
      expect(options.binary).toBe(false);
      fragments.push(data);
      if (options.fin) {
        this.sent.push(Buffer.concat(fragments).toString());
        fragments = [];
      }
    },
    close(code?: number) {
      this.closedWith = code;
      this.readyState = 2;
    },
    terminate() {
      this.readyState = 3;
    },
  };
}

const budgets: UnsentBytes[] = [];
function budget(limits: Partial<typeof DEFAULT_LIVE_LIMITS> = {}) {
  const b = new UnsentBytes({ ...DEFAULT_LIVE_LIMITS, ...limits });
  budgets.push(b);
  return b;
}
afterEach(() => budgets.splice(0).forEach((b) => b.close()));

describe('Subscriber', () => {
  it("writes each result as a graphql-ws next frame around the group's serialised payload", () => {
    const socket = fakeSocket();
    const s = new Subscriber(() => undefined, { id: 'q"1', socket }, budget());
    s.push(json('{"data":{"n":1}}'));
    expect(socket.sent).toEqual(['{"id":"q\\"1","type":"next","payload":{"data":{"n":1}}}']);
    expect(JSON.parse(socket.sent[0]!)).toEqual({ id: 'q"1', type: 'next', payload: { data: { n: 1 } } });
  });

  it('closes a socket that does not drain with 4408 once its unsent bytes would pass the budget', () => {
    const unsent = budget({ unsentBytesPerSocket: 1000 });
    const socket = fakeSocket();
    unsent.track(socket, '10.0.0.1');
    const s = new Subscriber(() => undefined, { id: '1', socket }, unsent);
    socket.bufferedAmount = 900;
    s.push(json('{"data":2}'));
    expect(socket.sent).toHaveLength(1);
    socket.bufferedAmount = 990;
    s.push(json('{"data":3}'));
    expect(socket.sent).toHaveLength(1);
    expect(socket.closedWith).toBe(4408);
    expect(unsent.closed).toBe(1);
  });

  it("closes the socket whose write would pass its address's bytes per second, though the kernel took everything so far", () => {
    const unsent = budget({ sentBytesPerSecondPerAddress: 1000 });
    const [a, b, elsewhere] = [fakeSocket(), fakeSocket(), fakeSocket()];
    unsent.track(a, '10.0.0.1');
    unsent.track(b, '10.0.0.1');
    unsent.track(elsewhere, '10.0.0.2');
    const payload = json('x'.repeat(400));
    // Nothing piles up in the node (bufferedAmount stays 0): only the writes are counted.
    expect(unsent.send(a, json('{'), payload)).toBe(true);
    expect(unsent.send(b, json('{'), payload)).toBe(true);
    expect(unsent.send(a, json('{'), payload)).toBe(false);
    expect(a.closedWith).toBe(4408);
    expect(unsent.send(elsewhere, json('{'), payload)).toBe(true);
  });

  it('lets an address write again in the next second', async () => {
    const unsent = budget({ sentBytesPerSecondPerAddress: 1000 });
    const [a, b] = [fakeSocket(), fakeSocket()];
    unsent.track(a, '10.0.0.1');
    unsent.track(b, '10.0.0.1');
    expect(unsent.send(a, json('{'), json('x'.repeat(900)))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect(unsent.send(b, json('{'), json('x'.repeat(900)))).toBe(true);
  });

  it("paces an address's writes evenly: no double budget around the edge of a second", () => {
    vi.useFakeTimers();
    try {
      const unsent = budget({ sentBytesPerSecondPerAddress: 1000 });
      const [a, b] = [fakeSocket(), fakeSocket()];
      unsent.track(a, '10.0.0.1');
      unsent.track(b, '10.0.0.1');
      expect(unsent.send(a, json('{'), json('x'))).toBe(true);
      vi.advanceTimersByTime(990);
      expect(unsent.send(a, json('{'), json('x'.repeat(900)))).toBe(true);
      vi.advanceTimersByTime(10);
      // 1,800 bytes within 10 ms would be twice the budget: refused, the writer closed.
      expect(unsent.send(b, json('{'), json('x'.repeat(900)))).toBe(false);
      expect(b.closedWith).toBe(4408);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts the unsent bytes of one address together: a second slow socket from it is closed sooner', () => {
    const unsent = budget({ unsentBytesPerSocket: 1000, unsentBytesPerAddress: 1500 });
    const [a, b, elsewhere] = [fakeSocket(), fakeSocket(), fakeSocket()];
    unsent.track(a, '10.0.0.1');
    unsent.track(b, '10.0.0.1');
    unsent.track(elsewhere, '10.0.0.2');
    a.bufferedAmount = 900;
    expect(unsent.send(a, json('{'), json('1'))).toBe(true);
    b.bufferedAmount = 600;
    expect(unsent.send(b, json('{'), json('1'))).toBe(false);
    expect(b.closedWith).toBe(4408);
    elsewhere.bufferedAmount = 900;
    expect(unsent.send(elsewhere, json('{'), json('1'))).toBe(true);
  });

  it('leaves once, and writes nothing after the client completed it or the socket closed', async () => {
    const socket = fakeSocket();
    let left = 0;
    const unsent = budget();
    const s = new Subscriber(() => left++, { id: '1', socket }, unsent);
    await s.return();
    await s.return();
    s.push(json('{"data":1}'));
    expect(left).toBe(1);
    expect(socket.sent).toEqual([]);
    const closed = fakeSocket();
    closed.readyState = 3;
    new Subscriber(() => undefined, { id: '2', socket: closed }, unsent).push(json('{"data":1}'));
    expect(closed.sent).toEqual([]);
  });
});
