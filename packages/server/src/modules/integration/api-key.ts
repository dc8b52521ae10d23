import { randomBytes } from 'node:crypto';
import { hashSecret } from '../../auth/secret.js';

/** An integration's key as issued: the text shown once, its public prefix and the hash that is stored. */
export interface ApiKey {
  key: string;
  prefix: string;
  hash: Buffer;
}

const KEY = /^rk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** `rk_<prefix>_<secret>`: 64 random bits of prefix (unique, names the company), 256 of secret. */
export function newApiKey(): ApiKey {
  const prefix = randomBytes(8).toString('hex');
  const key = `rk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashSecret(key) };
}

/** Whether a bearer token is meant as an API key rather than a staff session. */
export const looksLikeApiKey = (token: string): boolean => token.startsWith('rk_');

/** The prefix of a well-formed key, else null. */
export function apiKeyPrefix(key: string): string | null {
  return KEY.exec(key)?.[1] ?? null;
}
