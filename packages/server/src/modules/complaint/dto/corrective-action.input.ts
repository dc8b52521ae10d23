import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, ValidateNested } from 'class-validator';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';
import { CorrectiveActionKind, CorrectiveActionStatus, Effectiveness } from '../corrective-action.enums.js';
import { ActionFields, CorrectiveActionInput } from './transition-complaint.input.js';

@InputType()
export class AddCorrectiveActionInput extends CorrectiveActionInput {
  @Field(() => ID)
  @IsEntityId()
  complaintId!: string;
}

@InputType({ description: 'What the register shows; absent fields do not filter' })
export class CorrectiveActionFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  ownerDepartmentId?: string | null;

  @Field(() => [CorrectiveActionStatus], { nullable: true, description: 'Any of these statuses' })
  @IsOptional()
  @ArrayMaxSize(4)
  statuses?: CorrectiveActionStatus[] | null;

  @Field(() => [CorrectiveActionKind], { nullable: true, description: 'Any of these kinds' })
  @IsOptional()
  @ArrayMaxSize(3)
  kinds?: CorrectiveActionKind[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: not done and the due date has passed (in the company's time zone); false: all others",
  })
  overdue?: boolean | null;
}

@InputType({ description: 'Another action instead of one found not effective; it takes the kind of the one it follows up' })
export class FollowUpActionInput extends ActionFields {}

@InputType()
export class CheckEffectivenessInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => Effectiveness)
  result!: Effectiveness;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 2000 })
  note?: string | null;

  @Field(() => FollowUpActionInput, { nullable: true, description: 'Required with NOT_EFFECTIVE, refused with EFFECTIVE' })
  @IsOptional()
  @ValidateNested()
  followUp?: FollowUpActionInput | null;
}
