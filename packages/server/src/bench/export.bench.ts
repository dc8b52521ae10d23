/**
 * `pnpm bench:export`: how long a 100,000-row export of the complaint list
 * takes, and how much the server's memory grows meanwhile.
 *
 * The built server (dist/main.js, PostgreSQL) serves `GET
 * /exports/complaints.csv` and `.xlsx` for a Russian-language company with
 * 100,000 complaints (bench/export-fill.ts), in the list's default order (by
 * deadline); a client reads each download as it arrives and keeps nothing.
 * The server's RSS is sampled every 20 ms; its growth is the peak minus the
 * RSS just before the download (after one small warm-up export of each
 * format). Baseline in the same run: PostgreSQL's own `COPY (…) TO STDOUT
 * (FORMAT csv)` of the same rows, columns and order, through psql.
 *
 *   pnpm bench:export [--rows 100000] [--no-docs]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { withDatabase } from './fill.js';
import { fillComplaints } from './export-fill.js';
import { adminQuery, gql, machineLine, rssOf, SERVER_MAIN, spawnServer, stopProc, writeDocsBlock, type Proc } from './bench-kit.js';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '100000' }, 'no-docs': { type: 'boolean', default: false } },
});
const ROWS = Number(args.rows);
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'reclaim_bench_export';
const dbUrl = withDatabase(adminUrl, DB);
const PORT = 4741;
const MB = 2 ** 20;
const TARGET = { csvSeconds: 10, rssMb: 100 };
const log = (s: string) => console.log(s);

interface Run {
  label: string;
  bytes: number;
  seconds: number;
  rssMb: number | null;
}

async function setUp(server: Proc): Promise<string> {
  const slug = `export-${Date.now()}`;
  const signUp = (
    await gql(server.base, `mutation($i: SignUpTenantInput!) { signUpTenant(input: $i) { token user { id } tenant { id } } }`, {
      i: {
        slug,
        name: 'Export bench',
        adminEmail: `admin@${slug}.test`,
        adminPassword: 'bench-password-1',
        adminName: 'Админ',
        locale: 'ru',
      },
    })
  ).signUpTenant;
  const token = signUp.token as string;
  const departmentId = (await gql(server.base, 'mutation { createDepartment(input: { name: "Отдел качества" }) { id } }', {}, token))
    .createDepartment.id;
  const categoryId = (await gql(server.base, 'mutation { createCategory(input: { name: "Брак" }) { id } }', {}, token)).createCategory.id;
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const started = performance.now();
    await fillComplaints((sql, params) => c.query(sql, params), {
      tenantId: signUp.tenant.id,
      prefix: slug.toUpperCase().replace('-', ''),
      customerId: randomUUID(),
      departmentId,
      categoryId,
      assigneeId: signUp.user.id,
      count: ROWS,
    });
    log(`filled ${ROWS} complaints in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await c.end();
  }
  return token;
}

/** Downloads `path`, reading as it arrives, while sampling the server's RSS. */
async function download(server: Proc, path: string, token: string, label: string): Promise<Run> {
  const before = rssOf(server);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(server))), 20);
  const started = performance.now();
  let bytes = 0;
  try {
    const res = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
  } finally {
    clearInterval(sampler);
  }
  return { label, bytes, seconds: (performance.now() - started) / 1000, rssMb: (peak - before) / MB };
}

/** The same rows, columns and order as the CSV export, written by PostgreSQL itself (psql, COPY TO STDOUT). */
function copyBaseline(): Promise<Run> {
  const sql = `COPY (SELECT c.number, c.subject, c.customer_name, c.stage, c.priority, c.channel, k.name, d.name, u.name,
      to_char(c.sla_due_at AT TIME ZONE t.time_zone, 'YYYY-MM-DD HH24:MI'), to_char(c.received_at AT TIME ZONE t.time_zone, 'YYYY-MM-DD HH24:MI')
    FROM complaints c JOIN tenants t ON t.id = c.tenant_id LEFT JOIN categories k ON k.id = c.category_id
    LEFT JOIN departments d ON d.id = c.department_id LEFT JOIN users u ON u.id = c.assignee_id
    ORDER BY c.due_at, c.id) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';')`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let bytes = 0;
    const psql = spawn('psql', [dbUrl, '-X', '-q', '-c', sql], { stdio: ['ignore', 'pipe', 'inherit'] });
    psql.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    psql.on('error', reject);
    psql.on('exit', (code) =>
      code === 0
        ? resolve({
            label: 'baseline: PostgreSQL COPY … TO STDOUT (CSV), through psql',
            bytes,
            seconds: (performance.now() - started) / 1000,
            rssMb: null,
          })
        : reject(new Error(`psql exited with ${code}`)),
    );
  });
}

async function main() {
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${DB}`);
  const server = await spawnServer(
    SERVER_MAIN,
    {
      DATABASE_URL: dbUrl,
      PUBSUB: 'postgres',
      DEMO_DATA: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      PASSWORD_HASH_CONCURRENCY: '0',
      SIGN_UPS_PER_HOUR_PER_ADDRESS: '0',
      NODE_ENV: 'production',
      JWT_SECRET: 'e'.repeat(64),
    },
    PORT,
  );
  try {
    const token = await setUp(server);
    // Code loaded and the collector's young space grown once, by small exports (a quarter of the rows are URGENT).
    const few = `?filter=${encodeURIComponent(JSON.stringify({ priority: 'URGENT', stages: ['RECEIVED'] }))}`;
    await download(server, `/exports/complaints.csv${few}`, token, 'warm-up');
    await download(server, `/exports/complaints.xlsx${few}`, token, 'warm-up');
    const runs: Run[] = [await copyBaseline()];
    runs.push(await download(server, '/exports/complaints.csv', token, `Reclaim: GET /exports/complaints.csv`));
    runs.push(await download(server, '/exports/complaints.xlsx', token, `Reclaim: GET /exports/complaints.xlsx`));
    const [baseline, csv] = runs as [Run, Run, Run];
    const machine = await machineLine(adminUrl);
    const table = [
      `${ROWS.toLocaleString('en')} complaints of one company, the list's default order, measured ${new Date().toISOString().slice(0, 10)} on ${machine} (a shared machine).`,
      '',
      '| export | size | time | rows/s | server RSS growth (peak) |',
      '|---|--:|--:|--:|--:|',
      ...runs.map(
        (r) =>
          `| ${r.label} | ${(r.bytes / MB).toFixed(1)} MB | ${r.seconds.toFixed(2)} s | ${Math.round(ROWS / r.seconds).toLocaleString('en')} | ${r.rssMb === null ? '—' : `${r.rssMb.toFixed(0)} MB`} |`,
      ),
      '',
      `CSV: ${(csv.seconds / baseline.seconds).toFixed(1)}× the COPY baseline; targets ${TARGET.csvSeconds} s and ${TARGET.rssMb} MB: ` +
        `${csv.seconds <= TARGET.csvSeconds && (csv.rssMb ?? 0) < TARGET.rssMb ? 'met' : 'NOT met'}.`,
    ].join('\n');
    log(table);
    if (!args['no-docs']) writeDocsBlock('export', table);
  } finally {
    await stopProc(server);
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  }
}

await main();
