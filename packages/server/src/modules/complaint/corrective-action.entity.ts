import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { LocalDate } from '../../graphql/scalars.js';
import { CorrectiveActionKind, CorrectiveActionStatus, Effectiveness } from './corrective-action.enums.js';

@ObjectType({ simpleResolvers: true, description: 'The check, after completion, of whether an action worked' })
export class EffectivenessCheck {
  @Field(() => Effectiveness)
  result!: Effectiveness;

  @Field()
  checkedAt!: Date;

  checkedByUserId!: string;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A correction, corrective or preventive action (CAPA) taken because of a complaint' })
@Entity('corrective_actions')
export class CorrectiveAction {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  complaintId!: string;

  @Field(() => CorrectiveActionKind)
  @Column('text')
  kind!: CorrectiveActionKind;

  @Field()
  @Column('text')
  description!: string;

  @Column('uuid')
  ownerDepartmentId!: string;

  /** The person answerable for it, a member of the owner department (optional). */
  @Column('uuid', { nullable: true })
  ownerUserId!: string | null;

  @Field(() => LocalDate)
  @Column('date')
  dueDate!: string;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  doneAt!: Date | null;

  @Column('uuid', { nullable: true })
  doneByUserId!: string | null;

  @Column('text', { nullable: true })
  effectiveness!: Effectiveness | null;

  @Column('timestamptz', { nullable: true })
  effectivenessCheckedAt!: Date | null;

  @Column('uuid', { nullable: true })
  effectivenessCheckedByUserId!: string | null;

  @Column('text', { nullable: true })
  effectivenessNote!: string | null;

  /** The action found not effective that this one follows up. */
  @Field(() => ID, { nullable: true, description: 'The action found not effective that this one follows up' })
  @Column('uuid', { nullable: true })
  followUpOfId!: string | null;

  /** The survey response this action follows up (docs/surveys.md#follow-up); at most one action per response. */
  @Column('uuid', { nullable: true })
  surveyResponseId!: string | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}

export function statusOf(a: Pick<CorrectiveAction, 'doneAt' | 'effectiveness'>): CorrectiveActionStatus {
  if (a.effectiveness === Effectiveness.EFFECTIVE) return CorrectiveActionStatus.VERIFIED_EFFECTIVE;
  if (a.effectiveness === Effectiveness.NOT_EFFECTIVE) return CorrectiveActionStatus.NOT_EFFECTIVE;
  return a.doneAt ? CorrectiveActionStatus.DONE : CorrectiveActionStatus.OPEN;
}
