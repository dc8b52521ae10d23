import type { Role } from './roles.js';
import type { IntegrationActor } from './scopes.js';

/** The staff member behind a request, as loaded inside the request's transaction. */
export interface Actor {
  /** The staff member; for an integration, the integration's id (it is recorded as INTEGRATION, never where a user is expected). */
  userId: string;
  tenantId: string;
  roles: Role[];
  /** For an integration: the departments its key is limited to (empty: all). */
  departmentIds: string[];
  /** Set when the request came with an integration's API key: its scopes, not roles, decide (roles are empty). */
  integration?: IntegrationActor;
}
