import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { Priority, Stage } from '../complaint/complaint.enums.js';
import { SlaTarget } from './sla-clock.js';
import { SlaEventKind } from './sla.enums.js';

/** What an escalation did. */
export interface EscalationOutcome {
  notifiedUserIds?: string[];
  priorityRaisedTo?: Priority;
  reassignedToDepartmentId?: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A warning or a breach of one clock, and the escalation it set off (append-only history)',
})
@Entity('sla_breaches')
export class SlaBreach {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  complaintId!: string;

  @Field(() => SlaTarget)
  @Column('text')
  clock!: SlaTarget;

  @Field(() => Stage, { description: 'The stage the complaint was in' })
  @Column('text')
  stage!: Stage;

  @Field(() => SlaEventKind)
  @Column('text')
  kind!: SlaEventKind;

  @Field()
  @Column('timestamptz')
  dueAt!: Date;

  @Field({ description: 'When the server detected it' })
  @Column('timestamptz')
  firedAt!: Date;

  @Column('uuid', { nullable: true })
  departmentId!: string | null;

  @Column('jsonb')
  escalation!: EscalationOutcome;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  acknowledgedAt!: Date | null;

  @Column('uuid', { nullable: true })
  acknowledgedBy!: string | null;
}
