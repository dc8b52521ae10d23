import type { MailTransport } from '../modules/mail/mail.entity.js';
import type { MailboxAccess } from '../modules/mail/mailbox.service.js';
import type { MailLinks } from '../modules/mail/mail-links.js';
import type { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork, type CommittedEvents } from '../db/unit-of-work.js';
import type { Actor } from '../auth/actor.js';
import type { Role } from '../auth/roles.js';
import { bearer, type TokenClaims, type TokenService } from '../auth/token.js';
import { AppError } from './errors.js';
import { Loaders } from './loaders.js';
import { parseComplaintNumber } from '../modules/complaint/numbering.js';
import type { PortalLimits, RateLimiter } from '../http/rate-limiter.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { hashPassword as scryptHash, type PasswordHashing } from '../auth/password.js';
import type { FileLinks } from '../modules/attachment/file-links.js';
import type { UploadPolicy } from '../modules/attachment/attachment.http.js';
import type { ComplaintEvent } from '../realtime/events.js';
import type { QueryLimits } from './limits.js';
import { looksLikeApiKey } from '../modules/integration/api-key.js';
import { recordKeyUse, verifyApiKey } from '../modules/integration/integration.service.js';
import type { LogRetentionSettings } from '../modules/tenant/log-retention.resolver.js';
import type { WebhookUrlPolicy } from '../modules/webhook/webhook.service.js';
import type { AccountSettings } from '../modules/account/account.service.js';
import type { PasswordResetLimits } from '../modules/account/reset-limits.js';
import type { SharedResults } from './shared-results.js';

/**
 * What every service method takes first: the tenant, the acting staff member
 * (null for customers and for sign-up/login) and the transaction.
 */
export class RequestContext {
  readonly loaders: Loaders;

  constructor(
    readonly tenantId: string,
    readonly actor: Actor | null,
    readonly manager: EntityManager,
    private readonly uow?: UnitOfWork,
    /** Hashes a new password; in a request, within the node's hashing slots (RATE_LIMITED when none is free). */
    readonly hashPassword: (password: string) => Promise<string> = scryptHash,
    /** Signs and checks the tracking links that mail carries (PUBLIC_URL, MAIL_TAG_SECRET); absent where no mail is written. */
    readonly mailLinks?: MailLinks,
  ) {
    this.loaders = new Loaders(manager, tenantId);
  }

  /** Hands an event written to the outbox by this transaction to be published once it commits. */
  recordEvent(event: ComplaintEvent): void {
    if (!this.uow) throw new Error('this context has no unit of work to publish events from');
    this.uow.record(event);
  }

  /** A clock written in this transaction fires at `at` (see UnitOfWork.deadline); without a unit of work (seeding), nobody is told. */
  deadlineWritten(at: number): void {
    this.uow?.deadline(at);
  }

  /** Runs `hook` after this context's transaction commits; without a unit of work (seeding), never. */
  afterCommit(hook: () => void): void {
    this.uow?.afterCommit(hook);
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.manager.query(sql, params);
  }

  /** The actor, for operations only staff may run. */
  get staff(): Actor {
    if (!this.actor) throw new AppError('UNAUTHENTICATED', 'staff sign-in required');
    return this.actor;
  }
}

export interface ServerDeps {
  dataSource: DataSource;
  tokens: TokenService;
  /** Per staff user. */
  staffLimiter: RateLimiter;
  /** Per integration API key (by its prefix). */
  integrationLimiter?: RateLimiter;
  /** How webhook endpoint URLs are checked when saved (WEBHOOKS_ALLOW_INSECURE; tests give their own resolver). */
  webhookUrls?: WebhookUrlPolicy;
  /** Per client address, for requests without a staff token (sign-up, login, portal). */
  anonymousLimiter: RateLimiter;
  /** Accepted portal submissions and uploads, per address and per company. */
  portalLimits: PortalLimits;
  /** Companies signed up per client address. */
  signUps: RateLimiter;
  /** Failed sign-ins per account and per address, with growing waits. */
  logins: LoginThrottle;
  /** The node's password-hashing slots, at most one per client address. */
  passwords: PasswordHashing;
  /** Signs and checks the download links of attachments. */
  files: FileLinks;
  /** Caps on uploads being received, their deadline and the quota of pending bytes. */
  uploads: UploadPolicy;
  /** Proxies in front of the server whose X-Forwarded-For is believed (TRUSTED_PROXIES). */
  trustedProxies: number;
  /** The shortest target an SLA policy may set, in working seconds (SLA_MIN_TARGET_SECONDS). */
  slaMinTargetSeconds: number;
  /** What one document may ask for (DEFAULT_LIMITS where not given), over HTTP and WebSocket alike. */
  queryLimits?: Partial<QueryLimits>;
  /** Publishes committed events at once; without it the outbox relay publishes them after its grace period. */
  publisher?: CommittedEvents;
  /** How this node sends mail (SMTP_URL, or the development mailbox). */
  mailTransport?: MailTransport;
  /** The tracking links of mail (PUBLIC_URL); every request's context carries it. */
  mailLinks?: MailLinks;
  /** How company mailboxes are reached and their passwords sealed (MAILBOXES_ALLOW_INSECURE, MAIL_TAG_SECRET). */
  mailboxes?: MailboxAccess;
  /** How long account links work (invitations, password resets, address confirmations). */
  accounts: AccountSettings;
  /** How long the mail and webhook logs are kept (MAIL_LOG_RETENTION_DAYS, WEBHOOK_LOG_RETENTION_DAYS). */
  logRetention: LogRetentionSettings;
  /** "Forgot password?" requests per account and per address, and the answer's minimum time. */
  passwordResets: PasswordResetLimits;
  /** Closes, on every node, the sockets of a user whose credentials changed (after the change commits). */
  sessions?: SessionEnder;
  /** Where this node's `@Shared` queries share their answers (SHARED_RESULTS_SECONDS); none: each computes its own. */
  sharedResults?: SharedResults;
}

