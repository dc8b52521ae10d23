/**
 * One demo complaint walked along its stage path the way the application
 * would: each stage sets the fields the lifecycle requires on arrival
 * (lifecycle.ts missingFields), by an actor allowed to take the edge, and
 * appends a timeline entry shaped like the one transitionComplaint writes.
 */
import { Role } from '../auth/roles.js';
import {
  ActorKind,
  Channel,
  Demand,
  Priority,
  Remedy,
  SlaState,
  Stage,
  Validity,
  Visibility,
} from '../modules/complaint/complaint.enums.js';
import { CorrectiveActionKind } from '../modules/complaint/corrective-action.enums.js';
import { DAY, MINUTE, localDate, toOfficeHours, type Rng } from './demo-random.js';
import type { BusinessCalendar } from '../modules/sla/business-time.js';
import { staffWith, type DemoUser, type Organization, type Row } from './demo-organization.js';
import { fill, type DemoTexts, type ProductSpec, type Scenario } from './demo-texts.js';

export interface Generation {
  texts: DemoTexts;
  org: Organization;
  rng: Rng;
  now: number;
  /** The company's default business calendar (as install_sla_defaults gives it). */
  calendar: BusinessCalendar;
}

/** What was decided about a complaint before it is written out. */
export interface Draft {
  path: Stage[];
  times: number[];
  channel: Channel;
  registeredAtOnce: boolean;
  priority: Priority;
  scenario: Scenario;
  product: ProductSpec;
  demand: Demand | null;
}

export interface CustomerRef {
  id: string;
  name: string;
  firstName: string;
  email: string | null;
  phone: string | null;
}

const REMEDY_FOR: Readonly<Record<Demand, Remedy>> = {
  REPLACEMENT: Remedy.REPLACE,
  REFUND: Remedy.REFUND,
  REPAIR: Remedy.REPAIR,
  PRICE_REDUCTION: Remedy.DISCOUNT,
  COMPENSATION: Remedy.COMPENSATION,
  OTHER: Remedy.EXPLANATION,
};
const iso = (ms: number) => new Date(ms).toISOString();

export class DemoComplaint {
  readonly row: Row;
  readonly actions: Row[] = [];
  readonly messages: Row[] = [];
  readonly events: Row[] = [];
  private readonly operator: DemoUser;
  private readonly customerFirstName: string;
  private assignee: DemoUser | null = null;

  constructor(
    private readonly gen: Generation,
    private readonly draft: Draft,
    number: string,
    customer: CustomerRef,
  ) {
    const { rng } = gen;
    this.customerFirstName = customer.firstName;
    this.operator = rng.pick(staffWith(gen.org, Role.OPERATOR));
    const received = draft.times[0]!;
    const purchase = localDate(received - rng.int(2, 150) * DAY, gen.texts.timeZone);
    const orderRef = `${gen.texts.orderPrefix}${rng.int(1_000_000, 9_999_999)}`;
    this.row = {
      id: rng.uuid(),
      number,
      kind: draft.scenario.kind,
      channel: draft.channel,
      stage: Stage.RECEIVED,
      priority: Priority.NORMAL,
      demand: draft.demand,
      subject: rng.pick(draft.scenario.subjects),
      description: this.describe(orderRef, purchase),
      product: draft.product.name,
      product_price: draft.product.price,
      order_ref: orderRef,
      purchase_date: purchase,
      customer_id: customer.id,
      customer_name: customer.name,
      customer_email: customer.email,
      customer_phone: customer.phone,
      sla_state: SlaState.NONE,
      legal_due_at: null,
      version: 1,
      received_at: iso(received),
      stage_entered_at: iso(received),
      created_at: iso(received),
      updated_at: iso(received),
    };
  }

  /** Runs the whole path, then adds messages; returns this. */
  build(): this {
    const { path, times } = this.draft;
    this.event(times[0]!, 'RECEIVED', null, Stage.RECEIVED, this.draft.registeredAtOnce ? this.operator : null, {
      channel: this.draft.channel,
    });
    for (let i = 1; i < path.length; i++) this.enter(path[i - 1]!, path[i]!, times[i]!);
    if (path.at(-1) === Stage.IMPLEMENTATION) this.finishSomeActions(path.length - 1, 0.4);
    this.addMessages();
    return this;
  }

