import { createServer, type Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { buildPortalSchema, buildStaffSchema } from './graphql/schema.js';
import { createGraphQLEndpoint } from './http/graphql-handler.js';
import { sendJson } from './http/http-util.js';
import { TokenService } from './auth/token.js';
import { RateLimiter } from './http/rate-limiter.js';
import { Realtime } from './realtime/index.js';
import type { Config } from './config.js';

export interface App {
  server: Server;
  tokens: TokenService;
  realtime: Realtime;
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
export type AppConfig = Pick<Config, 'jwtSecret' | 'tokenTtlSeconds' | 'production' | 'rateLimitPerMinute' | 'anonymousRateLimitPerMinute'>
  & Partial<Pick<Config, 'pubsub' | 'databaseUrl' | 'redisUrl' | 'outboxGraceMs' | 'outboxRelayIntervalMs'>>;

export async function createApp(dataSource: DataSource, config: AppConfig): Promise<App> {
  const tokens = new TokenService(config.jwtSecret, config.tokenTtlSeconds);
  const realtime = new Realtime(dataSource, {
    pubsub: config.pubsub ?? 'memory',
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    relay: {
      ...(config.outboxGraceMs !== undefined && { graceMs: config.outboxGraceMs }),
      ...(config.outboxRelayIntervalMs !== undefined && { intervalMs: config.outboxRelayIntervalMs }),
    },
  });
  const deps = {
    dataSource,
    tokens,
    staffLimiter: new RateLimiter(config.rateLimitPerMinute),
    anonymousLimiter: new RateLimiter(config.anonymousRateLimitPerMinute),
    publisher: realtime.publisher,
  };
  const [staffSchema, portalSchema] = await Promise.all([buildStaffSchema(), buildPortalSchema()]);
  const staff = await createGraphQLEndpoint(staffSchema, deps, config);
  const portal = await createGraphQLEndpoint(portalSchema, deps, config);

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = path === '/graphql' ? staff : path === '/portal/graphql' ? portal : null;
    if (route) {
      route.handle(req, res).catch((err: unknown) => {
        console.error(err);
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      });
      return;
    }
    if (path === '/healthz') {
      return sendJson(res, 200, {
        status: 'ok', pubsub: realtime.pubsub.kind, sockets: realtime.socketCount(), subscriptions: realtime.hub?.size ?? 0,
        ...realtime.hub?.stats, rssBytes: process.memoryUsage.rss(),
      });
    }
    sendJson(res, 404, { error: 'not found' });
  });
  server.keepAliveTimeout = 65_000;
  realtime.attach(server, deps, { staff: staffSchema, portal: portalSchema });

  return {
    server,
    tokens,
    realtime,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await realtime.closeSockets();
      server.closeIdleConnections();
      // In-flight requests get a moment to finish; then the rest are cut.
      const cut = setTimeout(() => server.closeAllConnections(), 5000);
      await closed;
      clearTimeout(cut);
      await Promise.all([staff.apollo.stop(), portal.apollo.stop()]);
      await realtime.close();
    },
  };
}
