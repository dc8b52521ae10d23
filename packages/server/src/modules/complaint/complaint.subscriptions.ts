import { In } from 'typeorm';
import { Arg, Ctx, Field, FieldResolver, ID, ObjectType, registerEnumType, Resolver, Root, Subscription } from 'type-graphql';
import type { Actor } from '../../auth/actor.js';
import { Role } from '../../auth/roles.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { AppError, notFound } from '../../graphql/errors.js';
import { entityId, optionalEntityId } from '../../graphql/validation.js';
import { detailIds, QUEUE_EVENT_TYPES, SLA_EVENT_TYPES, type ComplaintEvent } from '../../realtime/events.js';
import { LiveFeed, servedByHub, type Feed, type FeedOpener } from '../../realtime/feeds.js';
import { requireDepartment } from './references.js';
import { Complaint } from './complaint.entity.js';
import { ActorKind, Stage } from './complaint.enums.js';
import { findComplaint } from './complaint.queries.js';
import { User } from '../user/user.entity.js';
import { PortalComplaint } from './complaint.portal-types.js';
import { complaintStatus, findByToken } from './complaint.portal-service.js';
import { SlaClock, SlaEventKind } from '../sla/sla.enums.js';
import { SlaTarget } from '../sla/sla-clock.js';
import { SlaBreach } from '../sla/sla-breach.entity.js';
import { Action, authorize } from '../../auth/permissions.js';
import { CorrectiveAction } from './corrective-action.entity.js';
import { involves } from './corrective-action.service.js';
import { NotificationKind, notificationFor } from '../notification/notification.js';

export enum QueueChange {
  RECEIVED = 'RECEIVED',
  MOVED = 'MOVED',
  ASSIGNED = 'ASSIGNED',
}
registerEnumType(QueueChange, { name: 'QueueChange', description: 'What moved the complaint on the board' });

const QUEUE_CHANGES: Record<string, QueueChange> = {
  RECEIVED: QueueChange.RECEIVED,
  TRANSITIONED: QueueChange.MOVED,
  ASSIGNED: QueueChange.ASSIGNED,
};

@ObjectType({ simpleResolvers: true, description: "A complaint entered, left or moved within a department's queue" })
export class StageChange {
  /** Loaded only when a subscriber selects `complaint` (StageChangeResolver). */
  complaintId!: string;

  @Field(() => Stage, { nullable: true, description: 'Null when the complaint was just received' })
  from!: Stage | null;

  @Field(() => Stage, { description: 'Equal to `from` when the complaint was reassigned without changing stage' })
  to!: Stage;

  @Field(() => QueueChange)
  change!: QueueChange;

  @Field(() => ID, { nullable: true })
  departmentId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Where it was before, when it moved between departments' })
  previousDepartmentId!: string | null;

  @Field()
  at!: Date;

  @Field(() => ActorKind)
  actorKind!: ActorKind;

  actorUserId!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A deadline is near (AT_RISK) or has passed (BREACHED)' })
export class SlaEvent {
  @Field(() => Complaint)
  complaint!: Complaint;

  @Field(() => SlaEventKind)
  kind!: SlaEventKind;

  @Field(() => SlaClock)
  clock!: SlaClock;

  @Field(() => SlaTarget, { description: 'Which deadline: first response, resolution, the stage, or the legal one' })
  target!: SlaTarget;

  @Field()
  dueAt!: Date;

  @Field(() => SlaBreach, { nullable: true, description: 'The history entry, with what the breach escalated' })
  breach!: SlaBreach | null;

  @Field()
  at!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'Actions of one complaint were added, completed or checked' })
export class CorrectiveActionsChange {
  @Field(() => Complaint)
  complaint!: Complaint;

  @Field(() => [CorrectiveAction], { description: 'The actions that changed, as they are now' })
  actions!: CorrectiveAction[];

  @Field()
  at!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'Something that happened to a complaint that concerns the signed-in staff member' })
export class StaffNotification {
  @Field(() => ID, { description: "The event's id: the same change is never announced twice under one id" })
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => Complaint, { description: 'The complaint as it is now' })
  complaint!: Complaint;

  @Field()
  at!: Date;

  actorUserId!: string | null;
}

/*
 * Who may open each subscription and which events reach it (its @LiveFeed).
 */

/** Roles and departments: all that payload resolvers read of a staff actor (allowedTransitions, for one). */
const audienceOf = (a: Actor) => `${[...a.roles].sort().join(',')}|${[...a.departmentIds].sort().join(',')}`;

async function staffFeed(gql: GraphQLContext, matches: (e: ComplaintEvent) => boolean): Promise<Feed> {
  const actor = (await gql.staff()).staff;
  return { tenantId: actor.tenantId, actor, audience: audienceOf(actor), matches };
}

