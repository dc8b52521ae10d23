import { describe, expect, it } from 'vitest';
import { Role } from '../../../auth/roles.js';
import { CorrectiveActionKind } from '../corrective-action.enums.js';
import { Remedy, Stage, Validity } from '../complaint.enums.js';
import {
  DEPARTMENT_SCOPED_ROLES,
  EDGES,
  TRANSITION_FIELDS,
  findEdge,
  missingFields,
  nextStages,
  refuseTransition,
  type StageState,
} from '../lifecycle.js';

const STAGES = Object.values(Stage);
const ROLES = Object.values(Role);
const ALL_PAIRS = STAGES.flatMap((from) => STAGES.map((to) => ({ from, to })));
const DEPT = 'dept-a';
const { CORRECTION, CORRECTIVE, PREVENTIVE } = CorrectiveActionKind;
const OTHER = 'dept-b';

/** The process of design.md section 2, written out independently of EDGES. */
const DESIGN_EDGES = [
  'RECEIVED>REGISTERED',
  'REGISTERED>ANALYSIS',
  'ANALYSIS>DECISION',
  'DECISION>IMPLEMENTATION',
  'IMPLEMENTATION>FEEDBACK',
  'FEEDBACK>CLOSED',
  'RECEIVED>REJECTED',
  'REGISTERED>REJECTED',
  'ANALYSIS>REJECTED',
  'DECISION>REJECTED',
  'CLOSED>ANALYSIS',
];

describe('edges', () => {
  it('are exactly the edges of the design', () => {
    expect(EDGES.map((e) => `${e.from}>${e.to}`).sort()).toEqual([...DESIGN_EDGES].sort());
  });

  it.each(ALL_PAIRS)('$from -> $to is allowed only if it is an edge', ({ from, to }) => {
    const isEdge = DESIGN_EDGES.includes(`${from}>${to}`);
    // Every role at once, a member of the complaint's department: only the edge itself can refuse.
    const refusal = refuseTransition(from, to, ROLES, [DEPT], DEPT);
    if (isEdge) {
      expect(refusal).toBeNull();
      expect(findEdge(from, to)).toMatchObject({ from, to });
      expect(nextStages(from)).toContain(to);
    } else {
      expect(refusal?.code).toBe('NOT_ALLOWED_EDGE');
      expect(refusal?.message).toContain(`cannot move to ${to}`);
      expect(findEdge(from, to)).toBeUndefined();
      expect(nextStages(from)).not.toContain(to);
    }
  });

  it('refuses a non-edge before looking at roles or departments', () => {
    expect(refuseTransition(Stage.RECEIVED, Stage.CLOSED, [], [], OTHER)?.code).toBe('NOT_ALLOWED_EDGE');
  });

  it('names the allowed next stages, or that the stage is final', () => {
    expect(refuseTransition(Stage.RECEIVED, Stage.CLOSED, ROLES, [], null)?.message).toContain('allowed: REGISTERED, REJECTED');
    expect(refuseTransition(Stage.REJECTED, Stage.ANALYSIS, ROLES, [], null)?.message).toContain('REJECTED is final');
    expect(nextStages(Stage.REJECTED)).toEqual([]);
    expect(nextStages(Stage.CLOSED)).toEqual([Stage.ANALYSIS]);
  });
});

