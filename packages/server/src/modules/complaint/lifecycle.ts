/**
 * The complaint lifecycle (design.md section 2) as plain data and functions:
 * which edges exist, who may take each, and what a complaint must hold on
 * arrival in each stage. No I/O here, so every rule is unit tested directly.
 */
import { Role } from '../../auth/roles.js';
import { Remedy, Stage, Validity } from './complaint.enums.js';
import { CorrectiveActionKind } from './corrective-action.enums.js';

export interface Edge {
  from: Stage;
  to: Stage;
  /** Roles that may take this edge. */
  roles: readonly Role[];
}

const { OPERATOR, SPECIALIST, QUALITY_MANAGER, HEAD } = Role;

export const EDGES: readonly Edge[] = [
  { from: Stage.RECEIVED, to: Stage.REGISTERED, roles: [OPERATOR, HEAD] },
  { from: Stage.REGISTERED, to: Stage.ANALYSIS, roles: [SPECIALIST, HEAD] },
  { from: Stage.ANALYSIS, to: Stage.DECISION, roles: [SPECIALIST, HEAD] },
  { from: Stage.DECISION, to: Stage.IMPLEMENTATION, roles: [SPECIALIST, HEAD] },
  { from: Stage.IMPLEMENTATION, to: Stage.FEEDBACK, roles: [SPECIALIST, HEAD] },
  { from: Stage.FEEDBACK, to: Stage.CLOSED, roles: [SPECIALIST, QUALITY_MANAGER, HEAD] },
  { from: Stage.RECEIVED, to: Stage.REJECTED, roles: [OPERATOR, HEAD] },
  { from: Stage.REGISTERED, to: Stage.REJECTED, roles: [HEAD] },
  { from: Stage.ANALYSIS, to: Stage.REJECTED, roles: [SPECIALIST, HEAD] },
  { from: Stage.DECISION, to: Stage.REJECTED, roles: [HEAD] },
  // Reopened: the customer is not satisfied.
  { from: Stage.CLOSED, to: Stage.ANALYSIS, roles: [QUALITY_MANAGER, HEAD] },
];

/** Roles whose work on a complaint is limited to the departments they belong to. */
export const DEPARTMENT_SCOPED_ROLES: readonly Role[] = [SPECIALIST, HEAD];

export function findEdge(from: Stage, to: Stage): Edge | undefined {
  return EDGES.find((e) => e.from === from && e.to === to);
}

export function nextStages(from: Stage): Stage[] {
  return EDGES.filter((e) => e.from === from).map((e) => e.to);
}

/** Stage-specific fields a transition may carry, by target stage. */
export const TRANSITION_FIELDS: Readonly<Record<Stage, readonly string[]>> = {
  [Stage.RECEIVED]: [],
  [Stage.REGISTERED]: ['kind', 'categoryId', 'priority', 'demand', 'departmentId', 'assigneeId'],
  [Stage.ANALYSIS]: ['assigneeId'],
  [Stage.DECISION]: ['validity', 'causeId', 'rootCause'],
  [Stage.IMPLEMENTATION]: ['remedy', 'remedyAmount', 'decisionNote', 'correctiveActions'],
  [Stage.FEEDBACK]: ['completedCorrectiveActionIds'],
  [Stage.CLOSED]: ['satisfaction', 'satisfactionComment', 'feedbackUnavailable'],
  [Stage.REJECTED]: ['rejectionReasonId', 'rejectionReason'],
};

/** What the stage rules look at: the complaint as it would be after the transition. */
export interface StageState {
  from: Stage;
  departmentId?: string | null;
  categoryId?: string | null;
  demand?: string | null;
  assigneeId?: string | null;
  validity?: Validity | null;
  rootCause?: string | null;
  causeId?: string | null;
  remedy?: Remedy | null;
  remedyAmount?: number | null;
  correctiveActions: ReadonlyArray<{ kind: CorrectiveActionKind; done: boolean }>;
  satisfaction?: number | null;
  feedbackUnavailable?: boolean | null;
  rejectionReasonId?: string | null;
  note?: string | null;
}

/** Remedies that are a sum of money: they need an amount. */
export const MONETARY_REMEDIES: readonly Remedy[] = [Remedy.REFUND, Remedy.DISCOUNT, Remedy.COMPENSATION];

