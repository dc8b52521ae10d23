import { randomUUID } from 'node:crypto';
import { Action } from '../../auth/permissions.js';
import { Allow, PUBLIC, STAFF } from '../../auth/allow.js';
import { Arg, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { BrandingInput, TenantBranding, brandingView } from './branding.js';
import { IsEmail, IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { GraphQLContext } from '../../graphql/context.js';
import { AppError, notFound, taken } from '../../graphql/errors.js';
import { PlainText } from '../../graphql/validation.js';
import { Tenant } from './tenant.entity.js';
import { deletionIfUnconfirmed } from './tenant.purge.js';
import { User } from '../user/user.entity.js';
import { checkCredentials, checkSignUp, createTenant, updateTenant, type Session } from './tenant.service.js';

const COUNTRY = /^[A-Za-z]{2}$/;

@InputType()
export class SignUpTenantInput {
  @Field({ description: 'Lower-case letters, digits and hyphens, 1 to 40; it also prefixes complaint numbers' })
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, { message: 'slug must be 1 to 40 lower-case letters, digits or inner hyphens' })
  slug!: string;

  @Field()
  @PlainText({ max: 200, singleLine: true })
  name!: string;

  @Field()
  @MaxLength(254)
  @IsEmail({}, { message: 'adminEmail is not a valid e-mail address' })
  adminEmail!: string;

  @Field()
  @MaxLength(200, { message: 'adminPassword must be at most 200 characters' })
  adminPassword!: string;

  @Field()
  @PlainText({ max: 200, singleLine: true })
  adminName!: string;

  @Field(() => String, { nullable: true, description: 'ru (default) or en' })
  @IsOptional()
  @IsIn(['ru', 'en'], { message: 'locale must be ru or en' })
  locale?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone; Europe/Moscow by default' })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "ISO 4217 currency code of the company's amounts, e.g. RUB, EUR; RUB by default for ru, unset otherwise",
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as RUB or EUR' })
  currency?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'ISO 3166-1 alpha-2 country (RU, GB, ...). By default the country of the time zone given, else RU for ru and GB for en',
  })
  @IsOptional()
  @Matches(COUNTRY, { message: 'country must be a two-letter ISO 3166-1 code' })
  country?: string | null;
}

@InputType()
export class LoginInput {
  @Field()
  @MaxLength(40)
  tenantSlug!: string;

  @Field()
  @MaxLength(254)
  email!: string;

  @Field()
  @MaxLength(200)
  password!: string;
}

@ObjectType({ simpleResolvers: true })
export class AuthPayload {
  @Field({ description: 'Send as Authorization: Bearer <token>; it expires' })
  token!: string;

  @Field(() => User)
  user!: User;

  @Field(() => Tenant)
  tenant!: Tenant;
}

@InputType()
export class UpdateTenantInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 200, singleLine: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'ru or en' })
  @IsOptional()
  @IsIn(['ru', 'en'], { message: 'locale must be ru or en' })
  locale?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone' })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 4217 currency code of the company's amounts, e.g. RUB, EUR" })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as RUB or EUR' })
  currency?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country; calendars and legal presets stay as they are' })
  @IsOptional()
  @Matches(COUNTRY, { message: 'country must be a two-letter ISO 3166-1 code' })
  country?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Days after closing within which a reply by mail is attached to the complaint and flagged, 0 to 365',
  })
  @IsOptional()
  @IsInt({ message: 'mailAfterClosingDays must be a whole number' })
  @Min(0)
  @Max(365)
  mailAfterClosingDays?: number | null;

  @Field(() => BrandingInput, { nullable: true, description: "The public portal's look" })
  @IsOptional()
  @ValidateNested()
  branding?: BrandingInput | null;
}

@Resolver(() => Tenant)
export class TenantResolver {
  @FieldResolver(() => TenantBranding, { description: "The public portal's look" })
  branding(@Root() t: Tenant): TenantBranding {
    return brandingView(t.branding);
  }

