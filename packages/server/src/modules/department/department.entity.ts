import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'A department; its queue is its complaints in open stages' })
@Entity('departments')
export class Department {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field()
  @Column('text')
  name!: string;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set while archived: offered for no new work; its complaints and history keep it' })
  @Column('timestamptz', { nullable: true })
  archivedAt!: Date | null;
}
