import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { QuestionType, SurveyParameter } from './survey.entity.js';
import { SHARE_PERCENT, ScheduleCadence } from './survey-schedule.entity.js';

export const MAX_QUESTIONS = 30;
export const MAX_OPTIONS = 20;

@InputType()
export class ChoiceOptionInput {
  @Field({ description: '1-32 latin letters, digits, "_" or "-" (stored in upper case), unique in the question' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, { message: 'code must be 1-32 latin letters, digits, "_" or "-"' })
  code!: string;

  @Field()
  @PlainText({ max: 200, singleLine: true })
  labelRu!: string;

  @Field()
  @PlainText({ max: 200, singleLine: true })
  labelEn!: string;

  @Field(() => ID, { nullable: true, description: 'A cause of the cause tree this answer points to' })
  @IsOptional()
  @IsEntityId()
  causeId?: string | null;

  @Field({ defaultValue: false, description: 'Choosing it raises the detractor alert' })
  alerting!: boolean;
}

@InputType({ description: 'A question; wording in Russian and in English, both required' })
export class SurveyQuestionInput {
  @Field(() => QuestionType)
  type!: QuestionType;

  @Field(() => SurveyParameter)
  parameter!: SurveyParameter;

  @Field()
  @PlainText({ max: 500 })
  textRu!: string;

  @Field()
  @PlainText({ max: 500 })
  textEn!: string;

  @Field({ defaultValue: true })
  required!: boolean;

  @Field({ defaultValue: false, description: 'CHOICE: several options may be chosen' })
  multiple!: boolean;

  @Field(() => [ChoiceOptionInput], { nullable: true, description: 'CHOICE only: 2 or more options' })
  @IsOptional()
  @ArrayMaxSize(MAX_OPTIONS)
  @ValidateNested()
  options?: ChoiceOptionInput[] | null;
}

@InputType()
export class CreateSurveyInput {
  @Field()
  @PlainText({ max: 200, singleLine: true })
  nameRu!: string;

  @Field()
  @PlainText({ max: 200, singleLine: true })
  nameEn!: string;

  @Field(() => Int, { defaultValue: 14, description: 'Days an invitation stays answerable, 1-365' })
  @IsInt()
  @Min(1)
  @Max(365)
  answerDays!: number;

  @Field(() => [SurveyQuestionInput], { description: "Version 1's questions, in order" })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_QUESTIONS)
  @ValidateNested()
  questions!: SurveyQuestionInput[];
}

@InputType({ description: "A new set of questions: published as the survey's next version; earlier answers keep theirs" })
export class PublishSurveyVersionInput {
  @Field(() => ID)
  @IsEntityId()
  surveyId!: string;

  @Field(() => [SurveyQuestionInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_QUESTIONS)
  @ValidateNested()
  questions!: SurveyQuestionInput[];
}

@InputType()
export class SurveyAnswerInput {
  @Field(() => ID)
  @IsEntityId()
  questionId!: string;

  @Field(() => Int, { nullable: true, description: "CSAT, NPS, CES: the score on the question's scale" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  score?: number | null;

  @Field(() => [String], { nullable: true, description: "CHOICE: the chosen options' codes" })
  @IsOptional()
  @ArrayMaxSize(MAX_OPTIONS)
  @MaxLength(32, { each: true })
  optionCodes?: string[] | null;

  @Field(() => String, { nullable: true, description: 'TEXT' })
  @IsOptional()
  @PlainText({ max: 5000 })
  text?: string | null;
}

@InputType({ description: 'Answers the customer gave by phone, entered by staff (marked PHONE, with who entered them)' })
export class EnterPhoneSurveyResponseInput {
  @Field(() => ID)
  @IsEntityId()
  complaintId!: string;

  @Field(() => [SurveyAnswerInput])
  @ArrayMaxSize(MAX_QUESTIONS)
  @ValidateNested()
  answers!: SurveyAnswerInput[];
}

@ArgsType()
export class InvitationArgs {
  @Field({ description: "The company's portal slug (in the link's path)" })
  @MaxLength(60)
  slug!: string;

  @Field({ description: "The one-time token (in the link's fragment)" })
  @MaxLength(200)
  token!: string;
}

@ArgsType()
export class SurveyLocaleArgs extends InvitationArgs {
  @Field(() => String, { nullable: true, description: '"ru" or "en"; the company\'s language when absent' })
  @IsOptional()
  @IsIn(['ru', 'en'])
  locale?: string | null;
}

@ArgsType()
export class AnswerSurveyArgs extends InvitationArgs {
  @Field(() => [SurveyAnswerInput])
  @ArrayMaxSize(MAX_QUESTIONS)
  @ValidateNested()
  answers!: SurveyAnswerInput[];
}

@ArgsType()
export class SurveyIdArgs {
  @Field(() => ID)
  @IsEntityId()
  id!: string;
}

@ArgsType()
export class ComplaintSurveyArgs {
  @Field()
  @MaxLength(60)
  number!: string;

  @Field()
  @MaxLength(200)
  accessToken!: string;

  @Field(() => String, { nullable: true, description: '"ru" or "en"; the company\'s language when absent' })
  @IsOptional()
  @IsIn(['ru', 'en'])
  locale?: string | null;
}

@ArgsType()
export class AnswerComplaintSurveyArgs {
  @Field()
  @MaxLength(60)
  number!: string;

  @Field()
  @MaxLength(200)
  accessToken!: string;

  @Field(() => [SurveyAnswerInput])
  @ArrayMaxSize(MAX_QUESTIONS)
  @ValidateNested()
  answers!: SurveyAnswerInput[];
}

@InputType({ description: "A survey's schedule: whom it goes to, how often and to how many (docs/surveys.md#schedules)" })
export class SaveSurveyScheduleInput {
  @Field(() => ID)
  @IsEntityId()
  surveyId!: string;

  @Field({ defaultValue: true, description: 'False pauses it' })
  active!: boolean;

  @Field(() => ScheduleCadence)
  cadence!: ScheduleCadence;

  @Field(() => Int, { nullable: true, description: 'WEEKLY only: 1 Monday … 7 Sunday' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7)
  weekday?: number | null;

  @Field({ description: '"HH:MM" in the company\'s time zone' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'time must be HH:MM' })
  time!: string;

  @Field(() => Int, { description: '1-365' })
  @IsInt()
  @Min(1)
  @Max(365)
  closedWithinDays!: number;

  @Field(() => [ID], { defaultValue: [] })
  @ArrayMaxSize(100)
  @IsEntityId({ each: true })
  departmentIds!: string[];

  @Field(() => [ID], { defaultValue: [] })
  @ArrayMaxSize(100)
  @IsEntityId({ each: true })
  categoryIds!: string[];

  @Field(() => Int, { defaultValue: 100, description: SHARE_PERCENT })
  @IsInt()
  @Min(1)
  @Max(100)
  sharePercent!: number;

  @Field(() => Int, { defaultValue: 30, description: '0-365; 0 for none' })
  @IsInt()
  @Min(0)
  @Max(365)
  cooldownDays!: number;
}

@InputType({ description: 'Opens the follow-up of a survey response: a correction on its complaint (docs/surveys.md#follow-up)' })
export class OpenSurveyFollowUpInput {
  @Field(() => ID)
  @IsEntityId()
  responseId!: string;

  @Field({ description: 'What is to be done, e.g. "Call the customer back about their answers"' })
  @PlainText({ max: 2000 })
  description!: string;
}
