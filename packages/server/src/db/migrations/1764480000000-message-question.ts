import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A public reply that asks the customer something (and pauses the SLA
 * clocks until they answer) says so on the message, so that staff see which
 * replies wait for an answer. Earlier questions are found through the
 * timeline: the SLA_PAUSED event (reason QUESTION) that the same transaction
 * wrote after the message.
 */
export class MessageQuestion1764480000000 implements MigrationInterface {
  name = 'MessageQuestion1764480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages ADD COLUMN asks_customer boolean NOT NULL DEFAULT false;
      ALTER TABLE messages NO FORCE ROW LEVEL SECURITY;
      ALTER TABLE timeline_events NO FORCE ROW LEVEL SECURITY;
      UPDATE messages m SET asks_customer = true
        WHERE m.visibility = 'PUBLIC' AND m.author_kind = 'STAFF' AND EXISTS (
          SELECT FROM timeline_events e
           WHERE e.tenant_id = m.tenant_id AND e.complaint_id = m.complaint_id AND e.type = 'SLA_PAUSED'
             AND e.data->>'reason' = 'QUESTION' AND e.at BETWEEN m.created_at - interval '5 seconds' AND m.created_at + interval '5 seconds');
      ALTER TABLE messages FORCE ROW LEVEL SECURITY;
      ALTER TABLE timeline_events FORCE ROW LEVEL SECURITY;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE messages DROP COLUMN asks_customer');
  }
}
