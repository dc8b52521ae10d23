import WebSocket from 'ws';

export interface WsMessage {
  type: string;
  id?: string;
  payload?: any;
}

/**
 * A raw graphql-transport-ws client: every message and the close code are
 * visible to the test, so that protocol errors can be checked too.
 */
export class WsClient {
  readonly messages: WsMessage[] = [];
  /** When each message arrived (Date.now()), by index in `messages`. */
  readonly arrivals: number[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      this.arrivals.push(Date.now());
      for (const l of this.listeners) l();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        resolve({ code, reason: String(reason) });
        for (const l of this.listeners) l();
      }),
    );
  }

  /** Opens a socket; with `init`, sends connection_init and waits for the ack. */
  static async open(
    baseUrl: string,
    path: string,
    init?: Record<string, unknown> | null,
    headers?: Record<string, string>,
  ): Promise<WsClient> {
    const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, 'graphql-transport-ws', { headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new WsClient(socket);
    if (init !== undefined) {
      client.send({ type: 'connection_init', ...(init ? { payload: init } : {}) });
      await client.waitFor((m) => m.type === 'connection_ack');
    }
    return client;
  }

  /** Staff: a socket authenticated with `token`. */
  static staff(baseUrl: string, token: string): Promise<WsClient> {
    return WsClient.open(baseUrl, '/graphql', { authorization: `Bearer ${token}` });
  }

  send(message: WsMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends a subscribe message and returns its id. */
  subscribe(query: string, variables?: Record<string, unknown>): string {
    const id = String(this.nextId++);
    this.send({ id, type: 'subscribe', payload: { query, variables } });
    return id;
  }

  /** When each result of subscription `id` arrived (Date.now()), in order. */
  resultTimes(id: string): number[] {
    return this.messages.flatMap((m, i) => (m.id === id && m.type === 'next' ? [this.arrivals[i]!] : []));
  }

  /** The `next` payloads received so far for subscription `id`. */
  results(id: string): any[] {
    return this.messages.filter((m) => m.id === id && m.type === 'next').map((m) => m.payload);
  }

  /** Waits for a message matching `predicate` (already received or arriving). */
  waitFor(predicate: (m: WsMessage) => boolean, timeoutMs = 5000): Promise<WsMessage> {
    return this.until(() => this.messages.find(predicate), timeoutMs, 'a matching message');
  }

  /** Waits until subscription `id` has at least `n` results. */
  async waitForResults(id: string, n: number, timeoutMs = 5000): Promise<any[]> {
    await this.until(() => (this.results(id).length >= n ? true : undefined), timeoutMs, `${n} result(s) for subscription ${id}`);
    return this.results(id);
  }

  /**
   * Confirms that the subscription is active on the server: graphql-ws sends
   * nothing on success, so a ping/pong round trip after the subscribe
   * message shows the server has processed it (messages are handled in order
   * per socket only up to the async subscribe check, hence also a short wait).
   */
  async settle(ms = 150, timeoutMs = 5000): Promise<void> {
    const before = this.messages.filter((m) => m.type === 'pong').length;
    this.send({ type: 'ping' });
    await this.until(() => (this.messages.filter((m) => m.type === 'pong').length > before ? true : undefined), timeoutMs, 'pong');
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  close(): void {
    this.socket.close();
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const tryNow = () => {
        const found = check();
        if (found !== undefined) {
          cleanup();
          resolve(found);
        } else if (this.socket.readyState === WebSocket.CLOSED) {
          cleanup();
          reject(new Error(`socket closed while waiting for ${what}; got ${JSON.stringify(this.messages)}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(tryNow);
      };
      this.listeners.add(tryNow);
      tryNow();
    });
  }
}

/** The sockets a test file opens, closed after its last test (`closeAll` in afterAll). */
export class OpenSockets {
  private readonly all: WsClient[] = [];

  /** Keeps the client to be closed at the end; returns it. */
  async track(client: WsClient | Promise<WsClient>): Promise<WsClient> {
    const ready = await client;
    this.all.push(ready);
    return ready;
  }

  closeAll(): void {
    for (const client of this.all.splice(0)) client.close();
  }
}

/** Closes the clients and waits until each has seen its socket close. */
export async function closeAndWait(clients: readonly WsClient[]): Promise<void> {
  for (const client of clients) client.close();
  await Promise.all(clients.map((client) => client.closed));
}