describe('roles per edge', () => {
  const cases = EDGES.flatMap((edge) => ROLES.map((role) => ({ from: edge.from, to: edge.to, role, allowed: edge.roles.includes(role) })));

  it.each(cases)('$from -> $to by $role: allowed=$allowed', ({ from, to, role, allowed }) => {
    const refusal = refuseTransition(from, to, [role], [DEPT], DEPT);
    if (allowed) expect(refusal).toBeNull();
    else {
      expect(refusal?.code).toBe('ROLE');
      expect(refusal?.message).toContain('needs one of the roles');
    }
  });

  it('are the roles docs/roles.md promises (a change here is a policy change)', () => {
    expect(Object.fromEntries(EDGES.map((e) => [`${e.from}>${e.to}`, [...e.roles].sort()]))).toEqual({
      'RECEIVED>REGISTERED': ['HEAD', 'OPERATOR'],
      'REGISTERED>ANALYSIS': ['HEAD', 'SPECIALIST'],
      'ANALYSIS>DECISION': ['HEAD', 'SPECIALIST'],
      'DECISION>IMPLEMENTATION': ['HEAD', 'SPECIALIST'],
      'IMPLEMENTATION>FEEDBACK': ['HEAD', 'SPECIALIST'],
      'FEEDBACK>CLOSED': ['HEAD', 'QUALITY_MANAGER', 'SPECIALIST'],
      'RECEIVED>REJECTED': ['HEAD', 'OPERATOR'],
      'REGISTERED>REJECTED': ['HEAD'],
      'ANALYSIS>REJECTED': ['HEAD', 'SPECIALIST'],
      'DECISION>REJECTED': ['HEAD'],
      'CLOSED>ANALYSIS': ['HEAD', 'QUALITY_MANAGER'],
    });
  });

  it('gives ADMIN alone no edge, and every edge to HEAD', () => {
    expect(EDGES.filter((e) => e.roles.includes(Role.ADMIN))).toEqual([]);
    expect(EDGES.every((e) => e.roles.includes(Role.HEAD))).toBe(true);
  });

  it('lets only HEAD reject a registered complaint or a pending decision', () => {
    expect(findEdge(Stage.REGISTERED, Stage.REJECTED)?.roles).toEqual([Role.HEAD]);
    expect(findEdge(Stage.DECISION, Stage.REJECTED)?.roles).toEqual([Role.HEAD]);
  });

  it('allows a user with several roles what any of them allows', () => {
    expect(refuseTransition(Stage.RECEIVED, Stage.REGISTERED, [Role.ADMIN, Role.OPERATOR], [], DEPT)).toBeNull();
    expect(refuseTransition(Stage.CLOSED, Stage.ANALYSIS, [Role.ADMIN, Role.OPERATOR], [], DEPT)?.code).toBe('ROLE');
  });
});

describe('department scoping', () => {
  it('scopes exactly SPECIALIST and HEAD', () => {
    expect([...DEPARTMENT_SCOPED_ROLES].sort()).toEqual([Role.HEAD, Role.SPECIALIST]);
  });

  const scoped = EDGES.flatMap((edge) => edge.roles.filter((r) => DEPARTMENT_SCOPED_ROLES.includes(r)).map((role) => ({ ...edge, role })));
  const unscoped = EDGES.flatMap((edge) =>
    edge.roles.filter((r) => !DEPARTMENT_SCOPED_ROLES.includes(r)).map((role) => ({ ...edge, role })),
  );

  it.each(scoped)('$from -> $to by $role: only for a department of theirs', ({ from, to, role }) => {
    expect(refuseTransition(from, to, [role], [DEPT], DEPT)).toBeNull();
    expect(refuseTransition(from, to, [role], [OTHER, DEPT], DEPT)).toBeNull();
    expect(refuseTransition(from, to, [role], [OTHER], DEPT)?.code).toBe('DEPARTMENT');
    expect(refuseTransition(from, to, [role], [], DEPT)?.code).toBe('DEPARTMENT');
    // A complaint without a department yet is anyone's.
    expect(refuseTransition(from, to, [role], [], null)).toBeNull();
    expect(refuseTransition(from, to, [role], [OTHER], undefined)).toBeNull();
  });

  it.each(unscoped)('$from -> $to by $role: in any department', ({ from, to, role }) => {
    expect(refuseTransition(from, to, [role], [], DEPT)).toBeNull();
    expect(refuseTransition(from, to, [role], [OTHER], DEPT)).toBeNull();
  });

  it('is lifted when another granting role of the user is not scoped', () => {
    expect(refuseTransition(Stage.FEEDBACK, Stage.CLOSED, [Role.HEAD, Role.QUALITY_MANAGER], [OTHER], DEPT)).toBeNull();
    expect(refuseTransition(Stage.FEEDBACK, Stage.CLOSED, [Role.HEAD, Role.SPECIALIST], [OTHER], DEPT)?.code).toBe('DEPARTMENT');
    // A role that does not grant the edge does not lift the scope.
    expect(refuseTransition(Stage.ANALYSIS, Stage.DECISION, [Role.SPECIALIST, Role.OPERATOR], [OTHER], DEPT)?.code).toBe('DEPARTMENT');
  });
});

