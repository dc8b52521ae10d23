import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Channel, Priority, SlaState, Stage } from '../complaint.enums.js';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';
import { ComplaintSortField, SortDirection } from '../complaint.order.js';
import { CauseGroup } from '../../cause/cause.entity.js';

@InputType({ description: 'All given conditions hold (an empty filter: every complaint)' })
export class ComplaintFilter {
  @Field(() => [Stage], { nullable: true, description: 'Any of these stages; all stages when absent' })
  @IsOptional()
  @ArrayMaxSize(8)
  stages?: Stage[] | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only those of the departments the signed-in user is a member of' })
  inMyDepartments?: boolean | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  assigneeId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only those assigned to the signed-in user' })
  assignedToMe?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only those assigned to nobody' })
  unassigned?: boolean | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  categoryId?: string | null;

  @Field(() => ID, { nullable: true, description: "The coded cause (the analysis's drill-down)" })
  @IsOptional()
  @IsEntityId()
  causeId?: string | null;

  @Field(() => CauseGroup, { nullable: true, description: 'A cause of this cause-and-effect group' })
  causeGroup?: CauseGroup | null;

  @Field(() => ID, { nullable: true, description: 'The coded rejection reason' })
  @IsOptional()
  @IsEntityId()
  rejectionReasonId?: string | null;

  @Field(() => String, { nullable: true, description: 'The product as written, case aside (exact, not a search)' })
  @IsOptional()
  @PlainText({ max: 200, singleLine: true })
  product?: string | null;

  @Field(() => SlaState, { nullable: true })
  slaState?: SlaState | null;

  @Field(() => Channel, { nullable: true })
  channel?: Channel | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only those the customer wrote to by mail after closing, not yet cleared (mailAfterClosingAt set)',
  })
  mailAfterClosing?: boolean | null;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => Date, { nullable: true, description: 'Received at or after' })
  receivedFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Received before' })
  receivedTo?: Date | null;

  @Field(() => String, { nullable: true, description: 'Words of the number, subject, description, customer, product or order' })
  @IsOptional()
  @PlainText({ max: 200, singleLine: true })
  search?: string | null;
}

@InputType({ description: 'How complaints are ordered; the id breaks ties, so pages never overlap' })
export class ComplaintOrder {
  @Field(() => ComplaintSortField, { defaultValue: ComplaintSortField.DUE_AT })
  field!: ComplaintSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction!: SortDirection;
}
