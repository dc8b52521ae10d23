import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Demand } from '../complaint/complaint.enums.js';

@ObjectType({ simpleResolvers: true, description: "The legal deadline for a customer's demand and the penalty for each day late" })
@Entity('legal_presets')
export class LegalPreset {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => Demand)
  @PrimaryColumn('text')
  demand!: Demand;

  @Field(() => Int, { nullable: true, description: 'Calendar days from the day the demand was presented; null: no legal deadline' })
  @Column('int', { nullable: true })
  days!: number | null;

  @Field(() => Float, { description: 'Percent of the price per day late (art. 23: 1)' })
  @Column('numeric', { precision: 6, scale: 3, transformer: { to: (v) => v, from: (v) => Number(v) } })
  penaltyPercentPerDay!: number;
}
