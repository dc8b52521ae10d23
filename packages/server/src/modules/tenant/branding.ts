import { Field, InputType, ObjectType } from 'type-graphql';
import { IsOptional, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PlainText } from '../../graphql/validation.js';

/** How the company's public portal looks (stored in tenants.branding). */
export interface Branding {
  logoUrl?: string | null;
  primaryColor?: string | null;
  accentColor?: string | null;
  intro?: string | null;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;
/**
 * An https: address or a small inline raster or SVG image. The portal shows
 * it in an <img>, where an SVG runs no script; `javascript:` and other
 * schemes never pass.
 */
const LOGO = /^(?:https:\/\/[^\s"'<>]+|data:image\/(?:png|jpeg|webp|gif|svg\+xml);base64,[A-Za-z0-9+/]+={0,2})$/;

@ObjectType({ simpleResolvers: true, description: "How the company's public portal looks" })
export class TenantBranding implements Branding {
  @Field(() => String, { nullable: true, description: 'An https: or data:image URL' })
  logoUrl!: string | null;

  @Field(() => String, { nullable: true, description: '#rrggbb: header and buttons' })
  primaryColor!: string | null;

  @Field(() => String, { nullable: true, description: '#rrggbb: highlights' })
  accentColor!: string | null;

  @Field(() => String, { nullable: true, description: "A short text shown above the portal's form" })
  intro!: string | null;
}

@InputType({ description: 'Each field given replaces the stored one; an empty string clears it' })
export class BrandingInput implements Branding {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(150_000, { message: 'logoUrl must be at most about 100 KB' })
  @Matches(new RegExp(`${LOGO.source}|^$`), { message: 'logoUrl must be an https: address or a data:image/...;base64 URL' })
  logoUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(new RegExp(`${COLOR.source}|^$`), { message: 'primaryColor must look like #1f6feb' })
  primaryColor?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(new RegExp(`${COLOR.source}|^$`), { message: 'accentColor must look like #1f6feb' })
  accentColor?: string | null;

  @Field(() => String, { nullable: true })
  @ValidateIf((o: BrandingInput) => o.intro != null && o.intro !== '')
  @PlainText({ max: 500 })
  intro?: string | null;
}

/** The stored branding with `changes` applied: given fields replace, empty strings clear. */
export function applyBranding(stored: Branding, changes: Branding): Branding {
  const next: Branding = { ...stored };
  for (const key of ['logoUrl', 'primaryColor', 'accentColor', 'intro'] as const) {
    const value = changes[key];
    if (value === undefined || value === null) continue;
    if (value.trim() === '') delete next[key];
    else next[key] = key.endsWith('Color') ? value.toLowerCase() : value.trim();
  }
  return next;
}

/** All four fields, null where unset (as GraphQL returns them). */
export function brandingView(stored: Branding | null | undefined): TenantBranding {
  return {
    logoUrl: stored?.logoUrl ?? null,
    primaryColor: stored?.primaryColor ?? null,
    accentColor: stored?.accentColor ?? null,
    intro: stored?.intro ?? null,
  };
}
