import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { request as httpRequest, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, type World } from './fixtures.js';
import { LINGER } from '../src/http/http-util.js';

const MB = 1024 * 1024;
const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** Bytes that pass as a PNG (the type is sniffed from the first bytes). */
function pngOf(size: number, fill?: Buffer): Buffer {
  const data = fill ?? Buffer.alloc(size);
  PNG_HEAD.copy(data);
  return data;
}

interface Answer {
  status: number;
  body: any;
  at: number;
}
interface Sent {
  req: ClientRequest;
  answer: Promise<Answer | 'cut'>;
}

/** A raw upload: headers, then `body` (if any) without ending the request unless `end`. */
function send(server: TestServer, path: string, headers: OutgoingHttpHeaders, body?: Buffer, end = false): Sent {
  const { port } = new URL(server.url);
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'x-file-name': 'photo.png', ...headers } });
  const answer = new Promise<Answer | 'cut'>((resolve) => {
    req.on('error', () => resolve('cut'));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null, at: Date.now() });
      });
      res.on('error', () => resolve('cut'));
    });
  });
  req.flushHeaders();
  if (body) req.write(body);
  if (end) req.end();
  return { req, answer };
}

const within = <T>(ms: number, p: Promise<T>) => Promise.race([p, new Promise<'late'>((r) => setTimeout(() => r('late'), ms))]);

async function storedCounts(server: TestServer): Promise<{ attachments: number; blobs: number; receipts: number }> {
  const [row] = await server.dataSource.query(`SELECT (SELECT count(*) FROM attachments)::int AS attachments,
    (SELECT count(*) FROM attachment_blobs)::int AS blobs, (SELECT count(*) FROM upload_receipts)::int AS receipts`);
  return row;
}

// On PostgreSQL only: embedded PGlite keeps the database in this process, so its RSS would not be the server's alone.
describe.runIf(process.env.DATABASE_URL)('bodies that never finish', () => {
  let server: TestServer;
  let slug: string;
  const DEADLINE_MS = 3000;

  beforeAll(async () => {
    server = await startTestServer({ uploadDeadlineMs: DEADLINE_MS });
    slug = (await new Fixtures(server).tenant()).slug;
  });
  afterAll(() => server?.close());

  it('30 uploads declaring 10 MB that stall one byte short: the excess is refused at once, memory stays bounded, nothing is stored', async () => {
    // Warm up the path, so that the baseline includes the code and the pool.
    expect(
      (
        await request(server.url)
          .post(`/portal/uploads?tenant=${slug}`)
          .set('x-file-name', 'w.png')
          .send(pngOf(600 * 1024))
      ).status,
    ).toBe(201);
    await server.dataSource.query('DELETE FROM attachments');
    expect(await storedCounts(server)).toEqual({ attachments: 0, blobs: 0, receipts: 0 });

    // The senders run in a process of their own, so that this process's RSS is the server's.
    const senders = stallingSenders(`${server.url}/portal/uploads?tenant=${slug}`, 30);
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 20);
    try {
      // The default cap is 4 uploads at once per address: 26 are refused before their bodies are read.
      const refused = await senders.answers(26, DEADLINE_MS);
      expect(refused.length).toBe(26);
      for (const a of refused) {
        expect(a.status).toBe(429);
        expect(a.body.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'CONCURRENT_UPLOADS' });
        // Answered while the senders are still one byte short: nobody waited for their bodies.
        expect(a.ms).toBeLessThan(DEADLINE_MS);
      }
      // The accepted four are cut at their deadline, unanswered; what they had sent is deleted.
      expect(await senders.cut(4, DEADLINE_MS + 5000)).toBe(4);
      let counts = await storedCounts(server);
      for (let i = 0; i < 50 && counts.blobs + counts.receipts > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        counts = await storedCounts(server);
      }
      expect(counts).toEqual({ attachments: 0, blobs: 0, receipts: 0 });
    } finally {
      clearInterval(sampler);
      senders.stop();
      console.log(
        `RSS growth under 30 stalled 10 MB uploads: ${((peak - baseline) / MB).toFixed(1)} MB (baseline ${(baseline / MB).toFixed(0)} MB)`,
      );
    }
    // Held: four uploads in flight, one 256 KiB part each and its encodings for the driver (about 1.5 MB each;
    // 30 in flight measured +44 MB). Not held: of the 26 refused bodies, at most 1 MiB each is read off its socket
    // and dropped before the connection is closed. 96 MB covers both with room; holding the bodies, as before,
    // takes 300 MB and grows with every upload.
    expect(peak - baseline).toBeLessThan(96 * MB);

    // The slots were given back.
    expect((await request(server.url).post(`/portal/uploads?tenant=${slug}`).set('x-file-name', 'p.png').send(pngOf(1000))).status).toBe(
      201,
    );
  });
});

