import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * One-way hash of a high-entropy secret the server hands out once (a
 * portal tracking token, an integration's API key): only this is stored.
 * The secrets are 256 random bits, so a plain SHA-256 is enough; a slow
 * password hash would only cost CPU on every request.
 */
export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** Whether `secret` hashes to `hash`, in constant time. */
export function secretMatches(secret: string, hash: Buffer): boolean {
  const given = hashSecret(secret);
  return given.length === hash.length && timingSafeEqual(given, hash);
}
