import { SignJWT, jwtVerify, errors } from 'jose';
import { AppError } from '../graphql/errors.js';

export interface TokenClaims {
  userId: string;
  tenantId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Signs and verifies staff tokens (HS256, expiring). The tenant comes from here and nowhere else. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string, private readonly ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: TokenClaims): Promise<string> {
    return new SignJWT({ tid: claims.tenantId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .setAudience('reclaim-staff')
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: 'reclaim-staff' });
      const userId = payload.sub;
      const tenantId = payload.tid;
      if (typeof userId !== 'string' || typeof tenantId !== 'string' || !UUID.test(userId) || !UUID.test(tenantId)) {
        throw new AppError('UNAUTHENTICATED', 'malformed token');
      }
      return { userId, tenantId };
    } catch (err) {
      if (err instanceof AppError) throw err;
      const expired = err instanceof errors.JWTExpired;
      throw new AppError('UNAUTHENTICATED', expired ? 'token expired' : 'invalid token');
    }
  }
}

/** The token of an `Authorization: Bearer ...` value, or null. */
export function bearer(header: string | undefined | null): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
