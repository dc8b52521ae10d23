import { Tally, over } from '../../http/tally.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { ServerDeps } from '../../graphql/context.js';
import { AppError, codedError } from '../../graphql/errors.js';
import { bearer } from '../../auth/token.js';
import { clientAddress, sendError, sendJson } from '../../http/http-util.js';
import { log } from '../../ops/log.js';
import { complaintSource, localDateTime } from './complaint-export.js';
import { ANALYSIS_SOURCES } from './analysis-export.js';
import { allowanceOf, type ExportCaller, type ExportSource } from './export.source.js';
import { looksLikeApiKey } from '../integration/api-key.js';
import { verifyApiKey } from '../integration/integration.service.js';
import { CONTENT_TYPES, writeTable, type TableFormat } from './table-writer.js';

/** Every downloadable table, by its path under /exports/ (docs/api.md, "Exports"). */
const SOURCES: ReadonlyMap<string, ExportSource<never>> = new Map<string, ExportSource<never>>([
  ['complaints', complaintSource as ExportSource<never>],
  ...Object.entries(ANALYSIS_SOURCES).map(([table, source]) => [`analysis/${table}`, source as ExportSource<never>] as const),
]);
const ROUTE = /^\/exports\/([a-z]+(?:\/[a-z-]+)?)\.(csv|xlsx)$/;

/**
 * `GET /exports/<table>.csv|.xlsx` (docs/api.md, "Exports"): the staff
 * complaint list and every analysis table, streamed. Each is authorised as
 * its staff query (the bearer token, a staff member's or an integration's
 * API key; the query's `@Allow`, row-level security in every unit of work),
 * takes that query's arguments, counts as one request against the user's
 * (or the key's) request limit and holds one of the company's export slots
 * on this node while it streams.
 */
export function createExportRoutes(deps: ServerDeps, staffSchema: GraphQLSchema, limits: { perCompany: number }) {
  const allowance = new Map([...SOURCES.values()].map((s) => [s.query, allowanceOf(staffSchema, s.query)]));
  /** Exports streaming now, per company (this node): formatting takes CPU that the pool's shares do not count. */
  const running = new Tally();
  function takeSlot(tenantId: string, res: ServerResponse): void {
    const now = running.get(tenantId);
    if (over(limits.perCompany, now)) {
      throw new AppError('RATE_LIMITED', `your company already runs ${now} exports at once; wait for one to finish`, {
        reason: 'CONCURRENT_EXPORTS',
        retryAfterSeconds: 5,
      });
    }
    running.add(tenantId);
    let released = false;
    // 'finish': the last bytes went to the socket (the client may still be reading them); 'close': cut, or refused.
    const release = () => {
      if (released) return;
      released = true;
      running.add(tenantId, -1);
    };
    res.once('finish', release).once('close', release);
  }

  /**
   * A staff token or an integration's API key, as the GraphQL endpoint takes
   * them: counted against the user's or the key's request limit first, and
   * the company found (for its export slots) before anything is read; a key
   * is checked whole, in the anonymous turn, before its company's slot is taken.
   */
  async function callerOf(token: string, address: string): Promise<{ caller: ExportCaller; tenantId: string }> {
    if (looksLikeApiKey(token)) {
      await deps.integrationLimiter?.take(token.slice(0, 19));
      const { tenantId, userId } = (await verifyApiKey(deps.dataSource, token, address)).actor;
      return { caller: { apiKey: token, integration: { tenantId, userId } }, tenantId };
    }
    const claims = await deps.tokens.verify(token);
    await deps.staffLimiter.take(claims.userId);
    return { caller: { staff: claims }, tenantId: claims.tenantId };
  }

  async function exportTable(
    req: IncomingMessage,
    res: ServerResponse,
    source: ExportSource<never>,
    format: TableFormat,
    url: URL,
  ): Promise<void> {
    const token = bearer(req.headers.authorization);
    if (!token) throw new AppError('UNAUTHENTICATED', 'sign in first (Authorization: Bearer <token>)');
    const address = clientAddress(req, deps.trustedProxies);
    const { caller, tenantId } = await callerOf(token, address);
    takeSlot(tenantId, res);
    const ask = await source.parse(staffSchema, url.searchParams);
    // The first rows are read (and the member or key authorised) before a byte is sent: a refusal is a plain error answer.
    const reader = { dataSource: deps.dataSource, caller, clientAddress: address, allowance: allowance.get(source.query)! };
    const table = await source.read(reader, ask);
    const day = localDateTime(new Date(), table.company.timeZone)!.slice(0, 10);
    res.statusCode = 200;
    res.setHeader('content-type', CONTENT_TYPES[format]);
    res.setHeader('content-disposition', `attachment; filename="${table.name}-${day}.${format}"`);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    await writeTable(res, {
      format,
      columns: table.columns,
      batches: table.batches,
      separator: table.company.locale === 'ru' ? ';' : ',',
      sheetName: table.sheetName,
    });
  }

  /** Answers `true` when the request was an export route. */
  return function handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const route = ROUTE.exec(path);
    if (!route) return false;
    const source = SOURCES.get(route[1]!);
    if (!source) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no table ${route[1]} to export; see docs/api.md, "Exports"` } });
      return true;
    }
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      sendJson(res, 405, { error: { code: 'BAD_USER_INPUT', message: 'GET the export' } });
      return true;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    exportTable(req, res, source, route[2] as TableFormat, url).catch((err: unknown) => {
      if (res.headersSent) {
        // Mid-file: cut the answer, so that the client sees a failed download rather than a short file that looks whole.
        if (!(err instanceof AppError)) log.error({ err }, 'export failed');
        res.destroy();
        return;
      }
      // As the GraphQL endpoint words it: a statement timeout is QUERY_TIMEOUT, no connection in time BUSY; the unexpected is logged there.
      if (!sendError(res, codedError(err)))
        sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal server error' } });
    });
    return true;
  };
}
