import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Branding } from './branding.js';

@ObjectType({ simpleResolvers: true, description: 'A company using Reclaim' })
@Entity('tenants')
export class Tenant {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field({ description: 'Public, URL-safe name, e.g. "acme"' })
  @Column('text')
  slug!: string;

  @Field({ description: 'Prefix of complaint numbers, e.g. "ACME" in ACME-2026-000042' })
  @Column('text')
  numberPrefix!: string;

  @Field()
  @Column('text')
  name!: string;

  @Field()
  @Column('text')
  locale!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country, e.g. RU or GB: its public holidays, and for RU the consumer-law deadlines' })
  @Column('text')
  country!: string;

  @Field({ description: 'IANA time zone, e.g. Europe/Moscow' })
  @Column('text')
  timeZone!: string;

  @Field(() => String, {
    nullable: true,
    description: 'ISO 4217 code of the currency amounts are in (remedy amounts, prices), e.g. RUB; null when not set',
  })
  @Column('text', { nullable: true })
  currency!: string | null;

  @Field(() => Int, {
    description:
      "Days after closing (or rejection) within which a customer's reply by mail is still attached to the complaint and flagged; later it becomes a new complaint linked as a REPEAT",
  })
  @Column('int')
  mailAfterClosingDays!: number;

  /** The portal's look (branding.ts); GraphQL's Tenant.branding resolves it with every field present. */
  @Column('jsonb')
  branding!: Branding;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;

  /** When the first admin confirmed their address (ADDRESS_CONFIRMATION); until then the company cannot invite staff nor receive mail. */
  @Column('timestamptz', { nullable: true })
  addressConfirmedAt!: Date | null;

  /** When the admin of a company still unconfirmed was reminded, a week before its deletion (sent once). */
  @Column('timestamptz', { nullable: true })
  deletionRemindedAt!: Date | null;
}
