import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { MAX_FILE_BYTES } from '../src/modules/attachment/file-types.js';
import { linkedFile } from '../src/modules/attachment/attachment.service.js';
import { RequestContext } from '../src/graphql/context.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, expectError, type World } from './fixtures.js';

let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [a, b] = await Promise.all([fx.world(), fx.world()]);
});
afterAll(() => server?.close());

/** A small real PNG (1x1, red); `salt` makes each one's bytes differ. */
function png(salt = ''): Buffer {
  const base = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
  return Buffer.concat([base, Buffer.from(salt)]);
}
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

interface Uploaded {
  status: number;
  body: any;
}
async function upload(data: Buffer, name = 'photo.png', options: { slug?: string; token?: string } = {}): Promise<Uploaded> {
  const path = options.token ? '/uploads' : `/portal/uploads?tenant=${encodeURIComponent(options.slug ?? a.t.slug)}`;
  let req = request(server.url).post(path).set('content-type', 'application/octet-stream').set('x-file-name', encodeURIComponent(name));
  if (options.token) req = req.set('authorization', `Bearer ${options.token}`);
  const res = await req.send(data);
  return { status: res.status, body: res.body };
}

const FILES = 'attachments { id fileName contentType size url author }';
const STATUS = `query($number: String!, $token: String!) {
  complaintStatus(number: $number, accessToken: $token) { number awaitingReply ${FILES} messages { body author ${FILES} } } }`;
const SUBMIT = `mutation($slug: String!, $input: SubmitComplaintInput!) {
  submitComplaint(tenantSlug: $slug, input: $input) { number accessToken complaint { ${FILES} } } }`;
const REPLY = `mutation($number: String!, $token: String!, $body: String!, $ids: [ID!]) {
  replyToComplaint(number: $number, accessToken: $token, body: $body, attachmentIds: $ids) { id ${FILES} } }`;
const STAFF_FILES = `query($id: ID) { complaint(id: $id) { id attachments { id fileName contentType size url author uploadedBy { id } messageId }
  messages { id visibility attachments { id } } } }`;

const submission = (attachmentIds: string[], overrides: Record<string, unknown> = {}) => ({
  slug: a.t.slug,
  input: {
    kind: 'CLAIM',
    subject: 'Cracked screen',
    description: 'Cracked on arrival, photos attached',
    demand: 'REPLACEMENT',
    customer: { name: 'Olga', email: 'olga@example.com' },
    attachmentIds,
    ...overrides,
  },
});

async function complaintId(number: string, w: World = a): Promise<string> {
  const [row] = await fx.asTenant(w.t.tenantId, (m) => m.query('SELECT id FROM complaints WHERE number = $1', [number]));
  return row.id;
}

