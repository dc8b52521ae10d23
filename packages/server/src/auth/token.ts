import { SignJWT, jwtVerify, errors } from 'jose';
import { AppError } from '../graphql/errors.js';
import { CANONICAL_UUID } from '../ids.js';

export interface TokenClaims {
  userId: string;
  tenantId: string;
  /** The user's credentials version when the token was signed: a password, role, department or status change ends older tokens. */
  credentialsVersion?: number;
  /** Milliseconds since the epoch (absent on claims being signed). */
  expiresAt?: number;
}

/** Signs and verifies staff tokens (HS256, expiring). The tenant comes from here and nowhere else. */
export class TokenService {
  private readonly key: Uint8Array;
  /**
   * Tokens already verified, until they expire. Verifying (HMAC through
   * WebCrypto) costs more than the rest of a small request's own work; the
   * cache does not weaken sign-out, since every request still reads the
   * user's active flag, credentials version, roles and departments from the database.
   */
  private readonly verified = new Map<string, { claims: TokenClaims; expiresAt: number }>();
  private static readonly CACHE_SIZE = 10_000;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: TokenClaims): Promise<string> {
    return new SignJWT({ tid: claims.tenantId, cv: claims.credentialsVersion ?? 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .setAudience('reclaim-staff')
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenClaims> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAt > Date.now()) return cached.claims;
    if (cached) this.verified.delete(token);
    return this.verifySignature(token);
  }

  private async verifySignature(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: 'reclaim-staff' });
      const userId = payload.sub;
      const tenantId = payload.tid;
      if (typeof userId !== 'string' || typeof tenantId !== 'string' || !CANONICAL_UUID.test(userId) || !CANONICAL_UUID.test(tenantId)) {
        throw new AppError('UNAUTHENTICATED', 'malformed token');
      }
      // Tokens signed before credentials had versions carry none: version 0, as every user had then.
      const credentialsVersion = typeof payload.cv === 'number' && Number.isInteger(payload.cv) ? payload.cv : 0;
      const claims = { userId, tenantId, credentialsVersion, expiresAt: (payload.exp ?? 0) * 1000 };
      this.remember(token, claims, claims.expiresAt);
      return claims;
    } catch (err) {
      if (err instanceof AppError) throw err;
      const expired = err instanceof errors.JWTExpired;
      throw new AppError('UNAUTHENTICATED', expired ? 'token expired' : 'invalid token');
    }
  }

  private remember(token: string, claims: TokenClaims, expiresAt: number): void {
    if (this.verified.size >= TokenService.CACHE_SIZE) {
      // Maps keep insertion order: drop the oldest entry.
      this.verified.delete(this.verified.keys().next().value!);
    }
    this.verified.set(token, { claims, expiresAt });
  }
}

/** The token of an `Authorization: Bearer ...` value, or null. */
export function bearer(header: string | undefined | null): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
