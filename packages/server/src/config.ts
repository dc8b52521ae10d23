import { randomBytes } from 'node:crypto';

export interface Config {
  port: number;
  /** PostgreSQL connection string; embedded PGlite when absent. */
  databaseUrl?: string;
  /** Where embedded PGlite keeps its files; in memory when absent. */
  pgliteDataDir?: string;
  dbPoolSize: number;
  redisUrl?: string;
  jwtSecret: string;
  tokenTtlSeconds: number;
  /** Seed the demo tenants (default: on in embedded mode, off with DATABASE_URL). */
  demoData: boolean;
  migrateOnStart: boolean;
  /** Requests per minute per staff user (burst and sustained); 0 turns it off. */
  rateLimitPerMinute: number;
  /** Requests per minute per client address without a staff token (login, sign-up, portal); 0 turns it off. */
  anonymousRateLimitPerMinute: number;
  production: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  const production = env.NODE_ENV === 'production';
  let jwtSecret = env.JWT_SECRET;
  if (!jwtSecret) {
    if (production) throw new Error('JWT_SECRET must be set when NODE_ENV=production');
    jwtSecret = randomBytes(32).toString('hex');
  }
  return {
    port: intFrom(env.PORT, 4000),
    databaseUrl,
    pgliteDataDir: env.PGLITE_DATA_DIR || undefined,
    dbPoolSize: intFrom(env.DB_POOL_SIZE, 20),
    redisUrl: env.REDIS_URL || undefined,
    jwtSecret,
    tokenTtlSeconds: intFrom(env.TOKEN_TTL_SECONDS, 12 * 3600),
    demoData: env.DEMO_DATA ? env.DEMO_DATA === '1' : !databaseUrl,
    migrateOnStart: env.MIGRATE_ON_START ? env.MIGRATE_ON_START === '1' : true,
    rateLimitPerMinute: intFrom(env.RATE_LIMIT_PER_MINUTE, 1200),
    anonymousRateLimitPerMinute: intFrom(env.ANONYMOUS_RATE_LIMIT_PER_MINUTE, 300),
    production,
  };
}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}
