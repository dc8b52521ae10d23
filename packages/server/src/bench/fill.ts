/**
 * Data for `pnpm bench:queue`: a dedicated database `reclaim_bench` with
 * 1,000,000 complaints over 100 tenants, Zipf-skewed (the largest tenant
 * has ~190k complaints, the smallest ~2k), generated server-side with
 * INSERT ... SELECT generate_series as the superuser (which bypasses RLS).
 *
 * Ids are derived with md5(tenant || kind || n)::uuid, so that complaints
 * can point at departments, users, customers and categories without joins.
 * A marker table (bench_fill) records what was generated; a later run with
 * the same spec reuses the database instead of filling it again.
 */
import pg from 'pg';
import { createDataSource, migrate } from '../db/data-source.js';
import { hashPassword } from '../auth/password.js';

export const BENCH_DB = 'reclaim_bench';
export const BENCH_PASSWORD = 'bench-password-1';

export const SPEC = {
  version: 1,
  tenants: 100,
  complaints: 1_000_000,
  zipfExponent: 1,
  /** Share of complaints in open stages (the rest CLOSED or REJECTED). */
  openShare: 0.2,
};

export interface TenantPlan {
  idx: number;
  id: string;
  slug: string;
  complaints: number;
  departments: number;
  /** Which of the two filling connections inserts this tenant. */
  bucket: number;
}

