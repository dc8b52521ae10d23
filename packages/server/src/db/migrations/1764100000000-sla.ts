import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two SLA clocks (design.md section 6, docs/sla.md).
 *
 * - business_calendars, sla_policies, legal_presets: per-tenant settings.
 * - sla_deadlines: one row per open clock of a complaint (its first response,
 *   its resolution, its current stage, its legal deadline). `next_fire_at`
 *   is derived by the database from the row (the warning, else the breach,
 *   else nothing) and indexed across tenants: the scheduler reads only the
 *   next few seconds of it.
 * - sla_breaches: the append-only history of warnings and breaches, with the
 *   escalation each one caused.
 *
 * All five have row-level security, FORCEd like every tenant table except
 * on sla_deadlines (as on outbox_events): the scheduler, which must see the
 * deadlines of every tenant, does so only through two SECURITY DEFINER
 * functions owned by the owner, which return tenant ids and instants and
 * never a row; it claims and fires the rows themselves inside each
 * tenant's transaction, as reclaim_app.
 */
export class Sla1764100000000 implements MigrationInterface {
  name = 'Sla1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE business_calendars (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL,
        time_zone text NOT NULL,
        always_open boolean NOT NULL DEFAULT false,
        periods jsonb NOT NULL DEFAULT '[]',
        holidays jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      CREATE UNIQUE INDEX business_calendars_name_key ON business_calendars (tenant_id, lower(name));

