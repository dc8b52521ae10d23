import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Corrective actions get a kind, an owner person, who completed them, and an
 * effectiveness check (docs/lifecycle.md#corrective-actions).
 *
 * Backfill of the kind: until now every action had to be done before the
 * complaint could move to FEEDBACK, so an action that was done by the time
 * its complaint first entered FEEDBACK (or that is done while the complaint
 * has not got there yet) was treated as the correction of the customer's
 * case: CORRECTION. Every other action, in practice the ones still open
 * during IMPLEMENTATION, is a longer-term CORRECTIVE action and no longer
 * holds its complaint before FEEDBACK. "Done by then" is read from the
 * timeline (the CORRECTIVE_ACTION_DONE entry, or the FEEDBACK transition
 * that ticked it), both on the database's clock; the completion time itself
 * only where the timeline says nothing. Who completed an action is read from
 * the same entries.
 */
export class CapaRegister1764530000000 implements MigrationInterface {
  name = 'CapaRegister1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE corrective_actions
        ADD COLUMN kind text NOT NULL DEFAULT 'CORRECTIVE' CHECK (kind IN ('CORRECTION', 'CORRECTIVE', 'PREVENTIVE')),
        ADD COLUMN owner_user_id uuid,
        ADD COLUMN done_by_user_id uuid,
        ADD COLUMN effectiveness text CHECK (effectiveness IN ('EFFECTIVE', 'NOT_EFFECTIVE')),
        ADD COLUMN effectiveness_checked_at timestamptz,
        ADD COLUMN effectiveness_checked_by_user_id uuid,
        ADD COLUMN effectiveness_note text,
        ADD COLUMN follow_up_of_id uuid,
        ADD FOREIGN KEY (tenant_id, owner_user_id) REFERENCES users (tenant_id, id),
        ADD FOREIGN KEY (tenant_id, done_by_user_id) REFERENCES users (tenant_id, id),
        ADD FOREIGN KEY (tenant_id, effectiveness_checked_by_user_id) REFERENCES users (tenant_id, id),
        ADD FOREIGN KEY (tenant_id, follow_up_of_id) REFERENCES corrective_actions (tenant_id, id),
        -- Effectiveness is checked after completion, by someone, at some time.
        ADD CHECK (effectiveness IS NULL OR (done_at IS NOT NULL AND effectiveness_checked_at IS NOT NULL
                                             AND effectiveness_checked_by_user_id IS NOT NULL));

      -- The register: by due date, over the company or one owner department.
      CREATE INDEX corrective_actions_by_due ON corrective_actions (tenant_id, due_date, id);
      CREATE INDEX corrective_actions_by_owner ON corrective_actions (tenant_id, owner_department_id, due_date, id);

      -- Row security is FORCEd on both tables: the backfill of every tenant's rows runs with it relaxed,
      -- in this migration's transaction only.
      ALTER TABLE corrective_actions NO FORCE ROW LEVEL SECURITY;
      ALTER TABLE timeline_events NO FORCE ROW LEVEL SECURITY;
      WITH completion AS (
        SELECT a.tenant_id, a.id,
               coalesce(done.at, ticked.at) AS at, coalesce(done.actor_user_id, ticked.actor_user_id) AS by,
               (SELECT min(f.at) FROM timeline_events f
                 WHERE f.tenant_id = a.tenant_id AND f.complaint_id = a.complaint_id
                   AND f.type = 'TRANSITIONED' AND f.to_stage = 'FEEDBACK') AS feedback_at
          FROM corrective_actions a
          LEFT JOIN LATERAL (
            SELECT e.at, e.actor_user_id FROM timeline_events e
             WHERE e.tenant_id = a.tenant_id AND e.complaint_id = a.complaint_id
               AND e.type = 'CORRECTIVE_ACTION_DONE' AND e.data->>'correctiveActionId' = a.id::text
             ORDER BY e.id LIMIT 1) done ON true
          LEFT JOIN LATERAL (
            SELECT e.at, e.actor_user_id FROM timeline_events e
             WHERE e.tenant_id = a.tenant_id AND e.complaint_id = a.complaint_id
               AND e.type = 'TRANSITIONED' AND e.to_stage = 'FEEDBACK'
               AND e.data->'completedCorrectiveActionIds' ? a.id::text
             ORDER BY e.id LIMIT 1) ticked ON true
         WHERE a.done_at IS NOT NULL
      )
      UPDATE corrective_actions a
         SET done_by_user_id = c.by,
             kind = CASE WHEN c.feedback_at IS NULL OR coalesce(c.at, a.done_at) <= c.feedback_at
                         THEN 'CORRECTION' ELSE 'CORRECTIVE' END
        FROM completion c
       WHERE a.tenant_id = c.tenant_id AND a.id = c.id;
      ALTER TABLE corrective_actions FORCE ROW LEVEL SECURITY;
      ALTER TABLE timeline_events FORCE ROW LEVEL SECURITY;

      -- From now on every action states its kind.
      ALTER TABLE corrective_actions ALTER COLUMN kind DROP DEFAULT;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX corrective_actions_by_due, corrective_actions_by_owner;
      ALTER TABLE corrective_actions DROP COLUMN kind, DROP COLUMN owner_user_id, DROP COLUMN done_by_user_id,
        DROP COLUMN effectiveness, DROP COLUMN effectiveness_checked_at, DROP COLUMN effectiveness_checked_by_user_id,
        DROP COLUMN effectiveness_note, DROP COLUMN follow_up_of_id;
    `);
  }
}
