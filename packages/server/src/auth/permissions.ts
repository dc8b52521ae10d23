/**
 * Who may do what, apart from lifecycle edges (those are in
 * modules/complaint/lifecycle.ts). docs/roles.md is this table in prose;
 * test/service/roles.test.ts checks every cell against the services, and
 * test/roles.test.ts each operation once allowed and once refused through the API.
 */
import { registerEnumType } from 'type-graphql';
import { Role } from './roles.js';
import { AppError } from '../graphql/errors.js';
import type { Actor } from './actor.js';

export enum Action {
  READ_COMPLAINTS = 'READ_COMPLAINTS',
  REGISTER_COMPLAINT = 'REGISTER_COMPLAINT',
  ASSIGN_COMPLAINT = 'ASSIGN_COMPLAINT',
  ADD_MESSAGE = 'ADD_MESSAGE',
  MANAGE_CORRECTIVE_ACTIONS = 'MANAGE_CORRECTIVE_ACTIONS',
  VERIFY_CORRECTIVE_ACTIONS = 'VERIFY_CORRECTIVE_ACTIONS',
  MANAGE_USERS = 'MANAGE_USERS',
  MANAGE_DEPARTMENTS = 'MANAGE_DEPARTMENTS',
  MANAGE_CATEGORIES = 'MANAGE_CATEGORIES',
  MANAGE_TEMPLATES = 'MANAGE_TEMPLATES',
  MANAGE_SETTINGS = 'MANAGE_SETTINGS',
  UPDATE_COMPLAINT = 'UPDATE_COMPLAINT',
  HANDLE_ESCALATIONS = 'HANDLE_ESCALATIONS',
  LINK_COMPLAINTS = 'LINK_COMPLAINTS',
  VIEW_ANALYSIS = 'VIEW_ANALYSIS',
  MANAGE_SURVEYS = 'MANAGE_SURVEYS',
}

registerEnumType(Action, { name: 'StaffAction', description: 'What a role allows across the company (docs/roles.md)' });

const { OPERATOR, SPECIALIST, QUALITY_MANAGER, HEAD, ADMIN } = Role;

export const GRANTS: Readonly<Record<Action, readonly Role[]>> = {
  [Action.READ_COMPLAINTS]: [OPERATOR, SPECIALIST, QUALITY_MANAGER, HEAD, ADMIN],
  [Action.REGISTER_COMPLAINT]: [OPERATOR, SPECIALIST, HEAD],
  // OPERATOR: while RECEIVED or REGISTERED; SPECIALIST: only takes it (self, own department); HEAD: own departments.
  [Action.ASSIGN_COMPLAINT]: [OPERATOR, SPECIALIST, HEAD],
  [Action.ADD_MESSAGE]: [OPERATOR, SPECIALIST, QUALITY_MANAGER, HEAD],
  [Action.MANAGE_CORRECTIVE_ACTIONS]: [SPECIALIST, QUALITY_MANAGER, HEAD],
  // The effectiveness check of a done action: by quality, not by those who carried it out.
  [Action.VERIFY_CORRECTIVE_ACTIONS]: [QUALITY_MANAGER],
  [Action.MANAGE_USERS]: [ADMIN],
  [Action.MANAGE_DEPARTMENTS]: [ADMIN],
  [Action.MANAGE_CATEGORIES]: [ADMIN, QUALITY_MANAGER],
  [Action.MANAGE_TEMPLATES]: [ADMIN, QUALITY_MANAGER],
  [Action.MANAGE_SETTINGS]: [ADMIN],
  // Priority, category, demand, price: SPECIALIST and HEAD within their departments.
  [Action.UPDATE_COMPLAINT]: [OPERATOR, SPECIALIST, QUALITY_MANAGER, HEAD],
  // HEAD: breaches of their departments; QUALITY_MANAGER: all.
  [Action.HANDLE_ESCALATIONS]: [QUALITY_MANAGER, HEAD],
  // Marking repeats and duplicates: whoever handles complaints, across the company.
  [Action.LINK_COMPLAINTS]: [OPERATOR, SPECIALIST, QUALITY_MANAGER, HEAD],
  // Effectiveness analysis: QUALITY_MANAGER the whole company, HEAD the complaints of their departments.
  [Action.VIEW_ANALYSIS]: [QUALITY_MANAGER, HEAD],
  // Building satisfaction surveys and choosing the one sent after resolution (docs/surveys.md).
  [Action.MANAGE_SURVEYS]: [QUALITY_MANAGER, ADMIN],
};

export function can(actor: Pick<Actor, 'roles'>, action: Action): boolean {
  return GRANTS[action].some((r) => actor.roles.includes(r));
}

export function authorize(actor: Pick<Actor, 'roles'>, action: Action): void {
  if (!can(actor, action)) {
    throw new AppError('FORBIDDEN', `${action} needs one of the roles ${GRANTS[action].join(', ')}`);
  }
}