const inDepartment = (departmentId: string) => (e: ComplaintEvent) =>
  e.departmentId === departmentId || e.previousDepartmentId === departmentId;

/** Any staff member reads every complaint of the tenant, so may watch any department's queue. */
const stageFeed: FeedOpener = async (gql, args) => {
  const departmentId = optionalEntityId(args.departmentId, 'departmentId');
  const ctx = await gql.staff();
  if (departmentId) await requireDepartment(ctx, departmentId);
  const scope = departmentId ? inDepartment(departmentId) : () => true;
  return staffFeed(gql, (e) => QUEUE_EVENT_TYPES.has(e.type) && scope(e));
};

/**
 * Alerts are for those who act on them: members of the department, and
 * QUALITY_MANAGER for every department. Without a department id, a
 * member receives the alerts of all their departments.
 */
const slaFeed: FeedOpener = async (gql, args) => {
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
};

const complaintFeed: FeedOpener = async (gql, args) => {
  const id = entityId(args.id, 'id');
  if (!(await findComplaint(await gql.staff(), { id }))) throw notFound('complaint');
  return staffFeed(gql, (e) => e.complaintId === id);
};

const actionIdsOf = (e: ComplaintEvent) => detailIds(e, 'correctiveActionIds');
const ownersOf = (e: ComplaintEvent) => detailIds(e, 'ownerDepartmentIds');

/**
 * The register's live feed: changes to actions the subscriber's register
 * covers (QUALITY_MANAGER: all; others: owned by or on complaints of their
 * departments), optionally of one owner department.
 */
const actionFeed: FeedOpener = async (gql, args) => {
  const ownerDepartmentId = optionalEntityId(args.ownerDepartmentId, 'ownerDepartmentId');
  const ctx = await gql.staff();
  authorize(ctx.staff, Action.MANAGE_CORRECTIVE_ACTIONS);
  if (ownerDepartmentId) await requireDepartment(ctx, ownerDepartmentId);
  const actor = ctx.staff;
  return staffFeed(
    gql,
    (e) =>
      actionIdsOf(e).length > 0 &&
      involves(actor, [e.departmentId, ...ownersOf(e)]) &&
      (!ownerDepartmentId || ownersOf(e).includes(ownerDepartmentId)),
  );
};

/**
 * The signed-in user's own notifications (notificationFor): each subscriber
 * is an audience of their own, as what an event means depends on who they are.
 */
const personalFeed: FeedOpener = async (gql) => {
  const actor = (await gql.staff()).staff;
  return {
    tenantId: actor.tenantId,
    actor,
    audience: `user:${actor.userId}|${audienceOf(actor)}`,
    matches: (e) => notificationFor(actor, e) !== null,
  };
};

/** Number and token, as for complaintStatus; then only changes the customer may see. */
const customerFeed: FeedOpener = async (gql, args) => {
  const { number, accessToken } = args;
  const ctx = typeof number === 'string' && typeof accessToken === 'string' ? await gql.forTrackingNumber(number) : null;
  const complaint = ctx ? await findByToken(ctx, number as string, accessToken as string) : null;
  if (!ctx || !complaint) throw notFound('complaint');
  return { tenantId: ctx.tenantId, actor: null, audience: 'customer', matches: (e) => e.complaintId === complaint.id && e.public };
};

async function currentComplaint(gql: GraphQLContext, complaintId: string): Promise<Complaint> {
  const complaint = await findComplaint(await gql.staff(), { id: complaintId });
  if (!complaint) throw notFound('complaint');
  return complaint;
}

/**
 * Staff subscriptions. Each resolver turns one event (the root value) into
 * the payload; its @LiveFeed says who may open it and which events reach it.
 */
@Resolver()
export class ComplaintSubscriptionResolver {
  @Subscription(() => StageChange, {
    subscribe: servedByHub,
    description: 'Live queue: complaints received, moved between stages or reassigned, in one department (or all)',
  })
  @LiveFeed(stageFeed)
  complaintStageChanged(
    @Root() e: ComplaintEvent,
    @Arg('departmentId', () => ID, { nullable: true }) _departmentId: string | null,
  ): StageChange {
    return {
      complaintId: e.complaintId,
      // A reassignment leaves the stage as it was.
      from: e.type === 'RECEIVED' ? null : (e.fromStage ?? e.stage),
      to: e.stage,
      change: QUEUE_CHANGES[e.type] ?? QueueChange.MOVED,
      departmentId: e.departmentId,
      previousDepartmentId: e.previousDepartmentId,
      at: new Date(e.at),
      actorKind: e.actorKind,
      actorUserId: e.actorUserId,
    };
  }

