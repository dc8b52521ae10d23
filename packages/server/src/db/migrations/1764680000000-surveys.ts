import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['surveys', 'survey_versions', 'survey_questions', 'survey_invitations', 'survey_responses', 'survey_answers'];

/**
 * Satisfaction surveys (docs/surveys.md). A survey's questions live in
 * versions: changing them publishes a new version, and every answer keeps
 * the version it answered and the parameter its question measures, so
 * figures compare across versions by parameter. Invitations store only the
 * SHA-256 of their one-time token. Every table is the company's own (RLS).
 */
export class Surveys1764680000000 implements MigrationInterface {
  name = 'Surveys1764680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE surveys (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name_ru text NOT NULL CHECK (length(name_ru) BETWEEN 1 AND 200),
        name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
        current_version integer NOT NULL DEFAULT 0,
        after_resolution boolean NOT NULL DEFAULT false,
        answer_days integer NOT NULL DEFAULT 14 CHECK (answer_days BETWEEN 1 AND 365),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      -- At most one survey of a company is sent after resolution.
      CREATE UNIQUE INDEX surveys_after_resolution ON surveys (tenant_id) WHERE after_resolution;

      CREATE TABLE survey_versions (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        survey_id uuid NOT NULL,
        number integer NOT NULL CHECK (number >= 1),
        published_at timestamptz NOT NULL,
        published_by_user_id uuid,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE,
        UNIQUE (tenant_id, survey_id, number)
      );

      CREATE TABLE survey_questions (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        version_id uuid NOT NULL,
        position integer NOT NULL,
        type text NOT NULL CHECK (type IN ('CSAT', 'NPS', 'CES', 'CHOICE', 'TEXT')),
        parameter text NOT NULL CHECK (parameter IN ('OVERALL', 'PRODUCT_QUALITY', 'STAFF', 'DELIVERY', 'SUPPORT_LINE', 'RESOLUTION_SPEED', 'COMMUNICATION')),
        text_ru text NOT NULL CHECK (length(text_ru) BETWEEN 1 AND 500),
        text_en text NOT NULL CHECK (length(text_en) BETWEEN 1 AND 500),
        required boolean NOT NULL,
        multiple boolean NOT NULL DEFAULT false,
        options jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, version_id) REFERENCES survey_versions (tenant_id, id) ON DELETE CASCADE,
        UNIQUE (tenant_id, version_id, position)
      );

      CREATE TABLE survey_invitations (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        survey_id uuid NOT NULL,
        version_id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        token_hash bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        answered_at timestamptz,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, version_id) REFERENCES survey_versions (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
        UNIQUE (tenant_id, token_hash)
      );
      CREATE INDEX survey_invitations_complaint ON survey_invitations (tenant_id, complaint_id, created_at);

      CREATE TABLE survey_responses (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        survey_id uuid NOT NULL,
        version_id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        invitation_id uuid,
        channel text NOT NULL CHECK (channel IN ('PORTAL', 'MAIL_LINK', 'PHONE')),
        entered_by_user_id uuid,
        detractor boolean NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, version_id) REFERENCES survey_versions (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, invitation_id) REFERENCES survey_invitations (tenant_id, id) ON DELETE CASCADE,
        -- An invitation is answered once, whoever races.
        UNIQUE (tenant_id, invitation_id),
        -- Answers by phone name the staff member who entered them; others none.
        CHECK ((channel = 'PHONE') = (entered_by_user_id IS NOT NULL))
      );
      CREATE INDEX survey_responses_complaint ON survey_responses (tenant_id, complaint_id, created_at);
      CREATE INDEX survey_responses_survey ON survey_responses (tenant_id, survey_id, created_at);

      CREATE TABLE survey_answers (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        response_id uuid NOT NULL,
        question_id uuid NOT NULL,
        type text NOT NULL,
        parameter text NOT NULL,
        score integer,
        option_codes text[],
        text text CHECK (length(text) <= 5000),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, response_id) REFERENCES survey_responses (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, question_id) REFERENCES survey_questions (tenant_id, id) ON DELETE CASCADE,
        UNIQUE (tenant_id, response_id, question_id)
      );
      CREATE INDEX survey_answers_parameter ON survey_answers (tenant_id, parameter, type);
    `);
    for (const table of TABLES) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${table} USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
        GRANT SELECT, INSERT, UPDATE ON ${table} TO reclaim_app;
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}
