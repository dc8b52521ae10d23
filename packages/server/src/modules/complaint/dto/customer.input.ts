import { Field, InputType } from 'type-graphql';
import { IsEmail, IsOptional, Matches, MaxLength } from 'class-validator';
import { PlainText } from '../../../graphql/validation.js';

@InputType({ description: 'Who complains; a name and at least one way to reach them' })
export class CustomerInput {
  @Field()
  @PlainText({ max: 200, singleLine: true })
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'email is not a valid e-mail address' })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{5,25}$/, { message: 'phone must be digits, spaces, +, - or brackets (5 to 25)' })
  phone?: string | null;
}