export interface FillResult {
  reused: boolean;
  seconds: number;
  largest: { id: string; slug: string; complaints: number; userEmail: string };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Complaints per tenant: Zipf weights 1/i^s, rounded, summing exactly to SPEC.complaints. */
export function tenantSizes(): number[] {
  const weights = Array.from({ length: SPEC.tenants }, (_, i) => 1 / (i + 1) ** SPEC.zipfExponent);
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.round((w / total) * SPEC.complaints));
  sizes[0]! += SPEC.complaints - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

function plan(): Array<Omit<TenantPlan, 'id'>> {
  const sizes = tenantSizes();
  const load = [0, 0];
  return sizes.map((complaints, i) => {
    // 5 departments for the smallest tenants, up to 20 for the largest.
    const departments = Math.max(5, Math.min(20, Math.round(5 + 15 * Math.sqrt(complaints / sizes[0]!))));
    const bucket = load[0]! <= load[1]! ? 0 : 1; // sizes are descending: greedy balancing
    load[bucket]! += complaints;
    return { idx: i + 1, slug: `bench-${String(i + 1).padStart(3, '0')}`, complaints, departments, bucket };
  });
}

/**
 * Makes sure `reclaim_bench` exists, is migrated and holds the data of SPEC.
 * `fresh` drops and refills it.
 */
export async function ensureBenchDatabase(adminUrl: string, fresh: boolean, log: (s: string) => void): Promise<FillResult> {
  const benchUrl = withDatabase(adminUrl, BENCH_DB);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DB])).rowCount === 1;
    if (exists && !fresh && (await holdsSpec(benchUrl))) {
      await migrateBench(benchUrl); // a migration added since the fill applies to the filled data
      return { reused: true, ...(await readMarker(benchUrl)) };
    }
    if (exists) {
      log(fresh ? `--fresh: dropping ${BENCH_DB}` : `${BENCH_DB} does not hold the expected data: rebuilding`);
      await admin.query(`DROP DATABASE ${BENCH_DB} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  } finally {
    await admin.end();
  }
  await migrateBench(benchUrl);
  const started = performance.now();
  await fill(benchUrl, log);
  const seconds = (performance.now() - started) / 1000;
  await withClient(benchUrl, (c) => c.query('UPDATE bench_fill SET seconds = $1', [seconds]));
  return { reused: false, ...(await readMarker(benchUrl)) };
}

async function migrateBench(benchUrl: string): Promise<void> {
  const { dataSource, mode } = await createDataSource({ databaseUrl: benchUrl, dbPoolSize: 2 });
  try {
    await migrate(dataSource, mode);
  } finally {
    await dataSource.destroy();
  }
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function holdsSpec(benchUrl: string): Promise<boolean> {
  return withClient(benchUrl, async (c) => {
    const marker = await c.query(`SELECT spec FROM bench_fill WHERE seconds IS NOT NULL`).catch(() => null);
    if (marker?.rows[0]?.spec !== JSON.stringify(SPEC)) return false;
    const { rows } = await c.query(
      `SELECT (SELECT count(*) FROM complaints)::int AS complaints, (SELECT count(*) FROM tenants)::int AS tenants`,
    );
    return rows[0].complaints === SPEC.complaints && rows[0].tenants === SPEC.tenants;
  });
}

async function readMarker(benchUrl: string): Promise<Omit<FillResult, 'reused'>> {
  return withClient(benchUrl, async (c) => {
    const {
      rows: [m],
    } = await c.query(`SELECT seconds FROM bench_fill`);
    const {
      rows: [t],
    } = await c.query(`SELECT id, slug, complaints FROM bench_plan ORDER BY complaints DESC, idx LIMIT 1`);
    return {
      seconds: Number(m.seconds),
      largest: { id: t.id, slug: t.slug, complaints: t.complaints, userEmail: `user0@${t.slug}.example` },
    };
  });
}

async function fill(benchUrl: string, log: (s: string) => void): Promise<void> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const c1 = new pg.Client({ connectionString: benchUrl });
  const c2 = new pg.Client({ connectionString: benchUrl });
  await Promise.all([c1.connect(), c2.connect()]);
  const step = async (label: string, work: () => Promise<unknown>) => {
    const t = performance.now();
    await work();
    log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  try {
    for (const c of [c1, c2]) {
      // Bulk-load settings for these sessions only. session_replication_role = replica skips the
      // foreign-key triggers: the generated rows are consistent by construction.
      await c.query(`SET synchronous_commit = off; SET session_replication_role = replica;
        SET maintenance_work_mem = '512MB'; SET work_mem = '64MB'`);
    }
    await c1.query(`
      CREATE TABLE bench_fill (spec text NOT NULL, filled_at timestamptz NOT NULL DEFAULT now(), seconds double precision);
      CREATE TABLE bench_plan (idx int PRIMARY KEY, id uuid NOT NULL, slug text NOT NULL, complaints int NOT NULL,
        departments int NOT NULL, users int NOT NULL, customers int NOT NULL, categories int NOT NULL, bucket int NOT NULL);
      INSERT INTO bench_fill (spec) VALUES ('${JSON.stringify(SPEC)}');`);

    for (const t of plan()) {
      await c1.query(`INSERT INTO bench_plan VALUES ($1, md5('bench:t:' || $1::int)::uuid, $2, $3, $4, $5, $6, $7, $8)`, [
        t.idx,
        t.slug,
        t.complaints,
        t.departments,
        3 * t.departments + 2,
        Math.max(200, Math.floor(t.complaints / 4)),
        8,
        t.bucket,
      ]);
    }
    await step('tenants, departments, categories, users, customers', async () => {
      for (const sql of referenceDataSql) await c1.query(sql, sql.includes('$1') ? [passwordHash] : []);
    });

    // Secondary indexes of complaints are dropped for the load and rebuilt after it (much faster).
    const { rows: indexes } = await c1.query<{ indexname: string; indexdef: string }>(`
      SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'complaints'
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'complaints'::regclass)`);
    for (const i of indexes) await c1.query(`DROP INDEX ${i.indexname}`);
    await step('1,000,000 complaints (two connections)', () =>
      Promise.all([
        c1.query(`SELECT setseed(0.25)`).then(() => c1.query(complaintsSql, [0])),
        c2.query(`SELECT setseed(0.75)`).then(() => c2.query(complaintsSql, [1])),
      ]),
    );
    await step(`indexes (${indexes.map((i) => i.indexname).join(', ')})`, async () => {
      const queue = [...indexes];
      await Promise.all(
        [c1, c2].map(async (c) => {
          for (let i = queue.shift(); i; i = queue.shift()) await c.query(i.indexdef);
        }),
      );
    });
    await step('complaint counters', () =>
      c1.query(`
      INSERT INTO complaint_counters (tenant_id, year, last_value)
      SELECT p.id, extract(year FROM now())::int, p.complaints FROM bench_plan p`),
    );
    await step('VACUUM ANALYZE', () => c1.query('VACUUM ANALYZE'));
  } finally {
    await Promise.all([c1.end(), c2.end()]);
  }
}

/** Everything but complaints, for every tenant of bench_plan. $1: the password hash of every user. */
const referenceDataSql = [
  `
  INSERT INTO tenants (id, slug, number_prefix, name, locale, time_zone, country, address_confirmed_at)
  SELECT id, slug, upper(replace(slug, '-', '')), 'Bench company ' || idx, CASE WHEN idx % 3 = 0 THEN 'en' ELSE 'ru' END, 'Europe/Moscow', 'RU', now()
    FROM bench_plan`,
  `INSERT INTO departments (tenant_id, id, name)
  SELECT p.id, md5(p.id || ':d:' || k)::uuid,
         (ARRAY['Quality', 'Service', 'Logistics', 'Warranty', 'Sales', 'Returns', 'Production', 'Support'])[1 + k % 8]
           || CASE WHEN k >= 8 THEN ' ' || (k / 8 + 1) ELSE '' END
    FROM bench_plan p, generate_series(0, p.departments - 1) k`,
  `INSERT INTO categories (tenant_id, id, name)
  SELECT p.id, md5(p.id || ':k:' || k)::uuid,
         (ARRAY['Defect', 'Damaged in delivery', 'Late delivery', 'Wrong item', 'Incomplete set',
                'Service quality', 'Billing', 'Other'])[1 + k]
    FROM bench_plan p, generate_series(0, p.categories - 1) k`,
  `INSERT INTO users (tenant_id, id, email, name, password_hash, roles)
  SELECT p.id, md5(p.id || ':u:' || k)::uuid, 'user' || k || '@' || p.slug || '.example', 'Staff member ' || k, $1,
         CASE WHEN k = 0 THEN ARRAY['HEAD', 'SPECIALIST'] WHEN k = 1 THEN ARRAY['ADMIN'] WHEN k = 2 THEN ARRAY['QUALITY_MANAGER']
              WHEN k % 2 = 1 THEN ARRAY['OPERATOR'] ELSE ARRAY['SPECIALIST'] END
    FROM bench_plan p, generate_series(0, p.users - 1) k`,
  `-- user0 (the one the benchmark signs in as) is in departments 0..2; the others in one each.
  INSERT INTO user_departments (tenant_id, user_id, department_id)
  SELECT p.id, md5(p.id || ':u:' || k)::uuid, md5(p.id || ':d:' || d)::uuid
    FROM bench_plan p, generate_series(0, p.users - 1) k,
         LATERAL (SELECT generate_series(0, 2) AS d WHERE k = 0 UNION ALL SELECT k % p.departments WHERE k > 0) ds`,
  `INSERT INTO customers (tenant_id, id, name, email, phone)
  SELECT p.id, md5(p.id || ':c:' || k)::uuid, 'Customer ' || k,
         CASE WHEN k % 5 <> 0 THEN 'customer' || k || '@mail.example' END,
         CASE WHEN k % 3 = 0 THEN '+7 900 ' || lpad((k % 10000000)::text, 7, '0') END
    FROM bench_plan p, generate_series(0, p.customers - 1) k`,
];

/**
 * The complaints of one bucket of tenants ($1). Stages: 20 % open (RECEIVED 3, REGISTERED 4,
 * ANALYSIS 6, DECISION 3, IMPLEMENTATION 2, FEEDBACK 2), 75 % CLOSED, 5 % REJECTED. Departments
 * are skewed within a tenant (department 0 gets the most); most RECEIVED ones have none yet.
 * Open complaints have an SLA deadline from 3 days ago to 11 days ahead.
 */
const complaintsSql = `
  INSERT INTO complaints (tenant_id, id, number, kind, channel, stage, priority, demand, subject, description,
    product, order_ref, purchase_date, customer_id, customer_name, category_id, department_id, assignee_id,
    validity, root_cause, remedy, remedy_amount, satisfaction, sla_due_at, sla_state, legal_due_at, version,
    received_at, stage_entered_at, closed_at, created_at, updated_at)
  SELECT tenant_id, gen_random_uuid(), prefix || '-' || extract(year FROM received_at) || '-' || lpad(g::text, 6, '0'),
         kind, (ARRAY['WEB', 'EMAIL', 'PHONE', 'IN_PERSON', 'API', 'CHAT'])[1 + floor(r3 * 6)::int], stage,
         CASE WHEN r4 < 0.15 THEN 'LOW' WHEN r4 < 0.75 THEN 'NORMAL' WHEN r4 < 0.95 THEN 'HIGH' ELSE 'URGENT' END,
         demand, subject || ' (' || g || ')',
         'The customer reports: ' || lower(subject) || '. Order ' || (100000 + g) || ', bought ' || (30 + floor(r5 * 300)::int)
           || ' days before the complaint. ' || (ARRAY['Photos attached.', 'Asks for a call back.',
           'Second complaint about this order.', 'Wants the issue resolved this week.'])[1 + g % 4],
         product, 'ORD-' || (100000 + g), (received_at - make_interval(days => 30 + floor(r5 * 300)::int))::date,
         md5(tenant_id || ':c:' || customer_no)::uuid, 'Customer ' || customer_no,
         CASE WHEN stage <> 'RECEIVED' THEN md5(tenant_id || ':k:' || floor(r6 * 8)::int)::uuid END,
         department_id,
         CASE WHEN stage NOT IN ('RECEIVED', 'REGISTERED') THEN md5(tenant_id || ':u:' || floor(r7 * users)::int)::uuid END,
         CASE WHEN stage IN ('DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'CLOSED')
              THEN (ARRAY['OBJECTIVE', 'SUBJECTIVE'])[1 + floor(r6 * 2)::int] WHEN stage = 'REJECTED' THEN 'UNFOUNDED' END,
         CASE WHEN stage IN ('DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'CLOSED') THEN 'Root cause ' || (1 + floor(r7 * 12)::int) END,
         CASE WHEN stage IN ('IMPLEMENTATION', 'FEEDBACK', 'CLOSED')
              THEN (ARRAY['REPLACE', 'REFUND', 'REPAIR', 'DISCOUNT', 'COMPENSATION', 'EXPLANATION'])[1 + floor(r8 * 6)::int] END,
         CASE WHEN stage IN ('IMPLEMENTATION', 'FEEDBACK', 'CLOSED') THEN round((r8 * 50000)::numeric, 2) END,
         CASE WHEN stage = 'CLOSED' AND r9 < 0.7 THEN 1 + floor(r9 / 0.7 * 5)::int END,
         sla_due_at,
         CASE WHEN sla_due_at IS NULL THEN 'NONE' WHEN sla_due_at < now() THEN 'BREACHED'
              WHEN sla_due_at < now() + interval '1 day' THEN 'AT_RISK' ELSE 'ON_TRACK' END,
         CASE WHEN demand IN ('REFUND', 'PRICE_REDUCTION') THEN received_at + interval '10 days'
              WHEN demand = 'REPLACEMENT' THEN received_at + interval '7 days'
              WHEN demand = 'REPAIR' THEN received_at + interval '45 days' END,
         1 + floor(r9 * 6)::int, received_at, received_at + (now() - received_at) * r10,
         CASE WHEN stage IN ('CLOSED', 'REJECTED') THEN received_at + make_interval(days => 1 + floor(r10 * 29)::int) END,
         received_at, received_at + (now() - received_at) * r10
    FROM (
      SELECT s.*,
             CASE WHEN stage = 'RECEIVED' AND r2 < 0.7 THEN NULL
                  ELSE md5(tenant_id || ':d:' || floor(departments * r2 * r2)::int)::uuid END AS department_id,
             CASE WHEN stage IN ('CLOSED', 'REJECTED') THEN now() - make_interval(days => 30 + floor(r10 * 700)::int)
                  ELSE now() - make_interval(mins => floor(r10 * 60 * 24 * 45)::int) END AS received_at,
             CASE WHEN stage NOT IN ('CLOSED', 'REJECTED')
                  THEN now() + make_interval(mins => floor((r5 * 14 - 3) * 24 * 60)::int) END AS sla_due_at,
             CASE WHEN kind = 'CLAIM' THEN (ARRAY['REPLACEMENT', 'REFUND', 'REPAIR', 'PRICE_REDUCTION', 'COMPENSATION', 'OTHER'])[1 + floor(r8 * 6)::int] END AS demand,
             (ARRAY['Broken on arrival', 'Does not switch on', 'Missing parts', 'Wrong colour', 'Late delivery',
                    'Rude courier', 'Charged twice', 'Stopped working after a week'])[1 + floor(r6 * 8)::int] AS subject,
             (ARRAY['Kettle KT-200', 'Vacuum cleaner VC-9', 'Washing machine WM-7', 'Phone X12', 'Sofa Oslo',
                    'Laptop L14', 'Blender B3', 'Heater H5'])[1 + floor(r7 * 8)::int] AS product
        FROM (
          SELECT p.id AS tenant_id, upper(replace(p.slug, '-', '')) AS prefix, p.departments, p.users, g,
                 floor(random() * p.customers)::int AS customer_no,
                 CASE WHEN r1 < 0.03 THEN 'RECEIVED' WHEN r1 < 0.07 THEN 'REGISTERED' WHEN r1 < 0.13 THEN 'ANALYSIS'
                      WHEN r1 < 0.16 THEN 'DECISION' WHEN r1 < 0.18 THEN 'IMPLEMENTATION' WHEN r1 < 0.20 THEN 'FEEDBACK'
                      WHEN r1 < 0.95 THEN 'CLOSED' ELSE 'REJECTED' END AS stage,
                 CASE WHEN random() < 0.6 THEN 'CLAIM' ELSE 'COMPLAINT' END AS kind,
                 r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7, random() AS r8,
                 random() AS r9, random() AS r10
            FROM bench_plan p, generate_series(1, p.complaints) g,
                 LATERAL (SELECT random() + 0 * g AS r1, random() + 0 * g AS r2) r
           WHERE p.bucket = $1
        ) s
    ) t`;
