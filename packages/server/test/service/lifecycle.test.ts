import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { EDGES, TRANSITION_FIELDS, nextStages } from '../../src/modules/complaint/lifecycle.js';
import { transitionComplaint } from '../../src/modules/complaint/complaint.service.js';
import { expectError, stageFields } from '../fixtures.js';
import { startServiceTier, timelineOf, type ComplaintRow, type Member, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * The lifecycle's refusals in the transition service: edges that do not
 * exist and fields that belong to another stage. Registration, allowed
 * edges, stage requirements, locking and corrective actions over the API
 * are in test/lifecycle.api.test.ts.
 */
let tier: ServiceTier;
let w: ServiceWorld;
beforeAll(async () => {
  tier = await startServiceTier();
  w = await tier.build.world();
});
afterAll(() => tier?.close());

const STAGES = Object.values(Stage);
const edgeName = (e: { from: Stage; to: Stage }) => `${e.from} -> ${e.to}`;
const transition = (u: Member, c: ComplaintRow, to: Stage, fields: Record<string, unknown>) =>
  tier.attempt(u, 'transitionComplaint', (ctx) =>
    transitionComplaint(ctx, { id: c.id, expectedVersion: c.version, to, ...fields } as never),
  );

/** A complaint at `stage`, with its timeline as built. */
async function at(stage: Stage): Promise<ComplaintRow & { timeline: unknown[] }> {
  const c = await tier.build.newComplaint(w, stage);
  return { ...c, timeline: await tier.build.inTenant(w.t.tenantId, (m) => timelineOf(m, c.id)) } as ComplaintRow & { timeline: unknown[] };
}

/** Checks that `c` is still exactly as it was: same stage, version and timeline. */
async function expectUnchanged(c: ComplaintRow & { timeline: unknown[] }) {
  const now = await tier.build.inTenant(w.t.tenantId, async (m) => ({
    ...(await tier.build.complaint(m, c.id)),
    timeline: await timelineOf(m, c.id),
  }));
  expect({ stage: now.stage, version: now.version, timeline: now.timeline.length }).toEqual({
    stage: c.stage,
    version: c.version,
    timeline: c.timeline.length,
  });
}

describe('disallowed edges', () => {
  const cases = STAGES.map((from) => ({ from, targets: STAGES.filter((to) => !nextStages(from).includes(to)) }));

  it('are all the pairs that are not edges', () => {
    expect(cases.reduce((n, c) => n + c.targets.length, 0)).toBe(STAGES.length ** 2 - EDGES.length);
  });

  it.each(cases)('from $from: each gives TRANSITION_NOT_ALLOWED and changes nothing', async ({ from, targets }) => {
    const c = await at(from);
    await tier.expectNoWrites(async () => {
      for (const to of targets) {
        const r = await transition(w.staff.HEAD, c, to, stageFields(w, c, to));
        const error = expectError(r, 'BAD_USER_INPUT', 'TRANSITION_NOT_ALLOWED');
        expect(error.extensions).toMatchObject({ from, to });
      }
    });
    await expectUnchanged(c);
  });
});

describe('fields of another stage', () => {
  const values = (): Record<string, unknown> => ({
    kind: 'COMPLAINT',
    categoryId: w.cat,
    priority: 'HIGH',
    demand: 'REPAIR',
    departmentId: w.dept,
    assigneeId: w.staff.SPECIALIST.id,
    validity: 'SUBJECTIVE',
    rootCause: 'handling',
    remedy: 'REPAIR',
    remedyAmount: 10,
    decisionNote: 'repair it',
    correctiveActions: [{ description: 'train couriers', ownerDepartmentId: w.dept, dueDate: '2030-01-01' }],
    completedCorrectiveActionIds: [randomUUID()],
    satisfaction: 5,
    satisfactionComment: 'ok',
    feedbackUnavailable: true,
    rejectionReason: 'no',
    causeId: w.cause,
    rejectionReasonId: w.rejectionReason,
  });
  const allFields = [...new Set(Object.values(TRANSITION_FIELDS).flat())];

  it.each(EDGES.map((e) => ({ ...e, name: edgeName(e) })))('$name refuses each field that belongs elsewhere', async ({ from, to }) => {
    const foreign = allFields.filter((f) => !TRANSITION_FIELDS[to].includes(f));
    expect(foreign.length).toBeGreaterThan(5);
    const c = await at(from);
    await tier.expectNoWrites(async () => {
      for (const field of foreign) {
        const r = await transition(w.staff.HEAD, c, to, { ...stageFields(w, c, to), [field]: values()[field] });
        expect(expectError(r, 'BAD_USER_INPUT').message).toContain(`${field} cannot be set when moving to ${to}`);
      }
    });
    await expectUnchanged(c);
  });
});
