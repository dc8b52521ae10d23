import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The kinds of question and their scales (docs/surveys.md). */
export enum QuestionType {
  /** Satisfaction, 1 (very dissatisfied) to 5 (very satisfied). */
  CSAT = 'CSAT',
  /** Would recommend, 0 to 10. */
  NPS = 'NPS',
  /** Customer effort, 1 (very hard) to 7 (very easy). */
  CES = 'CES',
  /** One coded option, or several when `multiple`. */
  CHOICE = 'CHOICE',
  TEXT = 'TEXT',
}
registerEnumType(QuestionType, {
  name: 'SurveyQuestionType',
  description: 'CSAT 1-5, NPS 0-10, CES 1-7, CHOICE of coded options, free TEXT',
});

/** The scale of each scored type: what an answer may be. */
export const SCALES: Partial<Record<QuestionType, { min: number; max: number }>> = {
  [QuestionType.CSAT]: { min: 1, max: 5 },
  [QuestionType.NPS]: { min: 0, max: 10 },
  [QuestionType.CES]: { min: 1, max: 7 },
};

/** What a question measures: figures compare across versions and surveys by it. */
export enum SurveyParameter {
  OVERALL = 'OVERALL',
  PRODUCT_QUALITY = 'PRODUCT_QUALITY',
  STAFF = 'STAFF',
  DELIVERY = 'DELIVERY',
  SUPPORT_LINE = 'SUPPORT_LINE',
  RESOLUTION_SPEED = 'RESOLUTION_SPEED',
  COMMUNICATION = 'COMMUNICATION',
}
registerEnumType(SurveyParameter, {
  name: 'SurveyParameter',
  description: 'What a question measures; results are compared by it across versions',
});

export enum ResponseChannel {
  /** On the complaint's portal page (tracking link). */
  PORTAL = 'PORTAL',
  /** Through the one-time link of the FEEDBACK mail. */
  MAIL_LINK = 'MAIL_LINK',
  /** Told to staff by phone, entered by them (who is recorded). */
  PHONE = 'PHONE',
}
registerEnumType(ResponseChannel, { name: 'SurveyResponseChannel', description: 'How the answers reached the company' });

@ObjectType({ simpleResolvers: true, description: 'A coded option of a CHOICE question' })
export class ChoiceOption {
  @Field({ description: 'Unique in the question; what figures count under' })
  code!: string;

  @Field()
  labelRu!: string;

  @Field()
  labelEn!: string;

  @Field(() => ID, { nullable: true, description: 'The cause of the cause tree this answer points to, if any' })
  causeId!: string | null;

  @Field({ description: 'Choosing it raises the detractor alert' })
  alerting!: boolean;
}

@ObjectType({ description: 'A questionnaire; its questions are in versions, the current one is what new invitations get' })
@Entity('surveys')
export class Survey {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field()
  @Column('text')
  nameRu!: string;

  @Field()
  @Column('text')
  nameEn!: string;

  @Field(() => Int, { description: 'The version new invitations get; 0 before any questions are published' })
  @Column('integer')
  currentVersion!: number;

  @Field({ description: 'Sent to the customer when a complaint reaches FEEDBACK (at most one survey of the company)' })
  @Column('boolean')
  afterResolution!: boolean;

  @Field(() => Int, { description: 'Days an invitation stays answerable' })
  @Column('integer')
  answerDays!: number;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  @Field()
  @Column('timestamptz')
  updatedAt!: Date;
}

@ObjectType({ description: "One published set of a survey's questions; answers keep the version they answered" })
@Entity('survey_versions')
export class SurveyVersion {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  surveyId!: string;

  @Field(() => Int)
  @Column('integer')
  number!: number;

  @Field()
  @Column('timestamptz')
  publishedAt!: Date;

  @Column('uuid', { nullable: true })
  publishedByUserId!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A question of one survey version' })
@Entity('survey_questions')
export class SurveyQuestion {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  versionId!: string;

  @Field(() => Int)
  @Column('integer')
  position!: number;

  @Field(() => QuestionType)
  @Column('text')
  type!: QuestionType;

  @Field(() => SurveyParameter)
  @Column('text')
  parameter!: SurveyParameter;

  @Field()
  @Column('text')
  textRu!: string;

  @Field()
  @Column('text')
  textEn!: string;

  @Field()
  @Column('boolean')
  required!: boolean;

  @Field({ description: 'CHOICE: several options may be chosen' })
  @Column('boolean')
  multiple!: boolean;

  @Field(() => [ChoiceOption])
  @Column('jsonb')
  options!: ChoiceOption[];
}

@Entity('survey_invitations')
export class SurveyInvitation {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  surveyId!: string;

  @Column('uuid')
  versionId!: string;

  @Column('uuid')
  complaintId!: string;

  @Column('bytea')
  tokenHash!: Buffer;

  @Column('timestamptz')
  expiresAt!: Date;

  @Column('timestamptz', { nullable: true })
  answeredAt!: Date | null;

  @Column('timestamptz')
  createdAt!: Date;
}

@ObjectType({ description: "A customer's answers to one survey version about one complaint" })
@Entity('survey_responses')
export class SurveyResponse {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  surveyId!: string;

  @Column('uuid')
  versionId!: string;

  @Column('uuid')
  complaintId!: string;

  @Column('uuid', { nullable: true })
  invitationId!: string | null;

  @Field(() => ResponseChannel)
  @Column('text')
  channel!: ResponseChannel;

  @Column('uuid', { nullable: true })
  enteredByUserId!: string | null;

  @Field({ description: 'NPS 6 or less, CSAT 2 or less, or an alerting option chosen' })
  @Column('boolean')
  detractor!: boolean;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'The answer to one question' })
@Entity('survey_answers')
export class SurveyAnswer {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  responseId!: string;

  @Field(() => ID)
  @Column('uuid')
  questionId!: string;

  @Field(() => QuestionType)
  @Column('text')
  type!: QuestionType;

  @Field(() => SurveyParameter)
  @Column('text')
  parameter!: SurveyParameter;

  @Field(() => Int, { nullable: true })
  @Column('integer', { nullable: true })
  score!: number | null;

  @Field(() => [String], { nullable: true })
  @Column('text', { array: true, nullable: true })
  optionCodes!: string[] | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  text!: string | null;
}
