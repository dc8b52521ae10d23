import { Field, ID, InputType } from 'type-graphql';
import { IsOptional, Matches } from 'class-validator';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { CauseGroup } from './cause.entity.js';

@InputType()
export class CodedEntryInput {
  @Field({ description: 'Unique in the company; 2-32 letters, digits, "_" or "-" (stored in upper case)' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/, { message: 'code must be 2-32 latin letters, digits, "_" or "-"' })
  code!: string;

  @Field()
  @PlainText({ max: 100, singleLine: true })
  nameRu!: string;

  @Field()
  @PlainText({ max: 100, singleLine: true })
  nameEn!: string;
}

@InputType()
export class CreateCauseInput extends CodedEntryInput {
  @Field(() => CauseGroup)
  group!: CauseGroup;
}

@InputType({ description: 'New names; the code and group stay' })
export class UpdateCodedEntryInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 100, singleLine: true })
  nameRu?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 100, singleLine: true })
  nameEn?: string | null;
}
