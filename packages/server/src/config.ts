import { createHmac, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { INVITATIONS_PER_HOUR, RESET_DEFAULTS } from './modules/account/reset-limits.js';
import { DEFAULT_HASH_COST, MAX_HASH_COST } from './auth/password.js';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { PubSubKind } from './realtime/index.js';
import { DEFAULT_LIMITS, PORTAL_LIMITS, type QueryLimits } from './graphql/limits.js';
import { DEFAULT_LIVE_LIMITS as LIVE, type LiveLimits } from './realtime/live-limits.js';
import { MAIL_DOMAIN_PATTERN } from './modules/mail/reply-tag.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

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
  /** Requests per integration API key per minute; 0 turns it off. */
  integrationRateLimitPerMinute: number;
  /** Webhooks may go to http:// and to loopback and private addresses: for development and tests only. */
  webhooksAllowInsecure: boolean;
  /** Outbound mail goes to this SMTP server (smtp:// or smtps://, with user and password); without it, to the development mailbox. */
  smtpUrl?: string;
  /** The mail domain: companies send from <slug>@ it, reply addresses and our Message-IDs are under it. */
  mailDomain: string;
  /** Keys the reply addresses' HMAC and the tracking links of mail; the same on every node (default: derived from JWT_SECRET). */
  mailTagSecret: string;
  /** Where customers reach this service: the tracking links in mail start with it. */
  publicUrl: string;
  /** The SMTP receiver's port (embedded mode: 2525 on 127.0.0.1); unset with DATABASE_URL: no receiver. */
  smtpPort?: number;
  /** The address the receiver listens on. */
  smtpHost: string;
  /** The receiver's certificate and key (PEM, SMTP_TLS_CERT_FILE, SMTP_TLS_KEY_FILE): STARTTLS is offered with them, never without. */
  smtpTls?: { cert: string; key: string };
  /** A received mail larger than this is refused. */
  mailMaxBytes: number;
  /** Check SPF, DKIM and DMARC of received mail (MAIL_AUTH; default on with DATABASE_URL, off embedded). */
  mailAuth: boolean;
  /** Each DNS query's timeout for those checks (MAIL_AUTH_TIMEOUT_MS); the whole check waits at most four times it. */
  mailAuthTimeoutMs: number;
  /** DNS servers for those checks (MAIL_AUTH_DNS, comma-separated `host` or `host:port`); the system's when empty. */
  mailAuthDns: string[];
  /** Mails received per sender address per company, and per company, per hour; 0 turns one off. */
  mailPerSenderPerHour: number;
  mailPerCompanyPerHour: number;
  /** Outbound mail is DKIM-signed for MAIL_DOMAIN with this selector and the PEM private key read from MAIL_DKIM_KEY_FILE. */
  mailDkim?: { selector: string; privateKey: string };
  /** How often a company's own mailbox is read over IMAP, in seconds. */
  imapPollSeconds: number;
  /** Mailboxes may be on loopback and private addresses and read without encryption: for development and tests only. */
  mailboxesAllowInsecure: boolean;
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
  /** Exports (GET /exports/…) streaming at once per company, per node; 0 turns the cap off. */
  exportsPerCompany: number;
  /** Days the mail logs (sent and received) and the webhook deliveries are kept; 0 keeps them for good. */
  mailLogRetentionDays: number;
  webhookLogRetentionDays: number;
  /** Days after signing up that a company whose admin never confirmed the address is deleted with all it holds; 0 keeps it. */
  unconfirmedCompanyDays: number;
  /** How long (ms) a node shares the answer of a `@Shared` query (the analysis) between callers who see the same; 0: never. */
  sharedResultsMs?: number;
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
  /**
   * The exponent of scrypt's N for the hashes this node writes (PASSWORD_HASH_COST, 15 to 17; 15: 32 MiB and about
   * 60 ms a hash, 17: 128 MiB). Hashes keep their own, so it can be raised at any time. Tests use 10 (TEST_HASH_COST, test/harness.ts).
   */
  passwordHashCost: number;
  /** Companies signed up per client address per hour; 0 turns it off. */
  signUpsPerHourPerAddress: number;
  /** How long the links of account mails work: an invitation, a password reset, an address confirmation. */
  invitationTtlSeconds: number;
  passwordResetTtlSeconds: number;
  addressConfirmationTtlSeconds: number;
  /** Invitation mails (new and sent again) a company may send per hour; 0 turns it off. */
  invitationsPerHour: number;
  /** "Forgot password?" requests per account (company and e-mail) and per client address, per hour; 0 turns one off. */
  passwordResetsPerAccountPerHour: number;
  passwordResetsPerAddressPerHour: number;
  /** The least time a "forgot password?" request takes to answer, so that existing and unknown addresses answer alike. */
  passwordResetMinAnswerMs: number;
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
  /** Bearer token of the operators' endpoints (/healthz/details, /metrics); unset: they do not exist on the main port. */
  operatorToken?: string;
  /** A second port that serves only /metrics, without a token (for a scraper on a private network); unset: none. */
  metricsPort?: number;
  /** PostgreSQL connection for LISTEN/NOTIFY, which needs a session of its own (direct, not through PgBouncer in transaction mode). */
  databaseListenUrl?: string;
  /** pino's level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: LogLevel;
  /** Human-readable log lines instead of JSON (default: on in embedded mode). */
  logPretty: boolean;
  /** On SIGTERM, readiness is red this long before the drain begins, so that the load balancer stops sending first. */
  shutdownReadyDelayMs: number;
  /** The process exits this long after SIGTERM whatever is still running. */
  shutdownDeadlineMs: number;
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

/** How long what the purge deletes is kept by default, in days (docs/operations.md, "What is deleted, and when"). */
export const RETENTION_DEFAULTS = {
  mailLogRetentionDays: 180,
  webhookLogRetentionDays: 30,
  unconfirmedCompanyDays: 30,
} satisfies Partial<Config>;

/** A setting's value is refused: each problem names its variable. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`wrong settings:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** A whole number from `min` to `max`. */
const whole = (min = 0, max = 2 ** 31 - 1) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/, { error: min === 0 ? 'expected a whole number, 0 or more' : `expected a whole number from ${min}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
/** A switch: 1/0, true/false, yes/no, on/off, any case. */
const flag = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => TRUE.includes(v) || FALSE.includes(v), { error: 'expected true or false (1 or 0)' })
  .transform((v) => TRUE.includes(v));

const url = (...protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `expected a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} address` },
  );

const postgresUrl = url('postgres:', 'postgresql:');
const text = z.string();

/**
 * Every environment variable the server reads, with its type and range.
 * docs/operations.md lists exactly these (test/settings.test.ts checks it).
 */
export const SETTINGS = z
  .object({
    NODE_ENV: z.enum(['production', 'development', 'test']),
    PORT: whole(1, 65535),
    DATABASE_URL: postgresUrl,
    DATABASE_LISTEN_URL: postgresUrl,
    PGLITE_DATA_DIR: text,
    DB_POOL_SIZE: whole(1, 1000),
    DB_STATEMENT_TIMEOUT_MS: whole(),
    DB_LOCK_TIMEOUT_MS: whole(),
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: whole(),
    DB_POOL_WAIT_MS: whole(),
    DB_COMPANY_CONNECTIONS: whole(1),
    DB_USER_CONNECTIONS: whole(1),
    DB_COMPANY_COST: whole(),
    REDIS_URL: url('redis:', 'rediss:'),
    PUBSUB: z.enum(['memory', 'postgres', 'redis'], { error: 'expected memory, postgres or redis' }),
    OUTBOX_GRACE_MS: whole(),
    OUTBOX_RELAY_INTERVAL_MS: whole(10),
    SLA_SCHEDULER: flag,
    SLA_POLL_MS: whole(10),
    SLA_CLAIMS_PER_COMPANY: whole(1),
    SLA_MIN_TARGET_SECONDS: whole(1),
    JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters (e.g. `openssl rand -hex 32`)' }),
    TOKEN_TTL_SECONDS: whole(60),
    DEMO_DATA: flag,
    MIGRATE_ON_START: flag,
    RATE_LIMIT_PER_MINUTE: whole(),
    ANONYMOUS_RATE_LIMIT_PER_MINUTE: whole(),
    INTEGRATION_RATE_LIMIT_PER_MINUTE: whole(),
    WEBHOOKS_ALLOW_INSECURE: flag,
    SMTP_URL: url('smtp:', 'smtps:'),
    MAIL_DOMAIN: z.string().regex(MAIL_DOMAIN_PATTERN, { error: 'expected a domain name, e.g. mail.example.com' }),
    PUBLIC_URL: url('http:', 'https:'),
    SMTP_PORT: whole(1, 65535),
    SMTP_HOST: text,
    SMTP_TLS_CERT_FILE: text,
    SMTP_TLS_KEY_FILE: text,
    MAIL_MAX_MB: whole(1, 100),
    MAIL_PER_SENDER_PER_HOUR: whole(),
    MAIL_PER_COMPANY_PER_HOUR: whole(),
    MAIL_DKIM_SELECTOR: z.string().regex(/^[a-z0-9](?:[a-z0-9._-]{0,62})$/i, { error: 'expected a DNS label, e.g. reclaim2026' }),
    MAIL_DKIM_KEY_FILE: text,
    IMAP_POLL_SECONDS: whole(10, 86400),
    MAILBOXES_ALLOW_INSECURE: flag,
    MAIL_AUTH: flag,
    MAIL_AUTH_TIMEOUT_MS: whole(100, 30_000),
    MAIL_AUTH_DNS: text,
    MAIL_TAG_SECRET: z.string().min(32, { error: 'must be at least 32 characters (e.g. `openssl rand -hex 32`)' }),
    PORTAL_SUBMISSIONS_PER_HOUR: whole(),
    PORTAL_SUBMISSIONS_PER_HOUR_PER_TENANT: whole(),
    PORTAL_UPLOADS_PER_HOUR: whole(),
    UPLOAD_DEADLINE_SECONDS: whole(1),
    UPLOADS_PER_ADDRESS: whole(),
    UPLOADS_PER_USER: whole(),
    UPLOADS_PER_NODE: whole(),
    UPLOAD_PENDING_TTL_SECONDS: whole(60),
    UPLOAD_PENDING_MB_PER_ADDRESS: whole(),
    UPLOAD_PENDING_MB_PER_TENANT: whole(),
    EXPORTS_PER_COMPANY: whole(),
    // At least 30 days: a received mail's record is what recognises the same mail sent again (servers retry for days).
    MAIL_LOG_RETENTION_DAYS: whole(0, 36_500).refine((days) => days === 0 || days >= 30, {
      error: 'expected 0 (kept for good) or at least 30 days',
    }),
    WEBHOOK_LOG_RETENTION_DAYS: whole(0, 36_500),
    // At least 8 days: an address confirmation link works for 7 (ADDRESS_CONFIRMATION_TTL_HOURS), and the first must be usable.
    UNCONFIRMED_COMPANY_DAYS: whole(0, 36_500).refine((days) => days === 0 || days >= 8, {
      error: 'expected 0 (kept for good) or at least 8 days',
    }),
    SHARED_RESULTS_SECONDS: whole(0, 60),
    RATE_LIMIT_PREFIX: z.string().regex(/^[\w.:-]{1,64}$/, { error: 'expected 1 to 64 letters, digits, _ . : or -' }),
    LOGIN_FAILURES_PER_ACCOUNT: whole(),
    LOGIN_LOCKOUT_SECONDS: whole(1),
    LOGIN_MAX_LOCKOUT_SECONDS: whole(1),
    LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: whole(),
    PASSWORD_HASH_CONCURRENCY: whole(),
    PASSWORD_HASH_WAIT_MS: whole(),
    PASSWORD_HASH_COST: whole(DEFAULT_HASH_COST, MAX_HASH_COST),
    SIGN_UPS_PER_HOUR_PER_ADDRESS: whole(),
    INVITATION_TTL_HOURS: whole(1, 24 * 90),
    PASSWORD_RESET_TTL_MINUTES: whole(5, 24 * 60),
    ADDRESS_CONFIRMATION_TTL_HOURS: whole(1, 24 * 90),
    INVITATIONS_PER_HOUR: whole(),
    PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR: whole(),
    PASSWORD_RESETS_PER_ADDRESS_PER_HOUR: whole(),
    PASSWORD_RESET_MIN_ANSWER_MS: whole(0, 5000),
    TRUSTED_PROXIES: whole(0, 10),
    CONSOLE_DIST_DIR: text,
    PORTAL_DIST_DIR: text,
    GRAPHQL_MAX_DEPTH: whole(1),
    GRAPHQL_MAX_ALIASES: whole(),
    GRAPHQL_MAX_FIELDS: whole(1),
    GRAPHQL_MAX_COST: whole(1),
    GRAPHQL_MAX_FRAGMENT_SPREADS: whole(),
    PORTAL_MAX_ROOT_FIELDS: whole(1),
    GRAPHQL_INTROSPECTION: flag,
    GRAPHQL_BODY_TIMEOUT_MS: whole(1000),
    OPERATOR_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }),
    METRICS_PORT: whole(1, 65535),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected fatal, error, warn, info, debug, trace or silent',
    }),
    LOG_PRETTY: flag,
    SHUTDOWN_READY_DELAY_MS: whole(),
    SHUTDOWN_DEADLINE_MS: whole(1000),
    WS_SOCKETS_PER_ADDRESS: whole(),
    WS_SOCKETS_PER_USER: whole(),
    WS_SOCKETS_PER_TENANT: whole(),
    WS_SUBSCRIPTIONS_PER_SOCKET: whole(),
    WS_SUBSCRIPTIONS_PER_USER: whole(),
    WS_SUBSCRIPTIONS_PER_ADDRESS: whole(),
    WS_SUBSCRIPTIONS_PER_TENANT: whole(),
    WS_GROUPS_PER_TENANT: whole(),
    WS_GROUPS_PER_ADDRESS: whole(),
    WS_PENDING_EXECUTIONS_PER_TENANT: whole(),
    WS_EXECUTIONS_PER_SECOND_PER_TENANT: whole(),
    WS_UNSENT_BYTES_PER_SOCKET: whole(),
    WS_UNSENT_BYTES_PER_ADDRESS: whole(),
    WS_SENT_BYTES_PER_SECOND_PER_ADDRESS: whole(),
    WS_UNSENT_BYTES_TOTAL: whole(),
    WS_STALL_MS: whole(),
  })
  .partial();

export type Settings = z.infer<typeof SETTINGS>;

/** The files the settings name, read once while they are checked. */
interface SettingFiles {
  dkimKey?: string;
  smtpTls?: { cert: string; key: string };
}

/**
 * Reads and checks the environment: every wrong value is reported at once,
 * each with its variable's name (SettingsError). An empty variable counts as unset.
 */
function readSettings(env: NodeJS.ProcessEnv): { s: Settings; files: SettingFiles } {
  const given = Object.fromEntries(
    Object.keys(SETTINGS.shape)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const parsed = SETTINGS.safeParse(given);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        const secret = name === 'JWT_SECRET' || name === 'OPERATOR_TOKEN' || name === 'MAIL_TAG_SECRET' || name.endsWith('_URL');
        return `${name}: ${issue.message}${secret ? '' : `, got ${JSON.stringify(given[name])}`}`;
      });
  const s = parsed.success ? parsed.data : ({} as Settings);
  const files: SettingFiles = {};
  if (parsed.success) {
    if (s.NODE_ENV === 'production' && s.WEBHOOKS_ALLOW_INSECURE)
      problems.push('WEBHOOKS_ALLOW_INSECURE: must be off when NODE_ENV=production');
    if (s.NODE_ENV === 'production' && s.MAILBOXES_ALLOW_INSECURE)
      problems.push('MAILBOXES_ALLOW_INSECURE: must be off when NODE_ENV=production');
    if (s.SMTP_URL && !s.MAIL_DOMAIN) problems.push('MAIL_DOMAIN: must be set with SMTP_URL (the domain the companies send from)');
    if (s.NODE_ENV === 'production' && !s.JWT_SECRET)
      problems.push('JWT_SECRET: must be set when NODE_ENV=production (the same on every node)');
    const pubsub = s.PUBSUB;
    if (pubsub === 'postgres' && !s.DATABASE_URL) problems.push('PUBSUB: postgres needs DATABASE_URL');
    if (pubsub === 'redis' && !s.REDIS_URL) problems.push('PUBSUB: redis needs REDIS_URL');
    if (s.DATABASE_LISTEN_URL && !s.DATABASE_URL) problems.push('DATABASE_LISTEN_URL: needs DATABASE_URL');
    if (s.LOGIN_MAX_LOCKOUT_SECONDS !== undefined && s.LOGIN_MAX_LOCKOUT_SECONDS < (s.LOGIN_LOCKOUT_SECONDS ?? 2)) {
      problems.push('LOGIN_MAX_LOCKOUT_SECONDS: must be at least LOGIN_LOCKOUT_SECONDS');
    }
    if (s.METRICS_PORT !== undefined && s.METRICS_PORT === (s.PORT ?? 4000)) problems.push('METRICS_PORT: must differ from PORT');
    if (Boolean(s.MAIL_DKIM_SELECTOR) !== Boolean(s.MAIL_DKIM_KEY_FILE))
      problems.push('MAIL_DKIM_SELECTOR: set it together with MAIL_DKIM_KEY_FILE');
    if (s.MAIL_DKIM_KEY_FILE) {
      const read = readDkimKey(s.MAIL_DKIM_KEY_FILE);
      if (typeof read === 'string') files.dkimKey = read;
      else problems.push(`MAIL_DKIM_KEY_FILE: ${read.problem}`);
    }
    if (Boolean(s.SMTP_TLS_CERT_FILE) !== Boolean(s.SMTP_TLS_KEY_FILE))
      problems.push('SMTP_TLS_CERT_FILE: set it together with SMTP_TLS_KEY_FILE');
    else if (s.SMTP_TLS_CERT_FILE && s.SMTP_TLS_KEY_FILE) {
      const read = readSmtpTls(s.SMTP_TLS_CERT_FILE, s.SMTP_TLS_KEY_FILE);
      if ('problem' in read) problems.push(read.problem);
      else files.smtpTls = read;
    }
  }
  if (problems.length) throw new SettingsError(problems);
  return { s, files };
}

/** The DKIM private key (a PEM RSA or Ed25519 private key) in the file, or why it is not one. */
function readDkimKey(path: string): string | { problem: string } {
  try {
    const pem = readFileSync(path, 'utf8');
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'ed25519'
      ? pem
      : { problem: `expected an RSA or Ed25519 key, got ${key.asymmetricKeyType}` };
  } catch (err) {
    return { problem: `cannot read a PEM private key from ${path} (${(err as NodeJS.ErrnoException).code ?? 'invalid'})` };
  }
}

/** The receiver's certificate and its key (PEM, the key the certificate's), or why they are not, named by the setting at fault. */
function readSmtpTls(certFile: string, keyFile: string): { cert: string; key: string } | { problem: string } {
  const read = (name: string, path: string): string | Error => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      return new Error(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  };
  const cert = read('SMTP_TLS_CERT_FILE', certFile);
  const key = read('SMTP_TLS_KEY_FILE', keyFile);
  if (cert instanceof Error) return { problem: cert.message };
  if (key instanceof Error) return { problem: key.message };
  try {
    createSecureContext({ cert, key });
    return { cert, key };
  } catch (err) {
    return { problem: `SMTP_TLS_CERT_FILE: not a PEM certificate with its key in SMTP_TLS_KEY_FILE (${(err as Error).message})` };
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { s, files } = readSettings(env);
  const databaseUrl = s.DATABASE_URL;
  const production = s.NODE_ENV === 'production';
  const jwtSecret = s.JWT_SECRET ?? randomBytes(32).toString('hex');
  return {
    port: s.PORT ?? 4000,
    databaseUrl,
    databaseListenUrl: s.DATABASE_LISTEN_URL,
    pgliteDataDir: s.PGLITE_DATA_DIR,
    dbPoolSize: s.DB_POOL_SIZE ?? DB_DEFAULTS.dbPoolSize,
    dbStatementTimeoutMs: s.DB_STATEMENT_TIMEOUT_MS ?? DB_DEFAULTS.dbStatementTimeoutMs,
    dbLockTimeoutMs: s.DB_LOCK_TIMEOUT_MS ?? DB_DEFAULTS.dbLockTimeoutMs,
    dbIdleInTransactionTimeoutMs: s.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS ?? DB_DEFAULTS.dbIdleInTransactionTimeoutMs,
    dbPoolWaitMs: s.DB_POOL_WAIT_MS ?? DB_DEFAULTS.dbPoolWaitMs,
    dbCompanyConnections: s.DB_COMPANY_CONNECTIONS,
    dbUserConnections: s.DB_USER_CONNECTIONS,
    dbCompanyCost: s.DB_COMPANY_COST ?? DB_DEFAULTS.dbCompanyCost,
    redisUrl: s.REDIS_URL,
    pubsub: s.PUBSUB ?? (s.REDIS_URL ? 'redis' : databaseUrl ? 'postgres' : 'memory'),
    outboxGraceMs: s.OUTBOX_GRACE_MS ?? 2000,
    outboxRelayIntervalMs: s.OUTBOX_RELAY_INTERVAL_MS ?? 500,
    slaScheduler: s.SLA_SCHEDULER ?? true,
    slaPollMs: s.SLA_POLL_MS ?? 1000,
    slaClaimsPerCompany: s.SLA_CLAIMS_PER_COMPANY ?? 10,
    slaMinTargetSeconds: s.SLA_MIN_TARGET_SECONDS ?? 60,
    jwtSecret,
    tokenTtlSeconds: s.TOKEN_TTL_SECONDS ?? 12 * 3600,
    demoData: s.DEMO_DATA ?? !databaseUrl,
    migrateOnStart: s.MIGRATE_ON_START ?? true,
    rateLimitPerMinute: s.RATE_LIMIT_PER_MINUTE ?? 1200,
    anonymousRateLimitPerMinute: s.ANONYMOUS_RATE_LIMIT_PER_MINUTE ?? 300,
    integrationRateLimitPerMinute: s.INTEGRATION_RATE_LIMIT_PER_MINUTE ?? 600,
    webhooksAllowInsecure: s.WEBHOOKS_ALLOW_INSECURE ?? false,
    smtpUrl: s.SMTP_URL,
    mailDomain: (s.MAIL_DOMAIN ?? 'localhost').toLowerCase(),
    publicUrl: s.PUBLIC_URL ?? `http://localhost:${s.PORT ?? 4000}`,
    smtpPort: s.SMTP_PORT ?? (databaseUrl ? undefined : 2525),
    smtpHost: s.SMTP_HOST ?? (databaseUrl ? '0.0.0.0' : '127.0.0.1'),
    ...(files.smtpTls && { smtpTls: files.smtpTls }),
    mailMaxBytes: (s.MAIL_MAX_MB ?? 25) * MB,
    mailPerSenderPerHour: s.MAIL_PER_SENDER_PER_HOUR ?? 30,
    mailPerCompanyPerHour: s.MAIL_PER_COMPANY_PER_HOUR ?? 1000,
    ...(s.MAIL_DKIM_SELECTOR && files.dkimKey && { mailDkim: { selector: s.MAIL_DKIM_SELECTOR, privateKey: files.dkimKey } }),
    imapPollSeconds: s.IMAP_POLL_SECONDS ?? 60,
    mailboxesAllowInsecure: s.MAILBOXES_ALLOW_INSECURE ?? false,
    mailAuth: s.MAIL_AUTH ?? !!databaseUrl,
    mailAuthTimeoutMs: s.MAIL_AUTH_TIMEOUT_MS ?? 2000,
    mailAuthDns: (s.MAIL_AUTH_DNS ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
    mailTagSecret: s.MAIL_TAG_SECRET ?? createHmac('sha256', jwtSecret).update('reclaim mail reply tags').digest('hex'),
    portalSubmissionsPerHour: s.PORTAL_SUBMISSIONS_PER_HOUR ?? 30,
    portalSubmissionsPerHourPerTenant: s.PORTAL_SUBMISSIONS_PER_HOUR_PER_TENANT ?? 1000,
    portalUploadsPerHour: s.PORTAL_UPLOADS_PER_HOUR ?? 150,
    uploadDeadlineMs: (s.UPLOAD_DEADLINE_SECONDS ?? UPLOAD_DEFAULTS.uploadDeadlineMs / 1000) * 1000,
    uploadsPerAddress: s.UPLOADS_PER_ADDRESS ?? UPLOAD_DEFAULTS.uploadsPerAddress,
    uploadsPerUser: s.UPLOADS_PER_USER ?? UPLOAD_DEFAULTS.uploadsPerUser,
    uploadsPerNode: s.UPLOADS_PER_NODE ?? UPLOAD_DEFAULTS.uploadsPerNode,
    uploadPendingTtlMs: (s.UPLOAD_PENDING_TTL_SECONDS ?? UPLOAD_DEFAULTS.uploadPendingTtlMs / 1000) * 1000,
    uploadPendingBytesPerAddress: (s.UPLOAD_PENDING_MB_PER_ADDRESS ?? UPLOAD_DEFAULTS.uploadPendingBytesPerAddress / MB) * MB,
    uploadPendingBytesPerTenant: (s.UPLOAD_PENDING_MB_PER_TENANT ?? UPLOAD_DEFAULTS.uploadPendingBytesPerTenant / MB) * MB,
    exportsPerCompany: s.EXPORTS_PER_COMPANY ?? 2,
    mailLogRetentionDays: s.MAIL_LOG_RETENTION_DAYS ?? RETENTION_DEFAULTS.mailLogRetentionDays,
    webhookLogRetentionDays: s.WEBHOOK_LOG_RETENTION_DAYS ?? RETENTION_DEFAULTS.webhookLogRetentionDays,
    unconfirmedCompanyDays: s.UNCONFIRMED_COMPANY_DAYS ?? RETENTION_DEFAULTS.unconfirmedCompanyDays,
    sharedResultsMs: (s.SHARED_RESULTS_SECONDS ?? 2) * 1000,
    rateLimitPrefix: s.RATE_LIMIT_PREFIX ?? 'reclaim',
    loginFailuresPerAccount: s.LOGIN_FAILURES_PER_ACCOUNT ?? 5,
    loginLockoutSeconds: s.LOGIN_LOCKOUT_SECONDS ?? 2,
    loginMaxLockoutSeconds: s.LOGIN_MAX_LOCKOUT_SECONDS ?? 900,
    loginFailuresPerAddressPerHour: s.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR ?? 100,
    passwordHashConcurrency: s.PASSWORD_HASH_CONCURRENCY ?? 2 * availableParallelism(),
    passwordHashWaitMs: s.PASSWORD_HASH_WAIT_MS ?? 500,
    passwordHashCost: s.PASSWORD_HASH_COST ?? DEFAULT_HASH_COST,
    signUpsPerHourPerAddress: s.SIGN_UPS_PER_HOUR_PER_ADDRESS ?? 3,
    invitationTtlSeconds: (s.INVITATION_TTL_HOURS ?? 7 * 24) * 3600,
    passwordResetTtlSeconds: (s.PASSWORD_RESET_TTL_MINUTES ?? 60) * 60,
    addressConfirmationTtlSeconds: (s.ADDRESS_CONFIRMATION_TTL_HOURS ?? 7 * 24) * 3600,
    invitationsPerHour: s.INVITATIONS_PER_HOUR ?? INVITATIONS_PER_HOUR,
    passwordResetsPerAccountPerHour: s.PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR ?? RESET_DEFAULTS.perAccountPerHour,
    passwordResetsPerAddressPerHour: s.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR ?? RESET_DEFAULTS.perAddressPerHour,
    passwordResetMinAnswerMs: s.PASSWORD_RESET_MIN_ANSWER_MS ?? RESET_DEFAULTS.minAnswerMs,
    trustedProxies: s.TRUSTED_PROXIES ?? 0,
    queryLimits: {
      maxDepth: s.GRAPHQL_MAX_DEPTH ?? DEFAULT_LIMITS.maxDepth,
      maxAliases: s.GRAPHQL_MAX_ALIASES ?? DEFAULT_LIMITS.maxAliases,
      maxFields: s.GRAPHQL_MAX_FIELDS ?? DEFAULT_LIMITS.maxFields,
      maxCost: s.GRAPHQL_MAX_COST ?? DEFAULT_LIMITS.maxCost,
      maxSpreads: s.GRAPHQL_MAX_FRAGMENT_SPREADS ?? DEFAULT_LIMITS.maxSpreads,
      maxRootFields: DEFAULT_LIMITS.maxRootFields,
    },
    portalMaxRootFields: s.PORTAL_MAX_ROOT_FIELDS ?? PORTAL_LIMITS.maxRootFields!,
    graphqlIntrospection: s.GRAPHQL_INTROSPECTION ?? !production,
    graphqlBodyTimeoutMs: s.GRAPHQL_BODY_TIMEOUT_MS ?? 30_000,
    operatorToken: s.OPERATOR_TOKEN,
    metricsPort: s.METRICS_PORT,
    logLevel: s.LOG_LEVEL ?? 'info',
    logPretty: s.LOG_PRETTY ?? !databaseUrl,
    shutdownReadyDelayMs: s.SHUTDOWN_READY_DELAY_MS ?? (production ? 5000 : 0),
    shutdownDeadlineMs: s.SHUTDOWN_DEADLINE_MS ?? 30_000,
    live: {
      socketsPerAddress: s.WS_SOCKETS_PER_ADDRESS ?? LIVE.socketsPerAddress,
      socketsPerUser: s.WS_SOCKETS_PER_USER ?? LIVE.socketsPerUser,
      socketsPerTenant: s.WS_SOCKETS_PER_TENANT ?? LIVE.socketsPerTenant,
      subscriptionsPerSocket: s.WS_SUBSCRIPTIONS_PER_SOCKET ?? LIVE.subscriptionsPerSocket,
      subscriptionsPerUser: s.WS_SUBSCRIPTIONS_PER_USER ?? LIVE.subscriptionsPerUser,
      subscriptionsPerAddress: s.WS_SUBSCRIPTIONS_PER_ADDRESS ?? LIVE.subscriptionsPerAddress,
      subscriptionsPerTenant: s.WS_SUBSCRIPTIONS_PER_TENANT ?? LIVE.subscriptionsPerTenant,
      groupsPerTenant: s.WS_GROUPS_PER_TENANT ?? LIVE.groupsPerTenant,
      groupsPerAddress: s.WS_GROUPS_PER_ADDRESS ?? LIVE.groupsPerAddress,
      pendingExecutionsPerTenant: s.WS_PENDING_EXECUTIONS_PER_TENANT ?? LIVE.pendingExecutionsPerTenant,
      executionsPerSecondPerTenant: s.WS_EXECUTIONS_PER_SECOND_PER_TENANT ?? LIVE.executionsPerSecondPerTenant,
      unsentBytesPerSocket: s.WS_UNSENT_BYTES_PER_SOCKET ?? LIVE.unsentBytesPerSocket,
      unsentBytesPerAddress: s.WS_UNSENT_BYTES_PER_ADDRESS ?? LIVE.unsentBytesPerAddress,
      sentBytesPerSecondPerAddress: s.WS_SENT_BYTES_PER_SECOND_PER_ADDRESS ?? LIVE.sentBytesPerSecondPerAddress,
      unsentBytesTotal: s.WS_UNSENT_BYTES_TOTAL ?? LIVE.unsentBytesTotal,
      stallMs: s.WS_STALL_MS ?? LIVE.stallMs,
    },
    production,
  };
}