  /** Each client address may create a few companies an hour (SIGN_UPS_PER_HOUR_PER_ADDRESS). */
  @Allow(PUBLIC)
  @Mutation(() => AuthPayload, { description: 'A company signs up; its first user is an admin' })
  async signUpTenant(@Arg('input') input: SignUpTenantInput, @Ctx() gql: GraphQLContext): Promise<AuthPayload> {
    const signUp = checkSignUp(input);
    if (await gql.slugInUse(signUp.slug)) throw taken('slug', 'this slug is taken');
    await gql.deps.signUps.take(gql.clientAddress);
    return withToken(gql, await createTenant(await gql.forTenant(randomUUID()), signUp, gql.deps.accounts));
  }

  /**
   * Same answer, about the same time and the same throttling for an unknown
   * company, an unknown user and a wrong password. Tries are throttled per
   * account (slug and e-mail) and per address before any password is hashed;
   * the hashing slot is taken before the look-ups, so a request waiting for
   * one holds no pooled connection.
   */
  @Allow(PUBLIC)
  @Mutation(() => AuthPayload)
  async login(@Arg('input') { tenantSlug, email, password }: LoginInput, @Ctx() gql: GraphQLContext): Promise<AuthPayload> {
    const account = `${tenantSlug.trim().toLowerCase()}:${email.trim().toLowerCase()}`;
    await gql.limitAnonymous();
    const session = await gql.deps.logins.attempt(gql.clientAddress, account, () =>
      gql.withHashingSlot(async () => checkCredentials(await gql.forSlug(tenantSlug), email, password, gql.deps.passwords)),
    );
    if (!session) throw new AppError('UNAUTHENTICATED', 'wrong tenant, e-mail or password');
    return withToken(gql, session);
  }

  @Allow(STAFF)
  @Query(() => User, { description: 'The signed-in staff member' })
  async me(@Ctx() gql: GraphQLContext): Promise<User> {
    const ctx = await gql.staff();
    const user = await ctx.loaders.user.load(ctx.staff.userId);
    if (!user) throw notFound('user');
    return user;
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => Tenant, { description: 'Company settings (ADMIN)' })
  async updateTenant(@Arg('input') input: UpdateTenantInput, @Ctx() gql: GraphQLContext): Promise<Tenant> {
    return updateTenant(await gql.staff(), input);
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether the first admin confirmed their address; until then the company cannot invite staff nor receive mail',
  })
  addressConfirmed(@Root() t: Tenant): boolean {
    return t.addressConfirmedAt !== null && t.addressConfirmedAt !== undefined;
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'When the company is deleted, with everything it holds, if its first admin has not confirmed the address by then ' +
      '(UNCONFIRMED_COMPANY_DAYS after signing up); null once confirmed, or where this service keeps unconfirmed companies',
  })
  deletionIfUnconfirmedAt(@Root() t: Tenant, @Ctx() gql: GraphQLContext): Date | null {
    return t.addressConfirmedAt ? null : deletionIfUnconfirmed(t.createdAt, gql.deps.accounts.unconfirmedCompanyDays);
  }

  @Allow(STAFF)
  @Query(() => Tenant, { description: "The signed-in staff member's company" })
  async tenant(@Ctx() gql: GraphQLContext): Promise<Tenant> {
    const ctx = await gql.staff();
    const [tenant] = await ctx.manager.find(Tenant, { where: { id: ctx.tenantId } });
    if (!tenant) throw notFound('tenant');
    return tenant;
  }
}

export async function withToken(gql: GraphQLContext, session: Session): Promise<AuthPayload> {
  return {
    ...session,
    token: await gql.deps.tokens.sign({
      userId: session.user.id,
      tenantId: session.tenant.id,
      credentialsVersion: session.user.credentialsVersion,
    }),
  };
}
