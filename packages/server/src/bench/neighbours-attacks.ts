/**
 * The attacks of `pnpm bench:neighbours` (issue 12's findings, each run by
 * a hostile company or by anonymous clients at the published limits). Each
 * runs until `end`, bounded in count too, and cleans up after itself; what
 * the server refuses (RATE_LIMITED, BAD_USER_INPUT, an HTTP 4xx, a close
 * code) is counted as refused, and the attack goes on.
 */
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface Company {
  slug: string;
  tenantId: string;
  dept: string;
  cat: string;
  /** Role → token (ADMIN, OPERATOR, HEAD, QUALITY_MANAGER); extra QUALITY_MANAGER tokens in `crowd`. */
  tokens: Record<string, string>;
  crowd: string[];
  adminEmail: string;
}

export interface AttackStats {
  sent: number;
  ok: number;
  refused: number;
  /** Other failures (timeouts, server errors). */
  failed: number;
  /** How long each answered request took (ms). */
  durations: number[];
  notes: string[];
}

export const newStats = (): AttackStats => ({ sent: 0, ok: 0, refused: 0, failed: 0, durations: [], notes: [] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A client address as a trusted proxy reports it (the server runs with TRUSTED_PROXIES=1). */
export const address = (i: number) => `10.77.${(i >> 8) & 255}.${i & 255}`;

/** POST of a GraphQL document; the outcome is counted in `stats`. */
export async function post(
  base: string,
  path: string,
  query: string,
  variables: object,
  stats: AttackStats | null,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<{ status: number; body: any }> {
  if (stats) stats.sent++;
  const t0 = performance.now();
  try {
    // Bounded: a request the server has not answered in 30 s counts as failed.
    const res = await fetch(base + path, {
      method: 'POST',
      signal: signal ?? AbortSignal.timeout(30_000),
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json().catch(() => ({}));
    if (stats) {
      stats.durations.push(performance.now() - t0);
      count(stats, res.status, (body as any)?.errors?.[0]?.extensions?.code);
    }
    return { status: res.status, body };
  } catch (err) {
    if (stats) stats.failed++;
    return { status: 0, body: { error: String(err) } };
  }
}

/** A limit's refusal, or an answer (a wrong password's UNAUTHENTICATED is an answer: the guess was tried). */
function count(stats: AttackStats, status: number, code?: string): void {
  if (status === 429 || code === 'RATE_LIMITED' || code === 'BAD_USER_INPUT') stats.refused++;
  else if (status >= 200 && status < 300 && (!code || code === 'UNAUTHENTICATED')) stats.ok++;
  else stats.failed++;
}

/** Runs `op` from `clients` loops, each at most `perSecond` times a second, until `end` or `max` operations. */
async function loops(
  clients: number,
  perSecond: number,
  end: number,
  max: number,
  op: (client: number, n: number) => Promise<unknown>,
): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (Date.now() < end && started < max) {
        const t0 = Date.now();
        await op(client, started++);
        await sleep(Math.max(0, 1000 / perSecond - (Date.now() - t0)));
      }
    }),
  );
}

/** (a) Heavy allowed queries: aliased complaints(first: 200) with timeline, actors' departments, messages, clocks. */
export function heavyDocument(aliases: number, first: number): string {
  const one = (i: number) => `a${i}: complaints(first: ${first}) { edges { node { id number
    timeline { type actor { id departments { id name } } } messages { id body } slaClocks { target dueAt }
    allowedTransitions penaltyExposure { accrued } } } }`;
  return `query Heavy { ${Array.from({ length: aliases }, (_, i) => one(i)).join('\n')} }`;
}

export async function heavyQueries(
  base: string,
  hostile: Company,
  p: { concurrency: number; perSecond: number; aliases: number; first: number; max: number },
  end: number,
  stats: AttackStats,
) {
  const tokens = hostile.crowd;
  // At the limit: the heaviest page size the server still accepts for this document (the issue's own, first 200, is refused).
  let first = p.first;
  let doc = heavyDocument(p.aliases, first);
  for (;;) {
    const probe = await post(base, '/graphql', doc, {}, null, { authorization: `Bearer ${tokens[0]}` });
    if (probe.body?.errors?.[0]?.extensions?.reason !== 'QUERY_LIMIT' || first === 1) break;
    first = Math.max(1, Math.floor(first / 2));
    doc = heavyDocument(p.aliases, first);
  }
  console.log(`    heavy document: ${p.aliases} aliases of complaints(first: ${first}) (the largest page the limits accept)`);
  await loops(p.concurrency, p.perSecond, end, p.max, (client) =>
    post(base, '/graphql', doc, {}, stats, { authorization: `Bearer ${tokens[client % tokens.length]}` }),
  );
}

/** (b) The doubling-fragment document: F(k) spreads F(k-1) twice; about 1 KB for `n` fragments. */
export function doublingDocument(n: number): string {
  const fragments = [`fragment F0 on Query { __typename }`];
  for (let k = 1; k <= n; k++) fragments.push(`fragment F${k} on Query { ...F${k - 1} ...F${k - 1} }`);
  return `query Doubling { ...F${n} }\n${fragments.join('\n')}`;
}

export async function doublingFragments(
  base: string,
  p: { n: number; clients: number; perSecond: number; max: number },
  end: number,
  stats: AttackStats,
) {
  const doc = doublingDocument(p.n);
  const controller = new AbortController();
  const stop = setTimeout(() => controller.abort(), Math.max(0, end - Date.now()) + 2000);
  await loops(p.clients, p.perSecond, end, p.max, (client, n) =>
    post(base, n % 2 ? '/portal/graphql' : '/graphql', doc, {}, stats, { 'x-forwarded-for': address(100 + client) }, controller.signal),
  );
  clearTimeout(stop);
}

/** A graphql-transport-ws socket, acknowledged, or null if the server would not have it. */
export async function socket(url: string, init: object, headers: Record<string, string> = {}): Promise<WebSocket | null> {
  const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
  ws.on('error', () => undefined);
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('close', () => resolve(false));
    ws.once('unexpected-response', () => resolve(false));
  });
  if (!opened) return null;
  const acked = new Promise<boolean>((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(String(d)).type === 'connection_ack'));
    ws.once('close', () => resolve(false));
    setTimeout(() => resolve(false), 10_000);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: init }));
  if (await acked) return ws;
  ws.terminate();
  return null;
}

