import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver answers the n-th request (1-based) to a path: a status, a redirect, or nothing at all (hang). */
export type Answer = number | { redirect: string } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: it records every
 * request and answers each path as told (200 unless told otherwise).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly answers = new Map<string, (n: number) => Answer>();
  private readonly counts = new Map<string, number>();
  private readonly hanging = new Set<() => void>();
  private server?: Server;
  base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const n = (this.counts.get(path) ?? 0) + 1;
        this.counts.set(path, n);
        const answer = this.answers.get(path)?.(n) ?? 200;
        if (answer === 'hang') {
          const release = () => res.destroy();
          this.hanging.add(release);
          res.on('close', () => this.hanging.delete(release));
        } else if (typeof answer === 'object') {
          res.writeHead(302, { location: answer.redirect }).end('moved');
        } else {
          res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer >= 300 ? `failed with ${answer}` : 'ok');
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** A new path of this receiver, answered by `answer`. */
  path(name: string, answer?: (n: number) => Answer): string {
    if (answer) this.answers.set(`/${name}`, answer);
    return `${this.base}/${name}`;
  }

  at(name: string): Received[] {
    return this.received.filter((r) => r.path === `/${name}`);
  }

  async close(): Promise<void> {
    for (const release of this.hanging) release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** Waits until `check` gives a value (not undefined, null or false), polling; fails after `ms`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  ms = 10_000,
  what = 'the condition',
): Promise<Exclude<NonNullable<T>, false>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as Exclude<NonNullable<T>, false>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