/**
 * The fields missing for arrival in `to`, each with the reason; empty when
 * the complaint may enter the stage.
 */
export function missingFields(to: Stage, s: StageState): Array<{ field: string; reason: string }> {
  const missing: Array<{ field: string; reason: string }> = [];
  const need = (ok: unknown, field: string, reason: string) => {
    if (!ok) missing.push({ field, reason });
  };
  switch (to) {
    case Stage.REGISTERED:
      need(s.departmentId, 'departmentId', 'a registered complaint belongs to a department');
      need(s.categoryId, 'categoryId', 'a registered complaint is classified by category');
      need(s.demand, 'demand', "the customer's demand is recorded at registration");
      break;
    case Stage.ANALYSIS:
      if (s.from === Stage.CLOSED) need(s.note?.trim(), 'note', 'reopening needs the reason');
      else need(s.assigneeId, 'assigneeId', 'analysis needs an owner');
      break;
    case Stage.DECISION:
      need(
        s.validity && s.validity !== Validity.UNFOUNDED,
        'validity',
        'validity must be OBJECTIVE or SUBJECTIVE (an unfounded complaint is rejected instead)',
      );
      need(s.causeId, 'causeId', "the cause is coded before a decision (one of the company's causes)");
      need(s.rootCause?.trim(), 'rootCause', 'the root cause is found before a decision');
      break;
    case Stage.IMPLEMENTATION:
      need(s.remedy, 'remedy', 'a decision names the remedy');
      if (s.remedy && MONETARY_REMEDIES.includes(s.remedy)) {
        need(
          s.remedyAmount !== null && s.remedyAmount !== undefined && s.remedyAmount > 0,
          'remedyAmount',
          'a refund, discount or compensation needs its amount',
        );
      }
      break;
    case Stage.FEEDBACK:
      if (s.validity === Validity.OBJECTIVE) {
        need(
          s.correctiveActions.length > 0,
          'correctiveActions',
          'an objective defect needs at least one action (a correction, corrective or preventive action)',
        );
      }
      // Only the correction of the customer's case comes before asking them; corrective and preventive actions go on after.
      need(
        s.correctiveActions.every((a) => a.done || a.kind !== CorrectiveActionKind.CORRECTION),
        'completedCorrectiveActionIds',
        'every correction must be done (corrective and preventive actions may go on after closing)',
      );
      break;
    case Stage.CLOSED:
      need(s.satisfaction || s.feedbackUnavailable, 'satisfaction', "closing needs the customer's rating (1-5) or feedbackUnavailable");
      break;
    case Stage.REJECTED:
      need(s.rejectionReasonId, 'rejectionReasonId', 'a rejection states its coded reason');
      break;
    case Stage.RECEIVED:
      break;
  }
  return missing;
}

export type TransitionRefusal =
  { code: 'NOT_ALLOWED_EDGE'; message: string } | { code: 'ROLE'; message: string } | { code: 'DEPARTMENT'; message: string };

/**
 * Whether an actor with `roles` (member of `actorDepartmentIds`) may move a
 * complaint of `departmentId` along from -> to. Null when allowed.
 */
export function refuseTransition(
  from: Stage,
  to: Stage,
  roles: readonly Role[],
  actorDepartmentIds: readonly string[],
  departmentId: string | null | undefined,
): TransitionRefusal | null {
  const edge = findEdge(from, to);
  if (!edge) {
    const allowed = nextStages(from);
    return {
      code: 'NOT_ALLOWED_EDGE',
      message:
        `a complaint in ${from} cannot move to ${to}` + (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`),
    };
  }
  const granting = edge.roles.filter((r) => roles.includes(r));
  if (granting.length === 0) {
    return { code: 'ROLE', message: `moving ${from} -> ${to} needs one of the roles ${edge.roles.join(', ')}` };
  }
  const unscoped = granting.some((r) => !DEPARTMENT_SCOPED_ROLES.includes(r));
  if (!unscoped && departmentId && !actorDepartmentIds.includes(departmentId)) {
    return { code: 'DEPARTMENT', message: 'this complaint belongs to a department you are not a member of' };
  }
  return null;
}
