import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Demand, Priority, Stage } from '../../complaint/complaint.enums.js';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
/** A year of seconds: the longest target a policy may set. */
const MAX_SECONDS = 366 * 24 * 3600;

@InputType()
export class WorkingPeriodInput {
  @Field(() => Int, { description: 'ISO weekday: 1 Monday … 7 Sunday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @Field({ description: "'HH:MM'" })
  @Matches(HHMM, { message: 'start must be HH:MM (00:00 to 24:00)' })
  start!: string;

  @Field({ description: "'HH:MM'; not after start: the period runs past midnight" })
  @Matches(HHMM, { message: 'end must be HH:MM (00:00 to 24:00)' })
  end!: string;
}

@InputType()
export class BusinessCalendarInput {
  @Field()
  @PlainText({ max: 100, singleLine: true })
  name!: string;

  @Field({ description: 'IANA time zone, e.g. Europe/Moscow' })
  @PlainText({ max: 64, singleLine: true })
  timeZone!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Open around the clock (periods and holidays are then ignored)' })
  alwaysOpen!: boolean;

  @Field(() => [WorkingPeriodInput], { defaultValue: [] })
  @ArrayMaxSize(70)
  @ValidateNested({ each: true })
  periods!: WorkingPeriodInput[];

  @Field(() => [String], {
    nullable: true,
    description:
      "Local dates 'YYYY-MM-DD' without working time. Omitted: a new calendar gets the public holidays of the company's country for this year and next; a changed one keeps its own",
  })
  @IsOptional()
  @ArrayMaxSize(400)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'a holiday must be YYYY-MM-DD' })
  holidays?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "Local dates 'YYYY-MM-DD' that are working days whatever their weekday (transferred working days). Omitted: as for holidays",
  })
  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'a working day must be YYYY-MM-DD' })
  workingDays?: string[] | null;
}

@InputType()
export class StageTargetInput {
  @Field(() => Stage)
  stage!: Stage;

  @Field(() => Int, { description: 'Working seconds allowed in the stage' })
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  seconds!: number;
}

@InputType()
export class EscalationRuleInput {
  @Field(() => Boolean, { defaultValue: true, description: "List the breach in the department heads' escalations" })
  notifyHead!: boolean;

  @Field(() => Boolean, { defaultValue: false, description: 'Raise the priority one step (the clocks are recomputed)' })
  raisePriority!: boolean;

  @Field(() => ID, { nullable: true, description: 'Move the complaint to this department, unassigned' })
  @IsOptional()
  @IsEntityId()
  reassignToDepartmentId?: string | null;
}

@InputType({ description: 'A policy; omitted targets are not tracked' })
export class SlaPolicyInput {
  @Field()
  @PlainText({ max: 100, singleLine: true })
  name!: string;

  @Field(() => [Priority], { defaultValue: [], description: 'Empty: any priority (ignored for the default policy)' })
  @ArrayMaxSize(4)
  priorities!: Priority[];

  @Field(() => [ID], { defaultValue: [], description: 'Empty: any category (ignored for the default policy)' })
  @ArrayMaxSize(100)
  @IsEntityId({ each: true })
  categoryIds!: string[];

  @Field(() => ID)
  @IsEntityId()
  calendarId!: string;

  @Field(() => Int, { defaultValue: 80, description: 'Percent of a target after which the clock is AT_RISK' })
  @IsInt()
  @Min(1)
  @Max(99)
  warnPercent!: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  firstResponseSeconds?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  resolutionSeconds?: number | null;

  @Field(() => [StageTargetInput], { defaultValue: [] })
  @ArrayMaxSize(8)
  @ValidateNested({ each: true })
  stageTargets!: StageTargetInput[];

  @Field(() => EscalationRuleInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  escalation?: EscalationRuleInput | null;
}

@InputType()
export class LegalPresetInput {
  @Field(() => Demand)
  demand!: Demand;

  @Field(() => Int, { nullable: true, description: 'Calendar days; null: no legal deadline for this demand' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  days?: number | null;

  @Field(() => Float, { defaultValue: 1, description: 'Percent of the price per day late' })
  @Min(0)
  @Max(100)
  penaltyPercentPerDay!: number;
}
