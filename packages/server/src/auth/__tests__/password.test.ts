import { describe, expect, it, vi } from 'vitest';
import { randomBytes, scryptSync } from 'node:crypto';
import { hashPassword, MAX_HASH_COST, PasswordHashing, verifyPassword } from '../password.js';

describe('PasswordHashing', () => {
  /** A hash that finishes when the test says so. */
  function hash() {
    let finish!: () => void;
    const done = new Promise<string>((resolve) => {
      finish = () => resolve('hash');
    });
    return { work: () => done, finish };
  }
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'done',
      (err) => err.extensions?.code,
    );

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

describe('password hashes', () => {
  it("are written at the node's cost and checked at their own, so that the cost can be raised later", async () => {
    const cheap = new PasswordHashing(0, 500, 10);
    const stored = await cheap.hash('correct horse battery');
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await hashPassword('correct horse battery')).toMatch(/^scrypt\$32768\$8\$1\$/); // DEFAULT_HASH_COST
    const raised = new PasswordHashing(0, 500, 16);
    expect(await raised.verify('correct horse battery', stored)).toBe(true);
    expect(await raised.verify('wrong horse battery', stored)).toBe(false);
    expect(await raised.hash('x'.repeat(12))).toMatch(/^scrypt\$65536\$/);
  });

  it('are not checked when they ask for more memory than any node may use (above 2^MAX_HASH_COST), whoever wrote them', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('correct horse battery', salt, 32, { N: 2 ** (MAX_HASH_COST + 1), r: 8, p: 1, maxmem: 512 * 1024 * 1024 });
    const stored = ['scrypt', 2 ** (MAX_HASH_COST + 1), 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
    expect(await verifyPassword('correct horse battery', stored)).toBe(false);
    expect(await verifyPassword('correct horse battery', stored.replace(/^scrypt\$\d+\$8/, 'scrypt$1024$4096'))).toBe(false); // r as large
  });

  it("check a login of nobody against a dummy of the node's cost, which nothing matches", async () => {
    const spent = async (gate: PasswordHashing) => {
      const started = performance.now();
      expect(await gate.verify('', undefined)).toBe(false);
      return performance.now() - started;
    };
    // A 2^15 check costs 32 times the work of a 2^10 one: the dummy is not checked at a fixed cost (the fastest of three
    // cheap checks, so that a pause of the process does not make one look dear).
    const cheap = new PasswordHashing(0, 500, 10);
    const cheapest = Math.min(await spent(cheap), await spent(cheap), await spent(cheap));
    expect(await spent(new PasswordHashing(0, 500, 15))).toBeGreaterThan(cheapest);
    expect(await new PasswordHashing(0, 500, 10).verify('anything', null)).toBe(false);
  });
});
