import { registerEnumType } from 'type-graphql';
import { AppError } from '../graphql/errors.js';
import { Action } from './permissions.js';

/**
 * What an integration's API key may do. Each scope admits actions of
 * `GRANTS`, so a key passes the same `@Allow` declarations and the same
 * guard as a staff member's roles (docs/roles.md#integrations).
 */
export enum IntegrationScope {
  REGISTER_COMPLAINTS = 'REGISTER_COMPLAINTS',
  READ_COMPLAINTS = 'READ_COMPLAINTS',
  ADD_MESSAGES = 'ADD_MESSAGES',
  /** The analysis queries (docs/api.md#analysis): the whole company, or the integration's departments when it is limited to some. */
  READ_ANALYSIS = 'READ_ANALYSIS',
}
registerEnumType(IntegrationScope, {
  name: 'IntegrationScope',
  description: "What an integration's API key may do (docs/integrations.md)",
});

export const SCOPE_ACTIONS: Readonly<Record<IntegrationScope, readonly Action[]>> = {
  [IntegrationScope.REGISTER_COMPLAINTS]: [Action.REGISTER_COMPLAINT],
  [IntegrationScope.READ_COMPLAINTS]: [Action.READ_COMPLAINTS],
  [IntegrationScope.ADD_MESSAGES]: [Action.ADD_MESSAGE],
  [IntegrationScope.READ_ANALYSIS]: [Action.VIEW_ANALYSIS],
};

/** The integration behind a request made with an API key. */
export interface IntegrationActor {
  id: string;
  name: string;
  scopes: IntegrationScope[];
}

/** The scope that admits `action`, if any. */
export const scopeFor = (action: Action): IntegrationScope | undefined =>
  (Object.keys(SCOPE_ACTIONS) as IntegrationScope[]).find((s) => SCOPE_ACTIONS[s].includes(action));

/**
 * The guard's rule for an API key: FORBIDDEN (reason SCOPE_MISSING) unless
 * one of its scopes admits the declared action. Operations open to any
 * staff member (`STAFF`: the lifecycle, one's own views) are staff-only.
 */
export function authorizeScope(integration: IntegrationActor, action: Action | null): void {
  const scope = action ? scopeFor(action) : undefined;
  if (scope && integration.scopes.includes(scope)) return;
  throw new AppError(
    'FORBIDDEN',
    scope ? `this API key lacks the scope ${scope}` : 'this operation is for staff members; an API key cannot run it',
    { reason: 'SCOPE_MISSING', scope: scope ?? null },
  );
}
