import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional } from 'class-validator';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { Stage } from '../complaint/complaint.enums.js';
import { SlaTarget } from '../sla/sla-clock.js';
import { Cause, CauseGroup, RejectionReason } from '../cause/cause.entity.js';
import { QuestionType, SurveyParameter } from '../survey/survey.entity.js';

export enum AnalysisGrouping {
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
export enum ParetoDimension {
  CAUSE = 'CAUSE',
  CAUSE_GROUP = 'CAUSE_GROUP',
  CATEGORY = 'CATEGORY',
  PRODUCT = 'PRODUCT',
  DEPARTMENT = 'DEPARTMENT',
  REJECTION_REASON = 'REJECTION_REASON',
}
export enum ParetoMeasure {
  COUNT = 'COUNT',
  REMEDY_AMOUNT = 'REMEDY_AMOUNT',
  PENALTY = 'PENALTY',
}
export enum RepeatKey {
  CUSTOMER = 'CUSTOMER',
  PRODUCT = 'PRODUCT',
  CAUSE = 'CAUSE',
}

registerEnumType(AnalysisGrouping, {
  name: 'AnalysisGrouping',
  description: "Periods of a series, in the company's time zone (weeks from Monday)",
});
registerEnumType(ParetoDimension, { name: 'ParetoDimension' });
registerEnumType(ParetoMeasure, {
  name: 'ParetoMeasure',
  description: "COUNT: complaints; REMEDY_AMOUNT: money paid out (the decision's amount); PENALTY: statutory penalty accrued by closing",
});
registerEnumType(RepeatKey, { name: 'RepeatKey' });

@InputType({ description: 'What an analysis covers (docs/api.md#analysis): a period, optionally split into weeks or months, and filters' })
export class AnalysisFilterInput {
  @Field({ description: 'From this instant (inclusive)' })
  from!: Date;

  @Field({ description: 'To this instant (exclusive); at most 3 years after `from`' })
  to!: Date;

  @Field(() => AnalysisGrouping, {
    nullable: true,
    description: 'Split the series into weeks or months; without it, one row per key for the whole period',
  })
  grouping?: AnalysisGrouping | null;

  @Field(() => ID, { nullable: true, description: 'A HEAD may name only one of their departments' })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  categoryId?: string | null;

  @Field(() => String, { nullable: true, description: 'The product as written on the complaint (exact, case aside)' })
  @IsOptional()
  @PlainText({ max: 200, singleLine: true })
  product?: string | null;
}

@ObjectType({ description: 'A complaint count by coded rejection reason (null: a rejection from before reasons were coded)' })
export class ReasonCount {
  @Field(() => RejectionReason, { nullable: true })
  rejectionReason!: RejectionReason | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'How many complaints received in the period entered a stage, and how many were rejected from it' })
export class FunnelStage {
  @Field(() => Date, { nullable: true, description: 'The start of the week or month (received in it); null without grouping' })
  period!: Date | null;

  @Field(() => Stage)
  stage!: Stage;

  @Field(() => Int, { description: 'Complaints that entered the stage at least once (a reopened complaint counts once)' })
  entered!: number;

  @Field(() => Int, { description: 'Complaints rejected from this stage (REJECTED: 0)' })
  rejected!: number;

  @Field(() => [ReasonCount], { description: 'The rejected ones by coded reason, most first' })
  rejectedBy!: ReasonCount[];
}

@ObjectType()
export class ParetoBar {
  @Field({ description: 'The id (cause, category, department, reason), the group name, or the product as written' })
  key!: string;

  @Field({ description: 'The code, name, group or product' })
  label!: string;

  @Field(() => Cause, { nullable: true, description: 'by CAUSE' })
  cause!: Cause | null;

  @Field(() => CauseGroup, { nullable: true, description: 'by CAUSE and CAUSE_GROUP' })
  group!: CauseGroup | null;

  @Field(() => RejectionReason, { nullable: true, description: 'by REJECTION_REASON' })
  rejectionReason!: RejectionReason | null;

  @Field(() => Int, { description: 'Complaints behind the bar: those with a value above zero (COUNT: all)' })
  complaints!: number;

  @Field(() => Float, { description: 'The measure: complaints, money or penalty' })
  value!: number;

  @Field(() => Float, { description: 'value / total, 0 to 1' })
  share!: number;

  @Field(() => Float, { description: 'The shares of this bar and all before it' })
  cumulativeShare!: number;

  @Field({ description: 'Among the vital few: the bars that reach 80 % of the total (this one included)' })
  vital!: boolean;
}

@ObjectType()
export class Pareto {
  @Field(() => ParetoDimension)
  by!: ParetoDimension;

  @Field(() => ParetoMeasure)
  measure!: ParetoMeasure;

  @Field(() => Float)
  total!: number;

  @Field(() => [ParetoBar], { description: 'By value, largest first' })
  bars!: ParetoBar[];
}

@ObjectType()
export class CauseCount {
  @Field(() => Cause)
  cause!: Cause;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'One bone of the fishbone: a cause-and-effect group with its causes' })
export class CauseEffectBranch {
  @Field(() => CauseGroup)
  group!: CauseGroup;

  @Field(() => Int)
  count!: number;

  @Field(() => [CauseCount], { description: 'Active causes and any cause counted, most first' })
  causes!: CauseCount[];
}

@ObjectType({ description: 'SLA clocks that stopped in the period, by clock and department' })
export class SlaComplianceRow {
  @Field(() => Date, { nullable: true })
  period!: Date | null;

  @Field(() => SlaTarget)
  clock!: SlaTarget;