describe('missingFields', () => {
  /** A state that satisfies every stage; each case removes or spoils one thing. */
  const complete: StageState = {
    from: Stage.RECEIVED,
    departmentId: DEPT,
    categoryId: 'cat',
    demand: 'REFUND',
    assigneeId: 'user',
    validity: Validity.SUBJECTIVE,
    causeId: 'cause',
    rootCause: 'seal',
    remedy: Remedy.REPLACE,
    remedyAmount: null,
    correctiveActions: [],
    satisfaction: 5,
    feedbackUnavailable: null,
    rejectionReasonId: 'misuse',
    note: null,
  };
  const missing = (to: Stage, change: Partial<StageState> = {}) => missingFields(to, { ...complete, ...change }).map((m) => m.field);

  it.each(STAGES)('a complete state may enter %s', (to) => {
    const from = to === Stage.ANALYSIS ? Stage.REGISTERED : Stage.RECEIVED;
    expect(missing(to, { from })).toEqual([]);
  });

  it('gives a reason with every missing field', () => {
    for (const m of missingFields(Stage.REGISTERED, { from: Stage.RECEIVED, correctiveActions: [] })) {
      expect(m.reason.length).toBeGreaterThan(10);
    }
  });

  it.each([
    { to: Stage.REGISTERED, change: { departmentId: null }, fields: ['departmentId'] },
    { to: Stage.REGISTERED, change: { categoryId: null }, fields: ['categoryId'] },
    { to: Stage.REGISTERED, change: { demand: null }, fields: ['demand'] },
    {
      to: Stage.REGISTERED,
      change: { departmentId: null, categoryId: undefined, demand: '' },
      fields: ['departmentId', 'categoryId', 'demand'],
    },
    { to: Stage.ANALYSIS, change: { from: Stage.REGISTERED, assigneeId: null }, fields: ['assigneeId'] },
    { to: Stage.ANALYSIS, change: { from: Stage.CLOSED, assigneeId: 'user', note: null }, fields: ['note'] },
    { to: Stage.ANALYSIS, change: { from: Stage.CLOSED, note: '   ' }, fields: ['note'] },
    { to: Stage.DECISION, change: { validity: null }, fields: ['validity'] },
    { to: Stage.DECISION, change: { validity: Validity.UNFOUNDED }, fields: ['validity'] },
    { to: Stage.DECISION, change: { causeId: null }, fields: ['causeId'] },
    { to: Stage.DECISION, change: { causeId: undefined, rootCause: null }, fields: ['causeId', 'rootCause'] },
    { to: Stage.DECISION, change: { rootCause: null }, fields: ['rootCause'] },
    { to: Stage.DECISION, change: { rootCause: ' \n ' }, fields: ['rootCause'] },
    { to: Stage.IMPLEMENTATION, change: { remedy: null }, fields: ['remedy'] },
    { to: Stage.IMPLEMENTATION, change: { remedy: Remedy.REFUND, remedyAmount: null }, fields: ['remedyAmount'] },
    { to: Stage.IMPLEMENTATION, change: { remedy: Remedy.DISCOUNT, remedyAmount: 0 }, fields: ['remedyAmount'] },
    { to: Stage.IMPLEMENTATION, change: { remedy: Remedy.COMPENSATION, remedyAmount: undefined }, fields: ['remedyAmount'] },
    { to: Stage.FEEDBACK, change: { validity: Validity.OBJECTIVE, correctiveActions: [] }, fields: ['correctiveActions'] },
    {
      to: Stage.FEEDBACK,
      change: {
        correctiveActions: [
          { kind: CORRECTION, done: true },
          { kind: CORRECTION, done: false },
        ],
      },
      fields: ['completedCorrectiveActionIds'],
    },
    {
      to: Stage.FEEDBACK,
      change: { validity: Validity.OBJECTIVE, correctiveActions: [{ kind: CORRECTION, done: false }] },
      fields: ['completedCorrectiveActionIds'],
    },
    {
      to: Stage.FEEDBACK,
      change: {
        correctiveActions: [
          { kind: CORRECTIVE, done: false },
          { kind: CORRECTION, done: false },
        ],
      },
      fields: ['completedCorrectiveActionIds'],
    },
    { to: Stage.CLOSED, change: { satisfaction: null, feedbackUnavailable: null }, fields: ['satisfaction'] },
    { to: Stage.CLOSED, change: { satisfaction: null, feedbackUnavailable: false }, fields: ['satisfaction'] },
    { to: Stage.REJECTED, change: { rejectionReasonId: null }, fields: ['rejectionReasonId'] },
  ] as Array<{ to: Stage; change: Partial<StageState>; fields: string[] }>)(
    '$to refuses $change: missing $fields',
    ({ to, change, fields }) => {
      expect(missing(to, change)).toEqual(fields);
    },
  );

  it.each([
    { to: Stage.IMPLEMENTATION, change: { remedy: Remedy.REFUND, remedyAmount: 0.01 } },
    { to: Stage.IMPLEMENTATION, change: { remedy: Remedy.REPAIR, remedyAmount: null } },
    { to: Stage.IMPLEMENTATION, change: { remedy: Remedy.EXPLANATION, remedyAmount: undefined } },
    { to: Stage.IMPLEMENTATION, change: { remedy: Remedy.REPLACE, remedyAmount: 0 } },
    { to: Stage.FEEDBACK, change: { validity: Validity.OBJECTIVE, correctiveActions: [{ kind: CORRECTION, done: true }] } },
    // Corrective and preventive actions go on after closing: they hold nothing, and count as the action an objective defect needs.
    {
      to: Stage.FEEDBACK,
      change: {
        validity: Validity.OBJECTIVE,
        correctiveActions: [
          { kind: CORRECTIVE, done: false },
          { kind: PREVENTIVE, done: false },
        ],
      },
    },
    {
      to: Stage.FEEDBACK,
      change: {
        correctiveActions: [
          { kind: CORRECTION, done: true },
          { kind: CORRECTIVE, done: false },
        ],
      },
    },
    { to: Stage.FEEDBACK, change: { validity: Validity.SUBJECTIVE, correctiveActions: [] } },
    { to: Stage.CLOSED, change: { satisfaction: null, feedbackUnavailable: true } },
    { to: Stage.CLOSED, change: { satisfaction: 1 } },
    { to: Stage.ANALYSIS, change: { from: Stage.CLOSED, assigneeId: null, note: 'not satisfied' } },
    { to: Stage.RECEIVED, change: { departmentId: null, categoryId: null, demand: null, assigneeId: null } },
  ] as Array<{ to: Stage; change: Partial<StageState> }>)('$to accepts $change', ({ to, change }) => {
    expect(missing(to, change)).toEqual([]);
  });

  it('looks only at what the target stage needs', () => {
    const empty: StageState = { from: Stage.RECEIVED, correctiveActions: [] };
    const needs = Object.fromEntries(
      STAGES.map((to) => [
        to,
        missingFields(to, { ...empty, from: to === Stage.ANALYSIS ? Stage.REGISTERED : Stage.RECEIVED }).map((m) => m.field),
      ]),
    );
    expect(needs).toEqual({
      RECEIVED: [],
      REGISTERED: ['departmentId', 'categoryId', 'demand'],
      ANALYSIS: ['assigneeId'],
      DECISION: ['validity', 'causeId', 'rootCause'],
      IMPLEMENTATION: ['remedy'],
      FEEDBACK: [],
      CLOSED: ['satisfaction'],
      REJECTED: ['rejectionReasonId'],
    });
  });

  it('lets each target stage carry the fields it requires', () => {
    const carriers: Partial<Record<Stage, string[]>> = {
      REGISTERED: ['departmentId', 'categoryId', 'demand'],
      ANALYSIS: ['assigneeId'],
      DECISION: ['validity', 'causeId', 'rootCause'],
      IMPLEMENTATION: ['remedy', 'remedyAmount', 'correctiveActions'],
      FEEDBACK: ['completedCorrectiveActionIds'],
      CLOSED: ['satisfaction', 'feedbackUnavailable'],
      REJECTED: ['rejectionReasonId', 'rejectionReason'],
    };
    for (const [stage, fields] of Object.entries(carriers))
      expect(TRANSITION_FIELDS[stage as Stage]).toEqual(expect.arrayContaining(fields!));
    expect(TRANSITION_FIELDS.RECEIVED).toEqual([]);
  });
});
