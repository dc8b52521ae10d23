import { describe, expect, it } from 'vitest';
import { FairQueue } from '../fair-queue.js';

describe('FairQueue', () => {
  it('gives a company that queued one job a turn right after the running one, however many another queued', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = new FairQueue<string>({ slots: 1, quantum: 2, maxPending: 0 }, async (tenant, jobs) => {
      await gate;
      order.push(...jobs.map((j) => `${tenant}:${j}`));
    });
    for (let i = 0; i < 6; i++) queue.offer('hostile', String(i));
    queue.offer('victim', 'x');
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The first job started alone; the next turn takes two, then the victim's turn comes before the rest.
    expect(order).toEqual(['hostile:0', 'hostile:1', 'hostile:2', 'victim:x', 'hostile:3', 'hostile:4', 'hostile:5']);
  });

  it("refuses a job beyond the company's pending cap, and only that company's", () => {
    const queue = new FairQueue<number>({ slots: 0, quantum: 1, maxPending: 2 }, async () => undefined);
    expect([queue.offer('a', 1), queue.offer('a', 2), queue.offer('a', 3), queue.offer('b', 1)]).toEqual([true, true, false, true]);
    expect(queue.pending).toBe(3);
  });

  it('discards waiting jobs nobody waits for: their places and budget go to what is still wanted', async () => {
    // No slots: nothing starts, so the queue holds what was offered.
    const queue = new FairQueue<number>({ slots: 0, quantum: 8, maxPending: 4 }, async () => undefined);
    for (let i = 0; i < 4; i++) queue.offer('a', i);
    expect(queue.offer('a', 4)).toBe(false);
    expect(queue.discard('a', (j) => j % 2 === 0)).toEqual([0, 2]);
    expect(queue.discard('b', () => true)).toEqual([]);
    expect([queue.offer('a', 5), queue.offer('a', 6), queue.offer('a', 7)]).toEqual([true, true, false]);
    expect(queue.discard('a', () => true)).toEqual([1, 3, 5, 6]);
    expect(queue.pending).toBe(0);
  });

  it('starts at most perSecond jobs a second per company; another company keeps its own budget', async () => {
    let now = 0;
    const started: string[] = [];
    const queue = new FairQueue<number>(
      { slots: 4, quantum: 8, maxPending: 0, perSecond: 3 },
      async (tenant, jobs) => {
        started.push(...jobs.map((j) => `${tenant}:${j}`));
      },
      () => now,
    );
    for (let i = 0; i < 10; i++) queue.offer('hostile', i);
    queue.offer('victim', 0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(started).toEqual(['hostile:0', 'hostile:1', 'hostile:2', 'victim:0']);
    expect(queue.pending).toBe(7);
    now += 1000;
    queue.offer('victim', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(started.slice(4)).toEqual(['hostile:3', 'hostile:4', 'hostile:5', 'victim:1']);
    queue.close();
  });
});
