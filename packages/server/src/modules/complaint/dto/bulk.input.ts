import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, Min, ValidateNested } from 'class-validator';
import { Priority } from '../complaint.enums.js';
import { IsEntityId } from '../../../graphql/validation.js';

/** At most this many complaints in one bulk change: one transaction holds all their row locks. */
export const MAX_BULK = 100;

@InputType({ description: 'A complaint of a bulk change, at the version the caller saw (a stale one is refused with CONFLICT)' })
export class BulkComplaintRef {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  expectedVersion!: number;
}

@InputType({
  description:
    'Assigns each complaint as assignComplaint does: to a person, to a department (the assignee then cleared unless given), or both',
})
export class BulkAssignComplaintsInput {
  @Field(() => [BulkComplaintRef], { description: '1 to 100 distinct complaints' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK)
  @ValidateNested({ each: true })
  complaints!: BulkComplaintRef[];

  @Field(() => ID, { nullable: true, description: 'The new owner; null leaves them unassigned' })
  @IsOptional()
  @IsEntityId()
  assigneeId?: string | null;

  @Field(() => ID, { nullable: true, description: "Moves them to this department; null keeps each one's own" })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;
}

@InputType({ description: 'Sets the priority of each complaint as updateComplaint does (the SLA clocks are recomputed)' })
export class BulkSetComplaintPriorityInput {
  @Field(() => [BulkComplaintRef], { description: '1 to 100 distinct complaints' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK)
  @ValidateNested({ each: true })
  complaints!: BulkComplaintRef[];

  @Field(() => Priority)
  priority!: Priority;
}
