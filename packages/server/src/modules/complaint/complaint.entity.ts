import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Channel, ComplaintKind, Demand, Priority, Remedy, SlaState, Stage, Validity } from './complaint.enums.js';
import { LocalDate } from '../../graphql/scalars.js';

/**
 * A complaint or claim. Relations (department, assignee, customer, category,
 * timeline, messages) are resolved by ComplaintResolver through per-request loaders.
 */
@ObjectType({ simpleResolvers: true })
@Entity('complaints')
export class Complaint {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field({ description: 'Per-tenant sequential number, e.g. ACME-2026-000042' })
  @Column('text')
  number!: string;

  @Field(() => ComplaintKind)
  @Column('text')
  kind!: ComplaintKind;

  @Field(() => Channel)
  @Column('text')
  channel!: Channel;

  @Field(() => Stage)
  @Column('text')
  stage!: Stage;

  @Field(() => Priority)
  @Column('text')
  priority!: Priority;

  @Field(() => Demand, { nullable: true })
  @Column('text', { nullable: true })
  demand!: Demand | null;

  @Field()
  @Column('text')
  subject!: string;

  @Field()
  @Column('text')
  description!: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  product!: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  orderRef!: string | null;

  @Field(() => LocalDate, { nullable: true })
  @Column('date', { nullable: true })
  purchaseDate!: string | null;

  @Field(() => Float, { nullable: true, description: 'The price paid; the legal penalty is a percentage of it' })
  @Column('numeric', {
    precision: 14,
    scale: 2,
    nullable: true,
    transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) },
  })
  productPrice!: number | null;

  @Column('uuid', { nullable: true })
  slaPolicyId!: string | null;

  @Field(() => Date, { nullable: true, description: 'The first public reply by staff (stops the first-response clock)' })
  @Column('timestamptz', { nullable: true })
  firstRespondedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Set while the complaint waits for the customer: the SLA clocks are paused' })
  @Column('timestamptz', { nullable: true })
  awaitingCustomerSince!: Date | null;

  @Column('uuid')
  customerId!: string;

  /** The customer's name, e-mail and phone as this complaint gave them (the customer's record is not changed by them). */
  @Column('text')
  customerName!: string;

  @Column('text', { nullable: true })
  customerEmail!: string | null;

  @Column('text', { nullable: true })
  customerPhone!: string | null;

  @Column('uuid', { nullable: true })
  categoryId!: string | null;

  @Column('uuid', { nullable: true })
  departmentId!: string | null;

  @Column('uuid', { nullable: true })
  assigneeId!: string | null;

  @Field(() => Validity, { nullable: true })
  @Column('text', { nullable: true })
  validity!: Validity | null;

  @Field(() => String, { nullable: true, description: 'The explanation of the cause, in words' })
  @Column('text', { nullable: true })
  rootCause!: string | null;

  /** The coded cause (set on the way to DECISION); `Complaint.cause`. */
  @Field(() => ID, { nullable: true })
  @Column('uuid', { nullable: true })
  causeId!: string | null;

  @Field(() => Remedy, { nullable: true })
  @Column('text', { nullable: true })
  remedy!: Remedy | null;

  @Field(() => Float, { nullable: true })
  @Column('numeric', {
    precision: 14,
    scale: 2,
    nullable: true,
    transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) },
  })
  remedyAmount!: number | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  decisionNote!: string | null;

  @Field(() => String, { nullable: true, description: 'The explanation of a rejection, in words' })
  @Column('text', { nullable: true })
  rejectionReason!: string | null;

  /** The coded rejection reason (set on the way to REJECTED); `Complaint.codedRejectionReason`. */
  @Field(() => ID, { nullable: true })
  @Column('uuid', { nullable: true })
  rejectionReasonId!: string | null;

  @Field(() => Int, { nullable: true, description: 'Customer satisfaction, 1 to 5' })
  @Column('smallint', { nullable: true })
  satisfaction!: number | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  satisfactionComment!: string | null;

  @Column('text', { nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the normalised submission that came with the key: a different one under the same key is a CONFLICT. */
  @Column('bytea', { nullable: true })
  idempotencyHash!: Buffer | null;

  @Column('bytea', { nullable: true })
  accessTokenHash!: Buffer | null;

  @Field(() => Date, {
    nullable: true,
    description: 'The soonest deadline of the operational SLA clocks (first response, resolution, current stage); null while paused',
  })
  @Column('timestamptz', { nullable: true })
  slaDueAt!: Date | null;

  @Field(() => SlaState)
  @Column('text')
  slaState!: SlaState;

  @Field(() => Date, { nullable: true, description: 'Deadline set by consumer law for the demand; never paused' })
  @Column('timestamptz', { nullable: true })
  legalDueAt!: Date | null;

  @Field(() => Int, { description: 'Increases with every change; pass it back as expectedVersion' })
  @Column('int')
  version!: number;

  @Field({ description: 'When the customer presented the complaint' })
  @Column('timestamptz')
  receivedAt!: Date;

  @Field()
  @Column('timestamptz')
  stageEnteredAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  closedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the customer wrote by mail after the complaint was closed or rejected (within the company's mailAfterClosingDays); set until the staff clear it",
  })
  @Column('timestamptz', { nullable: true })
  mailAfterClosingAt!: Date | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  @Field()
  @Column('timestamptz')
  updatedAt!: Date;
}
