import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { buildSchemas, type Schemas } from './graphql/schema.js';
import { SharedResults } from './graphql/shared-results.js';
import { createGraphQLEndpoint } from './http/graphql-handler.js';
import { isOperator, sendJson } from './http/http-util.js';
import { PORTAL_LIMITS } from './graphql/limits.js';
import { CONSOLE_ROOT, PORTAL_ROOT, createSpaStatic } from './http/static.js';
import { TokenService } from './auth/token.js';
import { PortalLimits, RateLimitStore } from './http/rate-limiter.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { PasswordHashing } from './auth/password.js';
import { FileLinks } from './modules/attachment/file-links.js';
import { createFileRoutes } from './modules/attachment/attachment.http.js';
import { createExportRoutes } from './modules/export/export.http.js';
import { uploadPurgeJob } from './modules/attachment/attachment.purge.js';
import { Purge } from './db/purge.js';
import { mailLogPurgeJob } from './modules/mail/mail.purge.js';
import { webhookLogPurgeJob } from './modules/webhook/webhook.purge.js';
import { outboxPurgeJob } from './realtime/outbox.purge.js';
import { unconfirmedCompanyPurgeJob } from './modules/tenant/tenant.purge.js';
import { deletionReminderJob } from './modules/account/deletion-reminder.js';
import { UploadSlots } from './modules/attachment/upload-slots.js';
import { Realtime } from './realtime/index.js';
import { RETENTION_DEFAULTS, UPLOAD_DEFAULTS, type Config } from './config.js';
import type { LiveLimits } from './realtime/live-limits.js';
import { DEFAULT_SCHEDULER, SlaScheduler } from './modules/sla/sla.scheduler.js';
import { DEFAULT_WEBHOOK_WORKER, WebhookWorker, type WebhookWorkerOptions } from './modules/webhook/webhook.worker.js';
import { DEFAULT_MAIL_WORKER, MailWorker, type MailWorkerOptions } from './modules/mail/mail.worker.js';
import { MailLinks } from './modules/mail/mail-links.js';
import { ACCOUNT_DEFAULTS } from './modules/account/account.service.js';
import { PasswordResetLimits } from './modules/account/reset-limits.js';
import { MailReceiver } from './modules/mail/mail.receiver.js';
import { DEFAULT_SURVEY_SCHEDULER, SurveyScheduler, type SurveySchedulerOptions } from './modules/survey/survey.scheduler.js';
import { DEFAULT_MAILBOX_READER, MailboxReader, type MailboxReaderOptions } from './modules/mail/mailbox.reader.js';
import type { MailboxAccess } from './modules/mail/mailbox.service.js';
import { SecretBox } from './auth/secret-box.js';
import { systemResolver } from './modules/webhook/ssrf.js';
import { MailAuthenticator } from './modules/mail/mail.auth.js';
import type { CommittedEvents } from './db/unit-of-work.js';
import { Health } from './ops/health.js';
import { Metrics, type Endpoint } from './ops/metrics.js';
import { accessLog, log, requestScope, serveInScope } from './ops/log.js';

export interface App {
  server: Server;
  tokens: TokenService;
  realtime: Realtime;
  /** Fires SLA warnings and breaches; null when SLA_SCHEDULER=0. */
  scheduler: SlaScheduler | null;
  /** Deletes what outlived its time: uploads never linked, old mail and webhook logs, published outbox events, companies never confirmed (reminded a week before). */
  purge: Purge;
  /** Sends webhook deliveries (docs/integrations.md). */
  webhooks: WebhookWorker;
  /** Sends outbound mail, or keeps it in the development mailbox without SMTP_URL (docs/email.md). */
  mail: MailWorker;
  /** The SMTP receiver (SMTP_PORT), not listening yet; null when there is none. */
  mailReceiver: MailReceiver | null;
  /** Reads the companies' own mailboxes over IMAP (docs/email.md). */
  mailboxReader: MailboxReader;
  /** Runs scheduled surveys (docs/surveys.md#schedules). */
  surveyScheduler: SurveyScheduler;
  /** Liveness and readiness (/livez, /readyz). */
  health: Health;
  /** The node's figures for Prometheus (/metrics, METRICS_PORT); null when neither OPERATOR_TOKEN nor METRICS_PORT lets anyone read them. */
  metrics: Metrics | null;
  /**
   * Graceful shutdown: stops accepting, ends subscriptions and closes
   * sockets, drains HTTP, publishes what was committed. The caller then
   * closes the pool.
   */
  close(): Promise<void>;
}

