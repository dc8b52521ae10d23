import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analysis over a company's year of complaints reads indexes, not tables
 * (docs/benchmarks.md, bench:analytics):
 *
 * - `complaints.stages_entered` and `complaints.rejected_from`: bit sets of
 *   the stages a complaint has entered and those it was rejected from
 *   (`analysis_stage_bit`), kept by `enterStage` in the statement that opens
 *   the new visit, so the funnel counts complaints instead of joining their
 *   visits. Backfilled from `stage_visits`.
 * - Covering indexes (INCLUDE) for each instant an analysis filters on — a
 *   complaint's receipt (the list's own `complaints_by_received`, same key),
 *   its closing, a visit's end, a clock outcome's end — carrying the columns
 *   the analyses group and filter by, so that PostgreSQL answers from the
 *   index alone (an index-only scan) instead of visiting a heap page per row.
 */
export class AnalysisSpeed1764612000000 implements MigrationInterface {
  name = 'AnalysisSpeed1764612000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION analysis_stage_bit(stage text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (1 << (array_position(ARRAY['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'CLOSED', 'REJECTED'], stage) - 1))
      $$;
      ALTER TABLE complaints ADD COLUMN stages_entered int NOT NULL DEFAULT 0, ADD COLUMN rejected_from int NOT NULL DEFAULT 0;

      -- The bit sets of the current company's complaints from their visits (visits written in bulk: this migration's
      -- backfill, the demo data after backfill_stage_visits()).
      CREATE FUNCTION refresh_stage_bits() RETURNS void LANGUAGE sql AS $$
        UPDATE complaints c SET stages_entered = v.entered, rejected_from = v.rejected
          FROM (SELECT complaint_id, bit_or(analysis_stage_bit(stage)) AS entered,
                       coalesce(bit_or(analysis_stage_bit(stage)) FILTER (WHERE next_stage = 'REJECTED'), 0) AS rejected
                  FROM stage_visits WHERE tenant_id = app_tenant_id() GROUP BY 1) v
         WHERE c.tenant_id = app_tenant_id() AND c.id = v.complaint_id
           AND (c.stages_entered, c.rejected_from) IS DISTINCT FROM (v.entered, v.rejected);
      $$;
      DO $$
      DECLARE t record;
      BEGIN
        FOR t IN SELECT id FROM tenants LOOP
          PERFORM set_config('app.tenant_id', t.id::text, true);
          PERFORM refresh_stage_bits();
        END LOOP;
        PERFORM set_config('app.tenant_id', '', true);
      END $$;

      DROP INDEX complaints_by_received;
      CREATE INDEX complaints_by_received ON complaints (tenant_id, received_at, id)
        INCLUDE (department_id, category_id, cause_id, rejection_reason_id, customer_id, stages_entered, rejected_from, remedy_amount, product);
      CREATE INDEX complaints_by_closed ON complaints (tenant_id, closed_at)
        INCLUDE (stage, satisfaction, department_id, category_id, product) WHERE closed_at IS NOT NULL;
      DROP INDEX stage_visits_left;
      CREATE INDEX stage_visits_left ON stage_visits (tenant_id, left_at)
        INCLUDE (stage, working_ms, calendar_ms, complaint_id) WHERE left_at IS NOT NULL;
      DROP INDEX clock_outcomes_ended;
      CREATE INDEX clock_outcomes_ended ON clock_outcomes (tenant_id, ended_at) INCLUDE (clock, met, penalty, complaint_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX clock_outcomes_ended;
      CREATE INDEX clock_outcomes_ended ON clock_outcomes (tenant_id, ended_at);
      DROP INDEX stage_visits_left;
      CREATE INDEX stage_visits_left ON stage_visits (tenant_id, left_at) WHERE left_at IS NOT NULL;
      DROP INDEX complaints_by_closed;
      DROP INDEX complaints_by_received;
      CREATE INDEX complaints_by_received ON complaints (tenant_id, received_at, id);
      DROP FUNCTION refresh_stage_bits();
      ALTER TABLE complaints DROP COLUMN stages_entered, DROP COLUMN rejected_from;
      DROP FUNCTION analysis_stage_bit(text);
    `);
  }
}
