import { describe, expect, it } from 'vitest';
import { SharedResults } from '../shared-results.js';

describe('SharedResults', () => {
  let clock = 0;
  const now = () => clock;

  it('computes once for callers who ask together or within the time, again after it', async () => {
    const shared = new SharedResults(2000, 10, now);
    let computed = 0;
    let release!: (v: number) => void;
    const compute = () => {
      computed += 1;
      return new Promise<number>((r) => {
        release = r;
      });
    };
    const asked = [shared.get('k', compute), shared.get('k', compute), shared.get('k', compute)];
    release(42);
    expect(await Promise.all(asked)).toEqual([42, 42, 42]);
    clock += 1999;
    expect(
      await shared.get('k', async () => {
        computed += 1;
        return 43;
      }),
    ).toBe(42);
    clock += 1;
    expect(
      await shared.get('k', async () => {
        computed += 1;
        return 44;
      }),
    ).toBe(44);
    expect(computed).toBe(2);
    expect([shared.computed, shared.shared]).toEqual([2, 3]);
  });

  it('keeps answers apart by key', async () => {
    const shared = new SharedResults(2000, 10, now);
    expect(await shared.get('a', async () => 1)).toBe(1);
    expect(await shared.get('b', async () => 2)).toBe(2);
    expect(await shared.get('a', async () => 3)).toBe(1);
  });

  it('keeps no failure: the next caller computes again', async () => {
    const shared = new SharedResults(2000, 10, now);
    await expect(
      shared.get('k', async () => {
        throw new Error('statement timeout');
      }),
    ).rejects.toThrow('statement timeout');
    expect(await shared.get('k', async () => 5)).toBe(5);
  });

  it('forgets the oldest beyond its size', async () => {
    const shared = new SharedResults(60_000, 2, now);
    for (const k of ['a', 'b', 'c']) await shared.get(k, async () => k);
    expect(await shared.get('a', async () => 'again')).toBe('again');
    expect(await shared.get('c', async () => 'again')).toBe('c');
  });
});