  @Subscription(() => SlaEvent, {
    subscribe: servedByHub,
    description: 'Deadlines at risk and breached, in one department (or all the subscriber watches)',
  })
  @LiveFeed(slaFeed)
  async slaBreached(
    @Root() e: ComplaintEvent,
    @Arg('departmentId', () => ID, { nullable: true }) _departmentId: string | null,
    @Ctx() gql: GraphQLContext,
  ): Promise<SlaEvent> {
    return {
      complaint: await currentComplaint(gql, e.complaintId),
      kind: e.type === 'SLA_AT_RISK' ? SlaEventKind.AT_RISK : SlaEventKind.BREACHED,
      clock: e.detail.clock === 'LEGAL' ? SlaClock.LEGAL : SlaClock.SLA,
      target: Object.values(SlaTarget).includes(e.detail.target as SlaTarget)
        ? (e.detail.target as SlaTarget)
        : e.detail.clock === 'LEGAL'
          ? SlaTarget.LEGAL
          : SlaTarget.STAGE,
      dueAt: new Date(String(e.detail.dueAt ?? e.at)),
      breach:
        typeof e.detail.breachId === 'string' ? await (await gql.staff()).manager.findOneBy(SlaBreach, { id: e.detail.breachId }) : null,
      at: new Date(e.at),
    };
  }

  @Subscription(() => Complaint, { subscribe: servedByHub, description: 'Every change to one complaint (the open complaint page)' })
  @LiveFeed(complaintFeed)
  async complaintUpdated(@Root() e: ComplaintEvent, @Arg('id', () => ID) _id: string, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return currentComplaint(gql, e.complaintId);
  }

  @Subscription(() => CorrectiveActionsChange, {
    subscribe: servedByHub,
    description: 'The actions register: actions added, completed or checked, of one owner department (or all the subscriber covers)',
  })
  @LiveFeed(actionFeed)
  async correctiveActionsChanged(
    @Root() e: ComplaintEvent,
    @Arg('ownerDepartmentId', () => ID, { nullable: true }) _ownerDepartmentId: string | null,
    @Ctx() gql: GraphQLContext,
  ): Promise<CorrectiveActionsChange> {
    const ctx = await gql.staff();
    const actions = await ctx.manager.find(CorrectiveAction, { where: { id: In(actionIdsOf(e)) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return { complaint: await currentComplaint(gql, e.complaintId), actions, at: new Date(e.at) };
  }
}

@Resolver(() => StaffNotification)
export class StaffNotificationResolver {
  @Subscription(() => StaffNotification, {
    subscribe: servedByHub,
    description:
      "The signed-in user's notifications: assigned to them, mentioned in a note, a customer answered them, a new complaint in their inbox",
  })
  @LiveFeed(personalFeed)
  async myNotifications(@Root() e: ComplaintEvent, @Ctx() gql: GraphQLContext): Promise<StaffNotification> {
    const kind = notificationFor((await gql.staff()).staff, e);
    if (!kind) throw notFound('notification');
    return { id: e.id, kind, complaint: await currentComplaint(gql, e.complaintId), at: new Date(e.at), actorUserId: e.actorUserId };
  }

  @FieldResolver(() => User, { nullable: true, description: 'The staff member who made the change; null for the customer or the system' })
  async actor(@Root() n: StaffNotification, @Ctx() gql: GraphQLContext) {
    return n.actorUserId ? (await gql.staff()).loaders.user.load(n.actorUserId) : null;
  }
}

@Resolver(() => StageChange)
export class StageChangeResolver {
  @FieldResolver(() => Complaint, { description: 'The complaint as it is now' })
  async complaint(@Root() c: StageChange, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    return currentComplaint(gql, c.complaintId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The staff member who made the change' })
  async actor(@Root() c: StageChange, @Ctx() gql: GraphQLContext) {
    return c.actorUserId ? (await gql.staff()).loaders.user.load(c.actorUserId) : null;
  }
}

/** The customer's subscription; the portal schema has only this one. */
@Resolver()
export class PortalSubscriptionResolver {
  @Subscription(() => PortalComplaint, {
    subscribe: servedByHub,
    description: 'The complaint as the customer sees it, after every change they may see',
  })
  @LiveFeed(customerFeed)
  async complaintStatusChanged(
    @Root() _e: ComplaintEvent,
    @Arg('number') number: string,
    @Arg('accessToken') accessToken: string,
    @Ctx() gql: GraphQLContext,
  ): Promise<PortalComplaint> {
    // The same read as the complaintStatus query: number and token are checked again on every event,
    // in the company the subscription was opened in (an event is not a request: no address's limit counts it).
    const status = await complaintStatus(await gql.current(), number, accessToken);
    if (!status) throw notFound('complaint');
    return status;
  }
}
