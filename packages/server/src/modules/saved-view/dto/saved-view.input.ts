import { Field, ID, InputType } from 'type-graphql';
import { IsOptional, ValidateNested } from 'class-validator';
import { ComplaintFilter, ComplaintOrder } from '../../complaint/dto/complaint-filter.input.js';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';

@InputType({ description: 'The current filter and order of the queue, saved under a name' })
export class SaveViewInput {
  @Field({ description: "Unique among the user's own views, regardless of case" })
  @PlainText({ max: 80, singleLine: true })
  name!: string;

  @Field(() => ComplaintFilter)
  @ValidateNested()
  filter!: ComplaintFilter;

  @Field(() => ComplaintOrder, { nullable: true, description: 'By deadline, soonest first, when absent' })
  @IsOptional()
  @ValidateNested()
  orderBy?: ComplaintOrder | null;
}

@InputType()
export class RenameViewInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field()
  @PlainText({ max: 80, singleLine: true })
  name!: string;
}