describe('a customer attaches photos and documents', () => {
  it('uploads, submits, and both sides get the same bytes back through signed links', async () => {
    const photo = png('1');
    const up = await upload(photo, 'Фото чека.png');
    expect(up.status).toBe(201);
    expect(up.body).toEqual({ id: expect.any(String), fileName: 'Фото чека.png', contentType: 'image/png', size: photo.length });
    const doc = await upload(PDF, 'invoice.pdf');
    expect(doc.body.contentType).toBe('application/pdf');

    const sent = ok(await server.portal(SUBMIT, submission([up.body.id, doc.body.id]))).submitComplaint;
    expect(sent.complaint.attachments.map((f: any) => [f.fileName, f.contentType, f.author])).toEqual([
      ['Фото чека.png', 'image/png', 'CUSTOMER'],
      ['invoice.pdf', 'application/pdf', 'CUSTOMER'],
    ]);

    const customerView = ok(await server.portal(STATUS, { number: sent.number, token: sent.accessToken })).complaintStatus;
    const image = await request(server.url)
      .get(customerView.attachments[0].url)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(image.status).toBe(200);
    expect(Buffer.compare(image.body as Buffer, photo)).toBe(0);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['x-content-type-options']).toBe('nosniff');
    expect(image.headers['content-security-policy']).toContain('sandbox');
    expect(image.headers['content-disposition']).toMatch(/^inline; .*filename\*=UTF-8''/);

    const pdf = await request(server.url).get(customerView.attachments[1].url);
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="invoice.pdf"/);

    const staffView = ok(await server.staff(STAFF_FILES, { id: await complaintId(sent.number) }, a.staff.OPERATOR.token)).complaint;
    expect(staffView.attachments.map((f: any) => [f.id, f.author, f.uploadedBy, f.messageId])).toEqual([
      [up.body.id, 'CUSTOMER', null, null],
      [doc.body.id, 'CUSTOMER', null, null],
    ]);
    const again = await request(server.url).get(staffView.attachments[0].url);
    expect(again.status).toBe(200);
  });

  it('answers a revalidation with 304 and a HEAD with the headers only', async () => {
    const up = await upload(png('etag'));
    const url = ok(await server.portal(SUBMIT, submission([up.body.id]))).submitComplaint.complaint.attachments[0].url;
    const first = await request(server.url).get(url);
    const again = await request(server.url).get(url).set('if-none-match', first.headers.etag);
    expect(again.status).toBe(304);
    const head = await request(server.url).head(url);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(up.body.size));
    expect(head.text ?? '').toBe('');
  });

  it('holds no database connection while a body is arriving: slow uploads stall nobody', async () => {
    const open: ClientRequest[] = [];
    const { port } = new URL(server.url);
    // More slow uploads than the pool has connections (40), each declaring a megabyte and sending 20 bytes.
    for (let i = 0; i < 45; i++) {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/portal/uploads?tenant=${a.t.slug}`,
        headers: { 'content-length': '1000000', 'x-file-name': 'slow.png' },
      });
      req.on('error', () => undefined);
      req.write(png().subarray(0, 20));
      open.push(req);
    }
    await new Promise((r) => setTimeout(r, 300));
    try {
      const answer = await Promise.race([
        server.staff('{ departments { id } }', {}, a.t.adminToken),
        new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 5000)),
      ]);
      expect(answer).not.toBe('stalled');
      expect((answer as { errors?: unknown }).errors).toBeUndefined();
    } finally {
      for (const req of open) req.destroy();
    }
  });

  it('serves byte ranges (video players ask for them) and answers 416 past the end', async () => {
    const up = await upload(png('range'));
    const sent = ok(await server.portal(SUBMIT, submission([up.body.id]))).submitComplaint;
    const url = sent.complaint.attachments[0].url;
    const part = await request(server.url).get(url).set('range', 'bytes=0-7');
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-7/${up.body.size}`);
    expect(part.headers['content-length']).toBe('8');
    expect((await request(server.url).get(url).set('range', `bytes=${up.body.size}-`)).status).toBe(416);
  });

  it.each([
    ['a file over 10 MB', () => Buffer.concat([png(), Buffer.alloc(MAX_FILE_BYTES)]), 'big.png', 413, 'FILE_TOO_LARGE'],
    ['an HTML page', () => Buffer.from('<html><script>alert(1)</script></html>'), 'photo.png', 415, 'UNSUPPORTED_TYPE'],
    [
      'an SVG (it can carry scripts)',
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'logo.svg',
      415,
      'UNSUPPORTED_TYPE',
    ],
    ['a program named like a photo', () => Buffer.concat([Buffer.from('MZ'), randomBytes(64)]), 'photo.jpg', 415, 'UNSUPPORTED_TYPE'],
    ['an empty file', () => Buffer.alloc(0), 'empty.png', 400, 'EMPTY_FILE'],
  ])('refuses %s (status and reason) and stores nothing', async (_label, data, name, status, reason) => {
    const res = await fx.expectNoWrites(() => upload(data(), name));
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  });

  it.each([
    ['a path in the name', '../../etc/passwd', 400],
    ['no name', '', 400],
    ['a name that hides its extension', 'photo\u202Egnp.exe', 400],
  ])('refuses %s and stores nothing', async (_label, name, status) => {
    const res = await fx.expectNoWrites(() => upload(png(), name));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an unknown company with 404 and stores nothing', async () => {
    const res = await fx.expectNoWrites(() => upload(png(), 'photo.png', { slug: 'no-such-company' }));
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('refuses a submission with a file of another company, or one already used, and stores nothing', async () => {
    const foreign = (await upload(png('b'), 'photo.png', { slug: b.t.slug })).body.id;
    expectError(await fx.expectNoWrites(() => server.portal(SUBMIT, submission([foreign]))), 'BAD_USER_INPUT');
    const mine = (await upload(png('used'))).body.id;
    ok(await server.portal(SUBMIT, submission([mine])));
    expectError(await fx.expectNoWrites(() => server.portal(SUBMIT, submission([mine]))), 'BAD_USER_INPUT');
  });

  it("refuses a staff member's pending upload in a customer's submission", async () => {
    const staffUpload = await upload(png('staff'), 'note.png', { token: a.staff.OPERATOR.token });
    expect(staffUpload.status).toBe(201);
    expectError(await fx.expectNoWrites(() => server.portal(SUBMIT, submission([staffUpload.body.id]))), 'BAD_USER_INPUT');
  });

  it('allows five files from the customer per complaint, over the submission and the replies', async () => {
    const ids = await Promise.all([1, 2, 3].map(async (i) => (await upload(png(`five${i}`))).body.id));
    const sent = ok(await server.portal(SUBMIT, submission(ids))).submitComplaint;
    const two = await Promise.all([4, 5].map(async (i) => (await upload(png(`five${i}`))).body.id));
    const reply = ok(
      await server.portal(REPLY, { number: sent.number, token: sent.accessToken, body: 'Two more photos', ids: two }),
    ).replyToComplaint;
    expect(reply.attachments).toHaveLength(2);
    const sixth = (await upload(png('five6'))).body.id;
    const refused = await fx.expectNoWrites(() =>
      server.portal(REPLY, { number: sent.number, token: sent.accessToken, body: 'And one more', ids: [sixth] }),
    );
    expect(expectError(refused, 'BAD_USER_INPUT').message).toMatch(/at most 5 files/);
    const view = ok(await server.portal(STATUS, { number: sent.number, token: sent.accessToken })).complaintStatus;
    expect(view.attachments).toHaveLength(5);
    expect(
      view.messages
        .find((m: any) => m.body === 'Two more photos')
        .attachments.map((f: any) => f.id)
        .sort(),
    ).toEqual([...two].sort());
  });
});

