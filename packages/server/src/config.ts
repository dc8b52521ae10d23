import { randomBytes } from 'node:crypto';
import type { PubSubKind } from './realtime/index.js';
import { DEFAULT_LIVE_LIMITS as LIVE, type LiveLimits } from './realtime/live-limits.js';

export interface Config {
  port: number;
  /** PostgreSQL connection string; embedded PGlite when absent. */
  databaseUrl?: string;
  /** Where embedded PGlite keeps its files; in memory when absent. */
  pgliteDataDir?: string;
  dbPoolSize: number;
  redisUrl?: string;
  /** How events reach other nodes: Redis with REDIS_URL, else LISTEN/NOTIFY with PostgreSQL, else in-process. */
  pubsub: PubSubKind;
  /** The outbox relay publishes events left unpublished this long (their node died or its publish failed). */
  outboxGraceMs: number;
  outboxRelayIntervalMs: number;
  /** Whether this node fires SLA warnings and breaches (every node may; each fires once). */
  slaScheduler: boolean;
  /** How often the SLA scheduler reads the next few seconds of deadlines. */
  slaPollMs: number;
  jwtSecret: string;
  tokenTtlSeconds: number;
  /** Seed the demo tenants (default: on in embedded mode, off with DATABASE_URL). */
  demoData: boolean;
  migrateOnStart: boolean;
  /** Requests per minute per staff user (burst and sustained); 0 turns it off. */
  rateLimitPerMinute: number;
  /** Requests per minute per client address without a staff token (login, sign-up, portal); 0 turns it off. */
  anonymousRateLimitPerMinute: number;
  /** Complaints accepted from the public portal per client address per hour; 0 turns it off. */
  portalSubmissionsPerHour: number;
  /** Complaints accepted from the public portal per company per hour (any address); 0 turns it off. */
  portalSubmissionsPerHourPerTenant: number;
  /** Files uploaded through the public portal per client address per hour; 0 turns it off. */
  portalUploadsPerHour: number;
  /** Load balancers or proxies in front whose X-Forwarded-For is believed for the client's address (0: none). */
  trustedProxies: number;
  /** Live delivery's caps and budgets (WS_*; docs/security.md, "Live delivery"). */
  live: LiveLimits;
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
    pubsub: pubsubFrom(env.PUBSUB, databaseUrl, env.REDIS_URL),
    outboxGraceMs: intFrom(env.OUTBOX_GRACE_MS, 2000),
    outboxRelayIntervalMs: intFrom(env.OUTBOX_RELAY_INTERVAL_MS, 500),
    slaScheduler: env.SLA_SCHEDULER ? env.SLA_SCHEDULER === '1' : true,
    slaPollMs: intFrom(env.SLA_POLL_MS, 1000),
    jwtSecret,
    tokenTtlSeconds: intFrom(env.TOKEN_TTL_SECONDS, 12 * 3600),
    demoData: env.DEMO_DATA ? env.DEMO_DATA === '1' : !databaseUrl,
    migrateOnStart: env.MIGRATE_ON_START ? env.MIGRATE_ON_START === '1' : true,
    rateLimitPerMinute: intFrom(env.RATE_LIMIT_PER_MINUTE, 1200),
    anonymousRateLimitPerMinute: intFrom(env.ANONYMOUS_RATE_LIMIT_PER_MINUTE, 300),
    portalSubmissionsPerHour: intFrom(env.PORTAL_SUBMISSIONS_PER_HOUR, 30),
    portalSubmissionsPerHourPerTenant: intFrom(env.PORTAL_SUBMISSIONS_PER_HOUR_PER_TENANT, 1000),
    portalUploadsPerHour: intFrom(env.PORTAL_UPLOADS_PER_HOUR, 150),
    trustedProxies: intFrom(env.TRUSTED_PROXIES, 0),
    live: {
      socketsPerAddress: intFrom(env.WS_SOCKETS_PER_ADDRESS, LIVE.socketsPerAddress),
      socketsPerUser: intFrom(env.WS_SOCKETS_PER_USER, LIVE.socketsPerUser),
      socketsPerTenant: intFrom(env.WS_SOCKETS_PER_TENANT, LIVE.socketsPerTenant),
      subscriptionsPerSocket: intFrom(env.WS_SUBSCRIPTIONS_PER_SOCKET, LIVE.subscriptionsPerSocket),
      subscriptionsPerUser: intFrom(env.WS_SUBSCRIPTIONS_PER_USER, LIVE.subscriptionsPerUser),
      subscriptionsPerAddress: intFrom(env.WS_SUBSCRIPTIONS_PER_ADDRESS, LIVE.subscriptionsPerAddress),
      subscriptionsPerTenant: intFrom(env.WS_SUBSCRIPTIONS_PER_TENANT, LIVE.subscriptionsPerTenant),
      groupsPerTenant: intFrom(env.WS_GROUPS_PER_TENANT, LIVE.groupsPerTenant),
      groupsPerAddress: intFrom(env.WS_GROUPS_PER_ADDRESS, LIVE.groupsPerAddress),
      pendingExecutionsPerTenant: intFrom(env.WS_PENDING_EXECUTIONS_PER_TENANT, LIVE.pendingExecutionsPerTenant),
      unsentBytesPerSocket: intFrom(env.WS_UNSENT_BYTES_PER_SOCKET, LIVE.unsentBytesPerSocket),
      unsentBytesPerAddress: intFrom(env.WS_UNSENT_BYTES_PER_ADDRESS, LIVE.unsentBytesPerAddress),
      unsentBytesTotal: intFrom(env.WS_UNSENT_BYTES_TOTAL, LIVE.unsentBytesTotal),
      stallMs: intFrom(env.WS_STALL_MS, LIVE.stallMs),
    },
    production,
  };
}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}

function pubsubFrom(value: string | undefined, databaseUrl: string | undefined, redisUrl: string | undefined): PubSubKind {
  const kind = value || (redisUrl ? 'redis' : databaseUrl ? 'postgres' : 'memory');
  if (kind !== 'memory' && kind !== 'postgres' && kind !== 'redis') throw new Error(`PUBSUB must be memory, postgres or redis, got ${JSON.stringify(value)}`);
  if (kind === 'postgres' && !databaseUrl) throw new Error('PUBSUB=postgres needs DATABASE_URL');
  if (kind === 'redis' && !redisUrl) throw new Error('PUBSUB=redis needs REDIS_URL');
  return kind;
}
