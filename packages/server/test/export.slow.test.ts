import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { get, type ClientRequest } from 'node:http';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { fillComplaints } from '../src/bench/export-fill.js';
import { startTestServer, type TestServer } from './harness.js';
import { Fixtures, type TenantFixture } from './fixtures.js';

const ROWS = 100_000;
/** A full collection, to tell garbage from memory kept: V8's own, reached without starting the worker with --expose-gc. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 2 ** 20;

let server: TestServer;
let fx: Fixtures;
let token: string;
/** The company that holds the rows. */
let company: TenantFixture;

beforeAll(async () => {
  server = await startTestServer({ exportsPerCompany: 1 });
  fx = new Fixtures(server);
  const t = await fx.tenant();
  company = t;
  const [departmentId, categoryId] = await Promise.all([fx.department(t), fx.category(t)]);
  const specialist = await fx.staff(t, [Role.SPECIALIST], [departmentId]);
  token = specialist.token;
  await fillComplaints((sql, params) => server.dataSource.query(sql, params), {
    tenantId: t.tenantId,
    prefix: t.slug.toUpperCase(),
    customerId: randomUUID(),
    departmentId,
    categoryId,
    assigneeId: specialist.id,
    count: ROWS,
  });
}, 300_000);
afterAll(() => server?.close());

/**
 * Downloads an export with curl, in a process of its own (so that the
 * client's buffers are not counted), sampling this process's RSS (the
 * server runs in it) meanwhile.
 */
async function measure(
  format: 'csv' | 'xlsx',
  filter?: object,
): Promise<{ bytes: number; lines: number; seconds: number; growthMb: number; keptMb: number }> {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  const file = join(tmpdir(), `export-${randomUUID()}.${format}`);
  const query = filter ? `?filter=${encodeURIComponent(JSON.stringify(filter))}` : '';
  try {
    const status = await new Promise<string>((resolve, reject) =>
      execFile(
        'curl',
        [
          '-s',
          '-o',
          file,
          '-w',
          '%{http_code}',
          '-H',
          `authorization: Bearer ${token}`,
          `${server.url}/exports/complaints.${format}${query}`,
        ],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(status).toBe('200');
    const body = await readFile(file);
    let lines = 0;
    if (format === 'csv') for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, i + 1)) lines++;
    gc();
    return {
      bytes: body.length,
      lines,
      seconds,
      growthMb: (peak - before) / MB,
      keptMb: (process.memoryUsage().heapUsed - heapBefore) / MB,
    };
  } finally {
    clearInterval(sampler);
    await rm(file, { force: true });
  }
}

it(`streams ${ROWS.toLocaleString('en')} rows as CSV and as XLSX with flat memory`, async () => {
  // The first exports load code and grow the collector's young space once, whatever their size.
  await measure('csv', { priority: 'URGENT' });
  await measure('xlsx', { priority: 'URGENT' });

  const quarter = await measure('csv', { priority: 'LOW' });
  expect(quarter.lines).toBe(ROWS / 4 + 1);
  const csv = await measure('csv');
  // The header and one line a row (no subject holds a line break).
  expect(csv.lines).toBe(ROWS + 1);
  const xlsx = await measure('xlsx');
  expect(xlsx.bytes).toBeGreaterThan(1 * MB);
  console.log(
    `export: CSV of ${ROWS / 4} rows RSS +${quarter.growthMb.toFixed(0)} MB; of ${ROWS} rows ${(csv.bytes / MB).toFixed(1)} MB in ` +
      `${csv.seconds.toFixed(1)} s, RSS +${csv.growthMb.toFixed(0)} MB (kept ${csv.keptMb.toFixed(1)}); XLSX ${(xlsx.bytes / MB).toFixed(1)} MB in ` +
      `${xlsx.seconds.toFixed(1)} s, RSS +${xlsx.growthMb.toFixed(0)} MB (kept ${xlsx.keptMb.toFixed(1)})`,
  );
  // Nothing of the rows is kept once a download ends; the peak is garbage awaiting the collector (docs/benchmarks.md, "Export").
  for (const run of [quarter, csv, xlsx]) expect(run.keptMb).toBeLessThan(5);
  // CSV on PostgreSQL: under the 100-MB target. XLSX: exceljs copies every sheet byte through 64-KB buffers that the
  // compressor holds past a young collection, so its peak waits for a full one; bounded, not proportional to the rows.
  expect(quarter.growthMb).toBeLessThan(90);
  // Embedded (PGlite in this process, the bare-machine fallback) the bound is a sanity cap: 90–91 MB were measured there
  // against 64–83 MB on PostgreSQL, external memory 13–18 MB of it, the rest not told apart. The 90-MB bound is
  // PostgreSQL's, where CI runs it.
  expect(csv.growthMb).toBeLessThan(server.mode === 'embedded' ? 120 : 90);
  expect(xlsx.growthMb).toBeLessThan(160);
  // A loose bound for a loaded 2-core machine; bench:export measures the 10-s target.
  expect(csv.seconds).toBeLessThan(60);
}, 300_000);

it('streams one export of a company at a time on a node (EXPORTS_PER_COMPANY=1), whatever other companies do', async () => {
  const other = await fx.tenant();
  const otherToken = (await fx.staff(other, [Role.OPERATOR])).token;
  const status = (path: string, bearer: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(`${server.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  // A client that takes the first bytes and then stops reading: its export waits on it, holding the company's one slot.
  const held = await new Promise<ClientRequest>((resolve, reject) => {
    const req = get(`${server.url}/exports/complaints.csv`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      expect(res.statusCode).toBe(200);
      res.once('data', () => {
        res.pause();
        resolve(req);
      });
    });
    req.on('error', () => undefined).on('error', reject);
  });
  const refused = await status('/exports/complaints.xlsx', token);
  expect(refused.status).toBe(429);
  expect(JSON.parse(refused.body).error).toMatchObject({ code: 'RATE_LIMITED', reason: 'CONCURRENT_EXPORTS', retryAfterSeconds: 5 });
  expect((await status('/exports/complaints.csv', otherToken)).status).toBe(200);

  held.destroy();
  const deadline = Date.now() + 10_000;
  let again = await status('/exports/complaints.csv?filter=%7B%22priority%22%3A%22URGENT%22%7D', token);
  while (again.status === 429 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    again = await status('/exports/complaints.csv?filter=%7B%22priority%22%3A%22URGENT%22%7D', token);
  }
  expect(again.status).toBe(200);
}, 120_000);

it('cuts a download when its member is deactivated mid-way: every page loads the member again', async () => {
  const leaver = await fx.staff(company, [Role.QUALITY_MANAGER]);
  const outcome = await new Promise<{ ended: boolean; lines: number }>((resolve, reject) => {
    get(`${server.url}/exports/complaints.csv`, { headers: { authorization: `Bearer ${leaver.token}` } }, (res) => {
      expect(res.statusCode).toBe(200);
      let lines = 0;
      let deactivated = false;
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        if (deactivated) return;
        deactivated = true;
        res.pause();
        void fx
          .asTenant(company.tenantId, (m) => m.query('UPDATE users SET active = false WHERE id = $1', [leaver.id]))
          .then(() => res.resume(), reject);
      });
      res.on('end', () => resolve({ ended: res.complete, lines }));
      res.on('error', () => resolve({ ended: false, lines }));
      res.on('aborted', () => resolve({ ended: false, lines }));
    }).on('error', () => undefined);
  });
  expect(outcome.ended).toBe(false);
  expect(outcome.lines).toBeLessThan(ROWS + 1);
}, 120_000);
