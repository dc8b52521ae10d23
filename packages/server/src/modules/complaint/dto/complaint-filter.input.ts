import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Channel, Priority, SlaState, Stage } from '../complaint.enums.js';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';

@InputType()
export class ComplaintFilter {
  @Field(() => [Stage], { nullable: true, description: 'Any of these stages; all stages when absent' })
  @IsOptional()
  @ArrayMaxSize(8)
  stages?: Stage[] | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  assigneeId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  categoryId?: string | null;

  @Field(() => SlaState, { nullable: true })
  slaState?: SlaState | null;

  @Field(() => Channel, { nullable: true })
  channel?: Channel | null;

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
