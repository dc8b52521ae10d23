import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Action } from '../../auth/permissions.js';
import { Allow } from '../../auth/allow.js';
import { IsIn, IsOptional } from 'class-validator';
import type { GraphQLContext } from '../../graphql/context.js';
import { IsEntityId } from '../../graphql/validation.js';
import { ResponseTemplate } from './template.entity.js';
import { CreateResponseTemplateInput, TEMPLATE_LOCALES, UpdateResponseTemplateInput } from './dto/template.input.js';
import { createTemplate, deleteTemplate, listTemplates, renderForComplaint, updateTemplate } from './template.service.js';

@ArgsType()
class TemplatesArgs {
  @Field(() => String, { nullable: true, description: 'ru or en: the templates in that language and those for any language' })
  @IsOptional()
  @IsIn(TEMPLATE_LOCALES, { message: 'locale must be "ru" or "en"' })
  locale?: string | null;
}

@ArgsType()
class TemplateIdArgs {
  @Field(() => ID)
  @IsEntityId()
  id!: string;
}

@ArgsType()
class RenderTemplateArgs {
  @Field(() => ID)
  @IsEntityId()
  templateId!: string;

  @Field(() => ID)
  @IsEntityId()
  complaintId!: string;
}

/** Response templates: read and rendered by all staff, managed by ADMIN and QUALITY_MANAGER. */
@Resolver(() => ResponseTemplate)
export class ResponseTemplateResolver {
  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [ResponseTemplate], { description: 'By name' })
  async responseTemplates(@Args() { locale }: TemplatesArgs, @Ctx() gql: GraphQLContext): Promise<ResponseTemplate[]> {
    return listTemplates(await gql.staff(), locale ?? null);
  }

  @Allow(Action.MANAGE_TEMPLATES)
  @Mutation(() => ResponseTemplate, {
    description: 'Refused with BAD_USER_INPUT for an unknown or unclosed placeholder, CONFLICT for a name in use',
  })
  async createResponseTemplate(@Arg('input') input: CreateResponseTemplateInput, @Ctx() gql: GraphQLContext): Promise<ResponseTemplate> {
    return createTemplate(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_TEMPLATES)
  @Mutation(() => ResponseTemplate, { description: 'Replaces name, locale and body' })
  async updateResponseTemplate(@Arg('input') input: UpdateResponseTemplateInput, @Ctx() gql: GraphQLContext): Promise<ResponseTemplate> {
    return updateTemplate(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_TEMPLATES)
  @Mutation(() => Boolean)
  async deleteResponseTemplate(@Args() { id }: TemplateIdArgs, @Ctx() gql: GraphQLContext): Promise<boolean> {
    return deleteTemplate(await gql.staff(), id);
  }

  @Allow(Action.READ_COMPLAINTS)
  @Query(() => String, {
    description: "The template's text for the complaint, placeholders filled in the company's language and time zone",
  })
  async renderResponseTemplate(@Args() { templateId, complaintId }: RenderTemplateArgs, @Ctx() gql: GraphQLContext): Promise<string> {
    return renderForComplaint(await gql.staff(), templateId, complaintId);
  }
}
