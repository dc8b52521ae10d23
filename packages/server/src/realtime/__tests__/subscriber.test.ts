import { describe, expect, it } from 'vitest';
import { Subscriber } from '../hub.js';

function fakeSocket() {
  return { OPEN: 1, readyState: 1, bufferedAmount: 0, sent: [] as string[], send(data: string) { this.sent.push(data); } };
}

describe('Subscriber', () => {
  it('writes each result as a graphql-ws next frame around the group\'s serialised payload', () => {
    const socket = fakeSocket();
    const s = new Subscriber(() => undefined, { id: 'q"1', socket });
    s.push('{"data":{"n":1}}');
    expect(socket.sent).toEqual(['{"id":"q\\"1","type":"next","payload":{"data":{"n":1}}}']);
    expect(JSON.parse(socket.sent[0]!)).toEqual({ id: 'q"1', type: 'next', payload: { data: { n: 1 } } });
  });

  it('ends a subscriber whose socket does not drain with a RATE_LIMITED error, then completes', async () => {
    const socket = fakeSocket();
    let left = 0;
    const s = new Subscriber(() => left++, { id: '1', socket });
    const pending = s.next();
    socket.bufferedAmount = 5 * 1024 * 1024;
    s.push('{"data":2}');
    expect(socket.sent).toEqual([]);
    expect(left).toBe(1);
    const { value } = await pending;
    expect(value?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await s.next()).toEqual({ value: undefined, done: true });
    s.push('{"data":3}');
    expect(socket.sent).toEqual([]);
  });

  it('leaves once, and writes nothing after the client completed it or the socket closed', async () => {
    const socket = fakeSocket();
    let left = 0;
    const s = new Subscriber(() => left++, { id: '1', socket });
    await s.return();
    await s.return();
    s.push('{"data":1}');
    expect(left).toBe(1);
    expect(socket.sent).toEqual([]);
    const closed = fakeSocket();
    closed.readyState = 3;
    new Subscriber(() => undefined, { id: '2', socket: closed }).push('{"data":1}');
    expect(closed.sent).toEqual([]);
  });
});
