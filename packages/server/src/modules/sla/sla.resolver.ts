import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Action } from '../../auth/permissions.js';
import { Allow } from '../../auth/allow.js';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { GraphQLContext } from '../../graphql/context.js';
import { IsEntityId, entityId } from '../../graphql/validation.js';
import { badInput } from '../../graphql/errors.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { Priority, SlaState, Stage } from '../complaint/complaint.enums.js';
import { Department } from '../department/department.entity.js';
import { Category } from '../category/category.entity.js';
import { User } from '../user/user.entity.js';
import { BusinessCalendar } from './business-calendar.entity.js';
import { LegalPreset } from './legal-preset.entity.js';
import { SlaBreach } from './sla-breach.entity.js';
import { SlaPolicyView, policyView } from './sla-policy.entity.js';
import { clockState, consumedBy, penaltyExposure, SlaTarget } from './sla-clock.js';
import { BusinessCalendarInput, LegalPresetInput, SlaPolicyInput } from './dto/sla.input.js';
import * as settings from './sla-settings.service.js';
import { clockRow, loadSlaSettings } from './sla.service.js';

@ObjectType({ simpleResolvers: true, description: 'One running clock of a complaint' })
export class SlaClockStatus {
  @Field(() => SlaTarget)
  target!: SlaTarget;

  @Field(() => Stage, { nullable: true, description: 'For STAGE: the stage it measures' })
  stage!: Stage | null;

  @Field(() => SlaState)
  state!: SlaState;

  @Field()
  startedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Null while paused' })
  dueAt!: Date | null;

  @Field(() => Date, { nullable: true })
  warnAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Working seconds allowed (null for LEGAL, which counts calendar days)' })
  budgetSeconds!: number | null;

  @Field(() => Int, { nullable: true, description: 'Working seconds used so far' })
  usedSeconds!: number | null;

  @Field(() => Date, { nullable: true })
  warnedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  breachedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'The statutory penalty for answering late (art. 23: a percentage of the price per day)' })
export class PenaltyExposure {
  @Field(() => Float)
  price!: number;

  @Field(() => Float)
  percentPerDay!: number;

  @Field(() => Float, { description: 'What each further day late costs' })
  perDay!: number;

  @Field(() => Int, { description: 'Days (started) past the legal deadline, up to now or to closing' })
  daysOverdue!: number;

  @Field(() => Float, { description: 'Accrued so far' })
  accrued!: number;
}

@ArgsType()
class EscalationsArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  includeAcknowledged!: boolean;

  @Field(() => Int, { defaultValue: 50 })
  @IsInt()
  @Min(1)
  @Max(200)
  first!: number;
}

const CLOCK_ORDER = [SlaTarget.FIRST_RESPONSE, SlaTarget.STAGE, SlaTarget.RESOLUTION, SlaTarget.LEGAL];

