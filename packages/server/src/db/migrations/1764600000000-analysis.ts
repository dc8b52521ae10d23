import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What effectiveness analysis reads (docs/api.md#analysis).
 *
 * - `causes`: a company's coded causes, the second level under the six fixed
 *   cause-and-effect groups; `rejection_reasons`: its coded reasons for
 *   declining a complaint. Codes are unique per company; names in Russian and
 *   English; archived ones stay on old complaints but are offered for no new one.
 *   `complaints.cause_id` (set on the way to DECISION) and
 *   `complaints.rejection_reason_id` (set on the way to REJECTED) point at them.
 * - `stage_visits`: one row per stay of a complaint in a stage, written in the
 *   transaction of the transition that enters it and completed by the one
 *   that leaves it, with the working time (the complaint's SLA calendar) and
 *   the calendar time spent.
 * - `clock_outcomes`: one row per SLA clock when it stops (its stage left,
 *   the first reply sent, the complaint closed or rejected): target, working
 *   time used, met or missed, when it breached; for LEGAL the penalty accrued.
 *
 * Backfill: stage visits from the timeline's stage entries (calendar time
 * only: the working time of the past is not recomputed, `working_ms` stays
 * null), and the LEGAL outcome of every complaint already closed with a
 * legal deadline. Every company gets the default causes and reasons.
 */
export class Analysis1764600000000 implements MigrationInterface {
  name = 'Analysis1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE causes (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        cause_group text NOT NULL CHECK (cause_group IN ('PEOPLE', 'EQUIPMENT', 'METHOD', 'MATERIAL', 'MEASUREMENT', 'ENVIRONMENT')),
        code text NOT NULL,
        name_ru text NOT NULL,
        name_en text NOT NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, code)
      );
      CREATE TABLE rejection_reasons (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        code text NOT NULL,
        name_ru text NOT NULL,
        name_en text NOT NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, code)
      );
      ALTER TABLE complaints ADD COLUMN cause_id uuid, ADD COLUMN rejection_reason_id uuid,
        ADD FOREIGN KEY (tenant_id, cause_id) REFERENCES causes (tenant_id, id),
        ADD FOREIGN KEY (tenant_id, rejection_reason_id) REFERENCES rejection_reasons (tenant_id, id);
      CREATE INDEX complaints_cause ON complaints (tenant_id, cause_id) WHERE cause_id IS NOT NULL;

      CREATE TABLE stage_visits (
        tenant_id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        seq int NOT NULL,
        stage text NOT NULL,
        entered_at timestamptz NOT NULL,
        left_at timestamptz,
        next_stage text,
        working_ms bigint,
        calendar_ms bigint,
        PRIMARY KEY (tenant_id, complaint_id, seq),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX stage_visits_left ON stage_visits (tenant_id, left_at) WHERE left_at IS NOT NULL;

      CREATE TABLE clock_outcomes (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        clock text NOT NULL CHECK (clock IN ('FIRST_RESPONSE', 'RESOLUTION', 'STAGE', 'LEGAL')),
        stage text,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        budget_ms bigint,
        consumed_ms bigint,
        due_at timestamptz,
        breached_at timestamptz,
        met boolean NOT NULL,
        penalty numeric(14, 2),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX clock_outcomes_ended ON clock_outcomes (tenant_id, ended_at);
      CREATE INDEX clock_outcomes_complaint ON clock_outcomes (tenant_id, complaint_id);
    `);
    for (const table of ['causes', 'rejection_reasons', 'stage_visits', 'clock_outcomes']) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${table} USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      `);
    }
    await q.query(`
      GRANT SELECT, INSERT, UPDATE ON causes, rejection_reasons, stage_visits TO reclaim_app;
      -- Outcomes are history: written once, never changed.
      GRANT SELECT, INSERT ON clock_outcomes TO reclaim_app;

      CREATE FUNCTION install_cause_defaults() RETURNS void LANGUAGE sql AS $$
        INSERT INTO causes (tenant_id, id, cause_group, code, name_ru, name_en)
        SELECT app_tenant_id(), gen_random_uuid(), g, c, ru, en FROM (VALUES
          ('PEOPLE', 'STAFF_ERROR', 'Ошибка персонала', 'Staff error'),
          ('PEOPLE', 'TRAINING', 'Недостаточное обучение', 'Insufficient training'),
          ('EQUIPMENT', 'EQUIPMENT_FAILURE', 'Неисправность оборудования', 'Equipment failure'),
          ('EQUIPMENT', 'TOOL_WEAR', 'Износ оснастки', 'Worn tooling'),
          ('METHOD', 'PROCESS_VIOLATION', 'Нарушение технологии', 'Process not followed'),
          ('METHOD', 'INSTRUCTION_GAP', 'Неполная инструкция', 'Incomplete instructions'),
          ('MATERIAL', 'SUPPLIER_DEFECT', 'Дефект материала поставщика', 'Supplier material defect'),
          ('MATERIAL', 'PACKAGING', 'Ненадёжная упаковка', 'Inadequate packaging'),
          ('MEASUREMENT', 'INSPECTION_MISSED', 'Пропуск при контроле', 'Missed at inspection'),
          ('MEASUREMENT', 'GAUGE_ERROR', 'Погрешность средств измерения', 'Measuring instrument error'),
          ('ENVIRONMENT', 'TRANSPORT_DAMAGE', 'Повреждение при перевозке', 'Damaged in transit'),
          ('ENVIRONMENT', 'STORAGE_CONDITIONS', 'Нарушение условий хранения', 'Poor storage conditions')
        ) AS d (g, c, ru, en)
        ON CONFLICT (tenant_id, code) DO NOTHING;
        INSERT INTO rejection_reasons (tenant_id, id, code, name_ru, name_en)
        SELECT app_tenant_id(), gen_random_uuid(), c, ru, en FROM (VALUES
          ('MISUSE', 'Нарушение правил эксплуатации', 'Used against the manual'),
          ('WARRANTY_EXPIRED', 'Истёк гарантийный срок', 'Warranty expired'),
          ('DEFECT_NOT_CONFIRMED', 'Дефект не подтверждён', 'Defect not confirmed'),
          ('DUPLICATE', 'Повторное обращение', 'Duplicate request'),
          ('NOT_OUR_PRODUCT', 'Товар другого продавца', 'Not our product'),
          ('OTHER', 'Другое', 'Other')
        ) AS d (c, ru, en)
        ON CONFLICT (tenant_id, code) DO NOTHING;
      $$;


      -- Visits from the timeline: each stage entry (RECEIVED, then every TRANSITIONED) starts one, the next ends it.
      CREATE FUNCTION backfill_stage_visits() RETURNS void LANGUAGE sql AS $$
        INSERT INTO stage_visits (tenant_id, complaint_id, seq, stage, entered_at, left_at, next_stage, working_ms, calendar_ms)
        SELECT tenant_id, complaint_id, seq, to_stage, at, next_at, next_stage, NULL,
               CASE WHEN next_at IS NOT NULL THEN (extract(epoch FROM next_at - at) * 1000)::bigint END
          FROM (SELECT tenant_id, complaint_id, to_stage, at,
                       row_number() OVER w AS seq, lead(at) OVER w AS next_at, lead(to_stage) OVER w AS next_stage
                  FROM timeline_events
                 WHERE tenant_id = app_tenant_id() AND type IN ('RECEIVED', 'TRANSITIONED') AND to_stage IS NOT NULL
                WINDOW w AS (PARTITION BY tenant_id, complaint_id ORDER BY id)) e
        ON CONFLICT DO NOTHING;
      $$;

      -- The legal deadline of complaints already closed: met or late, and the penalty (art. 23) accrued by closing.
      CREATE FUNCTION backfill_legal_outcomes() RETURNS void LANGUAGE sql AS $$
        INSERT INTO clock_outcomes (tenant_id, id, complaint_id, clock, stage, started_at, ended_at, budget_ms, consumed_ms,
                                    due_at, breached_at, met, penalty)
        SELECT c.tenant_id, gen_random_uuid(), c.id, 'LEGAL', NULL, c.received_at, c.closed_at, NULL, NULL, c.legal_due_at,
               CASE WHEN c.closed_at > c.legal_due_at THEN c.legal_due_at END, c.closed_at <= c.legal_due_at,
               CASE WHEN c.product_price IS NOT NULL THEN round(c.product_price * coalesce(p.penalty_percent_per_day, 0) / 100, 2)
                      * greatest(0, ceil(extract(epoch FROM c.closed_at - c.legal_due_at) / 86400)) END
          FROM complaints c LEFT JOIN legal_presets p ON p.tenant_id = c.tenant_id AND p.demand = c.demand
         WHERE c.tenant_id = app_tenant_id() AND c.stage IN ('CLOSED', 'REJECTED') AND c.closed_at IS NOT NULL AND c.legal_due_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM clock_outcomes o WHERE o.tenant_id = c.tenant_id AND o.complaint_id = c.id AND o.clock = 'LEGAL');
      $$;

      DO $$
      DECLARE t record;
      BEGIN
        FOR t IN SELECT id FROM tenants LOOP
          PERFORM set_config('app.tenant_id', t.id::text, true);
          PERFORM install_cause_defaults();
          PERFORM backfill_stage_visits();
          PERFORM backfill_legal_outcomes();
        END LOOP;
        PERFORM set_config('app.tenant_id', '', true);
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION backfill_legal_outcomes();
      DROP FUNCTION backfill_stage_visits();
      DROP FUNCTION install_cause_defaults();
      DROP TABLE clock_outcomes;
      DROP TABLE stage_visits;
      DROP INDEX complaints_cause;
      ALTER TABLE complaints DROP COLUMN cause_id, DROP COLUMN rejection_reason_id;
      DROP TABLE rejection_reasons;
      DROP TABLE causes;
    `);
  }
}