export interface SessionEnder {
  ended(tenantId: string, userId: string, credentialsVersion: number): void;
}

interface ActorRow {
  id: string;
  roles: Role[];
  active: boolean;
  credentials_version: number;
  department_ids: string[];
}

/** The per-request GraphQL context of both endpoints. */
export class GraphQLContext {
  readonly uow: UnitOfWork;
  private staffCtx?: Promise<RequestContext>;
  private tenantCtx?: Promise<RequestContext>;
  private tenantCtxId?: string;

  constructor(
    readonly deps: ServerDeps,
    readonly authorization: string | undefined,
    readonly clientAddress: string,
    uow?: UnitOfWork,
  ) {
    this.uow = uow ?? new UnitOfWork(deps.dataSource, deps.publisher, { clientAddress });
  }

  /**
   * The context in which a subscription's payload is computed for a group
   * of subscribers: their tenant and (for staff) an actor with their common
   * roles and departments, inside the delivering unit of work.
   */
  static forSubscription(deps: ServerDeps, uow: UnitOfWork, tenantId: string, actor: Actor | null): GraphQLContext {
    const gql = new GraphQLContext(deps, undefined, 'subscription', uow);
    const ready = (async () => {
      await uow.enterTenant(tenantId);
      return new RequestContext(tenantId, actor, await uow.manager(), undefined, undefined, deps.mailLinks);
    })();
    ready.catch(() => undefined); // awaited by the resolvers; never an unhandled rejection if none is
    if (actor) gql.staffCtx = ready;
    else {
      gql.tenantCtx = ready;
      gql.tenantCtxId = tenantId;
    }
    return gql;
  }

  /** The signed-in staff member's context; UNAUTHENTICATED without a valid token. */
  staff(): Promise<RequestContext> {
    this.staffCtx ??= this.loadStaff();
    return this.staffCtx;
  }

  /** A context for a tenant found from public input (sign-up, login, the portal), without an actor. */
  forTenant(tenantId: string): Promise<RequestContext> {
    if (this.tenantCtxId && this.tenantCtxId !== tenantId) {
      return Promise.reject(new AppError('BAD_USER_INPUT', 'one request can address only one company'));
    }
    this.tenantCtxId = tenantId;
    this.tenantCtx ??= (async () => {
      await this.limitAnonymous();
      await this.uow.enterTenant(tenantId);
      return new RequestContext(tenantId, null, await this.uow.manager(), this.uow, this.hashPasswordInSlot, this.deps.mailLinks);
    })();
    return this.tenantCtx;
  }

  /**
   * The context this request already works in (after sign-up or login, the
   * new session's tenant), else the signed-in staff member's: for field
   * resolvers of types that both return, such as User.
   */
  current(): Promise<RequestContext> {
    return this.tenantCtx ?? this.staff();
  }

  /** The context of the company behind a public slug (the portal), or null for an unknown one. */
  async forSlug(slug: string): Promise<RequestContext | null> {
    const tenantId = await this.tenantIdBySlug(slug.slice(0, 60));
    return tenantId ? this.forTenant(tenantId) : null;
  }

  /**
   * The context of the company whose complaint numbers `number` carries, or
   * null. Every call counts against the client address's limit, also those
   * in aliases of one request and those refused at sight: each is a guess.
   */
  async forTrackingNumber(number: string): Promise<RequestContext | null> {
    await this.countLookup();
    const parsed = parseComplaintNumber(number);
    const tenantId = parsed ? await this.tenantIdByNumberPrefix(parsed.prefix) : null;
    return tenantId ? this.forTenant(tenantId) : null;
  }

  /** Counts an accepted portal submission against the address's and the company's hourly quotas; RATE_LIMITED beyond them. */
  countSubmission(tenantId: string): Promise<void> {
    return this.deps.portalLimits.submission(this.clientAddress, tenantId);
  }

  /** The tenant behind a public slug (sign-up, login, the portal), or null. */
  tenantIdBySlug(slug: string): Promise<string | null> {
    return this.lookUp('tenant_id_by_slug', slug.trim().toLowerCase());
  }

  /** Whether a company has `slug`, or had it and was deleted (docs/operations.md, "What is deleted, and when"): sign-up refuses it. */
  async slugInUse(slug: string): Promise<boolean> {
    return (await this.lookUp<boolean>('slug_in_use', slug.trim().toLowerCase()))!;
  }