/** Business calendars, SLA policies, legal presets and escalations; reading is open to all staff, changing to ADMIN. */
@Resolver()
export class SlaSettingsResolver {
  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [BusinessCalendar])
  async businessCalendars(@Ctx() gql: GraphQLContext) {
    return settings.listCalendars(await gql.staff());
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => BusinessCalendar)
  async createBusinessCalendar(@Arg('input') input: BusinessCalendarInput, @Ctx() gql: GraphQLContext) {
    return settings.saveCalendar(await gql.staff(), null, input);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => BusinessCalendar, { description: 'Open complaints have their clocks recomputed' })
  async updateBusinessCalendar(@Arg('id', () => ID) id: string, @Arg('input') input: BusinessCalendarInput, @Ctx() gql: GraphQLContext) {
    return settings.saveCalendar(await gql.staff(), entityId(id, 'id'), input);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => BusinessCalendar, {
    description:
      "Adds the public holidays and transferred working days of the company's country in `year` (2000 to 2100) to the calendar; open complaints have their clocks recomputed",
  })
  async loadPublicHolidays(@Arg('id', () => ID) id: string, @Arg('year', () => Int) year: number, @Ctx() gql: GraphQLContext) {
    if (year < 2000 || year > 2100)
      throw badInput('year must be 2000 to 2100', { fields: [{ field: 'year', messages: ['must be 2000 to 2100'] }] });
    return settings.loadPublicHolidays(await gql.staff(), entityId(id, 'id'), year);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => Boolean, { description: 'Refused (IN_USE) while a policy uses the calendar' })
  async deleteBusinessCalendar(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext) {
    return settings.deleteCalendar(await gql.staff(), entityId(id, 'id'));
  }

  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [SlaPolicyView], {
    description: 'In matching order: the first whose priorities and categories fit wins; the default is last',
  })
  async slaPolicies(@Ctx() gql: GraphQLContext) {
    return settings.listPolicies(await gql.staff());
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => SlaPolicyView, { description: 'Added before the default; open complaints have their clocks recomputed' })
  async createSlaPolicy(@Arg('input') input: SlaPolicyInput, @Ctx() gql: GraphQLContext) {
    return settings.createPolicy(await gql.staff(), input, gql.deps.slaMinTargetSeconds);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => SlaPolicyView, { description: 'Open complaints have their clocks recomputed (time already used is kept)' })
  async updateSlaPolicy(@Arg('id', () => ID) id: string, @Arg('input') input: SlaPolicyInput, @Ctx() gql: GraphQLContext) {
    return settings.updatePolicy(await gql.staff(), entityId(id, 'id'), input, gql.deps.slaMinTargetSeconds);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => Boolean)
  async deleteSlaPolicy(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext) {
    return settings.deletePolicy(await gql.staff(), entityId(id, 'id'));
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => [SlaPolicyView], { description: 'Every policy but the default, in the order they are tried' })
  async reorderSlaPolicies(@Arg('ids', () => [ID]) ids: string[], @Ctx() gql: GraphQLContext) {
    if (ids.length > 200) throw settingsInputError('ids', 'at most 200');
    return settings.reorderPolicies(
      await gql.staff(),
      ids.map((id, i) => entityId(id, `ids.${i}`)),
    );
  }

  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [LegalPreset])
  async legalPresets(@Ctx() gql: GraphQLContext) {
    return settings.listLegalPresets(await gql.staff());
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => LegalPreset)
  async setLegalPreset(@Arg('input') input: LegalPresetInput, @Ctx() gql: GraphQLContext) {
    return settings.setLegalPreset(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => [LegalPreset], {
    description:
      "Back to the law of the company's country: for RU, Russian consumer law (refund 10 days, replacement 7, repair 45; 1 % a day); elsewhere no legal deadline",
  })
  async resetLegalPresets(@Ctx() gql: GraphQLContext) {
    return settings.resetLegalPresets(await gql.staff());
  }

  @Allow(Action.HANDLE_ESCALATIONS)
  @Query(() => [SlaBreach], {
    description: 'Breaches escalated to department heads, newest first (HEAD: own departments; QUALITY_MANAGER: all)',
  })
  async escalations(@Args() args: EscalationsArgs, @Ctx() gql: GraphQLContext) {
    return settings.listEscalations(await gql.staff(), args);
  }

  @Allow(Action.HANDLE_ESCALATIONS)
  @Mutation(() => SlaBreach)
  async acknowledgeEscalation(@Arg('id', () => ID) id: string, @Ctx() gql: GraphQLContext) {
    return settings.acknowledgeEscalation(await gql.staff(), entityId(id, 'id'));
  }
}

@Resolver(() => SlaPolicyView)
export class SlaPolicyViewResolver {
  @FieldResolver(() => BusinessCalendar)
  async calendar(@Root() p: SlaPolicyView, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.calendar.load(p.calendarId);
  }

  @FieldResolver(() => [Category])
  async categories(@Root() p: SlaPolicyView, @Ctx() gql: GraphQLContext) {
    const ctx = await gql.staff();
    return (await Promise.all(p.categoryIds.map((id) => ctx.loaders.category.load(id)))).filter(Boolean);
  }
}

@Resolver(() => SlaBreach)
export class SlaBreachResolver {
  @FieldResolver(() => Complaint)
  async complaint(@Root() b: SlaBreach, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.complaint.load(b.complaintId);
  }

