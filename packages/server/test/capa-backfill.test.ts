import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { CapaRegister1764530000000 } from '../src/db/migrations/1764530000000-capa-register.js';
import { ok, type TestServer } from './harness.js';
import { startWorld, type Fixtures, type World } from './fixtures.js';

let server: TestServer;
let fx: Fixtures;
let w: World;
beforeAll(async () => {
  ({ server, fx, w } = await startWorld());
});
afterAll(() => server?.close());

const COMPLETE = `mutation($id: ID!) { completeCorrectiveAction(id: $id) { id } }`;
/** The kind an action is created with is dropped and derived again by the migration. */
const action = (description: string) => ({ description, ownerDepartmentId: w.dept, dueDate: '2030-01-31' });

/** Runs the migration's down and up again, as on a database that held actions from before kinds. */
async function remigrate(): Promise<void> {
  const runner = server.dataSource.createQueryRunner();
  try {
    const migration = new CapaRegister1764530000000();
    await runner.startTransaction();
    await migration.down(runner);
    await migration.up(runner);
    await runner.commitTransaction();
  } finally {
    await runner.release();
  }
}

describe('kinds of actions recorded before kinds existed', () => {
  it('make a CORRECTION of what was done by the first FEEDBACK and a CORRECTIVE action of the rest, with who completed them', async () => {
    // Still implementing: one action done with completeCorrectiveAction, one open.
    const implementing = await fx.complaintAt(w, Stage.IMPLEMENTATION, {
      fields: { [Stage.IMPLEMENTATION]: { correctiveActions: [action('done early'), action('still open')] } },
    });
    const [early] = implementing.correctiveActions;
    ok(await server.staff(COMPLETE, { id: early!.id }, w.staff.SPECIALIST.token));

    // Closed: one action ticked in the move to FEEDBACK, and one completed only after closing (an action that outlived the case).
    const closed = await fx.complaintAt(w, Stage.IMPLEMENTATION, {
      fields: {
        [Stage.IMPLEMENTATION]: {
          correctiveActions: [action('ticked at feedback'), { ...action('done after closing'), kind: 'CORRECTIVE' }],
        },
      },
    });
    const [ticked, later] = closed.correctiveActions;
    const feedback = ok(
      await fx.transition(w.staff.HEAD.token, closed, Stage.FEEDBACK, { completedCorrectiveActionIds: [ticked!.id] }),
    ).transitionComplaint;
    ok(await fx.transition(w.staff.HEAD.token, feedback, Stage.CLOSED, { satisfaction: 4 }));
    await fx.asTenant(w.t.tenantId, (m) =>
      m.query(`UPDATE corrective_actions SET done_at = now() + interval '1 day' WHERE id = $1`, [later!.id]),
    );

    await remigrate();
    const rows: Array<{ description: string; kind: string; done_by_user_id: string | null }> = await fx.asTenant(w.t.tenantId, (m) =>
      m.query('SELECT description, kind, done_by_user_id FROM corrective_actions WHERE complaint_id = ANY($1) ORDER BY created_at', [
        [implementing.id, closed.id],
      ]),
    );
    expect(rows).toEqual([
      { description: 'done early', kind: 'CORRECTION', done_by_user_id: w.staff.SPECIALIST.id },
      { description: 'still open', kind: 'CORRECTIVE', done_by_user_id: null },
      { description: 'ticked at feedback', kind: 'CORRECTION', done_by_user_id: w.staff.HEAD.id },
      { description: 'done after closing', kind: 'CORRECTIVE', done_by_user_id: null },
    ]);
    // And the rule now lets the implementing complaint go to FEEDBACK: its open action is long-term.
    const current = await fx.get(w.staff.HEAD.token, implementing.id);
    expect(ok(await fx.transition(w.staff.HEAD.token, current, Stage.FEEDBACK)).transitionComplaint.stage).toBe('FEEDBACK');
  });
});
