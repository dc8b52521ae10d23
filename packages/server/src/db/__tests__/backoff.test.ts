import { describe, expect, it } from 'vitest';
import { backoffMs } from '../claiming-worker.js';

describe('backoffMs', () => {
  it('waits the base after the first failure, twice as long after each failure in a row, never more than an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(60_000, n) / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('stays at the hour however long a row keeps failing, and a short base still reaches it', () => {
    expect(backoffMs(60_000, 10_000)).toBe(3_600_000);
    expect(backoffMs(1000, 12)).toBe(2_048_000);
    expect(backoffMs(1000, 13)).toBe(3_600_000);
    expect(backoffMs(500, 0)).toBe(500);
  });
});