describe('files reach only the right people', () => {
  it('a file of an internal note never reaches the portal; one of a public reply does', async () => {
    const sent = ok(await server.portal(SUBMIT, submission([]))).submitComplaint;
    const id = await complaintId(sent.number);
    const note = (await upload(png('internal'), 'internal.png', { token: a.staff.SPECIALIST.token })).body.id;
    const pub = (await upload(PDF, 'instructions.pdf', { token: a.staff.SPECIALIST.token })).body.id;
    ok(
      await server.staff(
        `mutation($input: AddMessageInput!) { addMessage(input: $input) { id } }`,
        { input: { complaintId: id, body: 'SECRET supplier batch 7', visibility: 'INTERNAL', attachmentIds: [note] } },
        a.staff.SPECIALIST.token,
      ),
    );
    ok(
      await server.staff(
        `mutation($input: AddMessageInput!) { addMessage(input: $input) { id } }`,
        { input: { complaintId: id, body: 'Please follow these steps', visibility: 'PUBLIC', attachmentIds: [pub], awaitCustomer: true } },
        a.staff.SPECIALIST.token,
      ),
    );
    const view = ok(await server.portal(STATUS, { number: sent.number, token: sent.accessToken })).complaintStatus;
    expect(view.attachments.map((f: any) => [f.fileName, f.author])).toEqual([['instructions.pdf', 'STAFF']]);
    expect(JSON.stringify(view)).not.toContain('internal.png');
    expect(JSON.stringify(view)).not.toContain('SECRET');
    expect(view.awaitingReply).toBe(true);
    const staffView = ok(await server.staff(STAFF_FILES, { id }, a.staff.OPERATOR.token)).complaint;
    expect(staffView.attachments.map((f: any) => [f.fileName, f.uploadedBy?.id])).toEqual([
      ['internal.png', a.staff.SPECIALIST.id],
      ['instructions.pdf', a.staff.SPECIALIST.id],
    ]);
  });

  it("a staff member cannot attach a colleague's pending upload", async () => {
    const c = await fx.register(a.staff.OPERATOR.token);
    const theirs = (await upload(png('colleague'), 'x.png', { token: a.staff.SPECIALIST.token })).body.id;
    const r = await fx.expectNoWrites(() =>
      server.staff(
        `mutation($input: AddMessageInput!) { addMessage(input: $input) { id } }`,
        { input: { complaintId: c.id, body: 'mine now', visibility: 'PUBLIC', attachmentIds: [theirs] } },
        a.staff.OPERATOR.token,
      ),
    );
    expectError(r, 'BAD_USER_INPUT');
  });

  it('staff uploads need a token; the number alone or a wrong token shows no file', async () => {
    const res = await fx.expectNoWrites(() => request(server.url).post('/uploads').set('x-file-name', 'a.png').send(png()));
    expect(res.status).toBe(401);
    const up = await upload(png('tok'));
    const sent = ok(await server.portal(SUBMIT, submission([up.body.id]))).submitComplaint;
    const wrong = await server.portal(STATUS, { number: sent.number, token: randomBytes(32).toString('base64url') });
    expect(wrong.data?.complaintStatus).toBeNull();
  });

  it("a tampered or foreign link opens nothing, and tenant B reads none of A's files even by id", async () => {
    const up = await upload(png('link'));
    const sent = ok(await server.portal(SUBMIT, submission([up.body.id]))).submitComplaint;
    const url = new URL(sent.complaint.attachments[0].url, server.url);
    const tampered = new URL(url);
    tampered.searchParams.set('t', b.t.tenantId);
    expect((await request(server.url).get(tampered.pathname + tampered.search)).status).toBe(404);
    const later = new URL(url);
    later.searchParams.set('e', String(Number(url.searchParams.get('e')) + 3600));
    expect((await request(server.url).get(later.pathname + later.search)).status).toBe(404);
    const otherFile = new URL(url);
    otherFile.pathname = `/files/${randomUUID()}`;
    expect((await request(server.url).get(otherFile.pathname + otherFile.search)).status).toBe(404);
    // Row-level security: in tenant B's transaction the row does not exist.
    expect(await fx.asTenant(b.t.tenantId, (m) => linkedFile(new RequestContext(b.t.tenantId, null, m), up.body.id))).toBeNull();
    expect(await fx.asTenant(a.t.tenantId, (m) => linkedFile(new RequestContext(a.t.tenantId, null, m), up.body.id))).not.toBeNull();
    const seen = (tenantId: string) =>
      fx.asTenant(tenantId, (m) =>
        m.query(
          'SELECT (SELECT count(*)::int FROM attachments WHERE id = $1) AS files, (SELECT count(*)::int FROM attachment_blobs WHERE attachment_id = $1) AS blobs',
          [up.body.id],
        ),
      );
    expect(await seen(b.t.tenantId)).toEqual([{ files: 0, blobs: 0 }]);
    expect(await seen(a.t.tenantId)).toEqual([{ files: 1, blobs: 1 }]);
  });

  it('a pending (never submitted) upload has no link and cannot be read', async () => {
    const up = await upload(png('pending'));
    expect(await fx.asTenant(a.t.tenantId, (m) => linkedFile(new RequestContext(a.t.tenantId, null, m), up.body.id))).toBeNull();
  });
});

