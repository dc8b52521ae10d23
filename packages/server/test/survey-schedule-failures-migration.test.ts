import { describe, expect, it } from 'vitest';
import { insertOldTenant, withMigrationUndone } from './harness.js';
import { SurveyScheduleFailures1764750000000 } from '../src/db/migrations/1764750000000-survey-schedule-failures.js';

describe("migration 1764750000000: a survey schedule's failed runs", () => {
  const migration = new SurveyScheduleFailures1764750000000();
  it('gives the schedules that exist no failure, takes only the known codes, and undone keeps the schedules', () =>
    withMigrationUndone(migration, async (runner) => {
      const tenant = await insertOldTenant(runner);
      const [{ id: surveyId }] = await runner.query(
        `INSERT INTO surveys (tenant_id, id, name_ru, name_en, created_at, updated_at)
      VALUES ($1, gen_random_uuid(), 'Опрос', 'Survey', now(), now()) RETURNING id`,
        [tenant],
      );
      await runner.query(
        `INSERT INTO survey_schedules (tenant_id, id, survey_id, active, cadence, at_minute, closed_within_days, share_percent,
        cooldown_days, next_run_at, created_at, updated_at)
      VALUES ($1, gen_random_uuid(), $2, true, 'DAILY', 540, 30, 100, 30, now(), now(), now())`,
        [tenant, surveyId],
      );
      await migration.up(runner);
      expect(
        await runner.query(
          'SELECT failures, last_error_code, last_error_detail, last_failed_at FROM survey_schedules WHERE tenant_id = $1',
          [tenant],
        ),
      ).toEqual([{ failures: 0, last_error_code: null, last_error_detail: null, last_failed_at: null }]);
      const setCode = (code: string) =>
        runner.query('UPDATE survey_schedules SET last_error_code = $2 WHERE tenant_id = $1', [tenant, code]);
      await expect(setCode('BROKEN')).rejects.toThrow(/check/);
      await setCode('TIMEOUT');
      await migration.down(runner);
      expect(await runner.query('SELECT active, cadence FROM survey_schedules WHERE tenant_id = $1', [tenant])).toEqual([
        { active: true, cadence: 'DAILY' },
      ]);
      await migration.up(runner);
    }));
});