  @Field(() => ID, { nullable: true, description: "The complaint's department (null: none)" })
  departmentId!: string | null;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  met!: number;

  @Field(() => Int)
  missed!: number;

  @Field(() => Float, { description: 'met / total' })
  compliance!: number;
}

@ObjectType({ description: 'Stays in a stage that ended in the period' })
export class StageDurationRow {
  @Field(() => Date, { nullable: true })
  period!: Date | null;

  @Field(() => Stage)
  stage!: Stage;

  @Field(() => Int)
  visits!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Working time in the SLA calendar; null if no visit has it (visits rebuilt from history)',
  })
  medianWorkingSeconds!: number | null;

  @Field(() => Float, { nullable: true })
  p90WorkingSeconds!: number | null;

  @Field(() => Float)
  medianCalendarSeconds!: number;

  @Field(() => Float)
  p90CalendarSeconds!: number;
}

@ObjectType({ description: "Complaints closed in the period and their customers' ratings" })
export class SatisfactionPoint {
  @Field(() => Date, { nullable: true })
  period!: Date | null;

  @Field(() => Int)
  closed!: number;

  @Field(() => Int)
  rated!: number;

  @Field(() => Float, { nullable: true, description: 'Average rating (1-5) of the rated ones' })
  average!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of the rated ones rated 4 or 5' })
  satisfiedShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'rated / closed' })
  responseRate!: number | null;
}

@ObjectType({ description: 'Legal deadlines of complaints closed or rejected in the period' })
export class LegalComplianceRow {
  @Field(() => Date, { nullable: true })
  period!: Date | null;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  met!: number;

  @Field(() => Int)
  late!: number;

  @Field(() => Float, { description: "Statutory penalty accrued by closing, in the company's currency" })
  penaltyAccrued!: number;
}

@ObjectType()
export class RepeatGroup {
  @Field({ description: "The customer's id, the product as written (lower case), or the cause's id" })
  key!: string;

  @Field({ description: "The customer's name, the product, or the cause's code" })
  label!: string;

  @Field(() => Int, { description: 'Complaints of the period with this key' })
  complaints!: number;

  @Field(() => Int, { description: 'Of them, repeats' })
  repeats!: number;
}

@ObjectType({ description: 'Complaints that come back: the same customer, product or cause again within `withinDays`' })
export class Repeats {
  @Field(() => RepeatKey)
  by!: RepeatKey;

  @Field(() => Int)
  withinDays!: number;

  @Field(() => Int, { description: 'Complaints received in the period that have the key' })
  complaints!: number;

  @Field(() => Int, { description: 'Of them, those with an earlier complaint of the same key at most `withinDays` before' })
  repeats!: number;

  @Field(() => [RepeatGroup], { description: 'Keys with at least one repeat, most repeats first (at most 20)' })
  top!: RepeatGroup[];
}

export enum SurveyBreakdown {
  COMPANY = 'COMPANY',
  DEPARTMENT = 'DEPARTMENT',
  CATEGORY = 'CATEGORY',
}
registerEnumType(SurveyBreakdown, {
  name: 'SurveyBreakdown',
  description: 'Survey figures for the whole company (within the filter), or per department or category of the complaint',
});

/** Fewer answers (or invitations) than this back a survey figure too thinly to read it (docs/surveys.md, "Figures"). */
export const SURVEY_LOW_SAMPLE = 30;

@ObjectType({ description: 'Survey invitations written in the period and how many of them were answered' })
export class SurveyResponseRow {
  @Field(() => Date, { nullable: true, description: 'The start of the week or month (invitation written in it); null without grouping' })
  period!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "The department's or category's id; null for the company (or a complaint without one)",
  })
  key!: string | null;

  @Field(() => String, { nullable: true, description: "The department's or category's name" })
  label!: string | null;

  @Field(() => Int, { description: 'Invitations written in the period (with the FEEDBACK mail that carries the link)' })
  invited!: number;

  @Field(() => Int, { description: 'Of them, answered (by the link, on the portal or by phone)' })
  answered!: number;

  @Field(() => Float, { nullable: true, description: 'answered / invited' })
  responseRate!: number | null;

  @Field(() => Int, { description: 'Responses received in the period by any channel (phone answers without an invitation too)' })
  responses!: number;

  @Field({ description: 'Fewer than 30 invitations back the response rate' })
  lowSample!: boolean;
}

@ObjectType({
  description: 'Scored answers (CSAT, NPS, CES) of responses received in the period, for one parameter and type, across survey versions',
})
export class SurveyScoreRow {
  @Field(() => Date, { nullable: true, description: 'The start of the week or month (response received in it); null without grouping' })
  period!: Date | null;

  @Field(() => String, { nullable: true })
  key!: string | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => SurveyParameter)
  parameter!: SurveyParameter;

  @Field(() => QuestionType, { description: 'CSAT, NPS or CES' })
  type!: QuestionType;

  @Field(() => Int)
  answers!: number;

  @Field(() => Float, { description: 'Average score (CSAT 1-5, NPS 0-10, CES 1-7)' })
  average!: number;

  @Field(() => Float, { nullable: true, description: 'CSAT: share scored 4 or 5' })
  satisfiedShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'NPS: share scored 9 or 10' })
  promoterShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'NPS: share scored 7 or 8' })
  passiveShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'NPS: share scored 0 to 6' })
  detractorShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'NPS: (promoters - detractors) / answers × 100, from -100 to 100' })
  nps!: number | null;

  @Field({ description: 'Fewer than 30 answers back the figure' })
  lowSample!: boolean;
}
