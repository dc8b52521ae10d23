import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The survey figures of Analysis (modules/analysis/survey-figures.ts) read
 * a company's invitations written, and responses received, in a period:
 * indexes on when, so a period is a range scan rather than every row the
 * company ever had. The invitations' one (survey_invitations_created) comes
 * with the schedules (1764700000000), which read it too.
 */
export class SurveyFigures1764710000000 implements MigrationInterface {
  name = 'SurveyFigures1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX survey_responses_created ON survey_responses (tenant_id, created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX survey_responses_created');
  }
}