describe("the company's portal face", () => {
  const PORTAL_TENANT = `query($slug: String!) { portalTenant(slug: $slug) { slug name locale logoUrl primaryColor accentColor intro } }`;
  const UPDATE = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { branding { logoUrl primaryColor accentColor intro } } }`;

  it('is set by the admin and shown to anyone; empty strings clear; unknown companies are null', async () => {
    const w = await fx.world();
    expect(ok(await server.portal(PORTAL_TENANT, { slug: w.t.slug })).portalTenant).toEqual({
      slug: w.t.slug,
      name: 'Test Company',
      locale: 'ru',
      logoUrl: null,
      primaryColor: null,
      accentColor: null,
      intro: null,
    });
    const logo = `data:image/png;base64,${png().toString('base64')}`;
    ok(
      await server.staff(
        UPDATE,
        { input: { branding: { logoUrl: logo, primaryColor: '#0B3D91', intro: 'Tell us what happened' } } },
        w.t.adminToken,
      ),
    );
    ok(await server.staff(UPDATE, { input: { branding: { accentColor: '#2bb3a3' } } }, w.t.adminToken));
    expect(ok(await server.portal(PORTAL_TENANT, { slug: w.t.slug })).portalTenant).toMatchObject({
      logoUrl: logo,
      primaryColor: '#0b3d91',
      accentColor: '#2bb3a3',
      intro: 'Tell us what happened',
    });
    ok(await server.staff(UPDATE, { input: { branding: { intro: '' } } }, w.t.adminToken));
    expect(ok(await server.portal(PORTAL_TENANT, { slug: w.t.slug })).portalTenant.intro).toBeNull();
    expect(ok(await server.portal(PORTAL_TENANT, { slug: 'no-such-company' })).portalTenant).toBeNull();
  });

  it.each([
    ['a javascript: logo', { logoUrl: 'javascript:alert(1)' }],
    ['an http: logo', { logoUrl: 'http://example.com/logo.png' }],
    ['an HTML data URL', { logoUrl: 'data:text/html;base64,PHNjcmlwdD4=' }],
    ['a colour name', { primaryColor: 'red' }],
    ['a CSS injection', { accentColor: '#fff;background:url(x)' }],
    ['markup in the intro', { intro: '<script>alert(1)</script>' }],
  ])('refuses %s and changes nothing', async (_label, branding) => {
    expectError(await fx.expectNoWrites(() => server.staff(UPDATE, { input: { branding } }, a.t.adminToken)), 'BAD_USER_INPUT');
  });

  it('is for admins to change', async () => {
    expectError(
      await fx.expectNoWrites(() => server.staff(UPDATE, { input: { branding: { primaryColor: '#000000' } } }, a.staff.OPERATOR.token)),
      'FORBIDDEN',
    );
  });
});

describe('abuse protection on the public endpoint', () => {
  it("the honeypot refuses a bot's submission and stores nothing", async () => {
    const r = await fx.expectNoWrites(() => server.portal(SUBMIT, submission([], { website: 'http://spam.example' })));
    expectError(r, 'BAD_USER_INPUT', 'AUTOMATED');
  });

  it('limits accepted submissions and uploads per address and per company', async () => {
    const limited = await startTestServer({ portalSubmissionsPerHour: 2, portalSubmissionsPerHourPerTenant: 100, portalUploadsPerHour: 3 });
    try {
      const lfx = new Fixtures(limited);
      const t = await lfx.tenant();
      const input = {
        kind: 'COMPLAINT',
        subject: 'Late delivery',
        description: 'Two weeks late',
        customer: { name: 'Ann', phone: '+44 20 7946 0000' },
      };
      // A refused (invalid) submission does not use up the allowance.
      expectError(await limited.portal(Q.submit, { slug: t.slug, input: { ...input, customer: { name: 'Ann' } } }), 'BAD_USER_INPUT');
      ok(await limited.portal(Q.submit, { slug: t.slug, input }));
      expectError(await limited.portal(Q.submit, { slug: t.slug, input: { ...input, attachmentIds: [randomUUID()] } }), 'BAD_USER_INPUT');
      ok(await limited.portal(Q.submit, { slug: t.slug, input }));
      expectError(await lfx.expectNoWrites(() => limited.portal(Q.submit, { slug: t.slug, input })), 'RATE_LIMITED');
      // Refused submissions and uploads do not use up the allowance either.
      expectError(await limited.portal(Q.submit, { slug: t.slug, input: { ...input, attachmentIds: [randomUUID()] } }), 'BAD_USER_INPUT');
      const send = () => request(limited.url).post(`/portal/uploads?tenant=${t.slug}`).set('x-file-name', 'p.png').send(png(randomUUID()));
      expect(
        (await request(limited.url).post(`/portal/uploads?tenant=${t.slug}`).set('x-file-name', 'p.html').send(Buffer.from('<html>')))
          .status,
      ).toBe(415);
      for (let i = 0; i < 3; i++) expect((await send()).status).toBe(201);
      const refused = await lfx.expectNoWrites(send);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });

  it('behind a trusted load balancer, counts each customer by the address the balancer saw', async () => {
    const limited = await startTestServer({ portalSubmissionsPerHour: 1, portalSubmissionsPerHourPerTenant: 100, trustedProxies: 1 });
    try {
      const t = await new Fixtures(limited).tenant();
      const submit = (forwardedFor: string) =>
        request(limited.url)
          .post('/portal/graphql')
          .set('content-type', 'application/json')
          .set('x-forwarded-for', forwardedFor)
          .send({
            query: Q.submit,
            variables: {
              slug: t.slug,
              input: {
                kind: 'COMPLAINT',
                subject: 'Late',
                description: 'Late delivery',
                customer: { name: 'Ann', phone: '+44 20 7946 0000' },
              },
            },
          });
      expect((await submit('203.0.113.7')).body.errors).toBeUndefined();
      expect((await submit('203.0.113.8')).body.errors).toBeUndefined();
      expect((await submit('203.0.113.7')).body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      // A client cannot pose as someone else by writing the header itself: the balancer appends what it saw.
      expect((await submit('198.51.100.1, 203.0.113.8')).body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });

  it('refuses a portal request body over the limit with 413', async () => {
    const res = await request(server.url)
      .post('/portal/graphql')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(300 * 1024) } }));
    expect(res.status).toBe(413);
  });
});

describe('closing the loop', () => {
  it('a complaint filed with a photo can be followed to FEEDBACK and rated', async () => {
    const up = await upload(png('loop'));
    const sent = ok(await server.portal(SUBMIT, submission([up.body.id]))).submitComplaint;
    let c = await fx.get(a.staff.HEAD.token, await complaintId(sent.number));
    for (const to of [Stage.REGISTERED, Stage.ANALYSIS, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FEEDBACK])
      c = await fx.advance(a, c, to);
    const rated = ok(
      await server.portal(Q.rate, { number: sent.number, token: sent.accessToken, score: 4, comment: 'Quick, thanks' }),
    ).rateComplaint;
    expect(rated.satisfaction).toBe(4);
    expect((await fx.get(a.staff.HEAD.token, c.id)).satisfaction).toBe(4);
  });
});
