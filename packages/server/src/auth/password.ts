import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { rateLimited } from '../graphql/errors.js';

/**
 * Passwords are hashed with scrypt (memory-hard): N=2^15, r=8, p=1 uses
 * 32 MiB and about 60 ms per hash on the reference machine. The parameters
 * are stored with the hash, so that the cost can be raised later
 * (PASSWORD_HASH_COST, the exponent of N) and older hashes still verify.
 */
export const DEFAULT_HASH_COST = 15;
/** The highest PASSWORD_HASH_COST: 2^17 with r = 8 is 128 MiB a hash, and a node computes several at once. */
export const MAX_HASH_COST = 17;
const KEY_LENGTH = 32;
/**
 * What one hash or check may take (scrypt needs 128 · N · r bytes, and a little more): that of the highest cost.
 * A stored hash that asks for more (written elsewhere, or tampered with) fails to check instead of taking it.
 */
const MAX_MEMORY = 128 * 2 ** MAX_HASH_COST * 8 + 1024 * 1024;

const paramsFor = (N: number, r = 8, p = 1): ScryptOptions => ({ N, r, p, maxmem: MAX_MEMORY });

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, cost = DEFAULT_HASH_COST): Promise<string> {
  const salt = randomBytes(16);
  const params = paramsFor(2 ** cost);
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), paramsFor(Number(n), Number(r), Number(p))).catch(() => null);
  return !!actual && actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of nothing at `cost`, verified against when a login names an unknown user, so that timing does not tell. */
const dummyHash = (cost: number) => `scrypt$${2 ** cost}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

interface Waiter {
  address: string;
  admit(): void;
}

/**
 * Hashes and checks passwords at the node's cost, and caps the hashes this node computes at once (each holds a thread
 * of libuv's pool and 32 MiB for about 60 ms), fairly: a client address
 * holds at most one slot or one place in the queue; when every slot is
 * busy a request waits at most `waitMs` in a queue as long as the slots,
 * and is refused with RATE_LIMITED after that, or at once when the queue
 * is full. `slots = 0` turns the cap off.
 */
export class PasswordHashing {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly addresses = new Set<string>();

  private readonly dummy: string;

  /** `cost`: of the hashes this node writes (N = 2^cost), and of the dummy a login of nobody is checked against. */
  constructor(
    private readonly slots: number,
    private readonly waitMs: number,
    private readonly cost = DEFAULT_HASH_COST,
  ) {
    this.dummy = dummyHash(cost);
  }

  /** A new password's hash, at this node's cost. */
  hash(password: string): Promise<string> {
    return hashPassword(password, this.cost);
  }

  /** Whether `password` is the one `stored` was hashed from; with nothing stored, false, after as long as a check takes. */
  verify(password: string, stored: string | null | undefined): Promise<boolean> {
    return verifyPassword(password, stored ?? this.dummy).then((matches) => matches && !!stored);
  }

  /** Runs `work` (a hash) in a slot for `address`; RATE_LIMITED when none is free in time. */
  async run<T>(address: string, work: () => Promise<T>): Promise<T> {
    if (this.slots <= 0) return work();
    if (this.addresses.has(address)) throw rateLimited();
    this.addresses.add(address);
    try {
      if (this.running >= this.slots) await this.waitForSlot(address);
      else this.running++;
      try {
        return await work();
      } finally {
        this.release();
      }
    } finally {
      this.addresses.delete(address);
    }
  }

  private waitForSlot(address: string): Promise<void> {
    if (this.queue.length >= this.slots) return Promise.reject(rateLimited());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        address,
        admit: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(waiter), 1);
        reject(rateLimited(this.waitMs));
      }, this.waitMs);
      this.queue.push(waiter);
    });
  }

  /** Hands the slot to the longest waiting request, or frees it. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next.admit();
    else this.running--;
  }
}
