import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { PubSubKind } from './realtime/index.js';
import { DEFAULT_LIMITS, PORTAL_LIMITS, type QueryLimits } from './graphql/limits.js';
import { DEFAULT_LIVE_LIMITS as LIVE, type LiveLimits } from './realtime/live-limits.js';

export interface Config {
  port: number;
  /** PostgreSQL connection string; embedded PGlite when absent. */
  databaseUrl?: string;
  /** Where embedded PGlite keeps its files; in memory when absent. */
  pgliteDataDir?: string;
  dbPoolSize: number;
  /** A statement running longer is cancelled (RATE_LIMITED, reason QUERY_TIMEOUT) and its unit of work rolled back; 0 turns it off. */
  dbStatementTimeoutMs: number;
  /** Waiting longer for a row lock cancels the statement (RATE_LIMITED, reason LOCK_TIMEOUT); 0 turns it off. */
  dbLockTimeoutMs: number;
  /** PostgreSQL ends a session whose transaction sits idle this long (a stuck node never holds locks for ever); 0 turns it off. */
  dbIdleInTransactionTimeoutMs: number;
  /** The longest a unit of work waits for a pooled connection before RATE_LIMITED (reason BUSY). */
  dbPoolWaitMs: number;
  /** Pooled connections one company may hold at once (default: a fifth of the pool, at least 2). */
  dbCompanyConnections?: number;
  /** Pooled connections one user may hold at once (default: a tenth of the pool, at least 1). */
  dbUserConnections?: number;
  /** Estimated GraphQL cost (graphql/limits.ts) one company's requests may hold at once; 0 turns it off. */
  dbCompanyCost: number;
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
  /** Clocks of one company the SLA scheduler fires per pass before the other companies' turn (at least 1). */
  slaClaimsPerCompany: number;
  /** The shortest target, in working seconds, that an SLA policy may set. */
  slaMinTargetSeconds: number;
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
  /** An upload's body must have arrived this long after the request began; a slower one is cut and nothing is stored. */
  uploadDeadlineMs: number;
  /** Uploads receiving at once, per client address, per staff user and per node (each holds at most one part in memory); 0 turns one off. */
  uploadsPerAddress: number;
  uploadsPerUser: number;
  uploadsPerNode: number;
  /** An upload not linked to a complaint or message within this time is purged. */
  uploadPendingTtlMs: number;
  /** Bytes of pending (not yet linked) uploads one client address, and one company, may hold; 0 turns one off. */
  uploadPendingBytesPerAddress: number;
  uploadPendingBytesPerTenant: number;
  /** Prefix of the limits' keys in Redis (with REDIS_URL every limit is shared by all nodes). */
  rateLimitPrefix: string;
  /** Failed sign-ins of one account (company and e-mail) before each further try must wait; 0 turns it off. */
  loginFailuresPerAccount: number;
  /** The first wait after those failures; it doubles with each further failure. */
  loginLockoutSeconds: number;
  /** The longest wait between two sign-in tries of one account. */
  loginMaxLockoutSeconds: number;
  /** Failed sign-ins per client address per hour, whatever the account; 0 turns it off. */
  loginFailuresPerAddressPerHour: number;
  /** Password hashes this node computes at once (sign-in, sign-up, password changes); 0 turns the cap off. */
  passwordHashConcurrency: number;
  /** How long a request may wait for a hashing slot before RATE_LIMITED. */
  passwordHashWaitMs: number;
  /** Companies signed up per client address per hour; 0 turns it off. */
  signUpsPerHourPerAddress: number;
  /** Load balancers or proxies in front whose X-Forwarded-For is believed for the client's address (0: none). */
  trustedProxies: number;
  /** What one GraphQL document may ask for, on both endpoints and over WebSocket (GRAPHQL_MAX_*). */
  queryLimits: QueryLimits;
  /** Root fields per request on the public portal endpoint, so that aliases cannot multiply lookups. */
  portalMaxRootFields: number;
  /** Schema introspection and "did you mean" suggestions in errors (default: on outside production). */
  graphqlIntrospection: boolean;
  /** A GraphQL request body not fully arrived after this long is refused (408) and its connection closed. */
  graphqlBodyTimeoutMs: number;
  /** Bearer token of the operators' figures at /healthz/details; unset: that endpoint does not exist. */
  operatorToken?: string;
  /** Live delivery's caps and budgets (WS_*; docs/security.md, "Live delivery"). */
  live: LiveLimits;
  production: boolean;
}

const MB = 1024 * 1024;