  private describe(orderRef: string, purchase: string): string {
    const { rng, texts } = this.gen;
    const s = this.draft.scenario;
    const values = {
      product: this.draft.product.name,
      order: orderRef,
      date: texts.formatDate(purchase),
      days: rng.pick([36, 38, 40, 47, 50, 55]),
    };
    const details = rng.shuffle([...s.details]).slice(0, rng.chance(0.35) ? 2 : 1);
    const closing = rng.pick(texts.demandSentences[this.draft.demand ?? Demand.OTHER]);
    return [rng.pick(s.openings), ...details, closing].map((t) => fill(t, values)).join(' ');
  }

  private enter(from: Stage, to: Stage, at: number): void {
    const data = this.arrive(from, to, at);
    const actor = this.actorFor(from, to);
    if (!(to === Stage.REGISTERED && this.draft.registeredAtOnce)) this.row.version = (this.row.version as number) + 1;
    Object.assign(this.row, {
      stage: to,
      stage_entered_at: iso(at),
      updated_at: iso(at),
      closed_at: to === Stage.CLOSED || to === Stage.REJECTED ? iso(at) : null,
    });
    // Corrections ticked in the move to FEEDBACK were completed by whoever moved it.
    if (to === Stage.FEEDBACK) for (const a of this.actions) if (a.done_at === iso(at)) a.done_by_user_id = actor?.id ?? null;
    this.event(at, 'TRANSITIONED', from, to, actor, data);
  }

  /** Sets what the stage requires on arrival; returns the transition's data (its input fields). */
  private arrive(from: Stage, to: Stage, at: number): Record<string, unknown> {
    switch (to) {
      case Stage.REGISTERED:
        return this.register();
      case Stage.ANALYSIS:
        return from === Stage.CLOSED ? { note: this.gen.rng.pick(this.gen.texts.reopenReasons) } : this.takeOwnership();
      case Stage.DECISION:
        return this.findCause();
      case Stage.IMPLEMENTATION:
        return this.decide(at);
      case Stage.FEEDBACK:
        return this.completeActions(at);
      case Stage.CLOSED:
        return this.close();
      case Stage.REJECTED:
        return this.reject(from);
      default:
        throw new Error(`no arrival in ${to}`);
    }
  }

  private register(): Record<string, unknown> {
    const { rng, org } = this.gen;
    const { scenario, priority } = this.draft;
    const demand = this.draft.demand ?? rng.pick(scenario.demands);
    if (rng.chance(0.5)) this.assignee = this.pickOwner();
    const fields = {
      kind: scenario.kind,
      categoryId: org.categoryIds[scenario.category]!,
      priority,
      demand,
      departmentId: org.departmentIds[scenario.department],
      ...(this.assignee ? { assigneeId: this.assignee.id } : {}),
    };
    Object.assign(this.row, {
      category_id: fields.categoryId,
      priority,
      demand,
      department_id: fields.departmentId,
      assignee_id: this.assignee?.id ?? null,
      legal_due_at: null,
    });
    return fields;
  }

  private takeOwnership(): Record<string, unknown> {
    if (this.assignee) return {};
    this.assignee = this.pickOwner();
    this.row.assignee_id = this.assignee.id;
    return { assigneeId: this.assignee.id };
  }

  /** A specialist of the complaint's department, now and then its head. */
  private pickOwner(): DemoUser {
    const department = this.draft.scenario.department;
    const role = this.gen.rng.chance(0.15) ? Role.HEAD : Role.SPECIALIST;
    return this.gen.rng.pick(staffWith(this.gen.org, role, department));
  }

  private findCause(): Record<string, unknown> {
    const { rng, texts } = this.gen;
    const validity = rng.chance(0.65) ? Validity.OBJECTIVE : Validity.SUBJECTIVE;
    const rootCause = rng.pick(
      validity === Validity.OBJECTIVE ? this.draft.scenario.causes : texts.subjectiveCauses[this.draft.scenario.kind],
    );
    Object.assign(this.row, { validity, root_cause: rootCause });
    return { validity, rootCause };
  }

