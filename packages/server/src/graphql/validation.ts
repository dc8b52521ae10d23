import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** Markup that a browser would treat as a tag, comment or entity-encoded tag. */
const MARKUP = /<\s*[a-z!/?]|&lt;\s*[a-z!/]|javascript:/i;
// C0 controls other than tab and newlines, DEL, and bidi overrides used to disguise text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;

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
  if (trimmed.length < (rules.min ?? 1)) return rules.min && rules.min > 1 ? `must be at least ${rules.min} characters` : 'must not be empty';
  if (value.length > rules.max) return `must be at most ${rules.max} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters';
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

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