interface SenderAnswer {
  i: number;
  status: number;
  body: any;
  ms: number;
}

/**
 * `n` uploads from a child process, each declaring 10 MB and sending one byte
 * less, then waiting. The child reports each answer and each cut connection.
 */
function stallingSenders(url: string, n: number) {
  const script = `
    const http = require('node:http');
    const body = Buffer.alloc(${10 * MB - 1});
    Buffer.from('${PNG_HEAD.toString('hex')}', 'hex').copy(body);
    const started = Date.now();
    // Keep-alive, as browsers send: with Connection: close, Node closes the socket as soon as the answer is
    // written, and the unread body makes that a reset that can overtake the answer.
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    for (let i = 0; i < ${n}; i++) {
      const req = http.request(${JSON.stringify(url)}, { method: 'POST', agent, headers: { 'content-length': ${10 * MB}, 'x-file-name': 'photo.png' } });
      req.on('error', () => console.log(JSON.stringify({ i, cut: true })));
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => console.log(JSON.stringify({ i, status: res.statusCode, body: JSON.parse(text), ms: Date.now() - started })));
      });
      req.write(body);
    }`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const events: Array<SenderAnswer | { i: number; cut: true }> = [];
  let changed = () => undefined as void;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line));
    changed();
  });
  const until = async <T>(get: () => T, done: (v: T) => boolean, ms: number): Promise<T> => {
    const end = Date.now() + ms;
    while (!done(get()) && Date.now() < end)
      await new Promise<void>((r) => {
        changed = r;
        setTimeout(r, 50);
      });
    return get();
  };
  const answers = () => events.filter((e): e is SenderAnswer => 'status' in e);
  return {
    answers: (count: number, ms: number) => until(answers, (a) => a.length >= count, ms),
    /** Uploads whose connection was cut without an answer. */
    cut: async (count: number, ms: number) => {
      const unanswered = () => events.filter((e) => 'cut' in e && !answers().some((a) => a.i === e.i));
      return (await until(unanswered, (c) => c.length >= count, ms)).length;
    },
    stop: () => child.kill(),
  };
}

