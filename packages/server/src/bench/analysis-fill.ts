/**
 * What `pnpm bench:analytics` adds to the 1,000,000 complaints of
 * `bench:queue` (fill.ts): every company's causes and rejection reasons,
 * cause codes on complaints past ANALYSIS and reasons on rejected ones (a
 * few vital causes, as in life), a stage visit for every stay of every
 * complaint (and the complaints' bit sets of stages entered), and the clock
 * outcomes of every finished complaint. Generated
 * server-side as the superuser (which bypasses row-level security), once:
 * a marker table records it, and a later run reuses the data.
 */
import pg from 'pg';

export const ANALYSIS_SPEC = { version: 1 };

const CAUSES = [
  ['MATERIAL', 'SUPPLIER_DEFECT', 'Дефект материала поставщика', 'Supplier material defect'],
  ['ENVIRONMENT', 'TRANSPORT_DAMAGE', 'Повреждение при перевозке', 'Damaged in transit'],
  ['METHOD', 'PROCESS_VIOLATION', 'Нарушение технологии', 'Process not followed'],
  ['PEOPLE', 'STAFF_ERROR', 'Ошибка персонала', 'Staff error'],
  ['MATERIAL', 'PACKAGING', 'Ненадёжная упаковка', 'Inadequate packaging'],
  ['MEASUREMENT', 'INSPECTION_MISSED', 'Пропуск при контроле', 'Missed at inspection'],
  ['EQUIPMENT', 'EQUIPMENT_FAILURE', 'Неисправность оборудования', 'Equipment failure'],
  ['PEOPLE', 'TRAINING', 'Недостаточное обучение', 'Insufficient training'],
  ['METHOD', 'INSTRUCTION_GAP', 'Неполная инструкция', 'Incomplete instructions'],
  ['EQUIPMENT', 'TOOL_WEAR', 'Износ оснастки', 'Worn tooling'],
  ['ENVIRONMENT', 'STORAGE_CONDITIONS', 'Нарушение условий хранения', 'Poor storage conditions'],
  ['MEASUREMENT', 'GAUGE_ERROR', 'Погрешность средств измерения', 'Measuring instrument error'],
] as const;
const REASONS = [
  ['DEFECT_NOT_CONFIRMED', 'Дефект не подтверждён', 'Defect not confirmed'],
  ['MISUSE', 'Нарушение правил эксплуатации', 'Used against the manual'],
  ['WARRANTY_EXPIRED', 'Истёк гарантийный срок', 'Warranty expired'],
  ['DUPLICATE', 'Повторное обращение', 'Duplicate request'],
  ['NOT_OUR_PRODUCT', 'Товар другого продавца', 'Not our product'],
  ['OTHER', 'Другое', 'Other'],
] as const;

const values = (rows: readonly (readonly string[])[]) => rows.map((r, i) => `(${i}, ${r.map((v) => `'${v}'`).join(', ')})`).join(',\n    ');

/** The stays of a complaint, by its stage now: the lifecycle's path to it (REJECTED from REGISTERED or ANALYSIS). */
const PATH = `CASE c.stage
    WHEN 'RECEIVED' THEN ARRAY['RECEIVED']
    WHEN 'REGISTERED' THEN ARRAY['RECEIVED', 'REGISTERED']
    WHEN 'ANALYSIS' THEN ARRAY['RECEIVED', 'REGISTERED', 'ANALYSIS']
    WHEN 'DECISION' THEN ARRAY['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION']
    WHEN 'IMPLEMENTATION' THEN ARRAY['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION']
    WHEN 'FEEDBACK' THEN ARRAY['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK']
    WHEN 'CLOSED' THEN ARRAY['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'CLOSED']
    ELSE CASE WHEN get_byte(decode(md5(c.id::text), 'hex'), 0) < 128 THEN ARRAY['RECEIVED', 'REGISTERED', 'REJECTED']
              ELSE ARRAY['RECEIVED', 'REGISTERED', 'ANALYSIS', 'REJECTED'] END END`;