  /** The tenant whose complaint numbers start with `prefix`, or null. */
  tenantIdByNumberPrefix(prefix: string): Promise<string | null> {
    return this.lookUp('tenant_id_by_number_prefix', prefix);
  }

  /** Runs before any tenant is set, through the SECURITY DEFINER functions that answer an id or a yes, never a row. */
  private async lookUp<T = string>(fn: 'tenant_id_by_slug' | 'tenant_id_by_number_prefix' | 'slug_in_use', key: string): Promise<T | null> {
    await this.limitAnonymous();
    const [row] = await (await this.uow.manager()).query(`SELECT ${fn}($1) AS answer`, [key]);
    return row?.answer ?? null;
  }

  private anonymousCounted = false;
  /** Counts this request against its client address's limit, once; RATE_LIMITED beyond it. */
  async limitAnonymous(): Promise<void> {
    if (!this.anonymousCounted) await this.countLookup();
  }

  /**
   * Counts one public lookup (a tracking number and its token) against the
   * client address's limit, however many one request makes; RATE_LIMITED beyond it.
   */
  async countLookup(): Promise<void> {
    this.anonymousCounted = true;
    await this.deps.anonymousLimiter.take(this.clientAddress);
  }

  /**
   * A request refused before it ran (unparsable, invalid, past the query
   * limits) touches no database, so nothing else counts it: it counts
   * against its staff user's limit with a valid token, else its address's.
   */
  async countRefused(): Promise<void> {
    const token = bearer(this.authorization);
    if (token && looksLikeApiKey(token) && this.deps.integrationLimiter) {
      await this.deps.integrationLimiter.spend(token.slice(0, 19));
      return;
    }
    const claims = token ? await this.deps.tokens.verify(token).catch(() => null) : null;
    // Counted only: the refusal the caller gets is the one it earned.
    if (claims) await this.deps.staffLimiter.spend(claims.userId);
    else await this.deps.anonymousLimiter.spend(this.clientAddress);
  }

  /** Runs a password hash (or check) in one of the node's hashing slots, at most one per client address. */
  withHashingSlot<T>(work: () => Promise<T>): Promise<T> {
    return this.deps.passwords.run(this.clientAddress, work);
  }

  private readonly hashPasswordInSlot = (password: string) => this.withHashingSlot(() => this.deps.passwords.hash(password));

  private async loadStaff(): Promise<RequestContext> {
    const token = bearer(this.authorization);
    if (!token) throw new AppError('UNAUTHENTICATED', 'sign in first (Authorization: Bearer <token>)');
    if (looksLikeApiKey(token)) return this.loadIntegration(token);
    const claims = await this.deps.tokens.verify(token);
    await this.deps.staffLimiter.take(claims.userId);
    const actor = await enterAsStaff(this.uow, claims);
    return new RequestContext(claims.tenantId, actor, await this.uow.manager(), this.uow, this.hashPasswordInSlot, this.deps.mailLinks);
  }

  /**
   * An integration's request: its key's budget first (by the key's prefix, before the database), then the key
   * checked in the anonymous turn, then the request's own unit in the key's company (its share of the pool).
   */
  private async loadIntegration(key: string): Promise<RequestContext> {
    await this.deps.integrationLimiter?.take(key.slice(0, 19));
    const checked = await verifyApiKey(this.deps.dataSource, key, this.clientAddress);
    const { actor } = checked;
    // The key is one more user of its company: its requests together hold no more of the company's share than a staff member's.
    await this.uow.enterTenant(actor.tenantId, { userId: actor.userId });
    await recordKeyUse(this.uow, checked, this.clientAddress);
    return new RequestContext(actor.tenantId, actor, await this.uow.manager(), this.uow, this.hashPasswordInSlot, this.deps.mailLinks);
  }
}

/**
 * Opens `uow` in the claims' company and, in the same round trip, loads the
 * staff member they name (roles, departments); UNAUTHENTICATED for an
 * unknown or deactivated account, or a session older than its credentials.
 */
export async function enterAsStaff(
  uow: UnitOfWork,
  claims: Pick<TokenClaims, 'tenantId' | 'userId' | 'credentialsVersion'>,
): Promise<Actor> {
  // The ids are UUIDs checked by the token service; inlining them saves a round trip.
  const [row] = await uow.enterTenant<ActorRow>(claims.tenantId, {
    userId: claims.userId,
    then: `SELECT u.id, u.roles, u.active, u.credentials_version,
                  ARRAY(SELECT ud.department_id FROM user_departments ud WHERE ud.user_id = u.id) AS department_ids
             FROM users u WHERE u.id = '${claims.userId}'`,
  });
  if (!row || !row.active) throw new AppError('UNAUTHENTICATED', 'this account no longer exists or is deactivated');
  if (row.credentials_version !== (claims.credentialsVersion ?? 0)) {
    throw new AppError('UNAUTHENTICATED', 'this session ended: the password, roles or departments changed; sign in again');
  }
  return { userId: row.id, tenantId: claims.tenantId, roles: row.roles, departmentIds: row.department_ids };
}
