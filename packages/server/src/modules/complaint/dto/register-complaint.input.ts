import { Field, Float, ID, InputType } from 'type-graphql';
import { IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Channel, ComplaintKind, Demand, Priority } from '../complaint.enums.js';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';
import { LocalDate } from '../../../graphql/scalars.js';
import { CustomerInput } from './customer.input.js';

@InputType()
export class RegisterComplaintInput {
  @Field(() => ComplaintKind)
  kind!: ComplaintKind;

  @Field(() => Channel)
  channel!: Channel;

  @Field()
  @PlainText({ max: 200, singleLine: true })
  subject!: string;

  @Field()
  @PlainText({ max: 10_000 })
  description!: string;

  @Field(() => CustomerInput)
  @ValidateNested()
  customer!: CustomerInput;

  @Field(() => ID, { nullable: true, description: 'Given by staff on a staff channel: the complaint is registered at once' })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => Demand, { nullable: true })
  demand?: Demand | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 200, singleLine: true })
  product?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 100, singleLine: true })
  orderRef?: string | null;

  @Field(() => LocalDate, { nullable: true })
  purchaseDate?: string | null;

  @Field(() => Float, { nullable: true, description: 'The price paid (the legal penalty for a late answer is a percentage of it)' })
  @IsOptional()
  @Min(0)
  @Max(1_000_000_000)
  productPrice?: number | null;

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
  @Matches(/^[A-Za-z0-9._:-]{8,128}$/, { message: 'idempotencyKey must be 8 to 128 letters, digits, or . _ : -' })
  idempotencyKey?: string | null;
}
