import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { MAX_CUSTOMER_FILES_PER_COMPLAINT } from '../attachment/file-types.js';
import { ActorKind, ComplaintKind, Demand, Remedy, Stage } from './complaint.enums.js';
import { IdempotencyKey, IsEntityId } from '../../graphql/validation.js';
import { ComplaintFactsInput } from './dto/complaint-facts.input.js';
import { TenantBranding } from '../tenant/branding.js';

@ObjectType({ simpleResolvers: true, description: 'A file the customer may see: one of theirs, or one attached to a public reply' })
export class PortalAttachment {
  /** For the download link; not a field. */
  tenantId!: string;

  @Field(() => ID)
  id!: string;

  @Field()
  fileName!: string;

  @Field({ description: 'Sniffed from the bytes, e.g. image/jpeg, application/pdf, video/mp4' })
  contentType!: string;

  @Field(() => Int, { description: 'Bytes' })
  size!: number;

  @Field(() => ActorKind, { description: "CUSTOMER for the customer's own files, STAFF for the company's" })
  author!: ActorKind;

  @Field()
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A reply the customer can see: theirs, or a public one from staff' })
export class PortalMessage {
  @Field(() => ID)
  id!: string;

  @Field()
  body!: string;

  @Field(() => ActorKind, { description: "CUSTOMER for the customer's own replies, STAFF for the company's" })
  author!: ActorKind;

  @Field()
  createdAt!: Date;

  @Field(() => [PortalAttachment])
  attachments!: PortalAttachment[];
}

/** What the check found, in the customer's terms (the staff's validity, without its internal wording). */
export enum DecisionFinding {
  /** The product does not meet its documents (validity OBJECTIVE). */
  DEFECT_CONFIRMED = 'DEFECT_CONFIRMED',
  /** The product meets its documents, but not what the customer expected (validity SUBJECTIVE). */
  EXPECTATIONS_NOT_MET = 'EXPECTATIONS_NOT_MET',
}
registerEnumType(DecisionFinding, { name: 'DecisionFinding', description: "What the company's check found" });

@ObjectType({
  simpleResolvers: true,
  description:
    "The company's decision as the customer is told it. Staff's own words (the root cause, the decision note, " +
    'the descriptions of corrective actions) and who decided stay with the company',
})
export class PortalDecision {
  @Field(() => Remedy, { description: 'What the company did: replaced, refunded, repaired, reduced the price, compensated, or explained' })
  remedy!: Remedy;

  @Field(() => Float, { nullable: true, description: 'The sum refunded, the price reduction or the compensation; null for other remedies' })
  amount!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "ISO 4217 code of the amount (the company's currency); null when the company has not set one",
  })
  currency!: string | null;

  @Field(() => DecisionFinding, { nullable: true })
  finding!: DecisionFinding | null;

  @Field(() => Int, { description: 'How many corrective measures the company carried out so that it does not happen again' })
  measuresTaken!: number;
}

@ObjectType({ simpleResolvers: true, description: 'What a customer may know of their complaint' })
export class PortalComplaint {
  @Field()
  number!: string;

  @Field({
    description:
      "The slug of the company it was filed with: a portal opened under another company's address sends the customer to this one",
  })
  companySlug!: string;

  @Field(() => ComplaintKind)
  kind!: ComplaintKind;

  @Field(() => Demand, { nullable: true, description: 'What the customer asked for' })
  demand!: Demand | null;

  @Field()
  subject!: string;

  @Field(() => Stage)
  stage!: Stage;

  @Field({ description: "The stage in plain words, in the company's language" })
  stageLabel!: string;

  @Field()
  submittedAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "When the company has to have answered: the legal deadline, the midnight (in the company's zone) that ends its last day",
  })
  expectedBy!: Date | null;

  @Field(() => [PortalMessage])
  messages!: PortalMessage[];

  @Field(() => Int, { nullable: true })
  satisfaction!: number | null;

  @Field(() => String, { nullable: true })
  satisfactionComment!: string | null;

  @Field(() => PortalDecision, {
    nullable: true,
    description:
      'The decision and the measures taken, once the customer is told them (IMPLEMENTATION: decided, being carried out; FEEDBACK and CLOSED: carried out)',
  })
  decision!: PortalDecision | null;

  @Field({ description: 'True while the customer can rate the outcome' })
  canRate!: boolean;

  @Field({ description: "True while the company waits for the customer's answer to a question" })
  awaitingReply!: boolean;

  @Field(() => [PortalAttachment], { description: 'Every file the customer may see, oldest first (also listed on their messages)' })
  attachments!: PortalAttachment[];
}

/** Who the company is, and its branding fields (the type staff read as Tenant.branding). */
@ObjectType({ simpleResolvers: true, description: 'What the public portal shows of a company' })
export class PortalTenant extends TenantBranding {
  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field({ description: "The portal's default language: ru or en" })
  locale!: string;

  @Field({ description: "The company's time zone (IANA): the portal shows dates and times on its clock" })
  timeZone!: string;
}

@ObjectType({ simpleResolvers: true })
export class SubmittedComplaint {
  @Field()
  number!: string;

  @Field({ description: 'Keep it: with the number it opens the complaint; it is shown only once' })
  accessToken!: string;

  @Field(() => PortalComplaint)
  complaint!: PortalComplaint;
}

@InputType()
export class SubmitComplaintInput extends ComplaintFactsInput {
  @Field(() => [ID], {
    nullable: true,
    description: `Files uploaded to /portal/uploads for this submission; at most ${MAX_CUSTOMER_FILES_PER_COMPLAINT}`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_CUSTOMER_FILES_PER_COMPLAINT, { message: `attachmentIds: at most ${MAX_CUSTOMER_FILES_PER_COMPLAINT} files` })
  @IsEntityId({ each: true })
  attachmentIds?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Leave empty. The form hides this field from people; a value marks the submission as automated and refuses it',
  })
  @IsOptional()
  @MaxLength(500)
  website?: string | null;

  @Field(() => String, { nullable: true, description: 'The same key twice returns the first submission' })
  @IsOptional()
  @IdempotencyKey()
  idempotencyKey?: string | null;
}

export const STAGE_LABELS: Record<'ru' | 'en', Record<Stage, string>> = {
  en: {
    RECEIVED: 'Received',
    REGISTERED: 'Registered',
    ANALYSIS: 'Under investigation',
    DECISION: 'Decision being made',
    IMPLEMENTATION: 'Being carried out',
    FEEDBACK: 'Awaiting your feedback',
    CLOSED: 'Closed',
    REJECTED: 'Declined',
  },
  ru: {
    RECEIVED: 'Получена',
    REGISTERED: 'Зарегистрирована',
    ANALYSIS: 'Проводится проверка',
    DECISION: 'Принимается решение',
    IMPLEMENTATION: 'Решение исполняется',
    FEEDBACK: 'Ждём вашей оценки',
    CLOSED: 'Закрыта',
    REJECTED: 'Отклонена',
  },
};