const STEPS: Array<[string, string]> = [
  [
    'causes and rejection reasons',
    `
  INSERT INTO causes (tenant_id, id, cause_group, code, name_ru, name_en)
  SELECT p.id, md5(p.id || ':cause:' || d.n)::uuid, d.g, d.c, d.ru, d.en
    FROM bench_plan p, (VALUES
    ${values(CAUSES)}) AS d (n, g, c, ru, en)
  ON CONFLICT DO NOTHING;
  INSERT INTO rejection_reasons (tenant_id, id, code, name_ru, name_en)
  SELECT p.id, md5(p.id || ':reason:' || d.n)::uuid, d.c, d.ru, d.en
    FROM bench_plan p, (VALUES
    ${values(REASONS)}) AS d (n, c, ru, en)
  ON CONFLICT DO NOTHING`,
  ],
  // random()^3 picks the first causes far more often: three of twelve make about 80 %.
  [
    'cause codes and rejection reasons on complaints',
    `
  UPDATE complaints c SET
    cause_id = CASE WHEN c.stage IN ('DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'CLOSED')
                    THEN md5(c.tenant_id || ':cause:' || floor(12 * random() ^ 3)::int)::uuid END,
    rejection_reason_id = CASE WHEN c.stage = 'REJECTED' THEN md5(c.tenant_id || ':reason:' || floor(6 * random() ^ 2)::int)::uuid END
   WHERE c.stage IN ('DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'CLOSED', 'REJECTED')`,
  ],
  // The stays share the time from receipt to the last stage's entry (closing, or the stage entered now) evenly.
  [
    'stage visits',
    `
  INSERT INTO stage_visits (tenant_id, complaint_id, seq, stage, entered_at, left_at, next_stage, working_ms, calendar_ms)
  SELECT tenant_id, id, k, path[k + 1], entered_at, left_at, path[k + 2],
         (extract(epoch FROM left_at - entered_at) * 1000 * (0.2 + 0.2 * random()))::bigint,
         (extract(epoch FROM left_at - entered_at) * 1000)::bigint
    FROM (
      SELECT c.tenant_id, c.id, x.path, k,
             c.received_at + (x.last_at - c.received_at) * k / greatest(cardinality(x.path) - 1, 1) AS entered_at,
             CASE WHEN k < cardinality(x.path) - 1
                  THEN c.received_at + (x.last_at - c.received_at) * (k + 1) / (cardinality(x.path) - 1) END AS left_at
        FROM complaints c,
             LATERAL (SELECT ${PATH} AS path, coalesce(c.closed_at, greatest(c.stage_entered_at, c.received_at)) AS last_at) x,
             LATERAL generate_series(0, cardinality(x.path) - 1) k
    ) v`,
  ],
  // A first response within a working day (met 9 times in 10), resolution within ten days, the legal term where the demand has one.
  [
    'clock outcomes',
    `
  INSERT INTO clock_outcomes (tenant_id, id, complaint_id, clock, stage, started_at, ended_at, budget_ms, consumed_ms, due_at, breached_at, met, penalty)
  SELECT c.tenant_id, md5(c.id || ':o:' || o.clock)::uuid, c.id, o.clock, NULL, c.received_at, o.ended_at, o.budget_ms, o.consumed_ms,
         c.received_at + make_interval(secs => o.budget_ms / 1000), CASE WHEN NOT o.met THEN c.received_at + make_interval(secs => o.budget_ms / 1000) END,
         o.met, NULL
    FROM complaints c,
         LATERAL (VALUES
           ('FIRST_RESPONSE', c.received_at + interval '2 hours', 28800000::bigint, (random() * 32000000)::bigint),
           ('RESOLUTION', c.closed_at, 864000000::bigint, (extract(epoch FROM c.closed_at - c.received_at) * 300)::bigint)
         ) AS r (clock, ended_at, budget_ms, consumed_ms),
         LATERAL (SELECT r.clock, r.ended_at, r.budget_ms, r.consumed_ms, r.consumed_ms <= r.budget_ms AS met) o
   WHERE c.stage IN ('CLOSED', 'REJECTED');
  INSERT INTO clock_outcomes (tenant_id, id, complaint_id, clock, stage, started_at, ended_at, budget_ms, consumed_ms, due_at, breached_at, met, penalty)
  SELECT c.tenant_id, md5(c.id || ':o:LEGAL')::uuid, c.id, 'LEGAL', NULL, c.received_at, c.closed_at, NULL, NULL, c.legal_due_at,
         CASE WHEN c.closed_at > c.legal_due_at THEN c.legal_due_at END, c.closed_at <= c.legal_due_at,
         CASE WHEN c.closed_at > c.legal_due_at
              THEN round(coalesce(c.remedy_amount, 10000) * 0.01 * ceil(extract(epoch FROM c.closed_at - c.legal_due_at) / 86400)::numeric, 2) END
    FROM complaints c
   WHERE c.stage IN ('CLOSED', 'REJECTED') AND c.legal_due_at IS NOT NULL`,
  ],
  // What enterStage keeps as complaints move, from the visits (the migration's own function).
  [
    'stage bit sets',
    `
  DO $$
  DECLARE t record;
  BEGIN
    FOR t IN SELECT id FROM bench_plan LOOP
      PERFORM set_config('app.tenant_id', t.id::text, true);
      PERFORM refresh_stage_bits();
    END LOOP;
  END $$`,
  ],
  ['VACUUM ANALYZE', 'VACUUM ANALYZE complaints, stage_visits, clock_outcomes, causes, rejection_reasons'],
];

/** Adds the analysis data to the bench database unless a marker says it is there. Answers the seconds it took (0: reused). */
export async function ensureAnalysisFill(benchUrl: string, log: (s: string) => void): Promise<number> {
  const c = new pg.Client({ connectionString: benchUrl });
  await c.connect();
  try {
    await c.query(`CREATE TABLE IF NOT EXISTS bench_analysis_fill (spec text NOT NULL, seconds double precision NOT NULL)`);
    const { rows } = await c.query(`SELECT spec FROM bench_analysis_fill`);
    if (rows[0]?.spec === JSON.stringify(ANALYSIS_SPEC)) return 0;
    if (rows.length) throw new Error('the bench database holds analysis data of another version: run with --fresh');
    await c.query(`SET synchronous_commit = off; SET session_replication_role = replica;
      SET maintenance_work_mem = '512MB'; SET work_mem = '64MB'`);
    const started = performance.now();
    for (const [label, sql] of STEPS) {
      const t = performance.now();
      await c.query(sql);
      log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const seconds = (performance.now() - started) / 1000;
    await c.query(`INSERT INTO bench_analysis_fill VALUES ($1, $2)`, [JSON.stringify(ANALYSIS_SPEC), seconds]);
    return seconds;
  } finally {
    await c.end();
  }
}
