import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PortalTenant } from '../complaint/complaint.portal-types.js';
import { QuestionType, SurveyParameter } from './survey.entity.js';

@ObjectType({ simpleResolvers: true, description: 'An option as the customer reads it' })
export class PortalSurveyOption {
  @Field()
  code!: string;

  @Field()
  label!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A question in the language asked for' })
export class PortalSurveyQuestion {
  @Field(() => ID)
  id!: string;

  @Field(() => QuestionType)
  type!: QuestionType;

  @Field(() => SurveyParameter)
  parameter!: SurveyParameter;

  @Field()
  text!: string;

  @Field()
  required!: boolean;

  @Field()
  multiple!: boolean;

  @Field(() => Int, { nullable: true, description: "The scale's lowest score (CSAT, NPS, CES)" })
  min!: number | null;

  @Field(() => Int, { nullable: true, description: "The scale's highest score" })
  max!: number | null;

  @Field(() => [PortalSurveyOption])
  options!: PortalSurveyOption[];
}

@ObjectType({ simpleResolvers: true, description: 'The survey behind a one-time invitation, as the customer answers it' })
export class PortalSurvey {
  @Field(() => PortalTenant, { description: "The company's portal: name, language and look" })
  tenant!: PortalTenant;

  @Field({ description: 'The language of the texts: ru or en' })
  locale!: string;

  @Field()
  title!: string;

  @Field({ description: 'The complaint the survey is about' })
  complaintNumber!: string;

  @Field()
  complaintSubject!: string;

  @Field(() => Date, { nullable: true, description: "Until when the link can be answered; null on the complaint's page without one" })
  expiresAt!: Date | null;

  @Field({ description: "Answered already (on the complaint's page; a link that was answered is refused instead)" })
  answered!: boolean;

  @Field(() => [PortalSurveyQuestion])
  questions!: PortalSurveyQuestion[];
}

@ObjectType({ simpleResolvers: true, description: 'The answers were recorded; the link now refuses' })
export class SurveyAnswered {
  @Field()
  answeredAt!: Date;
}
