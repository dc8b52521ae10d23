import type { ComplaintCardFragment, Role, StaffUserFragment } from '@reclaim/client/staff';

/**
 * What the console offers, mirroring docs/roles.md. The server decides; this
 * only hides what would be refused. Stage moves come from the server itself
 * (`allowedTransitions`).
 */
type User = Pick<StaffUserFragment, 'id' | 'roles' | 'departments'>;

const has = (user: User | null, ...roles: Role[]) => !!user && user.roles.some((r) => roles.includes(r));
const inDepartment = (user: User, departmentId: string | undefined | null) =>
  !departmentId || user.departments.some((d) => d.id === departmentId);

export const can = {
  register: (user: User | null) => has(user, 'OPERATOR', 'SPECIALIST', 'HEAD'),
  message: (user: User | null) => has(user, 'OPERATOR', 'SPECIALIST', 'QUALITY_MANAGER', 'HEAD'),
  manageCorrectiveActions: (user: User | null) => has(user, 'SPECIALIST', 'QUALITY_MANAGER', 'HEAD'),
  manageCategories: (user: User | null) => has(user, 'QUALITY_MANAGER', 'ADMIN'),
  administer: (user: User | null) => has(user, 'ADMIN'),
  assign(user: User | null, complaint: Pick<ComplaintCardFragment, 'stage' | 'department' | 'assignee'>): boolean {
    if (!user || complaint.stage === 'CLOSED' || complaint.stage === 'REJECTED') return false;
    if (has(user, 'HEAD') && inDepartment(user, complaint.department?.id)) return true;
    if (has(user, 'OPERATOR') && (complaint.stage === 'RECEIVED' || complaint.stage === 'REGISTERED')) return true;
    return has(user, 'SPECIALIST') && !!complaint.department && inDepartment(user, complaint.department.id)
      && (!complaint.assignee || complaint.assignee.id === user.id);
  },
  /** Priority, category, demand, price: tenant-wide for OPERATOR and QUALITY_MANAGER, own departments for the others. */
  updateComplaint(user: User | null, complaint: Pick<ComplaintCardFragment, 'department'>): boolean {
    if (!user) return false;
    if (has(user, 'OPERATOR', 'QUALITY_MANAGER')) return true;
    return has(user, 'SPECIALIST', 'HEAD') && inDepartment(user, complaint.department?.id);
  },
  handleEscalations: (user: User | null) => has(user, 'HEAD', 'QUALITY_MANAGER'),
  /** SPECIALIST may only take a complaint for themselves. */
  assignOnlySelf: (user: User | null) => !!user && !has(user, 'HEAD', 'OPERATOR') && has(user, 'SPECIALIST'),
};