/**
 * The HTTP server with both GraphQL endpoints and their subscriptions
 * (graphql-ws, same port and paths). It does not listen yet and does not
 * own the DataSource (the caller opens and closes it).
 */
export type AppConfig = Pick<
  Config,
  'jwtSecret' | 'tokenTtlSeconds' | 'production' | 'rateLimitPerMinute' | 'anonymousRateLimitPerMinute'
> &
  Partial<Omit<Config, 'live'>> & {
    live?: Partial<LiveLimits>;
    webhooks?: Partial<WebhookWorkerOptions>;
    mail?: Partial<MailWorkerOptions>;
    mailbox?: Partial<MailboxReaderOptions>;
    surveySchedules?: Partial<SurveySchedulerOptions>;
  };

/**
 * A node's server over `dataSource`. `schemas`: the endpoints' schemas, built here unless given (the test harness's
 * apps share one build per worker: type-graphql takes about 70 ms a build, docs/benchmarks.md).
 */
export async function createApp(dataSource: DataSource, config: AppConfig, schemas: Promise<Schemas> = buildSchemas()): Promise<App> {
  const tokens = new TokenService(config.jwtSecret, config.tokenTtlSeconds);
  const realtime = new Realtime(dataSource, {
    pubsub: config.pubsub ?? 'memory',
    // LISTEN needs a session of its own: a direct connection when DATABASE_URL goes through PgBouncer in transaction mode.
    databaseUrl: config.databaseListenUrl ?? config.databaseUrl,
    redisUrl: config.redisUrl,
    relay: {
      ...(config.outboxGraceMs !== undefined && { graceMs: config.outboxGraceMs }),
      ...(config.outboxRelayIntervalMs !== undefined && { intervalMs: config.outboxRelayIntervalMs }),
    },
    limits: config.live,
  });
  const webhookOptions: WebhookWorkerOptions = {
    ...DEFAULT_WEBHOOK_WORKER,
    rules: { allowInsecure: config.webhooksAllowInsecure ?? false },
    ...config.webhooks,
  };
  const webhooks = new WebhookWorker(dataSource, webhookOptions);
  /**
   * What this node's units of work tell it after they commit: their events to publish (and perhaps webhook
   * deliveries and mail to send), their nearest deadline to its scheduler.
   */
  const afterCommit: CommittedEvents = {
    committed: (events) => {
      realtime.publisher.committed(events);
      webhooks.wake();
      mail.wake();
    },
    deadlineWritten: (at) => scheduler?.expect(at),
  };
  const mailSettings = {
    smtpUrl: config.smtpUrl,
    domain: config.mailDomain ?? 'localhost',
    tagSecret: config.mailTagSecret ?? config.jwtSecret,
    dkim: config.mailDkim,
  };
  const mail = new MailWorker(dataSource, mailSettings, afterCommit, { ...DEFAULT_MAIL_WORKER, ...config.mail });
  const mailLinks = new MailLinks(mailSettings.tagSecret, config.publicUrl ?? `http://localhost:${config.port ?? 4000}`);
  const mailboxes: MailboxAccess = {
    box: new SecretBox(mailSettings.tagSecret, 'mailbox password'),
    policy: {
      allowInsecure: config.mailboxesAllowInsecure ?? false,
      resolve: systemResolver,
      timeoutMs: 15_000,
      maxBytes: config.mailMaxBytes ?? 25 * 1024 * 1024,
    },
  };
  const uploadDeadlineMs = config.uploadDeadlineMs ?? UPLOAD_DEFAULTS.uploadDeadlineMs;
  // Limits left out of `config` are off (tests turn on the ones they exercise); loadConfig gives them all.
  const limits = new RateLimitStore({ redisUrl: config.redisUrl, prefix: config.rateLimitPrefix });
  // How long the logs are kept: the purge deletes by it (below), and admins read it beside the logs.
  const mailLogDays = config.mailLogRetentionDays ?? RETENTION_DEFAULTS.mailLogRetentionDays;
  const webhookLogDays = config.webhookLogRetentionDays ?? RETENTION_DEFAULTS.webhookLogRetentionDays;
  const unconfirmedCompanyDays = config.unconfirmedCompanyDays ?? RETENTION_DEFAULTS.unconfirmedCompanyDays;
  const deps = {
    dataSource,
    tokens,
    staffLimiter: limits.limiter('staff', config.rateLimitPerMinute, 60),
    anonymousLimiter: limits.limiter('address', config.anonymousRateLimitPerMinute, 60),
    integrationLimiter: limits.limiter('integration', config.integrationRateLimitPerMinute ?? 0, 60),
    portalLimits: new PortalLimits(limits, {
      submissionsPerHour: config.portalSubmissionsPerHour ?? 0,
      submissionsPerHourPerTenant: config.portalSubmissionsPerHourPerTenant ?? 0,
      uploadsPerHour: config.portalUploadsPerHour ?? 0,
    }),
    signUps: limits.limiter('sign-ups', config.signUpsPerHourPerAddress ?? 0, 3600),
    logins: new LoginThrottle(limits, {
      failuresPerAccount: config.loginFailuresPerAccount ?? 0,
      lockoutSeconds: config.loginLockoutSeconds ?? 2,
      maxLockoutSeconds: config.loginMaxLockoutSeconds ?? 900,
      failuresPerAddressPerHour: config.loginFailuresPerAddressPerHour ?? 0,
    }),
    passwords: new PasswordHashing(config.passwordHashConcurrency ?? 0, config.passwordHashWaitMs ?? 500, config.passwordHashCost),
    files: new FileLinks(config.jwtSecret),
    uploads: {
      slots: new UploadSlots({
        perAddress: config.uploadsPerAddress ?? UPLOAD_DEFAULTS.uploadsPerAddress,
        perUser: config.uploadsPerUser ?? UPLOAD_DEFAULTS.uploadsPerUser,
        perNode: config.uploadsPerNode ?? UPLOAD_DEFAULTS.uploadsPerNode,
      }),
      deadlineMs: uploadDeadlineMs,
      pendingBytesPerAddress: config.uploadPendingBytesPerAddress ?? UPLOAD_DEFAULTS.uploadPendingBytesPerAddress,
      pendingBytesPerTenant: config.uploadPendingBytesPerTenant ?? UPLOAD_DEFAULTS.uploadPendingBytesPerTenant,
    },
    trustedProxies: config.trustedProxies ?? 0,
    slaMinTargetSeconds: config.slaMinTargetSeconds ?? 60,
    queryLimits: config.queryLimits,
    publisher: afterCommit,
    sessions: realtime,
    // The analysis, asked again by every open Analysis page of a company when a complaint moves, is computed once a moment.
    sharedResults: new SharedResults(config.sharedResultsMs ?? 0),
    webhookUrls: { rules: webhookOptions.rules, resolve: webhookOptions.resolve },
    mailTransport: mail.sender.kind,
    mailLinks,
    mailboxes,
    accounts: {
      invitationTtlSeconds: config.invitationTtlSeconds ?? ACCOUNT_DEFAULTS.invitationTtlSeconds,
      passwordResetTtlSeconds: config.passwordResetTtlSeconds ?? ACCOUNT_DEFAULTS.passwordResetTtlSeconds,
      addressConfirmationTtlSeconds: config.addressConfirmationTtlSeconds ?? ACCOUNT_DEFAULTS.addressConfirmationTtlSeconds,
      unconfirmedCompanyDays,
      invitations: limits.limiter('invitations-tenant', config.invitationsPerHour ?? 0, 3600),
    },
    logRetention: { mailDays: mailLogDays, webhookDays: webhookLogDays },
    passwordResets: new PasswordResetLimits(limits, {
      perAccountPerHour: config.passwordResetsPerAccountPerHour ?? 0,
      perAddressPerHour: config.passwordResetsPerAddressPerHour ?? 0,
      minAnswerMs: config.passwordResetMinAnswerMs ?? 0,
    }),
  };
  const mailReceiver =
    config.smtpPort === undefined
      ? null
      : new MailReceiver(dataSource, afterCommit, mailLinks, mailSettings, {
          port: config.smtpPort,
          host: config.smtpHost ?? '127.0.0.1',
          maxBytes: config.mailMaxBytes ?? 25 * 1024 * 1024,
          perSender: limits.limiter('mail-sender', config.mailPerSenderPerHour ?? 0, 3600),
          perCompany: limits.limiter('mail-company', config.mailPerCompanyPerHour ?? 0, 3600),
          authenticator: config.mailAuth
            ? new MailAuthenticator({ timeoutMs: config.mailAuthTimeoutMs ?? 2000, servers: config.mailAuthDns ?? [] })
            : null,
          tls: config.smtpTls,
        });
  const mailboxReader = new MailboxReader(
    dataSource,
    afterCommit,
    mailLinks,
    mailSettings,
    mailboxes.box,
    mailboxes.policy,
    limits.limiter('mail-company', config.mailPerCompanyPerHour ?? 0, 3600),
    { ...DEFAULT_MAILBOX_READER, intervalMs: (config.imapPollSeconds ?? 60) * 1000, ...config.mailbox },
  );
  const surveyScheduler = new SurveyScheduler(dataSource, afterCommit, mailLinks, {
    ...DEFAULT_SURVEY_SCHEDULER,
    ...config.surveySchedules,
  });
  const scheduler =
    config.slaScheduler === false
      ? null
      : new SlaScheduler(
          dataSource,
          afterCommit,
          {
            ...DEFAULT_SCHEDULER,
            pollMs: config.slaPollMs ?? DEFAULT_SCHEDULER.pollMs,
            perCompany: config.slaClaimsPerCompany ?? DEFAULT_SCHEDULER.perCompany,
          },
          mailLinks,
        );
  // What outlives its time is deleted (docs/operations.md, "What is deleted, and when"); a retention of 0 days keeps it.
  const DAY = 86_400_000;
  const purge = new Purge(
    dataSource,
    [
      uploadPurgeJob({
        pendingTtlMs: config.uploadPendingTtlMs ?? UPLOAD_DEFAULTS.uploadPendingTtlMs,
        unfinishedAfterMs: uploadDeadlineMs + 60_000,
      }),
      ...(mailLogDays ? [mailLogPurgeJob(mailLogDays * DAY)] : []),
      ...(webhookLogDays ? [webhookLogPurgeJob(webhookLogDays * DAY)] : []),
      outboxPurgeJob(),
      ...(unconfirmedCompanyDays ? [unconfirmedCompanyPurgeJob(unconfirmedCompanyDays, realtime), deletionReminderJob(deps.accounts)] : []),
    ],
    { intervalMs: 60_000, batchSize: 200, mailLinks },
  );
  const health = new Health(dataSource, () => realtime.pubsub);
  // Nothing is collected that no one can read: without an operators' token or a metrics port there is no /metrics.
  const metrics = config.operatorToken || config.metricsPort ? new Metrics({ dataSource, realtime, scheduler, mailReceiver }) : null;
  const [{ staff: staffSchema, portal: portalSchema }] = await Promise.all([schemas, limits.ready()]);
  // Staff requests count their cost against their company's cost share (DB_COMPANY_COST); portal requests only their connections.
  const countErrors = metrics ? (codes: string[]) => metrics.countErrors(codes) : undefined;
  const staff = await createGraphQLEndpoint(staffSchema, deps, { ...config, weighed: true, countErrors });
  // The public endpoint takes text only (files go to /portal/uploads): a quarter of the staff limit.
  const portal = await createGraphQLEndpoint(portalSchema, deps, {
    ...config,
    countErrors,
    maxBodyBytes: 256 * 1024,
    limits: { maxRootFields: config.portalMaxRootFields ?? PORTAL_LIMITS.maxRootFields },
  });

  const httpLog = accessLog();
  const serveFiles = createFileRoutes(deps);
  const serveExports = createExportRoutes(deps, staffSchema, { perCompany: config.exportsPerCompany ?? 0 });
  const servePortal = createSpaStatic(PORTAL_ROOT, '/p');
  const serveConsole = createSpaStatic(CONSOLE_ROOT, '', { inlineStyles: true });
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = path === '/graphql' ? staff : path === '/portal/graphql' ? portal : null;
    if (route) {
      route.handle(req, res).catch((err: unknown) => {
        log.error({ err }, 'request failed');
        if (!res.headersSent)
          sendJson(res, 500, { errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      });
      return;
    }
    // Public: whether the process answers (liveness) and whether it may be sent work (readiness). The figures are for operators.
    if (path === '/livez' || path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      void health.readiness().then((r) => sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ok' : 'unavailable', ...r.checks }));
      return;
    }
    // Never the console's page either: without the operators' token these paths do not exist.
    if (path === '/metrics' || path === '/healthz/details') {
      if (!isOperator(req, config.operatorToken)) return sendJson(res, 404, { error: 'not found' });
      if (path === '/metrics') return metrics ? void serveMetrics(metrics, res) : sendJson(res, 404, { error: 'not found' });
      return sendJson(res, 200, {
        status: 'ok',
        pubsub: realtime.pubsub.kind,
        sockets: realtime.socketCount(),
        subscriptions: realtime.hub?.size ?? 0,
        ...realtime.hub?.stats,
        rssBytes: process.memoryUsage.rss(),
        sla: scheduler ? { held: scheduler.held, ...scheduler.stats } : null,
        webhooks: { inFlight: webhooks.inFlightCount, ...webhooks.stats },
        mail: { transport: mail.sender.kind, inFlight: mail.inFlightCount, ...mail.stats },
        mailboxes: { inFlight: mailboxReader.inFlightCount, ...mailboxReader.stats },
        surveySchedules: surveyScheduler.stats,
        purge: purge.stats,
        smtpReceiver: mailReceiver?.state ?? null,
      });
    }
    if (serveFiles(req, res, path) || serveExports(req, res, path)) return;
    const underPortal = path === '/p' || path.startsWith('/p/');
    if (!(underPortal ? servePortal(req, res, path) : serveConsole(req, res, path))) sendJson(res, 404, { error: 'not found' });
  };
  const serveMetrics = async (metrics: Metrics, res: ServerResponse) => {
    res.setHeader('content-type', metrics.contentType);
    res.end(await metrics.exposition());
  };
  const server = createServer((req, res) =>
    serveInScope(req, res, () => {
      const started = performance.now();
      const scope = requestScope();
      httpLog(req, res);
      if (metrics) {
        res.once('finish', () => {
          metrics.observeRequest(endpointOf(req.url ?? '/'), scope?.operation, res.statusCode, (performance.now() - started) / 1000);
        });
      }
      serve(req, res);
    }),
  );
  // A second port with the figures only, for a scraper on a private network (METRICS_PORT): no token there.
  const metricsServer =
    metrics && config.metricsPort
      ? createServer((req, res) => {
          if ((req.url ?? '/').split('?')[0] === '/metrics') void serveMetrics(metrics, res);
          else sendJson(res, 404, { error: 'not found' });
        })
      : null;
  if (metricsServer) metricsServer.listen(config.metricsPort);
  server.keepAliveTimeout = 65_000;
  realtime.attach(server, deps, { staff: staffSchema, portal: portalSchema });
  scheduler?.start();
  purge.start();
  webhooks.start();
  mail.start();
  mailboxReader.start();
  surveyScheduler.start();

  return {
    server,
    tokens,
    realtime,
    scheduler,
    purge,
    webhooks,
    mail,
    mailReceiver,
    mailboxReader,
    surveyScheduler,
    health,
    metrics,
    async close() {
      health.beginShutdown();
      metricsServer?.close();
      await mailReceiver?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await realtime.closeSockets();
      server.closeIdleConnections();
      // In-flight requests get a moment to finish; then the rest are cut.
      const cut = setTimeout(() => server.closeAllConnections(), 5000);
      await closed;
      clearTimeout(cut);
      await Promise.all([staff.apollo.stop(), portal.apollo.stop()]);
      // Before the publisher is flushed: what a last pass fires is published too.
      await scheduler?.stop();
      await purge.stop();
      await webhooks.stop();
      await mail.close();
      await mailboxReader.stop();
      await surveyScheduler.stop();
      await realtime.close();
      await limits.close();
    },
  };
}

function endpointOf(url: string): Endpoint {
  const path = url.split('?')[0]!;
  if (path === '/graphql') return 'staff';
  if (path === '/portal/graphql') return 'portal';
  if (path.startsWith('/files') || path.startsWith('/uploads') || path.startsWith('/portal/uploads') || path.startsWith('/exports/'))
    return 'files';
  if (/^\/(livez|readyz|healthz|metrics)(\/|$)/.test(path)) return 'ops';
  return 'app';
}
