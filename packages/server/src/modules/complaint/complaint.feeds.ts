import type { Actor } from '../../auth/actor.js';
import { Role } from '../../auth/roles.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import { entityId, optionalEntityId } from '../../graphql/validation.js';
import { QUEUE_EVENT_TYPES, SLA_EVENT_TYPES, type ComplaintEvent } from '../../realtime/events.js';
import { findComplaint } from './complaint.queries.js';
import { findByToken } from './complaint.portal-service.js';
import { requireDepartment } from './references.js';

/**
 * A subscription, once allowed: whose events it may receive and which of
 * them. Subscribers with the same document, variables and `audience` (what
 * the payload's resolvers read of the actor) share one execution per event.
 */
export interface Feed {
  tenantId: string;
  actor: Actor | null;
  audience: string;
  matches(event: ComplaintEvent): boolean;
}

/** Checks, inside the subscribing unit of work, that the subscriber may open the feed; throws a coded AppError if not. */
export type FeedOpener = (gql: GraphQLContext, args: Record<string, unknown>) => Promise<Feed>;

/** Roles and departments: all that payload resolvers read of a staff actor (allowedTransitions, for one). */
const audienceOf = (a: Actor) => `${[...a.roles].sort().join(',')}|${[...a.departmentIds].sort().join(',')}`;

async function staffFeed(gql: GraphQLContext, matches: (e: ComplaintEvent) => boolean): Promise<Feed> {
  const actor = (await gql.staff()).staff;
  return { tenantId: actor.tenantId, actor, audience: audienceOf(actor), matches };
}

const inDepartment = (departmentId: string) => (e: ComplaintEvent) =>
  e.departmentId === departmentId || e.previousDepartmentId === departmentId;

export const STAFF_FEEDS: Record<string, FeedOpener> = {
  /** Any staff member reads every complaint of the tenant, so may watch any department's queue. */
  async complaintStageChanged(gql, args) {
    const departmentId = optionalEntityId(args.departmentId, 'departmentId');
    const ctx = await gql.staff();
    if (departmentId) await requireDepartment(ctx, departmentId);
    const scope = departmentId ? inDepartment(departmentId) : () => true;
    return staffFeed(gql, (e) => QUEUE_EVENT_TYPES.has(e.type) && scope(e));
  },

  /**
   * Alerts are for those who act on them: members of the department, and
   * QUALITY_MANAGER for every department. Without a department id, a
   * member receives the alerts of all their departments.
   */
  async slaBreached(gql, args) {
    const departmentId = optionalEntityId(args.departmentId, 'departmentId');
    const ctx = await gql.staff();
    const actor = ctx.staff;
    const overseer = actor.roles.includes(Role.QUALITY_MANAGER);
    if (departmentId) await requireDepartment(ctx, departmentId);
    if (departmentId && !overseer && !actor.departmentIds.includes(departmentId)) {
      throw new AppError('FORBIDDEN', 'SLA alerts of a department go to its members and to quality managers');
    }
    if (!departmentId && !overseer && !actor.departmentIds.length) {
      throw new AppError('FORBIDDEN', 'you belong to no department; name one you may watch, or ask for the QUALITY_MANAGER role');
    }
    const scope = departmentId ? [departmentId] : overseer ? null : actor.departmentIds;
    return staffFeed(gql, (e) => SLA_EVENT_TYPES.has(e.type) && (!scope || scope.includes(e.departmentId ?? '')));
  },

  async complaintUpdated(gql, args) {
    const id = entityId(args.id, 'id');
    if (!(await findComplaint(await gql.staff(), { id }))) throw notFound('complaint');
    return staffFeed(gql, (e) => e.complaintId === id);
  },
};

export const PORTAL_FEEDS: Record<string, FeedOpener> = {
  /** Number and token, as for complaintStatus; then only changes the customer may see. */
  async complaintStatusChanged(gql, args) {
    const { number, accessToken } = args;
    const ctx = typeof number === 'string' && typeof accessToken === 'string' ? await gql.forTrackingNumber(number) : null;
    const complaint = ctx ? await findByToken(ctx, number as string, accessToken as string) : null;
    if (!ctx || !complaint) throw notFound('complaint');
    return { tenantId: ctx.tenantId, actor: null, audience: 'customer', matches: (e) => e.complaintId === complaint.id && e.public };
  },
};
