import { Matches, registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { Kind, visit, type DocumentNode } from 'graphql';
import { badInput } from './errors.js';
import { UUID_PATTERN } from '../ids.js';

/** Markup that a browser would treat as a tag, comment or entity-encoded tag. */
const MARKUP = /<\s*[a-z!/?]|&lt;\s*[a-z!/]|javascript:/i;

/**
 * Characters that are invisible or change how the text around them is shown:
 * controls (C0, C1, DEL), format characters (zero-width spaces and joiners,
 * bidi marks, embeddings, overrides and isolates, the byte order mark), and
 * line and paragraph separators. A reviewer cannot see them, and they
 * disguise names, links and file extensions.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** A zero-width joiner between emoji (👩‍💻) is how such emoji are written, not a disguise. */
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;

/** Whether `text` has hidden characters; with `lineBreaks`, tabs and line breaks are allowed. */
export function hasHiddenCharacters(text: string, options: { lineBreaks?: boolean } = {}): boolean {
  const shown = text.replace(EMOJI_JOINER, '');
  return HIDDEN.test(options.lineBreaks ? shown.replace(/[\t\r\n]/g, '') : shown);
}

/**
 * Where a request carries text with hidden characters (tabs and line
 * breaks aside): a variable's path (`$input.subject`) or `a string literal`;
 * null when nowhere. Every text argument of the API comes from one or the other.
 */
export function hiddenTextIn(variables: Record<string, unknown> | undefined, document: DocumentNode): string | null {
  const walk = (value: unknown, path: string): string | null => {
    if (typeof value === 'string') return hasHiddenCharacters(value, { lineBreaks: true }) ? path : null;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = walk(value[i], `${path}[${i}]`);
        if (found) return found;
      }
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        const found = walk(v, `${path}.${key}`);
        if (found) return found;
      }
    }
    return null;
  };
  for (const [name, value] of Object.entries(variables ?? {})) {
    const found = walk(value, `$${name}`);
    if (found) return found;
  }
  let literal: string | null = null;
  visit(document, {
    [Kind.STRING](node) {
      if (hasHiddenCharacters(node.value, { lineBreaks: true })) literal = 'a string literal';
    },
  });
  return literal;
}

export interface TextRules {
  max: number;
  min?: number;
  /** Single-line fields (names, subjects) refuse line breaks. */
  singleLine?: boolean;
}

/** Why `value` is not acceptable plain text, or null. */
export function plainTextProblem(value: unknown, rules: TextRules): string | null {
  if (typeof value !== 'string') return 'must be text';
  const trimmed = value.trim();
  if (trimmed.length < (rules.min ?? 1))
    return rules.min && rules.min > 1 ? `must be at least ${rules.min} characters` : 'must not be empty';
  if (value.length > rules.max) return `must be at most ${rules.max} characters`;
  if (hasHiddenCharacters(value, { lineBreaks: true })) return 'must not contain control or invisible characters';
  if (rules.singleLine && /[\r\n]/.test(value)) return 'must be a single line';
  if (MARKUP.test(value)) return 'must be plain text (no HTML tags or scripts)';
  return null;
}

/** class-validator decorator: plain text within the given length, no markup, no control characters. */
export function PlainText(rules: TextRules, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'plainText',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => plainTextProblem(value, rules) === null,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${plainTextProblem(args.value, rules)}`,
      },
    });
}

/** class-validator decorator for a client's idempotency key: 8 to 128 letters, digits, or . _ : - (absent is allowed with @IsOptional). */
export function IdempotencyKey() {
  return Matches(/^[A-Za-z0-9._:-]{8,128}$/, { message: 'idempotencyKey must be 8 to 128 letters, digits, or . _ : -' });
}

/**
 * Ids are checked one way: `@IsEntityId()` on the fields of input classes
 * and on `@Arg`s (class-validator), `entityId` where a value is read by
 * hand (a subscription's arguments, a list of ids). Either way the answer
 * is BAD_USER_INPUT naming the field: "<field> is not a valid id".
 */
export function entityId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw badInput(`${field} is not a valid id`, { fields: [{ field, messages: ['is not a valid id'] }] });
  }
  return value.toLowerCase();
}

/** As entityId, for an id that may be absent (null or undefined gives null). */
export function optionalEntityId(value: unknown, field: string): string | null {
  return value === null || value === undefined ? null : entityId(value, field);
}

/** class-validator decorator for ID arguments: a UUID (or an array of them). */
export function IsEntityId(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isEntityId',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && UUID_PATTERN.test(value),
        defaultMessage: (args: ValidationArguments) => `${args.property} is not a valid id`,
      },
    });
}
