import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles.js';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { assignComplaint } from '../../src/modules/complaint/complaint.service.js';
import { addCorrectiveAction } from '../../src/modules/complaint/corrective-action.service.js';
import { expectError } from '../fixtures.js';
import { startServiceTier, type Member, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * Who may be given a complaint or a corrective action: an active member of
 * the department who can sign in. A staff member invited by mail who has not
 * set a password yet is refused like a deactivated one or a non-member, on
 * the field, with one reason the clients can put in words, and nothing is
 * written.
 */
let tier: ServiceTier;
let w: ServiceWorld;
let invited: Member;
let deactivated: Member;
let outsider: Member;
beforeAll(async () => {
  tier = await startServiceTier();
  w = await tier.build.world();
  [invited, deactivated, outsider] = await Promise.all([
    tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.dept]),
    tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.dept]),
    tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.otherDept]),
  ]);
  // As an invitation leaves them (modules/account): no password yet.
  await tier.build.inTenant(w.t.tenantId, (m) =>
    m.query('UPDATE users SET password_hash = NULL, invited_at = now() WHERE id = $1', [invited.id]),
  );
  await tier.build.inTenant(w.t.tenantId, (m) => m.query('UPDATE users SET active = false WHERE id = $1', [deactivated.id]));
});
afterAll(async () => {
  await tier?.close();
});

const assign = (c: { id: string; version: number }, assigneeId: string) =>
  tier.attempt(w.staff.HEAD, 'assignComplaint', (ctx) => assignComplaint(ctx, { id: c.id, expectedVersion: c.version, assigneeId }));

describe('an assignee', () => {
  it.each([
    ['invited, no password yet', () => invited],
    ['deactivated', () => deactivated],
    ['of another department', () => outsider],
  ])('who is %s is refused on the field, and nothing is written', async (_, who) => {
    const c = await tier.build.newComplaint(w, Stage.ANALYSIS);
    const error = await tier.expectNoWrites(async () => expectError(await assign(c, who().id), 'BAD_USER_INPUT', 'ASSIGNEE_UNAVAILABLE'));
    expect(error.extensions?.fields).toEqual([{ field: 'input.assigneeId', reason: 'ASSIGNEE_UNAVAILABLE' }]);
  });

  it('who can sign in (an invitation accepted leaves them so) is taken', async () => {
    const accepted = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.dept]);
    const result = await assign(await tier.build.newComplaint(w, Stage.ANALYSIS), accepted.id);
    expect(result.errors).toBeUndefined();
  });

  it('of a corrective action is refused the same way, on the owner field', async () => {
    const c = await tier.build.newComplaint(w, Stage.IMPLEMENTATION);
    const error = await tier.expectNoWrites(async () =>
      expectError(
        await tier.attempt(w.staff.HEAD, 'addCorrectiveAction', (ctx) =>
          addCorrectiveAction(ctx, {
            complaintId: c.id,
            description: 'Retrain the packers',
            ownerDepartmentId: w.dept,
            ownerUserId: invited.id,
            dueDate: '2030-01-31',
          } as never),
        ),
        'BAD_USER_INPUT',
        'ASSIGNEE_UNAVAILABLE',
      ),
    );
    expect(error.extensions?.fields).toEqual([{ field: 'input.ownerUserId', reason: 'ASSIGNEE_UNAVAILABLE' }]);
  });
});
