import { ArrayMaxSize, ArrayMinSize, IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IntegrationScope } from '../../../auth/scopes.js';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';

@InputType({ description: 'A new integration; its key is returned once' })
export class CreateIntegrationInput {
  @Field({ description: "Shown on the timeline; unique among the company's active integrations" })
  @PlainText({ max: 80, singleLine: true })
  name!: string;

  @Field(() => [IntegrationScope])
  @ArrayMinSize(1, { message: 'give at least one scope' })
  scopes!: IntegrationScope[];

  @Field(() => [ID], { nullable: true, description: 'Limit it to these departments (their complaints only); none: all' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsEntityId({ each: true })
  departmentIds?: string[] | null;

  @Field(() => [String], { defaultValue: [], description: 'Addresses or CIDR ranges it may call from; empty: any' })
  @ArrayMaxSize(50)
  ipAllowlist!: string[];

  @Field(() => Date, { nullable: true, description: 'The key stops working at this time' })
  @IsOptional()
  expiresAt?: Date | null;
}