  private decide(at: number): Record<string, unknown> {
    const { rng, texts } = this.gen;
    const objective = this.row.validity === Validity.OBJECTIVE;
    const mapped = REMEDY_FOR[this.row.demand as Demand];
    const remedy = objective
      ? mapped
      : rng.weighted([
          [Remedy.EXPLANATION, 45],
          [Remedy.DISCOUNT, 25],
          [mapped, 30],
        ] as const);
    const remedyAmount = this.amountFor(remedy);
    const decisionNote = rng.pick(texts.decisionNotes[remedy]);
    const count = objective ? (rng.chance(0.35) ? 2 : 1) : rng.chance(0.5) ? 1 : 0;
    // The first puts this customer's case right (done before feedback); a second, the quality department's,
    // removes the cause and runs on for weeks after the complaint is closed.
    const correctiveActions = rng
      .shuffle([...this.draft.scenario.actions])
      .slice(0, count)
      .map((description, i) => ({
        kind: i === 0 ? CorrectiveActionKind.CORRECTION : CorrectiveActionKind.CORRECTIVE,
        description,
        ownerDepartmentId: this.gen.org.departmentIds[i === 0 ? this.draft.scenario.department : 'quality'],
        dueDate: localDate(at + (i === 0 ? 0 : 14) * DAY + rng.int(7, 30) * DAY, texts.timeZone),
      }));
    for (const a of correctiveActions) {
      this.actions.push({
        id: rng.uuid(),
        complaint_id: this.row.id,
        kind: a.kind,
        description: a.description,
        owner_department_id: a.ownerDepartmentId,
        due_date: a.dueDate,
        done_at: null,
        done_by_user_id: null,
        created_at: iso(at),
      });
    }
    Object.assign(this.row, { remedy, remedy_amount: remedyAmount, decision_note: decisionNote });
    return {
      remedy,
      ...(remedyAmount === null ? {} : { remedyAmount }),
      decisionNote,
      ...(correctiveActions.length ? { correctiveActions } : {}),
    };
  }

  private amountFor(remedy: Remedy): number | null {
    const { rng, texts } = this.gen;
    const price = this.draft.product.price;
    const round = (v: number) => Math.max(texts.currencyStep, Math.round(v / texts.currencyStep) * texts.currencyStep);
    if (remedy === Remedy.REFUND) return price;
    if (remedy === Remedy.DISCOUNT) return round(price * rng.between(0.1, 0.3));
    if (remedy === Remedy.COMPENSATION) return round(price * rng.between(0.05, 0.2));
    return null;
  }

  /**
   * Some actions were finished during IMPLEMENTATION (completeCorrectiveAction); FEEDBACK completes the
   * other corrections. Corrective actions still open go on after the complaint is closed.
   */
  private completeActions(at: number): Record<string, unknown> {
    this.finishSomeActions(this.draft.path.indexOf(Stage.IMPLEMENTATION), 0.5);
    const rest = this.actions.filter((a) => a.done_at === null && a.kind === CorrectiveActionKind.CORRECTION);
    for (const a of rest) a.done_at = iso(at);
    return rest.length ? { completedCorrectiveActionIds: rest.map((a) => a.id) } : {};
  }

  private finishSomeActions(stageIndex: number, p: number): void {
    for (const a of this.actions) {
      if (a.done_at !== null || !this.gen.rng.chance(p)) continue;
      const at = this.within(stageIndex, 0.3, 0.9, true);
      a.done_at = iso(at);
      a.done_by_user_id = this.assignee?.id ?? null;
      this.event(at, 'CORRECTIVE_ACTION_DONE', null, null, this.assignee, { correctiveActionId: a.id });
    }
  }

  private close(): Record<string, unknown> {
    const { rng, texts } = this.gen;
    const reopens = this.draft.path.at(-1) === Stage.ANALYSIS;
    if (!reopens && rng.chance(0.12)) return { feedbackUnavailable: true };
    const satisfaction = reopens
      ? rng.int(1, 2)
      : rng.weighted([
          [5, 35],
          [4, 30],
          [3, 15],
          [2, 12],
          [1, 8],
        ] as const);
    const bucket = satisfaction <= 2 ? 0 : satisfaction === 3 ? 1 : 2;
    const comment = reopens || rng.chance(0.5) ? rng.pick(texts.satisfactionComments[bucket]) : null;
    Object.assign(this.row, { satisfaction, satisfaction_comment: comment });
    return { satisfaction, ...(comment ? { satisfactionComment: comment } : {}) };
  }

  private reject(from: Stage): Record<string, unknown> {
    const rejectionReason = this.gen.rng.pick(this.gen.texts.rejectionReasons);
    this.row.rejection_reason = rejectionReason;
    if (from === Stage.ANALYSIS) this.row.validity = Validity.UNFOUNDED;
    return { rejectionReason };
  }

