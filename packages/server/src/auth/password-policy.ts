import { dictionary } from '@zxcvbn-ts/language-common';
import { badInput } from '../graphql/errors.js';

export const MIN_PASSWORD_LENGTH = 10;

/**
 * The most common passwords that the length rule lets through, lower-cased:
 * from the list zxcvbn-ts maintains (about 49,000 passwords seen in breaches;
 * some 1,500 of them are 10 characters or longer).
 */
const COMMON = new Set(dictionary['passwords-common'].filter((p) => p.length >= MIN_PASSWORD_LENGTH).map((p) => p.toLowerCase()));

/** Why `password` may not be set for the account of `email`, or null when it may. */
export function passwordWeakness(password: string, email: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (!password.trim()) return 'must not be only spaces';
  if (/\p{Cc}/u.test(password)) return 'must not contain control characters';
  const lower = password.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  if (lower === address || lower === address.split('@')[0]) return 'must not be the e-mail address';
  if (COMMON.has(lower)) return 'is one of the most common passwords';
  return null;
}

/** BAD_USER_INPUT, reason WEAK_PASSWORD, naming `field`, unless `password` may be set for `email`. */
export function checkPassword(password: string, email: string, field = 'password'): void {
  const weakness = passwordWeakness(password, email);
  if (weakness) throw badInput(`${field} ${weakness}`, { reason: 'WEAK_PASSWORD', fields: [{ field, messages: [weakness] }] });
}
