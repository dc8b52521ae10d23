import { Field, ID, InputType } from 'type-graphql';
import { IsOptional } from 'class-validator';
import { Channel, Priority } from '../complaint.enums.js';
import { IdempotencyKey, IsEntityId } from '../../../graphql/validation.js';
import { ComplaintFactsInput } from './complaint-facts.input.js';

@InputType()
export class RegisterComplaintInput extends ComplaintFactsInput {
  @Field(() => Channel)
  channel!: Channel;

  @Field(() => ID, { nullable: true, description: 'Given by staff on a staff channel: the complaint is registered at once' })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  categoryId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  assigneeId?: string | null;

  @Field(() => String, { nullable: true, description: 'The same key twice returns the first complaint instead of a second one' })
  @IsOptional()
  @IdempotencyKey()
  idempotencyKey?: string | null;
}