/** Opens `count` sockets, `batch` at a time, until `end`; null for those the server refused. */
async function openMany(
  count: number,
  end: number,
  open: (i: number) => Promise<WebSocket | null>,
  batch = 20,
): Promise<Array<WebSocket | null>> {
  const all: Array<WebSocket | null> = [];
  for (let i = 0; i < count && Date.now() < end; i += batch) {
    all.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => open(i + j)))));
  }
  return all;
}

/** Counts `error` messages and closes of sockets the server ends (refusals), per attack. */
function watchRefusals(ws: WebSocket, stats: AttackStats, closedByUs: () => boolean): void {
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type === 'error') stats.refused++;
  });
  ws.on('close', (code) => {
    if (!closedByUs()) {
      stats.refused++;
      if (!stats.notes.includes(`close ${code}`)) stats.notes.push(`close ${code}`);
    }
  });
}

/** (c) Thousands of subscriptions that differ only by an alias, from many sockets, while the hostile company makes events. */
export async function aliasSubscriptions(
  base: string,
  hostile: Company,
  p: { sockets: number; perSocket: number; eventsPerSecond: number; maxEvents: number },
  end: number,
  stats: AttackStats,
  register: () => Promise<unknown>,
) {
  let closing = false;
  const opened = await openMany(p.sockets, end, (s) =>
    socket(base.replace('http', 'ws') + '/graphql', { authorization: `Bearer ${hostile.crowd[s % hostile.crowd.length]}` }),
  );
  const sockets = opened.filter((ws): ws is WebSocket => ws !== null);
  stats.sent += opened.length;
  stats.refused += opened.length - sockets.length;
  sockets.forEach((ws, s) => {
    watchRefusals(ws, stats, () => closing);
    for (let i = 0; i < p.perSocket; i++) {
      stats.sent++;
      ws.send(
        JSON.stringify({
          id: String(i),
          type: 'subscribe',
          payload: {
            query: `subscription { s${s}x${i}: complaintStageChanged { from to complaint { id number subject stage priority } } }`,
          },
        }),
      );
    }
  });
  stats.notes.push(`${sockets.length} sockets open`);
  await loops(1, p.eventsPerSecond, end, p.maxEvents, () => register());
  closing = true;
  for (const ws of sockets) ws.terminate();
}

