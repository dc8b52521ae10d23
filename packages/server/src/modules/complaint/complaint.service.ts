import { createHash, randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { Complaint } from './complaint.entity.js';
import { CorrectiveAction } from './corrective-action.entity.js';
import { CorrectiveActionKind } from './corrective-action.enums.js';
import { actionDetail, insertAction, requireActionOwner } from './corrective-action.service.js';
import { Channel, Priority, SlaState, Stage, Validity } from './complaint.enums.js';
import { TRANSITION_FIELDS, missingFields, refuseTransition } from './lifecycle.js';
import { syncSla } from '../sla/sla.service.js';
import { nextComplaintNumber } from './numbering.js';
import { appendTimeline } from './timeline.js';
import { findOrCreateCustomer, statedContact } from './customer.service.js';
import { requireActiveDepartment, requireAssignee, requireCategory } from './references.js';
import type { RegisterComplaintInput } from './dto/register-complaint.input.js';
import type { AssignComplaintInput, TransitionComplaintInput, UpdateComplaintInput } from './dto/transition-complaint.input.js';
import { assignScope, mayUpdate } from './abilities.js';
import { newTrackingToken, trackingLink, type WithTrackingLink } from './tracking.js';
import { NotificationEvent, type CustomerEvent } from '../mail/notification-texts.js';
import { notifyCustomer } from '../mail/notifications.js';
import { notifyNewComplaint, notifyReassigned } from '../mail/staff-notifications.js';
import { requireReachable } from '../integration/integration.service.js';
import { Cause, RejectionReason } from '../cause/cause.entity.js';
import { requireActiveEntry } from '../cause/cause.service.js';
import { enterStage } from '../analysis/stage-visits.js';

/** Channels on which a staff member takes the complaint and can check it at once. */
const STAFF_CHANNELS: readonly Channel[] = [Channel.PHONE, Channel.IN_PERSON, Channel.EMAIL, Channel.CHAT];

export interface NewComplaint extends Omit<RegisterComplaintInput, 'idempotencyKey'> {
  idempotencyKey?: string | null;
  accessTokenHash?: Buffer | null;
}

/**
 * Creates a complaint with its number and first timeline entries. Staff
 * registering from a staff channel with a department lands it in REGISTERED;
 * anything else (portal, API) lands in RECEIVED, to be checked.
 */
export async function createComplaint(ctx: RequestContext, input: NewComplaint): Promise<Complaint> {
  if (input.idempotencyKey) {
    // Serialises the same key; the second caller then finds the first complaint.
    await ctx.query(`SELECT pg_advisory_xact_lock(hashtextextended(app_tenant_id()::text || ':' || $1, 0))`, [input.idempotencyKey]);
    const existing = await ctx.manager.findOneBy(Complaint, { idempotencyKey: input.idempotencyKey });
    if (existing?.idempotencyHash && !existing.idempotencyHash.equals(payloadHash(input))) {
      throw new AppError('CONFLICT', 'this idempotency key was used for a different complaint; send a new key with a new complaint', {
        reason: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
    if (existing) return existing;
  }
  if (input.departmentId) await requireActiveDepartment(ctx, input.departmentId);
  if (input.categoryId) await requireCategory(ctx, input.categoryId);
  if (input.assigneeId) await requireAssignee(ctx, input.assigneeId, input.departmentId ?? null);

  const register = Boolean(ctx.actor && input.departmentId && STAFF_CHANNELS.includes(input.channel));
  if (register) {
    const missing = missingFields(Stage.REGISTERED, { from: Stage.RECEIVED, correctiveActions: [], ...input });
    if (missing.length)
      throw badInput(missing.map((m) => `${m.field}: ${m.reason}`).join('; '), { reason: 'STAGE_REQUIREMENTS', fields: missing });
  }
  const customer = await findOrCreateCustomer(ctx, input.customer);
  const stated = statedContact(input.customer);
  const now = new Date();
  const complaint = ctx.manager.create(Complaint, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    number: await nextComplaintNumber(ctx),
    kind: input.kind,
    channel: input.channel,
    stage: register ? Stage.REGISTERED : Stage.RECEIVED,
    priority: input.priority ?? Priority.NORMAL,
    demand: input.demand ?? null,
    subject: input.subject.trim(),
    description: input.description.trim(),
    product: input.product?.trim() || null,
    orderRef: input.orderRef?.trim() || null,
    purchaseDate: input.purchaseDate ?? null,
    productPrice: input.productPrice ?? null,
    customerId: customer.id,
    customerName: stated.name,
    customerEmail: stated.email,
    customerPhone: stated.phone,
    categoryId: input.categoryId ?? null,
    departmentId: input.departmentId ?? null,
    assigneeId: input.assigneeId ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
    idempotencyHash: input.idempotencyKey ? payloadHash(input) : null,
    accessTokenHash: input.accessTokenHash ?? null,
    slaState: SlaState.NONE,
    legalDueAt: null,
    version: 1,
    receivedAt: now,
    stageEnteredAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await ctx.manager.insert(Complaint, complaint);
  await enterStage(ctx, complaint.id, Stage.RECEIVED, now);
  if (register) await enterStage(ctx, complaint.id, Stage.REGISTERED, now);
  await appendTimeline(ctx, {
    complaintId: complaint.id,
    type: 'RECEIVED',
    toStage: Stage.RECEIVED,
    data: { channel: input.channel },
    ...(input.assigneeId && { detail: { assigneeId: input.assigneeId, previousAssigneeId: null } }),
  });
  if (register) {
    await appendTimeline(ctx, {
      complaintId: complaint.id,
      type: 'TRANSITIONED',
      fromStage: Stage.RECEIVED,
      toStage: Stage.REGISTERED,
      data: pick(input, ['kind', 'categoryId', 'priority', 'demand', 'departmentId', 'assigneeId']),
    });
  }
  const created = await withClocks(ctx, complaint);
  await notifyNewComplaint(ctx, created.id, created.assigneeId);
  return created;
}

/**
 * What a submission says, however its JSON was written: keys sorted, text
 * trimmed, absent and null alike. The key itself and the portal's fresh
 * access token are not part of it.
 */
function payloadHash(input: NewComplaint): Buffer {
  const { idempotencyKey: _key, accessTokenHash: _token, ...payload } = input;
  const normalise = (value: unknown): unknown => {
    if (typeof value === 'string') return value.trim();
    if (Array.isArray(value)) return value.map(normalise);
    if (value instanceof Date) return value.toISOString();
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== null && v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => [k, normalise(v)]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(normalise(payload)))
    .digest();
}

/** Recomputes a changed complaint's SLA clocks; returns it with the SLA columns as they now are. */
async function withClocks(ctx: RequestContext, complaint: Complaint): Promise<Complaint> {
  await syncSla(ctx, [complaint.id]);
  const [sla] = await ctx.query<{ sla_due_at: Date | null; sla_state: SlaState; legal_due_at: Date | null; sla_policy_id: string | null }>(
    'SELECT sla_due_at, sla_state, legal_due_at, sla_policy_id FROM complaints WHERE id = $1',
    [complaint.id],
  );
  return Object.assign(complaint, {
    slaDueAt: sla!.sla_due_at,
    slaState: sla!.sla_state,
    legalDueAt: sla!.legal_due_at,
    slaPolicyId: sla!.sla_policy_id,
  });
}

/**
 * A complaint taken by staff (phone, in person, e-mail...) gets a tracking
 * token as a portal submission does, and the answer carries its link, once.
 * A replay of an idempotency key returns the first complaint without a link
 * (its token is not recoverable); `issueTrackingLink` gives a new one.
 */
export async function registerComplaint(ctx: RequestContext, input: RegisterComplaintInput): Promise<WithTrackingLink> {
  const integration = ctx.staff.integration;
  if (integration) requireIntegrationInput(ctx, input);
  const { token, hash } = newTrackingToken();
  // Staff, portal and each integration's keys live in separate namespaces: none can replay another's.
  const namespace = integration ? `api:${integration.id}` : 'staff';
  const complaint = await createComplaint(ctx, {
    ...input,
    accessTokenHash: hash,
    idempotencyKey: input.idempotencyKey ? `${namespace}:${input.idempotencyKey}` : null,
  });
  if (!complaint.accessTokenHash?.equals(hash)) return complaint;
  await notifyCustomer(ctx, complaint.id, NotificationEvent.REGISTERED);
  return Object.assign(complaint, { trackingLink: await trackingLink(ctx, complaint, token) });
}

/** An integration registers on the API channel, into one of its departments when it is limited to some. */
function requireIntegrationInput(ctx: RequestContext, input: RegisterComplaintInput): void {
  if (input.channel !== Channel.API) {
    throw badInput('an integration registers complaints on the API channel', { fields: [{ field: 'channel', messages: ['must be API'] }] });
  }
  const limited = ctx.staff.departmentIds;
  if (limited.length && (!input.departmentId || !limited.includes(input.departmentId))) {
    throw badInput('this integration registers complaints only into its departments', {
      fields: [{ field: 'departmentId', messages: [`must be one of ${limited.join(', ')}`] }],
    });
  }
}

/** Loads a complaint for a change: locked, and at the version the caller saw. */
export async function lockComplaint(ctx: RequestContext, id: string, expectedVersion: number): Promise<Complaint> {
  const complaint = await ctx.manager.findOne(Complaint, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!complaint) throw notFound('complaint');
  if (complaint.version !== expectedVersion) {
    throw new AppError(
      'CONFLICT',
      `the complaint was changed by someone else (version ${complaint.version}, you had ${expectedVersion}); reload and redo`,
      {
        currentVersion: complaint.version,
      },
    );
  }
  return complaint;
}

export async function transitionComplaint(ctx: RequestContext, input: TransitionComplaintInput): Promise<Complaint> {
  const complaint = await lockComplaint(ctx, input.id, input.expectedVersion);
  const plan = await planTransition(ctx, complaint, input);
  await applyTransition(ctx, complaint, plan, input);
  const moved = await withClocks(ctx, { ...complaint, ...plan.update } as Complaint);
  await notifyReassigned(ctx, complaint.id, {
    assigneeId: input.assigneeId ?? null,
    previousAssigneeId: complaint.assigneeId,
    departmentId: moved.departmentId,
    previousDepartmentId: complaint.departmentId,
  });
  return moved;
}

interface TransitionPlan {
  update: Partial<Complaint>;
  newActions: TransitionComplaintInput['correctiveActions'];
  completing: Set<string>;
  /** The actions this transition completes (not done before). */
  completed: CorrectiveAction[];
  /** The stage-specific fields the caller gave, for the timeline. */
  given: Array<keyof TransitionComplaintInput>;
}

/** Every check of a transition, in the order a user can act on: what, who, which fields, whether complete. */
async function planTransition(ctx: RequestContext, complaint: Complaint, input: TransitionComplaintInput): Promise<TransitionPlan> {
  const actor = ctx.staff;
  const { stage: from } = complaint;
  const { to } = input;
  const registering = to === Stage.REGISTERED;
  // A foreign or unknown department is NOT_FOUND, before it could decide the department scope.
  if (registering && input.departmentId) await requireActiveDepartment(ctx, input.departmentId);
  const departmentId = registering ? (input.departmentId ?? complaint.departmentId) : complaint.departmentId;
  const refusal = refuseTransition(from, to, actor.roles, actor.departmentIds, departmentId);
  if (refusal?.code === 'NOT_ALLOWED_EDGE')
    throw new AppError('BAD_USER_INPUT', refusal.message, { reason: 'TRANSITION_NOT_ALLOWED', from, to });
  if (refusal) throw new AppError('FORBIDDEN', refusal.message);

  const given = (Object.keys(input) as Array<keyof TransitionComplaintInput>).filter(
    (k) => input[k] !== null && input[k] !== undefined && !['id', 'to', 'expectedVersion', 'note'].includes(k),
  );
  const foreign = given.filter((k) => !TRANSITION_FIELDS[to].includes(k));
  if (foreign.length) {
    throw badInput(
      `${foreign.join(', ')} cannot be set when moving to ${to} (allowed: ${TRANSITION_FIELDS[to].join(', ') || 'note only'})`,
    );
  }
  const {
    correctiveActions: newActions,
    completedCorrectiveActionIds,
    feedbackUnavailable: _f,
    ...columns
  } = pick(input, given) as Partial<Complaint> & TransitionComplaintInput;
  if (registering && input.categoryId) await requireCategory(ctx, input.categoryId);
  if (input.causeId) await requireActiveEntry(ctx, Cause, input.causeId, 'input.causeId');
  if (input.rejectionReasonId) await requireActiveEntry(ctx, RejectionReason, input.rejectionReasonId, 'input.rejectionReasonId');
  if (input.assigneeId) await requireAssignee(ctx, input.assigneeId, departmentId);
  for (const [i, a] of (newActions ?? []).entries()) await requireActionOwner(ctx, a, `input.correctiveActions.${i}`);

  const actions = await ctx.manager.findBy(CorrectiveAction, { complaintId: complaint.id });
  const completing = new Set(completedCorrectiveActionIds ?? []);
  if ([...completing].some((id) => !actions.some((a) => a.id === id))) throw notFound('corrective action');
  const missing = missingFields(to, {
    ...complaint,
    ...columns,
    from,
    note: input.note,
    feedbackUnavailable: input.feedbackUnavailable,
    correctiveActions: [
      ...actions.map((a) => ({ kind: a.kind, done: Boolean(a.doneAt) || completing.has(a.id) })),
      ...(newActions ?? []).map((a) => ({ kind: a.kind ?? CorrectiveActionKind.CORRECTION, done: false })),
    ],
  });
  if (missing.length)
    throw badInput(missing.map((m) => `${m.field}: ${m.reason}`).join('; '), { reason: 'STAGE_REQUIREMENTS', fields: missing });

  const now = new Date();
  const update: Partial<Complaint> = {
    ...(columns as Partial<Complaint>),
    stage: to,
    stageEnteredAt: now,
    updatedAt: now,
    version: complaint.version + 1,
    closedAt: to === Stage.CLOSED || to === Stage.REJECTED ? now : null,
  };
  if (to === Stage.REJECTED && from === Stage.ANALYSIS) update.validity = Validity.UNFOUNDED;
  // Reopened because the customer is not satisfied: the old rating no longer stands (the timeline keeps it).
  if (from === Stage.CLOSED) Object.assign(update, { satisfaction: null, satisfactionComment: null });
  return { update, newActions, completing, completed: actions.filter((a) => completing.has(a.id) && !a.doneAt), given };
}

async function applyTransition(
  ctx: RequestContext,
  complaint: Complaint,
  plan: TransitionPlan,
  input: TransitionComplaintInput,
): Promise<void> {
  const now = plan.update.updatedAt!;
  await ctx.manager.update(Complaint, { id: complaint.id }, plan.update);
  await enterStage(ctx, complaint.id, input.to, now);
  // Entry order is kept: one millisecond apart each (they would all share the transaction's time).
  const added: CorrectiveAction[] = [];
  for (const [i, a] of (plan.newActions ?? []).entries()) added.push(await insertAction(ctx, complaint.id, a, new Date(now.getTime() + i)));
  if (plan.completing.size) {
    await ctx.query(
      'UPDATE corrective_actions SET done_at = $2, done_by_user_id = $4 WHERE complaint_id = $1 AND id = ANY($3) AND done_at IS NULL',
      [complaint.id, now, [...plan.completing], ctx.staff.userId],
    );
  }
  const changedActions = [...added, ...plan.completed];
  await appendTimeline(ctx, {
    complaintId: complaint.id,
    type: 'TRANSITIONED',
    fromStage: complaint.stage,
    toStage: input.to,
    previousDepartmentId: complaint.departmentId,
    data: { ...pick(input, plan.given), ...(input.note ? { note: input.note } : {}) },
    detail: {
      ...(changedActions.length > 0 && actionDetail(changedActions)),
      ...(input.assigneeId &&
        input.assigneeId !== complaint.assigneeId && { assigneeId: input.assigneeId, previousAssigneeId: complaint.assigneeId }),
    },
  });
  // The customer is told of the decision, asked to rate the outcome, and told the complaint is closed (docs/email.md).
  const told = CUSTOMER_TOLD[input.to];
  if (told && complaint.customerEmail) await notifyCustomer(ctx, complaint.id, told);
}

const CUSTOMER_TOLD: Partial<Record<Stage, CustomerEvent>> = {
  [Stage.IMPLEMENTATION]: NotificationEvent.DECISION,
  [Stage.FEEDBACK]: NotificationEvent.FEEDBACK,
  [Stage.CLOSED]: NotificationEvent.CLOSED,
  [Stage.REJECTED]: NotificationEvent.CLOSED,
};

export async function assignComplaint(ctx: RequestContext, input: AssignComplaintInput): Promise<Complaint> {
  const complaint = await lockComplaint(ctx, input.id, input.expectedVersion);
  return applyAssignment(ctx, complaint, await planAssignment(ctx, complaint, input));
}

export interface Assignment {
  departmentId: string | null;
  assigneeId: string | null;
}

/** Every check of an assignment (throws the refusal); what the complaint's department and assignee become. */
export async function planAssignment(
  ctx: RequestContext,
  complaint: Complaint,
  input: { departmentId?: string | null; assigneeId?: string | null },
): Promise<Assignment> {
  if (complaint.stage === Stage.CLOSED || complaint.stage === Stage.REJECTED) {
    throw badInput(`a ${complaint.stage} complaint cannot be reassigned`);
  }
  const departmentId = input.departmentId === undefined || input.departmentId === null ? complaint.departmentId : input.departmentId;
  const assigneeId = input.assigneeId ?? null;
  refuseAssignment(ctx, complaint, departmentId, assigneeId);
  if (departmentId !== complaint.departmentId && departmentId) await requireActiveDepartment(ctx, departmentId);
  if (assigneeId) await requireAssignee(ctx, assigneeId, departmentId);
  return { departmentId, assigneeId };
}

export async function applyAssignment(
  ctx: RequestContext,
  complaint: Complaint,
  { departmentId, assigneeId }: Assignment,
): Promise<Complaint> {
  const now = new Date();
  const update = { departmentId, assigneeId, updatedAt: now, version: complaint.version + 1 };
  await ctx.manager.update(Complaint, { id: complaint.id }, update);
  await appendTimeline(ctx, {
    complaintId: complaint.id,
    type: 'ASSIGNED',
    previousDepartmentId: complaint.departmentId,
    data: { departmentId, assigneeId, previousDepartmentId: complaint.departmentId, previousAssigneeId: complaint.assigneeId },
    detail: { assigneeId, previousAssigneeId: complaint.assigneeId },
  });
  await notifyReassigned(ctx, complaint.id, {
    assigneeId,
    previousAssigneeId: complaint.assigneeId,
    departmentId,
    previousDepartmentId: complaint.departmentId,
  });
  return { ...complaint, ...update };
}

/** The assignment rules (`assignScope`): SELF means into the complaint's own department, to oneself. */
function refuseAssignment(ctx: RequestContext, c: Complaint, departmentId: string | null, assigneeId: string | null): void {
  const scope = assignScope(ctx.staff, c);
  if (scope === 'ANYONE') return;
  if (scope === 'SELF' && departmentId === c.departmentId && assigneeId === ctx.staff.userId) return;
  throw new AppError('FORBIDDEN', 'you may not assign this complaint (see the roles table in docs/roles.md)');
}

/**
 * Changes what the SLA depends on (priority, category, the customer's
 * demand, the product's price) outside a stage change; the clocks are
 * recomputed. Any staff member who may work on the complaint may do it.
 */
export async function updateComplaint(ctx: RequestContext, input: UpdateComplaintInput): Promise<Complaint> {
  const complaint = await lockComplaint(ctx, input.id, input.expectedVersion);
  const changes = await planUpdate(ctx, complaint, input);
  if (!Object.keys(changes).length) return complaint;
  await applyUpdate(ctx, complaint, changes);
  return withClocks(ctx, await ctx.manager.findOneByOrFail(Complaint, { id: complaint.id }));
}

type UpdateFields = Pick<UpdateComplaintInput, 'priority' | 'categoryId' | 'demand' | 'productPrice'>;

/** Every check of an update (throws the refusal); the fields that change. */
export async function planUpdate(ctx: RequestContext, complaint: Complaint, input: UpdateFields): Promise<Partial<Complaint>> {
  if (complaint.stage === Stage.CLOSED || complaint.stage === Stage.REJECTED)
    throw badInput(`a ${complaint.stage} complaint cannot be changed`);
  if (!mayUpdate(ctx.staff, complaint)) throw new AppError('FORBIDDEN', 'this complaint belongs to a department you are not a member of');
  if (input.categoryId) await requireCategory(ctx, input.categoryId);
  const fields = ['priority', 'categoryId', 'demand', 'productPrice'] as const;
  return pick(
    input,
    fields.filter((f) => input[f] !== undefined && input[f] !== null && input[f] !== complaint[f]),
  ) as Partial<Complaint>;
}

/** Writes an update's changes and its timeline entry; the caller recomputes the SLA clocks (syncSla). */
export async function applyUpdate(ctx: RequestContext, complaint: Complaint, changes: Partial<Complaint>): Promise<void> {
  await ctx.manager.update(Complaint, { id: complaint.id }, { ...changes, version: complaint.version + 1, updatedAt: new Date() } as never);
  await appendTimeline(ctx, {
    complaintId: complaint.id,
    type: 'UPDATED',
    data: { ...changes, previous: Object.fromEntries(Object.keys(changes).map((k) => [k, complaint[k as keyof Complaint] ?? null])) },
  });
}

/**
 * Waiting for the customer (a staff reply asked them something): the SLA
 * clocks pause until the customer answers or staff resume them. The legal
 * deadline runs on.
 */
export async function setAwaitingCustomer(ctx: RequestContext, complaintId: string, awaiting: boolean, reason: string): Promise<void> {
  const [c] = await ctx.query<{ stage: Stage; awaiting_customer_since: Date | null }>(
    'SELECT stage, awaiting_customer_since FROM complaints WHERE id = $1 FOR UPDATE',
    [complaintId],
  );
  if (!c) throw notFound('complaint');
  if (awaiting === (c.awaiting_customer_since !== null)) return;
  if (awaiting && (c.stage === Stage.CLOSED || c.stage === Stage.REJECTED))
    throw badInput(`a ${c.stage} complaint does not wait for anyone`);
  await ctx.query('UPDATE complaints SET awaiting_customer_since = $2, updated_at = now() WHERE id = $1', [
    complaintId,
    awaiting ? new Date() : null,
  ]);
  await appendTimeline(ctx, { complaintId, type: awaiting ? 'SLA_PAUSED' : 'SLA_RESUMED', data: { reason } });
  await syncSla(ctx, [complaintId]);
}

export async function stopAwaitingCustomer(ctx: RequestContext, id: string): Promise<Complaint> {
  if (ctx.actor?.integration) requireReachable(ctx, (await ctx.manager.findOneBy(Complaint, { id }))?.departmentId ?? null);
  await setAwaitingCustomer(ctx, id, false, 'STAFF');
  return ctx.manager.findOneByOrFail(Complaint, { id });
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) out[k] = o[k];
  return out;
}
