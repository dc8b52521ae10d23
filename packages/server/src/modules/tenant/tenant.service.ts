import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound } from '../../graphql/errors.js';
import type { PasswordHashing } from '../../auth/password.js';
import { checkPassword } from '../../auth/password-policy.js';
import { Role } from '../../auth/roles.js';
import { Tenant } from './tenant.entity.js';
import { applyBranding, type Branding } from './branding.js';
import { User } from '../user/user.entity.js';
import { RESERVED_SLUGS } from './reserved-slugs.js';
import { defaultCountry, isCountryCode } from '../sla/public-holidays.js';
import { installSlaDefaults, recomputeOpen } from '../sla/sla-settings.service.js';
import { loadSlaSettings } from '../sla/sla.service.js';
import { sendAddressConfirmation, type AccountSettings } from '../account/account.service.js';

export interface SignUp {
  slug: string;
  name: string;
  adminEmail: string;
  adminPassword: string;
  adminName: string;
  locale?: string | null;
  timeZone?: string | null;
  currency?: string | null;
  country?: string | null;
}

export interface Session {
  tenant: Tenant;
  user: User;
}

/** A sign-up whose own fields passed their checks: the slug, time zone and country as they will be stored. */
export interface CheckedSignUp extends SignUp {
  slug: string;
  timeZone: string;
  country: string;
}

/** Checks a sign-up's own fields (BAD_USER_INPUT), before any look-up is made or quota spent. */
export function checkSignUp(input: SignUp): CheckedSignUp {
  const slug = input.slug.trim().toLowerCase();
  const timeZone = input.timeZone ?? 'Europe/Moscow';
  if (!isTimeZone(timeZone)) throw unknownTimeZone(timeZone);
  if (input.currency && !isCurrency(input.currency)) throw unknownCurrency(input.currency);
  if (RESERVED_SLUGS.has(slug))
    throw badInput('this slug is reserved', { reason: 'SLUG_RESERVED', fields: [{ field: 'slug', messages: ['is reserved'] }] });
  const country = input.country ? checkCountry(input.country) : defaultCountry(input.locale ?? 'ru', input.timeZone);
  checkPassword(input.adminPassword, input.adminEmail, 'adminPassword');
  return { ...input, slug, timeZone, country };
}

/** The country as stored (upper case), or BAD_USER_INPUT. */
function checkCountry(country: string): string {
  const code = country.trim().toUpperCase();
  if (!isCountryCode(code))
    throw badInput(`unknown country ${JSON.stringify(country).slice(0, 20)}`, {
      fields: [{ field: 'country', messages: ['is not an ISO 3166-1 country code'] }],
    });
  return code;
}

/**
 * Creates the company of `ctx` (a new id) and its first admin (roles ADMIN and HEAD), with default SLA settings,
 * and writes the mail that asks the admin to confirm their address (the company cannot invite nor receive mail before).
 */
export async function createTenant(ctx: RequestContext, input: CheckedSignUp, accounts: AccountSettings): Promise<Session> {
  const tenant = ctx.manager.create(Tenant, {
    id: ctx.tenantId,
    slug: input.slug,
    numberPrefix: input.slug.toUpperCase(),
    name: input.name.trim(),
    locale: input.locale ?? 'ru',
    timeZone: input.timeZone,
    country: input.country,
    branding: {},
    createdAt: new Date(),
    addressConfirmedAt: null,
    mailAfterClosingDays: 30,
    // A company working in Russian deals in roubles unless it says otherwise; for others there is no safe guess.
    currency: input.currency ?? ((input.locale ?? 'ru') === 'ru' ? 'RUB' : null),
  });
  await ctx.manager.insert(Tenant, tenant);
  // Business hours with the country's public holidays, three SLA policies and, in Russia, the consumer-law presets.
  await installSlaDefaults(ctx);
  // The coded causes under the six cause-and-effect groups, and the rejection reasons, in both languages.
  await ctx.query('SELECT install_cause_defaults()');
  const user = await insertUser(ctx, {
    email: input.adminEmail,
    name: input.adminName,
    password: input.adminPassword,
    roles: [Role.ADMIN, Role.HEAD],
  });
  await sendAddressConfirmation(ctx, user, accounts);
  return { tenant, user };
}

