import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { LocalDate } from '../../graphql/scalars.js';

@ObjectType({ simpleResolvers: true, description: 'A corrective or preventive action (CAPA) taken because of a complaint' })
@Entity('corrective_actions')
export class CorrectiveAction {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  complaintId!: string;

  @Field()
  @Column('text')
  description!: string;

  @Column('uuid')
  ownerDepartmentId!: string;

  @Field(() => LocalDate)
  @Column('date')
  dueDate!: string;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  doneAt!: Date | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}
