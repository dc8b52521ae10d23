import type { ReferenceQuery } from '@reclaim/client/staff';

/**
 * The people who can be given work (a complaint, a corrective action) in `departmentId`, or in any department:
 * active, and able to sign in (not invited and still without a password). The server refuses anyone else.
 */
export function usersOfDepartment(reference: Pick<ReferenceQuery, 'users'>, departmentId: string | null | undefined) {
  return reference.users.filter((u) => u.active && !u.invited && (!departmentId || u.departments.some((d) => d.id === departmentId)));
}
