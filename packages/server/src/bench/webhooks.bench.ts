/**
 * `pnpm bench:webhooks`: how soon after a commit does a webhook's first
 * attempt reach a healthy endpoint, while other endpoints hang?
 *
 * 10 companies with 10 endpoints each (100), one endpoint of every company
 * never answering (10 hanging: each attempt holds its slot for the 15 s
 * timeout). Complaints are registered over the API, round-robin across the
 * companies at a steady rate; each is a `complaint.received` for its
 * company's 10 endpoints. The latency of a delivery is its arrival at the
 * receiver minus the moment its registration request was sent (so it
 * includes the request itself: an upper bound of commit to first attempt).
 * Nothing may be lost or arrive twice.
 *
 *   pnpm bench:webhooks [--complaints 300] [--rate 10] [--no-docs] [--keep (the database, to look into)]
 *
 * The server runs as the product runs (dist/main.js, PostgreSQL, PUBSUB=postgres),
 * with WEBHOOKS_ALLOW_INSECURE=1 for the receivers on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { withDatabase } from './fill.js';
import { adminQuery, gql, machineLine, SERVER_MAIN, spawnServer, stopProc, writeDocsBlock } from './bench-kit.js';

const { values: args } = parseArgs({
  options: {
    complaints: { type: 'string', default: '300' },
    rate: { type: 'string', default: '10' },
    'no-docs': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const COMPLAINTS = Number(args.complaints);
const RATE = Number(args.rate);
const COMPANIES = 10;
const HEALTHY_PER_COMPANY = 9;
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'reclaim_bench_webhooks';
const PORT = 4741;
const TARGET_P95_MS = 1000;
const log = (s: string) => console.log(s);

interface Arrival {
  path: string;
  id: string;
  complaintId: string;
  at: number;
}

function receiver(hang: boolean, arrivals: Arrival[]): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (hang) return; // never answers: the sender gives up after its timeout
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      arrivals.push({ path: req.url!, id: String(req.headers['webhook-id']), complaintId: body.data.complaintId, at });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function main() {
  log(`webhooks bench: ${COMPANIES} companies × 10 endpoints (1 hanging each), ${COMPLAINTS} complaints at ${RATE}/s`);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${DB}`);
  const arrivals: Arrival[] = [];
  const healthy = await receiver(false, arrivals);
  const hanging = await receiver(true, []);
  const server = await spawnServer(
    SERVER_MAIN,
    {
      DATABASE_URL: withDatabase(adminUrl, DB),
      PUBSUB: 'postgres',
      DEMO_DATA: '0',
      WEBHOOKS_ALLOW_INSECURE: '1',
      SIGN_UPS_PER_HOUR_PER_ADDRESS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      ANONYMOUS_RATE_LIMIT_PER_MINUTE: '0',
    },
    PORT,
  );
  try {
    const tokens: string[] = [];
    for (let c = 0; c < COMPANIES; c++) {
      const slug = `bench-wh-${c}`;
      const { token } = (
        await gql(server.base, `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }`, {
          input: { slug, name: `Bench ${c}`, adminEmail: `admin@${slug}.test`, adminPassword: 'bench-password-1', adminName: 'Admin' },
        })
      ).signUpTenant;
      tokens.push(token);
      for (let e = 0; e < 10; e++) {
        const url = e < HEALTHY_PER_COMPANY ? `${healthy.base}/c${c}/e${e}` : `${hanging.base}/c${c}`;
        await gql(
          server.base,
          `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
          { input: { url, eventTypes: ['COMPLAINT_RECEIVED'] } },
          token,
        );
      }
    }
    const sentAt = new Map<string, number>();
    const requestMs: number[] = [];
    const started = Date.now();
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < COMPLAINTS; i++) {
      const due = started + (i * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      pending.push(
        (async () => {
          const t0 = Date.now();
          const { registerComplaint } = await gql(
            server.base,
            `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id } }`,
            {
              input: {
                kind: 'CLAIM',
                channel: 'API',
                subject: `Bench ${i}`,
                description: 'Webhook bench',
                customer: { name: 'Bench', email: 'bench@example.com' },
              },
            },
            tokens[i % COMPANIES],
          );
          requestMs.push(Date.now() - t0);
          sentAt.set(registerComplaint.id, t0);
        })(),
      );
    }
    await Promise.all(pending);
    const expected = COMPLAINTS * HEALTHY_PER_COMPANY;
    const deadline = Date.now() + 30_000;
    while (arrivals.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000)); // time for a duplicate to show
    const distinct = new Set(arrivals.map((a) => `${a.path} ${a.id}`));
    const latencies = arrivals.map((a) => a.at - sentAt.get(a.complaintId)!).sort((a, b) => a - b);
    const requests = [...requestMs].sort((a, b) => a - b);
    const lost = expected - distinct.size;
    const duplicates = arrivals.length - distinct.size;
    const p50 = quantile(latencies, 0.5);
    const p95 = quantile(latencies, 0.95);
    const table = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineLine(adminUrl)}.`,
      '',
      `${COMPANIES} companies × 10 endpoints (1 hanging in each: 10 of 100), ${COMPLAINTS} complaints at ${RATE}/s round-robin; ${expected} deliveries to healthy endpoints.`,
      '',
      '| figure | p50 | p95 | p99 | max | target |',
      '|---|--:|--:|--:|--:|---|',
      `| request sent → first attempt at a healthy endpoint (ms) | ${p50} | ${p95} | ${quantile(latencies, 0.99)} | ${latencies.at(-1)} | p95 ≤ ${TARGET_P95_MS} ${p95 <= TARGET_P95_MS ? '✓' : '✗'} |`,
      `| the registration request itself (ms) | ${quantile(requests, 0.5)} | ${quantile(requests, 0.95)} | ${quantile(requests, 0.99)} | ${requests.at(-1)} | |`,
      '',
      `Lost: ${lost}; sent twice: ${duplicates}.`,
    ].join('\n');
    log(table);
    if (!args['no-docs']) writeDocsBlock('webhooks', table);
  } finally {
    await stopProc(server);
    healthy.server.closeAllConnections();
    hanging.server.closeAllConnections();
    healthy.server.close();
    hanging.server.close();
    if (!args.keep) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
