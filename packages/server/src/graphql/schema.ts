import { buildSchema, type NonEmptyArray } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { DateTime } from './scalars.js';
import { TenantResolver } from '../modules/tenant/tenant.resolver.js';
import { DepartmentResolver } from '../modules/department/department.resolver.js';
import { UserResolver } from '../modules/user/user.resolver.js';
import { CategoryResolver } from '../modules/category/category.resolver.js';
import { ComplaintResolver, TimelineEventResolver } from '../modules/complaint/complaint.resolver.js';
import { CorrectiveActionResolver } from '../modules/complaint/corrective-action.resolver.js';
import { MessageResolver } from '../modules/message/message.resolver.js';
import { ComplaintPortalResolver } from '../modules/complaint/complaint.portal-resolver.js';

const common = {
  scalarsMap: [{ type: Date, scalar: DateTime }],
  validate: { forbidUnknownValues: false },
  emitSchemaFile: false as const,
};

/** Staff and integrations: /graphql. */
export function buildStaffSchema(): Promise<GraphQLSchema> {
  const resolvers: NonEmptyArray<Function> = [
    TenantResolver, DepartmentResolver, UserResolver, CategoryResolver,
    ComplaintResolver, CorrectiveActionResolver, TimelineEventResolver, MessageResolver,
  ];
  return buildSchema({ ...common, resolvers });
}

/** Customers: /portal/graphql. Only portal types are reachable from here. */
export function buildPortalSchema(): Promise<GraphQLSchema> {
  return buildSchema({ ...common, resolvers: [ComplaintPortalResolver] });
}