describe('uploads streamed in parts', () => {
  let server: TestServer;
  let a: World;
  beforeAll(async () => {
    server = await startTestServer();
    a = await new Fixtures(server).world();
  });
  afterAll(() => server?.close());

  it('a body sent in uneven chunks (no Content-Length) is stored in parts and read back byte for byte, whole and in ranges', async () => {
    const file = pngOf(0, randomBytes(3 * MB + 12345));
    const up = send(server, '/uploads', { authorization: `Bearer ${a.staff.OPERATOR.token}`, 'transfer-encoding': 'chunked' });
    for (let at = 0; at < file.length; at += 77_777) {
      up.req.write(file.subarray(at, at + 77_777));
      if (at % (10 * 77_777) === 0) await new Promise((r) => setTimeout(r, 5));
    }
    up.req.end();
    const answer = await up.answer;
    if (answer === 'cut') throw new Error('upload cut');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ contentType: 'image/png', size: file.length });
    const [{ parts }] = await server.dataSource.query('SELECT count(*)::int AS parts FROM attachment_blobs WHERE attachment_id = $1', [
      answer.body.id,
    ]);
    expect(parts).toBeGreaterThan(4);

    const cid = ok(
      await server.staff(
        `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id } }`,
        {
          input: {
            kind: 'CLAIM',
            channel: 'API',
            subject: 'Dent',
            description: 'A dent',
            customer: { name: 'Ivan', email: 'ivan@example.com' },
          },
        },
        a.staff.OPERATOR.token,
      ),
    ).registerComplaint.id;
    ok(
      await server.staff(
        `mutation($id: ID!, $ids: [ID!]) { addMessage(input: { complaintId: $id, body: "photo", visibility: INTERNAL, attachmentIds: $ids }) { id } }`,
        { id: cid, ids: [answer.body.id] },
        a.staff.OPERATOR.token,
      ),
    );
    const url = ok(await server.staff(`query($id: ID) { complaint(id: $id) { attachments { url } } }`, { id: cid }, a.staff.OPERATOR.token))
      .complaint.attachments[0].url;

    const binary = (res: any, cb: (e: null, b: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    };
    const whole = await request(server.url).get(url).buffer(true).parse(binary);
    expect(whole.status).toBe(200);
    expect(
      createHash('sha256')
        .update(whole.body as Buffer)
        .digest('hex'),
    ).toBe(createHash('sha256').update(file).digest('hex'));
    // Ranges inside one part, across several, and the tail.
    for (const [start, end] of [
      [10, 20],
      [200_000, 700_000],
      [file.length - 1000, file.length - 1],
    ] as const) {
      const part = await request(server.url).get(url).set('range', `bytes=${start}-${end}`).buffer(true).parse(binary);
      expect(part.status).toBe(206);
      expect(Buffer.compare(part.body as Buffer, file.subarray(start, end + 1))).toBe(0);
    }
    const tail = await request(server.url).get(url).set('range', 'bytes=-5').buffer(true).parse(binary);
    expect(Buffer.compare(tail.body as Buffer, file.subarray(file.length - 5))).toBe(0);
  });

  it('a body past 10 MB is refused while it arrives, and what was written of it is deleted', async () => {
    const up = send(server, `/portal/uploads?tenant=${a.t.slug}`, { 'transfer-encoding': 'chunked' });
    const chunk = pngOf(MB);
    for (let i = 0; i < 11; i++) up.req.write(chunk);
    up.req.end();
    const answer = await up.answer;
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'BAD_USER_INPUT', reason: 'FILE_TOO_LARGE' } } });
    const [left] = await server.dataSource.query(`SELECT (SELECT count(*)::int FROM attachment_blobs b
      WHERE NOT EXISTS (SELECT FROM attachments x WHERE x.tenant_id = b.tenant_id AND x.id = b.attachment_id)) AS orphans,
      (SELECT count(*)::int FROM upload_receipts) AS receipts`);
    expect(left).toEqual({ orphans: 0, receipts: 0 });
  });
});

