import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'A classification of complaints (e.g. "Packaging", "Delivery")' })
@Entity('categories')
export class Category {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field()
  @Column('text')
  name!: string;

  @Field({ description: 'Inactive categories stay on old complaints but are not offered for new ones' })
  @Column('boolean')
  active!: boolean;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}