/** The connection pool's defaults (docs/security.md, "Queries and the connection pool"). */
export const DB_DEFAULTS = {
  dbPoolSize: 20,
  dbStatementTimeoutMs: 5000,
  dbLockTimeoutMs: 2000,
  dbIdleInTransactionTimeoutMs: 30_000,
  dbPoolWaitMs: 5000,
  /** One request at the most costly the query limits accept, or several cheaper ones, per company at once. */
  dbCompanyCost: DEFAULT_LIMITS.maxCost,
} satisfies Partial<Config>;

/** The upload limits' defaults (docs/security.md, "Request bodies and uploads"). */
export const UPLOAD_DEFAULTS = {
  uploadDeadlineMs: 120_000,
  uploadsPerAddress: 4,
  uploadsPerUser: 8,
  uploadsPerNode: 64,
  uploadPendingTtlMs: 3600_000,
  uploadPendingBytesPerAddress: 100 * MB,
  uploadPendingBytesPerTenant: 2000 * MB,
} satisfies Partial<Config>;

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
    dbPoolSize: intFrom(env.DB_POOL_SIZE, DB_DEFAULTS.dbPoolSize),
    dbStatementTimeoutMs: intFrom(env.DB_STATEMENT_TIMEOUT_MS, DB_DEFAULTS.dbStatementTimeoutMs),
    dbLockTimeoutMs: intFrom(env.DB_LOCK_TIMEOUT_MS, DB_DEFAULTS.dbLockTimeoutMs),
    dbIdleInTransactionTimeoutMs: intFrom(env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS, DB_DEFAULTS.dbIdleInTransactionTimeoutMs),
    dbPoolWaitMs: intFrom(env.DB_POOL_WAIT_MS, DB_DEFAULTS.dbPoolWaitMs),
    dbCompanyConnections: env.DB_COMPANY_CONNECTIONS ? intFrom(env.DB_COMPANY_CONNECTIONS, 0) : undefined,
    dbUserConnections: env.DB_USER_CONNECTIONS ? intFrom(env.DB_USER_CONNECTIONS, 0) : undefined,
    dbCompanyCost: intFrom(env.DB_COMPANY_COST, DB_DEFAULTS.dbCompanyCost),
    redisUrl: env.REDIS_URL || undefined,
    pubsub: pubsubFrom(env.PUBSUB, databaseUrl, env.REDIS_URL),
    outboxGraceMs: intFrom(env.OUTBOX_GRACE_MS, 2000),
    outboxRelayIntervalMs: intFrom(env.OUTBOX_RELAY_INTERVAL_MS, 500),
    slaScheduler: env.SLA_SCHEDULER ? env.SLA_SCHEDULER === '1' : true,
    slaPollMs: intFrom(env.SLA_POLL_MS, 1000),
    slaClaimsPerCompany: atLeastOne(intFrom(env.SLA_CLAIMS_PER_COMPANY, 10), 'SLA_CLAIMS_PER_COMPANY'),
    slaMinTargetSeconds: atLeastOne(intFrom(env.SLA_MIN_TARGET_SECONDS, 60), 'SLA_MIN_TARGET_SECONDS'),
    jwtSecret,
    tokenTtlSeconds: intFrom(env.TOKEN_TTL_SECONDS, 12 * 3600),
    demoData: env.DEMO_DATA ? env.DEMO_DATA === '1' : !databaseUrl,
    migrateOnStart: env.MIGRATE_ON_START ? env.MIGRATE_ON_START === '1' : true,
    rateLimitPerMinute: intFrom(env.RATE_LIMIT_PER_MINUTE, 1200),
    anonymousRateLimitPerMinute: intFrom(env.ANONYMOUS_RATE_LIMIT_PER_MINUTE, 300),
    portalSubmissionsPerHour: intFrom(env.PORTAL_SUBMISSIONS_PER_HOUR, 30),
    portalSubmissionsPerHourPerTenant: intFrom(env.PORTAL_SUBMISSIONS_PER_HOUR_PER_TENANT, 1000),
    portalUploadsPerHour: intFrom(env.PORTAL_UPLOADS_PER_HOUR, 150),
    uploadDeadlineMs: intFrom(env.UPLOAD_DEADLINE_SECONDS, UPLOAD_DEFAULTS.uploadDeadlineMs / 1000) * 1000,
    uploadsPerAddress: intFrom(env.UPLOADS_PER_ADDRESS, UPLOAD_DEFAULTS.uploadsPerAddress),
    uploadsPerUser: intFrom(env.UPLOADS_PER_USER, UPLOAD_DEFAULTS.uploadsPerUser),
    uploadsPerNode: intFrom(env.UPLOADS_PER_NODE, UPLOAD_DEFAULTS.uploadsPerNode),
    uploadPendingTtlMs: intFrom(env.UPLOAD_PENDING_TTL_SECONDS, UPLOAD_DEFAULTS.uploadPendingTtlMs / 1000) * 1000,
    uploadPendingBytesPerAddress: intFrom(env.UPLOAD_PENDING_MB_PER_ADDRESS, UPLOAD_DEFAULTS.uploadPendingBytesPerAddress / MB) * MB,
    uploadPendingBytesPerTenant: intFrom(env.UPLOAD_PENDING_MB_PER_TENANT, UPLOAD_DEFAULTS.uploadPendingBytesPerTenant / MB) * MB,
    rateLimitPrefix: env.RATE_LIMIT_PREFIX || 'reclaim',
    loginFailuresPerAccount: intFrom(env.LOGIN_FAILURES_PER_ACCOUNT, 5),
    loginLockoutSeconds: intFrom(env.LOGIN_LOCKOUT_SECONDS, 2),
    loginMaxLockoutSeconds: intFrom(env.LOGIN_MAX_LOCKOUT_SECONDS, 900),
    loginFailuresPerAddressPerHour: intFrom(env.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR, 100),
    passwordHashConcurrency: intFrom(env.PASSWORD_HASH_CONCURRENCY, 2 * availableParallelism()),
    passwordHashWaitMs: intFrom(env.PASSWORD_HASH_WAIT_MS, 500),
    signUpsPerHourPerAddress: intFrom(env.SIGN_UPS_PER_HOUR_PER_ADDRESS, 3),
    trustedProxies: intFrom(env.TRUSTED_PROXIES, 0),
    queryLimits: {
      maxDepth: intFrom(env.GRAPHQL_MAX_DEPTH, DEFAULT_LIMITS.maxDepth),
      maxAliases: intFrom(env.GRAPHQL_MAX_ALIASES, DEFAULT_LIMITS.maxAliases),
      maxFields: intFrom(env.GRAPHQL_MAX_FIELDS, DEFAULT_LIMITS.maxFields),
      maxCost: intFrom(env.GRAPHQL_MAX_COST, DEFAULT_LIMITS.maxCost),
      maxSpreads: intFrom(env.GRAPHQL_MAX_FRAGMENT_SPREADS, DEFAULT_LIMITS.maxSpreads),
      maxRootFields: DEFAULT_LIMITS.maxRootFields,
    },
    portalMaxRootFields: intFrom(env.PORTAL_MAX_ROOT_FIELDS, PORTAL_LIMITS.maxRootFields!),
    graphqlIntrospection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === '1' : !production,
    graphqlBodyTimeoutMs: intFrom(env.GRAPHQL_BODY_TIMEOUT_MS, 30_000),
    operatorToken: env.OPERATOR_TOKEN || undefined,
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
      executionsPerSecondPerTenant: intFrom(env.WS_EXECUTIONS_PER_SECOND_PER_TENANT, LIVE.executionsPerSecondPerTenant),
      unsentBytesPerSocket: intFrom(env.WS_UNSENT_BYTES_PER_SOCKET, LIVE.unsentBytesPerSocket),
      unsentBytesPerAddress: intFrom(env.WS_UNSENT_BYTES_PER_ADDRESS, LIVE.unsentBytesPerAddress),
      sentBytesPerSecondPerAddress: intFrom(env.WS_SENT_BYTES_PER_SECOND_PER_ADDRESS, LIVE.sentBytesPerSecondPerAddress),
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

function atLeastOne(n: number, name: string): number {
  if (n < 1) throw new Error(`${name} must be at least 1`);
  return n;
}

function pubsubFrom(value: string | undefined, databaseUrl: string | undefined, redisUrl: string | undefined): PubSubKind {
  const kind = value || (redisUrl ? 'redis' : databaseUrl ? 'postgres' : 'memory');
  if (kind !== 'memory' && kind !== 'postgres' && kind !== 'redis') throw new Error(`PUBSUB must be memory, postgres or redis, got ${JSON.stringify(value)}`);
  if (kind === 'postgres' && !databaseUrl) throw new Error('PUBSUB=postgres needs DATABASE_URL');
  if (kind === 'redis' && !redisUrl) throw new Error('PUBSUB=redis needs REDIS_URL');
  return kind;
}
