import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled surveys (docs/surveys.md#schedules): a survey sent daily or
 * weekly, at a time of the company's day, to the customers whose complaints
 * closed in the last N days (optionally of some departments and
 * categories), sampled, skipping a customer invited lately. Every node
 * finds the companies with a run due through `survey_schedule_due_tenants`
 * (SECURITY DEFINER, ids only, as `mailbox_due_tenants`) and leases a
 * schedule in a transaction of its company (FOR UPDATE SKIP LOCKED); the run
 * itself is one transaction that checks the lease is still its own.
 */
export class SurveySchedules1764700000000 implements MigrationInterface {
  name = 'SurveySchedules1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE survey_schedules (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        survey_id uuid NOT NULL,
        active boolean NOT NULL,
        cadence text NOT NULL CHECK (cadence IN ('DAILY', 'WEEKLY')),
        weekday integer CHECK (weekday BETWEEN 1 AND 7),
        at_minute integer NOT NULL CHECK (at_minute BETWEEN 0 AND 1439),
        closed_within_days integer NOT NULL CHECK (closed_within_days BETWEEN 1 AND 365),
        department_ids uuid[] NOT NULL DEFAULT '{}',
        category_ids uuid[] NOT NULL DEFAULT '{}',
        share_percent integer NOT NULL CHECK (share_percent BETWEEN 1 AND 100),
        cooldown_days integer NOT NULL CHECK (cooldown_days BETWEEN 0 AND 365),
        next_run_at timestamptz,
        last_run_at timestamptz,
        last_run_invited integer,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, survey_id),
        FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE,
        CHECK ((cadence = 'WEEKLY') = (weekday IS NOT NULL))
      );
      CREATE INDEX survey_schedules_due ON survey_schedules (next_run_at) WHERE active;
      ALTER TABLE survey_schedules ENABLE ROW LEVEL SECURITY;
      ALTER TABLE survey_schedules FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON survey_schedules
        USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON survey_schedules TO reclaim_app;

      -- The cooldown looks up a customer's recent invitations through their complaints.
      CREATE INDEX survey_invitations_created ON survey_invitations (tenant_id, created_at);

      -- The first instant after \`after\` at which a schedule runs: at_minute of a day (of weekday, 1 Monday … 7 Sunday,
      -- when weekly) in the time zone tz.
      CREATE FUNCTION survey_schedule_next(tz text, weekly_on integer, at_minute integer, after timestamptz)
        RETURNS timestamptz LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
          SELECT min(((d.day + make_interval(mins => at_minute)) AT TIME ZONE tz))
            FROM generate_series(((after AT TIME ZONE tz)::date - 1)::timestamp, ((after AT TIME ZONE tz)::date + 8)::timestamp, interval '1 day') AS d(day)
           WHERE ((d.day + make_interval(mins => at_minute)) AT TIME ZONE tz) > after
             AND (weekly_on IS NULL OR extract(isodow FROM d.day) = weekly_on)
        $$;
      GRANT EXECUTE ON FUNCTION survey_schedule_next(text, integer, integer, timestamptz) TO reclaim_app;

      -- The companies with a scheduled survey due, the longest waiting first (ids only).
      CREATE FUNCTION survey_schedule_due_tenants(max_rows int)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT s.tenant_id FROM survey_schedules s
           WHERE s.active AND s.next_run_at <= (SELECT clock_timestamp())
           GROUP BY s.tenant_id ORDER BY min(s.next_run_at) LIMIT max_rows
        $$;
      REVOKE ALL ON FUNCTION survey_schedule_due_tenants(int) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION survey_schedule_due_tenants(int) TO reclaim_node;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION survey_schedule_due_tenants(int);
      DROP FUNCTION survey_schedule_next(text, integer, integer, timestamptz);
      DROP INDEX survey_invitations_created;
      DROP TABLE survey_schedules;
    `);
  }
}
