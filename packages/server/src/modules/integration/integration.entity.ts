import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IntegrationScope } from '../../auth/scopes.js';

/** A company's service account: a system (a shop, a CRM) that calls the API with its own key. */
@ObjectType({ simpleResolvers: true, description: 'A service account with one API key; the key is shown once, when created' })
@Entity('integrations')
export class Integration {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field({ description: 'Shown on the timeline as the author of what the integration does' })
  @Column('text')
  name!: string;

  @Field(() => [IntegrationScope])
  @Column('text', { array: true })
  scopes!: IntegrationScope[];

  @Field(() => [ID], { description: 'The departments it is limited to; empty: all' })
  @Column('uuid', { array: true })
  departmentIds!: string[];

  @Field(() => [String], { description: 'Addresses or CIDR ranges the key may be used from; empty: any' })
  @Column('text', { array: true })
  ipAllowlist!: string[];

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  expiresAt!: Date | null;

  @Field({ description: "The key's public part (rk_<prefix>_…), to tell keys apart" })
  @Column('text')
  keyPrefix!: string;

  @Column('bytea')
  keyHash!: Buffer;

  @Column('uuid', { nullable: true })
  createdBy!: string | null;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set when revoked: the key is refused from the next request on' })
  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'The last request made with the key (updated at most once a minute)' })
  @Column('timestamptz', { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  lastUsedAddress!: string | null;
}
