import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionShares, sharesOf, type Holder, type ShareLimits } from '../connection-shares.js';

/**
 * The gates a test made: each must end with nobody waiting. A waiter left
 * behind is rejected (BUSY) when its wait runs out, long after its test, in
 * whichever file the worker runs then, as an unhandled rejection.
 */
const gates: ConnectionShares[] = [];
const newGate = (limits: ShareLimits) => {
  const gate = new ConnectionShares(limits);
  gates.push(gate);
  return gate;
};
const shares = (size: number, perCompany = size, perUser = size, waitMs = 60_000) => newGate({ size, perCompany, perUser, waitMs });
afterEach(() => {
  for (const gate of gates.splice(0)) expect(gate.waiting, 'a waiter left behind').toBe(0);
});
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Queues `holders` in order and records the order in which they are granted, releasing each at once. */
async function grantOrder(gate: ConnectionShares, holders: Array<Holder & { name: string }>, release: () => void): Promise<string[]> {
  const order: string[] = [];
  const done = holders.map((h) =>
    gate.acquire(h).then((giveBack) => {
      order.push(h.name);
      setImmediate(giveBack);
    }),
  );
  await tick();
  release();
  await Promise.all(done);
  return order;
}

describe('ConnectionShares', () => {
  it('serves waiting companies round-robin, not first come first served', async () => {
    const gate = shares(1);
    const first = await gate.acquire({ company: 'A' });
    const order = await grantOrder(
      gate,
      [
        { name: 'A1', company: 'A' },
        { name: 'A2', company: 'A' },
        { name: 'A3', company: 'A' },
        { name: 'A4', company: 'A' },
        { name: 'B1', company: 'B' },
        { name: 'C1', company: 'C' },
        { name: 'B2', company: 'B' },
      ],
      first,
    );
    expect(order).toEqual(['A1', 'B1', 'C1', 'A2', 'B2', 'A3', 'A4']);
  });

  it("within a company, users waiting take turns, so one user's backlog does not hold up a colleague", async () => {
    const gate = shares(1);
    const first = await gate.acquire({ company: 'A', user: 'crowd' });
    const order = await grantOrder(
      gate,
      [
        ...[1, 2, 3, 4].map((i) => ({ name: `crowd${i}`, company: 'A', user: 'crowd' })),
        { name: 'colleague', company: 'A', user: 'colleague' },
      ],
      first,
    );
    expect(order).toEqual(['crowd1', 'colleague', 'crowd2', 'crowd3', 'crowd4']);
  });

  it("a user at their share does not stop the same company's other users behind them in the queue", async () => {
    const gate = shares(4, 4, 1);
    const held = await gate.acquire({ company: 'A', user: 'u1' });
    const waiting = [1, 2, 3].map(() => gate.acquire({ company: 'A', user: 'u1' }));
    let other = false;
    void gate.acquire({ company: 'A', user: 'u2' }).then(() => {
      other = true;
    });
    await tick();
    expect(other).toBe(true);
    expect(gate.waiting).toBe(3);
    held();
    const next = await waiting[0]!;
    expect(gate.waiting).toBe(2);
    next();
    (await waiting[1]!)();
    (await waiting[2]!)();
  });

  it("holds a company to its cost share: costly requests one after another, another company's at once", async () => {
    const gate = newGate({ size: 10, perCompany: 10, perUser: 10, waitMs: 60_000, costPerCompany: 1000 });
    const first = await gate.acquire({ company: 'A', user: 'u1', weight: 800 });
    let second = false;
    void gate.acquire({ company: 'A', user: 'u2', weight: 800 }).then(() => {
      second = true;
    });
    let other = false;
    void gate.acquire({ company: 'B', user: 'v1', weight: 800 }).then(() => {
      other = true;
    });
    await tick();
    expect({ second, other }).toEqual({ second: false, other: true });
    first();
    await tick();
    expect(second).toBe(true);
  });

  it('lets a company holding nothing start a request costlier than its share, and its lighter work wait behind it', async () => {
    const gate = newGate({ size: 10, perCompany: 10, perUser: 10, waitMs: 60_000, costPerCompany: 1000 });
    const light = await gate.acquire({ company: 'A', user: 'u1', weight: 100 });
    const order: string[] = [];
    const huge = gate.acquire({ company: 'A', user: 'u2', weight: 5000 }).then((r) => {
      order.push('huge');
      return r;
    });
    const later = gate.acquire({ company: 'A', user: 'u3', weight: 100 }).then((r) => {
      order.push('later');
      return r;
    });
    await tick();
    // Not overtaken by lighter work that came after it, though that would fit.
    expect(order).toEqual([]);
    light();
    (await huge)();
    await later;
    expect(order).toEqual(['huge', 'later']);
  });

  it("a company that arrives late is served within one round, ahead of the earlier company's backlog", async () => {
    const gate = shares(1);
    const held = await gate.acquire({ company: 'A' });
    const order: string[] = [];
    const backlog = [1, 2, 3, 4, 5].map((i) =>
      gate.acquire({ company: 'A' }).then((r) => {
        order.push(`A${i}`);
        setImmediate(r);
      }),
    );
    await tick();
    const late = gate.acquire({ company: 'B' }).then((r) => {
      order.push('B');
      setImmediate(r);
    });
    held();
    await Promise.all([...backlog, late]);
    expect(order.indexOf('B')).toBeLessThanOrEqual(1);
  });

  it('holds a company to its share and a user to theirs, even with connections free', async () => {
    const gate = shares(8, 3, 1);
    const a = await Promise.all([
      gate.acquire({ company: 'A', user: 'u1' }),
      gate.acquire({ company: 'A', user: 'u2' }),
      gate.acquire({ company: 'A', user: 'u3' }),
    ]);
    let fourth = false;
    void gate.acquire({ company: 'A', user: 'u4' }).then(() => {
      fourth = true;
    });
    let secondOfU1: (() => void) | undefined;
    void gate.acquire({ company: 'B', user: 'u1' }).then((release) => {
      secondOfU1 = release;
    });
    await tick();
    expect(gate.holding).toBe(4); // A's three and B's u1 (another company's user of that id)
    expect(fourth).toBe(false);
    expect(secondOfU1).toBeDefined();
    let sameUser = false;
    void gate.acquire({ company: 'B', user: 'u1' }).then(() => {
      sameUser = true;
    });
    await tick();
    expect(sameUser).toBe(false);
    a[0]!();
    await tick();
    expect(fourth).toBe(true);
    secondOfU1!();
    await tick();
    expect(sameUser).toBe(true);
  });

  it('a waiter whose company is at its share does not block another company', async () => {
    const gate = shares(4, 2, 4);
    const [held] = await Promise.all([gate.acquire({ company: 'A' }), gate.acquire({ company: 'A' })]);
    const waiting = gate.acquire({ company: 'A' });
    const other = await Promise.race([
      gate.acquire({ company: 'B' }).then(() => 'granted'),
      new Promise((r) => setTimeout(() => r('blocked'), 50)),
    ]);
    expect(other).toBe('granted');
    expect(gate.waiting).toBe(1);
    held!();
    (await waiting)();
  });

  it('gives up after the wait with RATE_LIMITED (BUSY), and the queue forgets the waiter', async () => {
    const gate = shares(1, 1, 1, 30);
    const held = await gate.acquire({ company: 'A' });
    await expect(gate.acquire({ company: 'B' })).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', reason: 'BUSY' } });
    expect(gate.waiting).toBe(0);
    held();
    held(); // giving back twice counts once
    expect(gate.holding).toBe(0);
    const again = await gate.acquire({ company: 'B' });
    expect(gate.holding).toBe(1);
    again();
  });

  it('derives the shares from the pool size', () => {
    expect(sharesOf(20)).toEqual({ perCompany: 4, perUser: 2 });
    expect(sharesOf(40)).toEqual({ perCompany: 8, perUser: 4 });
    expect(sharesOf(6)).toEqual({ perCompany: 2, perUser: 1 });
    expect(sharesOf(1)).toEqual({ perCompany: 1, perUser: 1 });
  });
});
