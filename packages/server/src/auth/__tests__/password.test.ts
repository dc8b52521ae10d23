import { describe, expect, it, vi } from 'vitest';
import { PasswordHashing } from '../password.js';

describe('PasswordHashing', () => {
  /** A hash that finishes when the test says so. */
  function hash() {
    let finish!: () => void;
    const done = new Promise<string>((resolve) => { finish = () => resolve('hash'); });
    return { work: () => done, finish };
  }
  const code = (p: Promise<unknown>) => p.then(() => 'done', (err) => err.extensions?.code);

  it('gives an address one slot at a time, makes others wait a bounded time in a bounded queue', async () => {
    vi.useFakeTimers();
    try {
      const gate = new PasswordHashing(2, 500);
      const a = hash();
      const b = hash();
      const runningA = code(gate.run('1.1.1.1', a.work));
      const runningB = code(gate.run('2.2.2.2', b.work));
      expect(await code(gate.run('1.1.1.1', async () => 'hash'))).toBe('RATE_LIMITED'); // its address holds a slot already
      const c = hash();
      const waitingC = code(gate.run('3.3.3.3', c.work));
      const waitingD = code(gate.run('4.4.4.4', async () => 'hash'));
      expect(await code(gate.run('5.5.5.5', async () => 'hash'))).toBe('RATE_LIMITED'); // the queue is full
      a.finish();
      expect(await runningA).toBe('done'); // and 3.3.3.3 took the freed slot
      vi.advanceTimersByTime(500);
      expect(await waitingD).toBe('RATE_LIMITED'); // waited too long
      c.finish();
      expect(await waitingC).toBe('done');
      b.finish();
      expect(await runningB).toBe('done');
      expect(await code(gate.run('1.1.1.1', async () => 'hash'))).toBe('done');
    } finally {
      vi.useRealTimers();
    }
  });

  it('is off at 0', async () => {
    const gate = new PasswordHashing(0, 500);
    const all = await Promise.all(Array.from({ length: 10 }, () => gate.run('1.1.1.1', async () => 'hash')));
    expect(all).toHaveLength(10);
  });
});