  @FieldResolver(() => Department, { nullable: true, description: 'The department the complaint was in' })
  async department(@Root() b: SlaBreach, @Ctx() gql: GraphQLContext) {
    return b.departmentId ? (await gql.staff()).loaders.department.load(b.departmentId) : null;
  }

  @FieldResolver(() => [User], { description: 'Department heads it was escalated to' })
  async notifiedHeads(@Root() b: SlaBreach, @Ctx() gql: GraphQLContext) {
    const ctx = await gql.staff();
    return (await Promise.all((b.escalation.notifiedUserIds ?? []).map((id) => ctx.loaders.user.load(id)))).filter(Boolean);
  }

  @FieldResolver(() => Priority, { nullable: true, description: 'Set when the escalation raised the priority' })
  priorityRaisedTo(@Root() b: SlaBreach) {
    return b.escalation.priorityRaisedTo ?? null;
  }

  @FieldResolver(() => Department, { nullable: true, description: 'Set when the escalation moved the complaint' })
  async reassignedTo(@Root() b: SlaBreach, @Ctx() gql: GraphQLContext) {
    const id = b.escalation.reassignedToDepartmentId;
    return id ? (await gql.staff()).loaders.department.load(id) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  async acknowledgedBy(@Root() b: SlaBreach, @Ctx() gql: GraphQLContext) {
    return b.acknowledgedBy ? (await gql.staff()).loaders.user.load(b.acknowledgedBy) : null;
  }
}

/** A complaint's SLA detail: its clocks, their history, the policy, the legal penalty. */
@Resolver(() => Complaint)
export class ComplaintSlaResolver {
  @FieldResolver(() => [SlaClockStatus], { description: 'The clocks running now (none once closed)' })
  async slaClocks(@Root() c: Complaint, @Ctx() gql: GraphQLContext): Promise<SlaClockStatus[]> {
    const ctx = await gql.staff();
    const rows = await ctx.loaders.slaDeadlines.load(c.id);
    const s = await loadSlaSettings(ctx);
    const policy = s.policies.find((p) => p.id === c.slaPolicyId);
    const calendar = policy ? s.calendars.get(policy.calendarId) : undefined;
    const now = new Date();
    return [...rows]
      .sort((a, b) => CLOCK_ORDER.indexOf(a.clock) - CLOCK_ORDER.indexOf(b.clock))
      .map((d) => {
        const row = clockRow(d);
        const legal = row.clock === SlaTarget.LEGAL;
        return {
          target: row.clock,
          stage: row.stage,
          state: clockState(row),
          startedAt: row.startedAt,
          dueAt: row.dueAt,
          warnAt: row.warnAt,
          budgetSeconds: row.budgetMs === null ? null : Math.round(row.budgetMs / 1000),
          usedSeconds: legal ? null : Math.floor(consumedBy(row, calendar, now) / 1000),
          warnedAt: row.warnedAt,
          breachedAt: row.breachedAt,
        };
      });
  }

  @FieldResolver(() => [SlaBreach], { description: 'Every warning and breach, oldest first, with what each escalated' })
  async slaBreaches(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    return (await gql.staff()).loaders.slaBreaches.load(c.id);
  }

  @FieldResolver(() => SlaPolicyView, { nullable: true, description: 'The policy whose targets apply' })
  async slaPolicy(@Root() c: Complaint, @Ctx() gql: GraphQLContext) {
    if (!c.slaPolicyId) return null;
    const policy = await (await gql.staff()).loaders.slaPolicy.load(c.slaPolicyId);
    return policy && policyView(policy);
  }

  @FieldResolver(() => PenaltyExposure, { nullable: true, description: 'Null without a price or a legal deadline' })
  async penaltyExposure(@Root() c: Complaint, @Ctx() gql: GraphQLContext): Promise<PenaltyExposure | null> {
    if (c.productPrice === null || !c.legalDueAt || !c.demand) return null;
    const preset = (await loadSlaSettings(await gql.staff())).legal.get(c.demand);
    return penaltyExposure(c.productPrice, preset?.penaltyPercentPerDay ?? 1, c.legalDueAt, c.closedAt, new Date());
  }
}

const settingsInputError = (name: string, message: string) =>
  badInput(`${name} ${message}`, { fields: [{ field: name, messages: [message] }] });