      CREATE TABLE sla_policies (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL,
        -- Matched in this order, first match wins; the default policy matches anything and comes last.
        position int NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        priorities text[] NOT NULL DEFAULT '{}',
        category_ids uuid[] NOT NULL DEFAULT '{}',
        calendar_id uuid NOT NULL,
        warn_percent int NOT NULL DEFAULT 80 CHECK (warn_percent BETWEEN 1 AND 99),
        first_response_seconds int CHECK (first_response_seconds > 0),
        resolution_seconds int CHECK (resolution_seconds > 0),
        stage_seconds jsonb NOT NULL DEFAULT '{}',
        escalation jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, calendar_id) REFERENCES business_calendars (tenant_id, id),
        CHECK (NOT is_default OR (priorities = '{}' AND category_ids = '{}'))
      );
      CREATE UNIQUE INDEX sla_policies_default ON sla_policies (tenant_id) WHERE is_default;
      CREATE UNIQUE INDEX sla_policies_name_key ON sla_policies (tenant_id, lower(name));

      CREATE TABLE legal_presets (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        demand text NOT NULL CHECK (demand IN ('REPLACEMENT', 'REFUND', 'REPAIR', 'PRICE_REDUCTION', 'COMPENSATION', 'OTHER')),
        -- Calendar days from the day the demand was presented; null: the law sets no deadline.
        days int CHECK (days BETWEEN 1 AND 365),
        penalty_percent_per_day numeric(6, 3) NOT NULL DEFAULT 1 CHECK (penalty_percent_per_day BETWEEN 0 AND 100),
        PRIMARY KEY (tenant_id, demand)
      );

      ALTER TABLE complaints
        ADD COLUMN product_price numeric(14, 2) CHECK (product_price >= 0),
        ADD COLUMN sla_policy_id uuid,
        ADD COLUMN first_responded_at timestamptz,
        ADD COLUMN awaiting_customer_since timestamptz;

      CREATE TABLE sla_deadlines (
        tenant_id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        clock text NOT NULL CHECK (clock IN ('FIRST_RESPONSE', 'RESOLUTION', 'STAGE', 'LEGAL')),
        stage text,
        started_at timestamptz NOT NULL,
        -- Operational clocks: the working time allowed and used (folded up to running_since); null for LEGAL.
        budget_ms bigint,
        consumed_ms bigint NOT NULL DEFAULT 0,
        -- Null while paused (waiting for the customer); then warn_at and due_at are null too.
        running_since timestamptz,
        warn_at timestamptz,
        due_at timestamptz,
        warned_at timestamptz,
        breached_at timestamptz,
        next_fire_at timestamptz GENERATED ALWAYS AS (CASE
          WHEN due_at IS NULL OR breached_at IS NOT NULL THEN NULL
          WHEN warned_at IS NULL AND warn_at < due_at THEN warn_at
          ELSE due_at END) STORED,
        PRIMARY KEY (tenant_id, complaint_id, clock),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX sla_deadlines_next_fire ON sla_deadlines (next_fire_at) WHERE next_fire_at IS NOT NULL;

      CREATE TABLE sla_breaches (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        clock text NOT NULL,
        stage text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('AT_RISK', 'BREACHED')),
        due_at timestamptz NOT NULL,
        fired_at timestamptz NOT NULL,
        department_id uuid,
        escalation jsonb NOT NULL DEFAULT '{}',
        acknowledged_at timestamptz,
        acknowledged_by uuid,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX sla_breaches_complaint ON sla_breaches (tenant_id, complaint_id, fired_at);
      CREATE INDEX sla_breaches_department ON sla_breaches (tenant_id, department_id, fired_at DESC);
    `);
    for (const table of ['business_calendars', 'sla_policies', 'legal_presets', 'sla_deadlines', 'sla_breaches']) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        ${table === 'sla_deadlines' ? '' : `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;`}
        CREATE POLICY tenant_isolation ON ${table} USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      `);
    }
    await q.query(`
      GRANT SELECT, INSERT, UPDATE, DELETE ON business_calendars, sla_policies, legal_presets, sla_deadlines TO reclaim_app;
      -- The history is appended to and acknowledged, never rewritten or deleted.
      GRANT SELECT, INSERT ON sla_breaches TO reclaim_app;
      GRANT UPDATE (acknowledged_at, acknowledged_by) ON sla_breaches TO reclaim_app;

      -- For the scheduler, which runs outside any tenant: instants and tenant ids only, never a row.
      -- "(SELECT clock_timestamp())" is computed once, so the index on next_fire_at serves the range.
      CREATE FUNCTION sla_fire_times(horizon timestamptz, max_rows int)
        RETURNS TABLE (tenant_id uuid, fire_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT d.tenant_id, d.next_fire_at FROM sla_deadlines d
           WHERE d.next_fire_at IS NOT NULL AND d.next_fire_at <= horizon
           ORDER BY d.next_fire_at LIMIT max_rows
        $$;
      CREATE FUNCTION sla_due_tenants(max_rows int)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT x.tenant_id FROM (
            SELECT d.tenant_id FROM sla_deadlines d
             WHERE d.next_fire_at IS NOT NULL AND d.next_fire_at <= (SELECT clock_timestamp())
             ORDER BY d.next_fire_at LIMIT max_rows) x
        $$;
      REVOKE ALL ON FUNCTION sla_fire_times(timestamptz, int), sla_due_tenants(int) FROM PUBLIC;

      -- A new tenant's starting settings: business hours, three policies, the Russian consumer-law presets.
      -- Runs inside the tenant's transaction (app.tenant_id set), so row-level security checks every row.
      CREATE FUNCTION install_sla_defaults() RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        t record;
        cal uuid := gen_random_uuid();
        ru boolean;
      BEGIN
        SELECT * INTO t FROM tenants WHERE id = app_tenant_id();
        IF NOT FOUND THEN RAISE EXCEPTION 'install_sla_defaults: no tenant in this transaction'; END IF;
        ru := t.locale = 'ru';
        INSERT INTO business_calendars (tenant_id, id, name, time_zone, periods)
        SELECT t.id, cal, CASE WHEN ru THEN 'Рабочие часы' ELSE 'Business hours' END, t.time_zone,
               jsonb_agg(jsonb_build_object('weekday', d, 'start', '09:00', 'end', '18:00') ORDER BY d)
          FROM generate_series(1, 5) d;
        INSERT INTO sla_policies (tenant_id, id, name, position, is_default, priorities, calendar_id,
                                  first_response_seconds, resolution_seconds, stage_seconds, escalation) VALUES
          (t.id, gen_random_uuid(), CASE WHEN ru THEN 'Срочные' ELSE 'Urgent' END, 1, false, '{URGENT}', cal,
           3600, 97200,
           '{"RECEIVED": 3600, "REGISTERED": 7200, "ANALYSIS": 32400, "DECISION": 14400, "IMPLEMENTATION": 32400, "FEEDBACK": 32400}',
           '{"notifyHead": true, "raisePriority": false}'),
          (t.id, gen_random_uuid(), CASE WHEN ru THEN 'Высокий приоритет' ELSE 'High priority' END, 2, false, '{HIGH}', cal,
           7200, 194400,
           '{"RECEIVED": 7200, "REGISTERED": 14400, "ANALYSIS": 64800, "DECISION": 32400, "IMPLEMENTATION": 64800, "FEEDBACK": 64800}',
           '{"notifyHead": true, "raisePriority": true}'),
          (t.id, gen_random_uuid(), CASE WHEN ru THEN 'Стандартная' ELSE 'Standard' END, 3, true, '{}', cal,
           14400, 324000,
           '{"RECEIVED": 14400, "REGISTERED": 28800, "ANALYSIS": 97200, "DECISION": 64800, "IMPLEMENTATION": 162000, "FEEDBACK": 97200}',
           '{"notifyHead": true, "raisePriority": true}');
        PERFORM reset_legal_presets();
      END $$;

      -- The presets of design.md section 6 (Russian consumer protection law, arts. 20-23).
      CREATE FUNCTION reset_legal_presets() RETURNS void LANGUAGE sql AS $$
        INSERT INTO legal_presets (tenant_id, demand, days, penalty_percent_per_day)
        SELECT app_tenant_id(), p.demand, p.days, 1 FROM (VALUES
          ('REFUND', 10), ('PRICE_REDUCTION', 10), ('COMPENSATION', 10), ('REPLACEMENT', 7), ('REPAIR', 45), ('OTHER', NULL::int)
        ) AS p (demand, days)
        ON CONFLICT (tenant_id, demand) DO UPDATE SET days = excluded.days, penalty_percent_per_day = excluded.penalty_percent_per_day
      $$;

      DO $$
      DECLARE t record;
      BEGIN
        FOR t IN SELECT id FROM tenants LOOP
          PERFORM set_config('app.tenant_id', t.id::text, true);
          PERFORM install_sla_defaults();
        END LOOP;
        PERFORM set_config('app.tenant_id', '', true);
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION install_sla_defaults();
      DROP FUNCTION reset_legal_presets();
      DROP FUNCTION sla_fire_times(timestamptz, int);
      DROP FUNCTION sla_due_tenants(int);
      DROP TABLE sla_breaches;
      DROP TABLE sla_deadlines;
      ALTER TABLE complaints DROP COLUMN product_price, DROP COLUMN sla_policy_id,
        DROP COLUMN first_responded_at, DROP COLUMN awaiting_customer_since;
      DROP TABLE legal_presets;
      DROP TABLE sla_policies;
      DROP TABLE business_calendars;
    `);
  }
}
