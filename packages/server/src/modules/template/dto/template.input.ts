import { Field, ID, InputType } from 'type-graphql';
import { IsIn, IsOptional } from 'class-validator';
import { IsEntityId, PlainText } from '../../../graphql/validation.js';

export const TEMPLATE_LOCALES = ['ru', 'en'] as const;
export const TEMPLATE_BODY_MAX = 5000;

@InputType()
export class CreateResponseTemplateInput {
  @Field()
  @PlainText({ max: 100, singleLine: true })
  name!: string;

  @Field(() => String, { nullable: true, description: 'ru or en; null or absent: any language' })
  @IsOptional()
  @IsIn(TEMPLATE_LOCALES, { message: 'locale must be "ru", "en" or null' })
  locale?: string | null;

  @Field({ description: `Plain text, up to ${TEMPLATE_BODY_MAX} characters; only the known placeholders` })
  @PlainText({ max: TEMPLATE_BODY_MAX })
  body!: string;
}

/** Replaces the whole template: every field is given again (a null locale means any language). */
@InputType()
export class UpdateResponseTemplateInput extends CreateResponseTemplateInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;
}
