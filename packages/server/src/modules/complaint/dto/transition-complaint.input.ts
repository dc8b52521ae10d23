import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { ComplaintKind, Demand, Priority, Remedy, Stage, Validity } from '../complaint.enums.js';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';
import { LocalDate } from '../../../graphql/scalars.js';
import { CorrectiveActionKind } from '../corrective-action.enums.js';

/** What every action states: what is done, by which department (and person), by when (the fields of the input types below). */
@InputType()
export abstract class ActionFields {
  @Field()
  @PlainText({ max: 2000 })
  description!: string;

  @Field(() => ID)
  @IsEntityId()
  ownerDepartmentId!: string;

  @Field(() => ID, { nullable: true, description: 'The person answerable for it: an active member of the owner department' })
  @IsOptional()
  @IsEntityId()
  ownerUserId?: string | null;

  @Field(() => LocalDate)
  dueDate!: string;
}

@InputType({ description: 'A correction, corrective or preventive action decided with the remedy' })
export class CorrectiveActionInput extends ActionFields {
  @Field(() => CorrectiveActionKind, {
    defaultValue: CorrectiveActionKind.CORRECTION,
    description: 'CORRECTION (the default) must be done before FEEDBACK; CORRECTIVE and PREVENTIVE go on after closing',
  })
  kind!: CorrectiveActionKind;
}

/**
 * Moves a complaint to `to`. Besides `note`, only the fields of the target
 * stage may be given (see docs/lifecycle.md); others are refused.
 */
@InputType()
export class TransitionComplaintInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => Stage)
  to!: Stage;

  @Field(() => Int, { description: 'The version the caller saw; a stale one gives CONFLICT' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @Field(() => String, { nullable: true, description: 'A comment for the timeline (required to reopen)' })
  @IsOptional()
  @PlainText({ max: 5000 })
  note?: string | null;

  // REGISTERED: classify and assign
  @Field(() => ComplaintKind, { nullable: true })
  kind?: ComplaintKind | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  categoryId?: string | null;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => Demand, { nullable: true })
  demand?: Demand | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;

  // REGISTERED, ANALYSIS: owner
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  assigneeId?: string | null;

  // DECISION: analysis results
  @Field(() => Validity, { nullable: true })
  validity?: Validity | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 5000 })
  rootCause?: string | null;

  @Field(() => ID, { nullable: true, description: 'The coded cause (`causes`), required for DECISION; `rootCause` explains it' })
  @IsOptional()
  @IsEntityId()
  causeId?: string | null;

  // IMPLEMENTATION: the decision
  @Field(() => Remedy, { nullable: true })
  remedy?: Remedy | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(1_000_000_000)
  remedyAmount?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 5000 })
  decisionNote?: string | null;

  @Field(() => [CorrectiveActionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  correctiveActions?: CorrectiveActionInput[] | null;

  // FEEDBACK: corrective actions carried out
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsEntityId({ each: true })
  completedCorrectiveActionIds?: string[] | null;

  // CLOSED: the customer's rating
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  satisfaction?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 5000 })
  satisfactionComment?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Close without a rating: the customer could not be reached' })
  feedbackUnavailable?: boolean | null;

  // REJECTED
  @Field(() => ID, { nullable: true, description: 'The coded reason (`rejectionReasons`), required for REJECTED' })
  @IsOptional()
  @IsEntityId()
  rejectionReasonId?: string | null;

  @Field(() => String, { nullable: true, description: 'The reason in words, for the file (optional beside the coded reason)' })
  @IsOptional()
  @PlainText({ max: 5000 })
  rejectionReason?: string | null;
}

@InputType()
export class AssignComplaintInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => ID, { nullable: true, description: 'The new owner; null leaves it unassigned' })
  @IsOptional()
  @IsEntityId()
  assigneeId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Moves the complaint to another department' })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  expectedVersion!: number;
}

@InputType({ description: 'What the SLA depends on, changed outside a stage change; omitted fields stay as they are' })
export class UpdateComplaintInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  categoryId?: string | null;

  @Field(() => Demand, { nullable: true })
  demand?: Demand | null;

  @Field(() => Float, { nullable: true, description: 'The price paid; the legal penalty is a percentage of it' })
  @IsOptional()
  @Min(0)
  @Max(1_000_000_000)
  productPrice?: number | null;
}
