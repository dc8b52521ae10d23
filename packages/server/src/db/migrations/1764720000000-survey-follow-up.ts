import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The follow-up of a survey response (docs/surveys.md#follow-up): a
 * correction on the complaint that points to the response it answers. At
 * most one per response, so a second request finds the first instead of
 * writing another. corrective_actions keeps its row-level security.
 */
export class SurveyFollowUp1764720000000 implements MigrationInterface {
  name = 'SurveyFollowUp1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE corrective_actions ADD COLUMN survey_response_id uuid;
      ALTER TABLE corrective_actions ADD CONSTRAINT corrective_actions_survey_response
        FOREIGN KEY (tenant_id, survey_response_id) REFERENCES survey_responses (tenant_id, id);
      CREATE UNIQUE INDEX corrective_actions_survey_response_once ON corrective_actions (tenant_id, survey_response_id)
        WHERE survey_response_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX corrective_actions_survey_response_once;
      ALTER TABLE corrective_actions DROP CONSTRAINT corrective_actions_survey_response;
      ALTER TABLE corrective_actions DROP COLUMN survey_response_id;
    `);
  }
}
