import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Priority, Stage } from '../complaint/complaint.enums.js';
import type { EscalationRule } from './sla-clock.js';

@ObjectType({ simpleResolvers: true, description: 'Working time allowed in one stage' })
export class StageTarget {
  @Field(() => Stage)
  stage!: Stage;

  @Field(() => Int)
  seconds!: number;
}

/**
 * An SLA policy: the targets for complaints it matches (by priority and
 * category), counted in its business calendar, and what a breach sets off.
 */
@Entity('sla_policies')
export class SlaPolicy {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('int')
  position!: number;

  @Column('boolean')
  isDefault!: boolean;

  @Column('text', { array: true })
  priorities!: Priority[];

  @Column('uuid', { array: true })
  categoryIds!: string[];

  @Column('uuid')
  calendarId!: string;

  @Column('int')
  warnPercent!: number;

  @Column('int', { nullable: true })
  firstResponseSeconds!: number | null;

  @Column('int', { nullable: true })
  resolutionSeconds!: number | null;

  @Column('jsonb')
  stageSeconds!: Partial<Record<Stage, number>>;

  @Column('jsonb')
  escalation!: EscalationRule;

  @Column('timestamptz')
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'What a breach sets off' })
export class EscalationRuleView {
  @Field()
  notifyHead!: boolean;

  @Field()
  raisePriority!: boolean;

  @Field(() => ID, { nullable: true })
  reassignToDepartmentId!: string | null;
}

/** The GraphQL shape of a policy (the entity's JSON columns unfolded). */
@ObjectType({
  simpleResolvers: true,
  description: 'Targets for the complaints it matches; policies are tried in order, first match wins, the default last',
})
export class SlaPolicyView {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int, { description: '1 is tried first' })
  position!: number;

  @Field({ description: 'Matches anything; tried last; cannot be deleted' })
  isDefault!: boolean;

  @Field(() => [Priority], { description: 'Empty: any priority' })
  priorities!: Priority[];

  @Field(() => [ID], { description: 'Empty: any category' })
  categoryIds!: string[];

  @Field(() => ID)
  calendarId!: string;

  @Field(() => Int, { description: 'Percent of a target after which the clock is AT_RISK' })
  warnPercent!: number;

  @Field(() => Int, { nullable: true, description: 'Working seconds from receipt to the first public reply' })
  firstResponseSeconds!: number | null;

  @Field(() => Int, { nullable: true, description: 'Working seconds from receipt to CLOSED or REJECTED' })
  resolutionSeconds!: number | null;

  @Field(() => [StageTarget])
  stageTargets!: StageTarget[];

  @Field(() => EscalationRuleView)
  escalation!: EscalationRuleView;
}

export function policyView(p: SlaPolicy): SlaPolicyView {
  return {
    id: p.id,
    name: p.name,
    position: p.position,
    isDefault: p.isDefault,
    priorities: p.priorities,
    categoryIds: p.categoryIds,
    calendarId: p.calendarId,
    warnPercent: p.warnPercent,
    firstResponseSeconds: p.firstResponseSeconds,
    resolutionSeconds: p.resolutionSeconds,
    stageTargets: Object.values(Stage)
      .filter((s) => p.stageSeconds[s])
      .map((stage) => ({ stage, seconds: p.stageSeconds[stage]! })),
    escalation: {
      notifyHead: Boolean(p.escalation.notifyHead),
      raisePriority: Boolean(p.escalation.raisePriority),
      reassignToDepartmentId: p.escalation.reassignToDepartmentId ?? null,
    },
  };
}
