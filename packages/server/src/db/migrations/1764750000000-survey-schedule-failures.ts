import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A scheduled survey's run that fails is recorded on its schedule (how many
 * runs failed in a row, why the last one did, when) and tried again after a
 * back-off that doubles up to an hour, instead of only being logged and tried
 * again when its lease ran out; the admin sees it on the schedule.
 */
export class SurveyScheduleFailures1764750000000 implements MigrationInterface {
  name = 'SurveyScheduleFailures1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE survey_schedules
        ADD COLUMN failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
        ADD COLUMN last_error_code text CHECK (last_error_code IN ('TIMEOUT', 'OTHER')),
        ADD COLUMN last_error_detail text,
        ADD COLUMN last_failed_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE survey_schedules DROP COLUMN failures, DROP COLUMN last_error_code, DROP COLUMN last_error_detail, DROP COLUMN last_failed_at;
    `);
  }
}
