import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { LogLevel } from '../config.js';

/**
 * What every log line written while serving one request carries: set when
 * the request arrives (its id), when its unit of work enters a company
 * (company and user) and when its GraphQL operation is known.
 */
export interface RequestScope {
  requestId: string;
  company?: string;
  user?: string;
  operation?: string;
}

const scopes = new AsyncLocalStorage<RequestScope>();
const scopeOfRequest = new WeakMap<IncomingMessage, RequestScope>();

/** The scope of the request being served here, if any. */
export function requestScope(): RequestScope | undefined {
  return scopes.getStore();
}

function scopeFields(): Record<string, string> {
  const s = scopes.getStore();
  if (!s) return {};
  return {
    reqId: s.requestId,
    ...(s.company && { company: s.company }),
    ...(s.user && { user: s.user }),
    ...(s.operation && { operation: s.operation }),
  };
}

export interface LogOptions {
  level: LogLevel;
  /** Human-readable lines (pino-pretty) instead of JSON. */
  pretty: boolean;
  /** Where lines go (tests); stdout when absent. */
  destination?: DestinationStream;
}

/** An error as logged: its kind, message, code and stack, never the query parameters or request a library attached to it. */
function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; driverError?: { code?: unknown } };
  return { type: e.name, message: e.message, code: e.code ?? e.driverError?.code, stack: e.stack };
}

/** Runs `work` outside any request's scope: work a request only set off (publishing, timers) logs as the node's own. */
export function outsideRequest<T>(work: () => T): T {
  return scopes.exit(work);
}

function createLogger({ level, pretty, destination }: LogOptions): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    mixin: scopeFields,
    serializers: { err: safeError },
    // Never a secret in a line, whatever an error object or a caller hands in.
    redact: {
      paths: ['authorization', '*.authorization', 'password', '*.password', 'token', '*.token', 'secret', '*.secret'],
      censor: '[hidden]',
    },
  };
  if (destination) return pino(options, destination);
  if (pretty)
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } });
  return pino(options);
}

/**
 * The server's log. One per process, set once at start (`configureLog`);
 * modules import it and write through it, and the request scope adds the
 * request id, company, user and operation to every line.
 */
export let log: Logger = createLogger({ level: (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info', pretty: false });

export function configureLog(options: LogOptions): Logger {
  log = createLogger(options);
  return log;
}

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** The access log: one line per HTTP request when its answer is sent (pino-http), without query strings or headers. */
export function accessLog(): HttpLogger {
  return pinoHttp({
    logger: log,
    // The id is the scope's (taken from X-Request-Id or made up in `serveInScope`).
    genReqId: (req) => scopeOfRequest.get(req)?.requestId ?? randomUUID(),
    customProps: (req) => {
      const s = scopeOfRequest.get(req);
      return s ? { company: s.company, user: s.user, operation: s.operation } : {};
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    // The request id and company of every line come from the scope; the request itself is its method and path only.
    quietReqLogger: true,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    autoLogging: { ignore: (req) => /^\/(livez|readyz|healthz|metrics)(\/|$)/.test((req.url ?? '').split('?')[0]!) },
  });
}

/**
 * Serves `req` inside its request scope: the id from X-Request-Id when it
 * is a sane token, else a new one, returned in the answer's X-Request-Id.
 */
export function serveInScope(req: IncomingMessage, res: ServerResponse, serve: () => void): void {
  const given = req.headers['x-request-id'];
  const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  const scope: RequestScope = { requestId };
  scopeOfRequest.set(req, scope);
  res.setHeader('x-request-id', requestId);
  scopes.run(scope, serve);
}