describe('a refused body', () => {
  let server: TestServer;
  let slug: string;
  beforeAll(async () => {
    server = await startTestServer();
    slug = (await new Fixtures(server).tenant()).slug;
  });
  afterAll(() => server?.close());

  it('is read for a moment after the answer, not to its end: a sender that keeps the body open is disconnected', async () => {
    // Declares 10 MB, sends 3 MB of text (refused by type after the first part), then waits.
    const up = send(server, `/portal/uploads?tenant=${slug}`, { 'content-length': String(10 * MB) }, Buffer.alloc(3 * MB, 0x41));
    const closed = new Promise<number>((resolve) => up.req.on('socket', (s) => s.on('close', () => resolve(Date.now()))));
    const answer = await within(3000, up.answer);
    expect(answer).toMatchObject({ status: 415, body: { error: { code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_TYPE' } } });
    // Read whole, the rest would be drained and the socket held until the server's request timeout (300 s).
    const at = await within(LINGER.ms + 2000, closed);
    expect(at).not.toBe('late');
    expect((at as number) - (answer as Answer).at).toBeLessThan(LINGER.ms + 1000);
  });
});

describe('caps on uploads receiving at once', () => {
  let server: TestServer;
  let a: World;
  beforeAll(async () => {
    server = await startTestServer({
      trustedProxies: 1,
      uploadsPerAddress: 2,
      uploadsPerUser: 2,
      uploadsPerNode: 5,
      rateLimitPerMinute: 0,
    });
    a = await new Fixtures(server).world();
  });
  afterAll(() => server?.close());

  /** An upload that declares a megabyte and sends 20 bytes, then waits. */
  const stall = (headers: OutgoingHttpHeaders, path = `/portal/uploads?tenant=${a.t.slug}`) =>
    send(server, path, { 'content-length': String(MB), ...headers }, pngOf(20));
  const finished = (headers: OutgoingHttpHeaders, path = `/portal/uploads?tenant=${a.t.slug}`) =>
    send(server, path, { 'content-length': '1000', ...headers }, pngOf(1000), true).answer;
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('per client address: the third at once from one address is refused before its body, others are not', async () => {
    const open = [stall({ 'x-forwarded-for': '203.0.113.7' }), stall({ 'x-forwarded-for': '203.0.113.7' })];
    try {
      await settle();
      const third = await within(1000, stall({ 'x-forwarded-for': '203.0.113.7' }).answer);
      expect(third).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED', reason: 'CONCURRENT_UPLOADS' } } });
      expect(await finished({ 'x-forwarded-for': '203.0.113.8' })).toMatchObject({ status: 201 });
    } finally {
      for (const s of open) s.req.destroy();
    }
    // A sender that gives up gives its slot back.
    await settle();
    expect(await finished({ 'x-forwarded-for': '203.0.113.7' })).toMatchObject({ status: 201 });
  });

  it('per staff user, from any address: the third is refused, a colleague is not', async () => {
    const as = (who: 'OPERATOR' | 'SPECIALIST', ip: string) => ({ authorization: `Bearer ${a.staff[who].token}`, 'x-forwarded-for': ip });
    const open = [stall(as('OPERATOR', '198.51.100.1'), '/uploads'), stall(as('OPERATOR', '198.51.100.2'), '/uploads')];
    try {
      await settle();
      expect(await within(1000, stall(as('OPERATOR', '198.51.100.3'), '/uploads').answer)).toMatchObject({
        status: 429,
        body: { error: { code: 'RATE_LIMITED', reason: 'CONCURRENT_UPLOADS' } },
      });
      expect(await finished(as('SPECIALIST', '198.51.100.3'), '/uploads')).toMatchObject({ status: 201 });
    } finally {
      for (const s of open) s.req.destroy();
    }
  });

  it('per node, over all addresses', async () => {
    const open = Array.from({ length: 5 }, (_, i) => stall({ 'x-forwarded-for': `192.0.2.${i + 1}` }));
    try {
      await settle();
      expect(await within(1000, stall({ 'x-forwarded-for': '192.0.2.99' }).answer)).toMatchObject({
        status: 429,
        body: { error: { code: 'RATE_LIMITED', reason: 'CONCURRENT_UPLOADS' } },
      });
    } finally {
      for (const s of open) s.req.destroy();
    }
  });
});

describe('the staff limit comes before the body', () => {
  let server: TestServer;
  let a: World;
  beforeAll(async () => {
    server = await startTestServer();
    a = await new Fixtures(server).world();
  });
  afterAll(() => server?.close());

  it('a token that is not valid, or a role that may not write, is answered without waiting for the body', async () => {
    const stalled = (authorization: string) =>
      within(1500, send(server, '/uploads', { authorization, 'content-length': String(MB) }, pngOf(20)).answer);
    expect(await stalled('Bearer not-a-token')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    const viewer = (a.staff as Record<string, { token: string }>).VIEWER;
    if (viewer) expect(await stalled(`Bearer ${viewer.token}`)).toMatchObject({ status: 403 });
  });

  it('a staff member over the request limit is refused before the body is read', async () => {
    const limited = await startTestServer({ rateLimitPerMinute: 3 });
    try {
      const t = await new Fixtures(limited).tenant();
      for (let i = 0; i < 3; i++) ok(await limited.staff('{ me { id } }', {}, t.adminToken));
      const answer = await within(
        1500,
        send(limited, '/uploads', { authorization: `Bearer ${t.adminToken}`, 'content-length': String(MB) }, pngOf(20)).answer,
      );
      expect(answer).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    } finally {
      await limited.close();
    }
  });
});