  /** Someone whose roles (and departments) allow the edge, as lifecycle.ts EDGES says. */
  private actorFor(from: Stage, to: Stage): DemoUser {
    const { rng, org } = this.gen;
    const department = this.draft.scenario.department;
    const head = () => rng.pick(staffWith(org, Role.HEAD, department));
    if (to === Stage.REGISTERED || (to === Stage.REJECTED && from === Stage.RECEIVED)) return this.operator;
    if (to === Stage.REJECTED && from !== Stage.ANALYSIS) return head();
    if (from === Stage.CLOSED) return rng.pick(staffWith(org, Role.QUALITY_MANAGER));
    if (to === Stage.CLOSED && rng.chance(0.5)) return rng.pick(staffWith(org, Role.QUALITY_MANAGER));
    if (to === Stage.IMPLEMENTATION && rng.chance(0.15)) return head();
    return this.assignee ?? head();
  }

  private addMessages(): void {
    const { rng, texts } = this.gen;
    const { path } = this.draft;
    const m = texts.messages;
    const reg = path.indexOf(Stage.REGISTERED);
    const staff = () => this.assignee ?? this.operator;
    // Most complaints are answered once registered (the first-response clock stops there); those past registration nearly all.
    if (reg > 0 && rng.chance(path.length - 1 > reg ? 0.97 : 0.75))
      this.message(this.within(reg, 0.02, 0.2, true), this.operator, rng.pick(m.staffAcknowledgements));
    if (reg > 0 && rng.chance(0.3)) {
      const asked = this.message(this.within(reg, 0.3, 0.6, false), null, rng.pick(m.customerQuestions));
      if (rng.chance(0.75)) this.message(this.within(reg, 0.65, 0.95, true, asked + 10 * MINUTE), staff(), rng.pick(m.staffAnswers));
    }
    const analysis = path.indexOf(Stage.ANALYSIS);
    if (analysis > 0 && rng.chance(0.4))
      this.message(this.within(analysis, 0.2, 0.8, true), staff(), rng.pick(m.internalNotes), Visibility.INTERNAL);
    const feedback = path.indexOf(Stage.FEEDBACK);
    if (feedback > 0 && rng.chance(0.5)) this.message(this.within(feedback, 0.01, 0.1, true), staff(), rng.pick(m.staffUpdates));
    if (path.at(-1) === Stage.REJECTED && rng.chance(0.7)) {
      this.message(this.within(path.length - 1, 0.01, 0.1, true), staff(), rng.pick(m.rejectionNotices));
    }
  }

  /**
   * A moment inside the i-th stage of the path (within its first three days)
   * and after `after`; in office hours when staff act; before the next step and now.
   */
  private within(i: number, lo: number, hi: number, byStaff: boolean, after = 0): number {
    const start = Math.max(this.draft.times[i]!, after);
    const end = this.draft.times[i + 1] ?? this.gen.now;
    let at = start + Math.max(MINUTE, Math.min(end - start, 3 * DAY) * this.gen.rng.between(lo, hi));
    if (byStaff) at = Math.max(toOfficeHours(at, this.gen.texts.timeZone), start + MINUTE);
    return Math.min(at, end - 1000);
  }

  /** A message by staff, or by the customer when `author` is null, with its timeline entry; returns its time. */
  private message(at: number, author: DemoUser | null, template: string, visibility = Visibility.PUBLIC): number {
    const body = fill(template, { name: this.customerFirstName, number: this.row.number as string, product: this.draft.product.name });
    const id = this.gen.rng.uuid();
    this.messages.push({
      id,
      complaint_id: this.row.id,
      visibility,
      author_kind: author ? ActorKind.STAFF : ActorKind.CUSTOMER,
      author_user_id: author?.id ?? null,
      body,
      created_at: iso(at),
    });
    if (at > Date.parse(this.row.updated_at as string)) this.row.updated_at = iso(at);
    this.event(at, 'MESSAGE_ADDED', null, null, author, { messageId: id, visibility }, author ? ActorKind.STAFF : ActorKind.CUSTOMER);
    return at;
  }

  private event(
    at: number,
    type: string,
    from: Stage | null,
    to: Stage | null,
    actor: DemoUser | null,
    data: Record<string, unknown>,
    kind: ActorKind = actor ? ActorKind.STAFF : ActorKind.SYSTEM,
  ): void {
    this.events.push({
      complaint_id: this.row.id,
      type,
      from_stage: from,
      to_stage: to,
      actor_kind: kind,
      actor_user_id: actor?.id ?? null,
      data,
      at: iso(at),
    });
  }
}
