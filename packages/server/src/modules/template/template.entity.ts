import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description: 'A canned reply with placeholders such as {{number}}, rendered for a complaint with renderResponseTemplate',
})
@Entity('response_templates')
export class ResponseTemplate {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field({ description: 'Unique in the company, regardless of case' })
  @Column('text')
  name!: string;

  @Field(() => String, { nullable: true, description: 'The language, ru or en; null: offered whatever the language' })
  @Column('text', { nullable: true })
  locale!: string | null;

  @Field({ description: 'Plain text with placeholders' })
  @Column('text')
  body!: string;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  @Field()
  @Column('timestamptz')
  updatedAt!: Date;
}