/** (d) Portal sockets that stop reading, subscribed to one complaint, while long public replies are posted. */
export async function slowPortalReaders(
  base: string,
  hostile: Company,
  complaint: { id: string; number: string; accessToken: string },
  p: { sockets: number; addresses: number; replies: number; replyChars: number; repliesPerSecond: number },
  end: number,
  stats: AttackStats,
) {
  let closing = false;
  const opened = await openMany(p.sockets, end, (s) =>
    socket(base.replace('http', 'ws') + '/portal/graphql', {}, { 'x-forwarded-for': address(300 + (s % p.addresses)) }),
  );
  const sockets = opened.filter((ws): ws is WebSocket => ws !== null);
  stats.sent += opened.length;
  stats.refused += opened.length - sockets.length;
  for (const ws of sockets) {
    watchRefusals(ws, stats, () => closing);
    ws.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: {
          query:
            'subscription($n: String!, $t: String!) { complaintStatusChanged(number: $n, accessToken: $t) { number stage messages { body author } } }',
          variables: { n: complaint.number, t: complaint.accessToken },
        },
      }),
    );
  }
  await sleep(300);
  // From here on the sockets read nothing: what the server sends piles up on its side.
  for (const ws of sockets) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  stats.notes.push(`${sockets.length} sockets open`);
  const body = 'A long public reply. '.repeat(Math.ceil(p.replyChars / 21)).slice(0, p.replyChars);
  await loops(1, p.repliesPerSecond, end, p.replies, () =>
    post(
      base,
      '/graphql',
      'mutation($input: AddMessageInput!) { addMessage(input: $input) { id } }',
      { input: { complaintId: complaint.id, body, visibility: 'PUBLIC' } },
      null,
      { authorization: `Bearer ${hostile.tokens.OPERATOR}` },
    ),
  );
  while (Date.now() < end) await sleep(100);
  closing = true;
  for (const ws of sockets) ws.terminate();
}

/** (e) Uploads that declare `declared` bytes, send one byte less and stall until `end`. */
export async function stalledUploads(
  base: string,
  hostile: Company,
  p: { count: number; addresses: number; declared: number },
  end: number,
  stats: AttackStats,
) {
  const url = new URL(`${base}/portal/uploads?tenant=${hostile.slug}`);
  // The bytes pass as a PNG (the type is sniffed from the first part), so the server stores what arrives.
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const first = Buffer.from(chunk);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(first);
  const pending = Array.from(
    { length: p.count },
    (_, i) =>
      new Promise<void>((resolve) => {
        stats.sent++;
        const req = request({
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(p.declared),
            'x-file-name': `stall-${i}.bin`,
            'x-forwarded-for': address(500 + (i % p.addresses)),
          },
        });
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          res.resume();
          if (res.statusCode && res.statusCode >= 400 && res.statusCode < 500) stats.refused++;
          else stats.failed++;
          resolve();
        });
        req.on('error', () => {
          if (!answered) stats.refused++;
          answered = true;
          resolve();
        });
        let sent = 0;
        const pump = () => {
          while (sent < p.declared - 1 && !answered) {
            const n = Math.min(chunk.length, p.declared - 1 - sent);
            const part = sent === 0 ? first : chunk;
            sent += n;
            if (!req.write(n === part.length ? part : part.subarray(0, n))) return void req.once('drain', pump);
          }
        };
        pump();
        setTimeout(
          () => {
            if (!answered) {
              stats.notes.push('held');
              answered = true;
              req.destroy();
              resolve();
            }
          },
          Math.max(0, end - Date.now()),
        );
      }),
  );
  await Promise.all(pending);
  const held = stats.notes.filter((n) => n === 'held').length;
  stats.notes = [`${held} held open until the end`];
}

/** (g) Password guessing against one account and sign-up spam, each address at the anonymous limit. */
export async function guessesAndSignUps(
  base: string,
  victim: Company,
  p: { loginAddresses: number; signUpAddresses: number; perAddressPerSecond: number; max: number },
  end: number,
  stats: AttackStats,
) {
  const login = 'mutation($input: LoginInput!) { login(input: $input) { token } }';
  const signUp = 'mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }';
  let created = 0;
  await Promise.all([
    loops(p.loginAddresses, p.perAddressPerSecond, end, p.max, (client, n) =>
      post(
        base,
        '/graphql',
        login,
        { input: { tenantSlug: victim.slug, email: victim.adminEmail, password: `guess-${n}-0123456789` } },
        stats,
        { 'x-forwarded-for': address(700 + client) },
      ),
    ),
    loops(p.signUpAddresses, p.perAddressPerSecond, end, p.max, async (client, n) => {
      const slug = `spam-${client}-${n}-${Date.now().toString(36)}`;
      const r = await post(
        base,
        '/graphql',
        signUp,
        { input: { slug, name: 'Spam', adminEmail: `a@${slug}.test`, adminPassword: 'spam-password-123', adminName: 'Spam' } },
        stats,
        { 'x-forwarded-for': address(900 + client) },
      );
      if (r.body?.data?.signUpTenant) created++;
    }),
  ]);
  stats.notes.push(`${created} companies created`);
}
