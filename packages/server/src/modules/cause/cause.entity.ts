import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** The six cause-and-effect (Ishikawa) groups: the fixed top level of every company's cause tree. */
export enum CauseGroup {
  PEOPLE = 'PEOPLE',
  EQUIPMENT = 'EQUIPMENT',
  METHOD = 'METHOD',
  MATERIAL = 'MATERIAL',
  MEASUREMENT = 'MEASUREMENT',
  ENVIRONMENT = 'ENVIRONMENT',
}
export const CAUSE_GROUPS: readonly CauseGroup[] = Object.values(CauseGroup);

registerEnumType(CauseGroup, {
  name: 'CauseGroup',
  description:
    'Cause-and-effect groups: people, equipment, method, material, measurement, environment (человек, оборудование, метод, материал, измерение, среда)',
});

/** Fields shared by the coded lists: a code unique in the company, names in both languages, archiving. */
@ObjectType()
export abstract class CodedEntry {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field({ description: 'Unique in the company; upper-case letters, digits, "_" and "-"' })
  @Column('text')
  code!: string;

  @Field()
  @Column('text')
  nameRu!: string;

  @Field()
  @Column('text')
  nameEn!: string;

  @Field(() => Date, { nullable: true, description: 'Archived entries stay on old complaints but are offered for no new one' })
  @Column('timestamptz', { nullable: true })
  archivedAt!: Date | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A coded cause: the second level of the cause tree, under one of the six groups' })
@Entity('causes')
export class Cause extends CodedEntry {
  @Field(() => CauseGroup)
  @Column('text', { name: 'cause_group' })
  group!: CauseGroup;
}

@ObjectType({ simpleResolvers: true, description: 'A coded reason for declining a complaint (REJECTED)' })
@Entity('rejection_reasons')
export class RejectionReason extends CodedEntry {}
