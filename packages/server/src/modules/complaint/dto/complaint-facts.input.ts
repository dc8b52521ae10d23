import { Field, Float, InputType } from 'type-graphql';
import { IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { ComplaintKind, Demand } from '../complaint.enums.js';
import { PlainText } from '../../../graphql/validation.js';
import { LocalDate } from '../../../graphql/scalars.js';
import { CustomerInput } from './customer.input.js';

/**
 * What a complaint says, asked alike where staff register one
 * (RegisterComplaintInput) and where a customer files one on the portal
 * (SubmitComplaintInput): one set of fields and limits for both.
 */
@InputType()
export abstract class ComplaintFactsInput {
  @Field(() => ComplaintKind)
  kind!: ComplaintKind;

  @Field()
  @PlainText({ max: 200, singleLine: true })
  subject!: string;

  @Field()
  @PlainText({ max: 10_000 })
  description!: string;

  @Field(() => CustomerInput)
  @ValidateNested()
  customer!: CustomerInput;

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
}