/** A new active user; without a password (null) an invited one, who sets it through their invitation's link. */
export async function insertUser(
  ctx: RequestContext,
  u: { email: string; name: string; password: string | null; roles: Role[] },
): Promise<User> {
  if (u.password !== null) checkPassword(u.password, u.email);
  const user = ctx.manager.create(User, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    email: u.email.trim().toLowerCase(),
    name: u.name.trim(),
    passwordHash: u.password === null ? null : await ctx.hashPassword(u.password),
    invitedAt: u.password === null ? new Date() : null,
    roles: [...new Set(u.roles)],
    active: true,
    credentialsVersion: 0,
    createdAt: new Date(),
  });
  await ctx.manager.insert(User, user);
  return user;
}

/**
 * The session of `email` in the company of `ctx` if `password` is theirs,
 * else null. An unknown company (`ctx` null), an unknown or deactivated
 * user and a wrong password take the same time: a password is checked in
 * each case (against a dummy hash of the node's cost when there is no user). An invited user
 * who has not set a password yet cannot sign in.
 */
export async function checkCredentials(
  ctx: RequestContext | null,
  email: string,
  password: string,
  passwords: Pick<PasswordHashing, 'verify'>,
): Promise<Session | null> {
  const user = ctx ? await ctx.manager.findOneBy(User, { email: email.trim().toLowerCase() }) : null;
  const matches = await passwords.verify(password, user?.passwordHash);
  if (!ctx || !user?.active || !user.passwordHash || !matches) return null;
  return { user, tenant: await ctx.manager.findOneByOrFail(Tenant, { id: ctx.tenantId }) };
}

const unknownTimeZone = (tz: string) =>
  badInput(`unknown time zone ${JSON.stringify(tz).slice(0, 60)}`, { fields: [{ field: 'timeZone', messages: ['unknown time zone'] }] });

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface TenantChanges {
  name?: string | null;
  locale?: string | null;
  timeZone?: string | null;
  country?: string | null;
  currency?: string | null;
  branding?: Branding | null;
  mailAfterClosingDays?: number | null;
}

export async function updateTenant(ctx: RequestContext, input: TenantChanges): Promise<Tenant> {
  if (input.timeZone && !isTimeZone(input.timeZone)) throw unknownTimeZone(input.timeZone);
  if (input.currency && !isCurrency(input.currency)) throw unknownCurrency(input.currency);
  const country = input.country ? checkCountry(input.country) : null;
  const tenant = await ctx.manager.findOne(Tenant, { where: { id: ctx.tenantId }, lock: { mode: 'pessimistic_write' } });
  if (!tenant) throw notFound('tenant');
  const changes: Partial<Tenant> = {};
  if (input.name) changes.name = input.name.trim();
  if (input.locale) changes.locale = input.locale;
  if (input.timeZone) changes.timeZone = input.timeZone;
  if (input.currency) changes.currency = input.currency;
  if (country) changes.country = country;
  if (input.mailAfterClosingDays !== null && input.mailAfterClosingDays !== undefined)
    changes.mailAfterClosingDays = input.mailAfterClosingDays;
  if (input.branding) changes.branding = applyBranding(tenant.branding ?? {}, input.branding);
  // Legal deadlines end at midnight in the company's zone, and in Russia move off days off: the open ones follow.
  const deadlinesMove = (changes.country ?? tenant.country) !== tenant.country || (changes.timeZone ?? tenant.timeZone) !== tenant.timeZone;
  const before = deadlinesMove ? await loadSlaSettings(ctx) : null;
  if (Object.keys(changes).length) await ctx.manager.update(Tenant, { id: tenant.id }, changes);
  if (before) await recomputeOpen(ctx, before);
  return { ...tenant, ...changes };
}

/** An ISO 4217 code that Intl can format (the portal shows amounts with it). */
function isCurrency(code: string): boolean {
  return Intl.supportedValuesOf('currency').includes(code);
}

const unknownCurrency = (code: string) =>
  badInput(`unknown currency ${JSON.stringify(code).slice(0, 20)}`, {
    fields: [{ field: 'currency', messages: ['is not an ISO 4217 currency code'] }],
  });
