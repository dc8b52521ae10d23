import type { Role } from './roles.js';

/** The staff member behind a request, as loaded inside the request's transaction. */
export interface Actor {
  userId: string;
  tenantId: string;
  roles: Role[];
  departmentIds: string[];
}
