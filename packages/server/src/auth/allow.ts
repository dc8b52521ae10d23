import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import type { Actor } from './actor.js';
import { Action, authorize } from './permissions.js';
import { authorizeScope } from './scopes.js';

/** Anyone, signed in or not (signing up, signing in). */
export const PUBLIC = 'PUBLIC';
/** Any signed-in staff member; what they may do is then the operation's own rule (the lifecycle's edges, for one). */
export const STAFF = 'STAFF';

export type Allowance = Action | typeof PUBLIC | typeof STAFF;

/**
 * Declares who may run a staff operation, on its resolver: an action of
 * `GRANTS` (docs/roles.md), `STAFF` or `PUBLIC`. One guard
 * (`guardOperations`) reads the declarations; rules that depend on the
 * complaint (its department, its stage) stay with the service that knows it.
 */
export const Allow = (allowance: Allowance) => Extensions({ allow: allowance });

/**
 * The one guard of the staff schema: every query and mutation must declare
 * an `@Allow` (a schema without one fails here, at start); before its
 * resolver runs, the caller is signed in (UNAUTHENTICATED otherwise) and,
 * for an action, holds a role it is granted to (FORBIDDEN otherwise).
 */
export function guardOperations(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const [name, field] of Object.entries(type?.getFields() ?? {})) {
      const allowance = field.extensions?.allow as Allowance | undefined;
      if (!allowance) throw new Error(`${type!.name}.${name} declares no @Allow`);
      if (allowance === PUBLIC) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = async (root, args, gql: GraphQLContext, info) => {
        admit(allowance, (await gql.staff()).staff);
        return resolve(root, args, gql, info);
      };
    }
  }
  return schema;
}

/**
 * The guard's rule for a signed-in staff member (by their roles) or an
 * integration (by its key's scopes): FORBIDDEN unless `allowance` admits
 * them (the service tests apply it too).
 */
export function admit(allowance: Exclude<Allowance, typeof PUBLIC>, actor: Actor): void {
  if (actor.integration) authorizeScope(actor.integration, allowance === STAFF ? null : allowance);
  else if (allowance !== STAFF) authorize(actor, allowance);
}

/** Each operation's declaration, by name: what docs/roles.md's table is tested against. */
export function allowances(schema: GraphQLSchema): Record<string, Allowance> {
  const all: Record<string, Allowance> = {};
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const [name, field] of Object.entries(type?.getFields() ?? {})) all[name] = field.extensions?.allow as Allowance;
  }
  return all;
}
