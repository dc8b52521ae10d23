import type { Actor } from '../../auth/actor.js';
import { Action, can } from '../../auth/permissions.js';
import { Role } from '../../auth/roles.js';
import { OPEN_STAGES, Stage } from './complaint.enums.js';

/** What of a complaint the rules below read. */
export interface ComplaintScope {
  stage: Stage;
  departmentId: string | null;
  assigneeId: string | null;
}

type Who = Pick<Actor, 'userId' | 'roles' | 'departmentIds'>;

const isOpen = (c: ComplaintScope) => OPEN_STAGES.includes(c.stage);

/**
 * Whom `actor` may assign the complaint to: anyone (HEAD in the complaint's
 * departments, or of a complaint without one yet; OPERATOR routing while it
 * is RECEIVED or REGISTERED), only themselves within its department
 * (SPECIALIST, when it is unowned or already theirs), or nobody.
 */
export function assignScope(actor: Who, c: ComplaintScope): 'ANYONE' | 'SELF' | null {
  if (!can(actor, Action.ASSIGN_COMPLAINT) || !isOpen(c)) return null;
  const inOwnDepartment = !c.departmentId || actor.departmentIds.includes(c.departmentId);
  if (actor.roles.includes(Role.HEAD) && inOwnDepartment) return 'ANYONE';
  if (actor.roles.includes(Role.OPERATOR) && (c.stage === Stage.RECEIVED || c.stage === Stage.REGISTERED)) return 'ANYONE';
  if (
    actor.roles.includes(Role.SPECIALIST) &&
    c.departmentId &&
    inOwnDepartment &&
    (c.assigneeId === null || c.assigneeId === actor.userId)
  )
    return 'SELF';
  return null;
}

/** Priority, category, demand, price: tenant-wide for OPERATOR and QUALITY_MANAGER, in their departments for the others. */
export function mayUpdate(actor: Who, c: ComplaintScope): boolean {
  if (!can(actor, Action.UPDATE_COMPLAINT) || !isOpen(c)) return false;
  const scoped = !actor.roles.some((r) => r === Role.OPERATOR || r === Role.QUALITY_MANAGER);
  return !scoped || !c.departmentId || actor.departmentIds.includes(c.departmentId);
}

/**
 * Opening the follow-up of a survey response (docs/surveys.md#follow-up):
 * those who handle escalations, QUALITY_MANAGER on any complaint, HEAD on
 * those of their departments.
 */
export function mayFollowUpSurvey(actor: Who, c: Pick<ComplaintScope, 'departmentId'>): boolean {
  if (!can(actor, Action.HANDLE_ESCALATIONS)) return false;
  return actor.roles.includes(Role.QUALITY_MANAGER) || (c.departmentId !== null && actor.departmentIds.includes(c.departmentId));
}

/** What the signed-in staff member may do with one complaint now, for the console to offer (the services apply the same rules). */
export interface ComplaintAbilities {
  assign: boolean;
  assignOnlySelf: boolean;
  update: boolean;
  reply: boolean;
  manageCorrectiveActions: boolean;
  followUpSurveys: boolean;
}

export function abilitiesOn(actor: Who, c: ComplaintScope): ComplaintAbilities {
  const scope = assignScope(actor, c);
  return {
    assign: scope !== null,
    assignOnlySelf: scope === 'SELF',
    update: mayUpdate(actor, c),
    reply: can(actor, Action.ADD_MESSAGE),
    manageCorrectiveActions: can(actor, Action.MANAGE_CORRECTIVE_ACTIONS),
    followUpSurveys: mayFollowUpSurvey(actor, c),
  };
}
