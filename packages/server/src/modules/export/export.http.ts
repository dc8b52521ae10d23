import { Tally, over } from '../../http/tally.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { ServerDeps } from '../../graphql/context.js';
import { AppError, codedError } from '../../graphql/errors.js';
import { bearer } from '../../auth/token.js';
import { clientAddress, sendError, sendJson } from '../../http/http-util.js';
import { log } from '../../ops/log.js';
import { complaintColumns, complaintPages, localDateTime, LABELS } from './complaint-export.js';
import { parseComplaintExport } from './export.params.js';
import { CONTENT_TYPES, writeTable, type TableFormat } from './table-writer.js';

const ROUTE = /^\/exports\/complaints\.(csv|xlsx)$/;

/**
 * `GET /exports/complaints.csv` and `GET /exports/complaints.xlsx`
 * (docs/api.md, "Exports"): the staff complaint list with the `complaints`
 * query's filter and order, streamed. Authorised as that query: the staff
 * bearer token, READ_COMPLAINTS, one request against the user's request
 * limit, row-level security in every page's unit of work.
 */
export function createExportRoutes(deps: ServerDeps, staffSchema: GraphQLSchema, limits: { perCompany: number }) {
  /** Exports streaming now, per company (this node): formatting takes CPU that the pool's shares do not count. */
  const running = new Tally();
  function takeSlot(tenantId: string, res: ServerResponse): void {
    const now = running.get(tenantId);
    if (over(limits.perCompany, now)) {
      throw new AppError('RATE_LIMITED', `your company already runs ${now} exports at once; wait for one to finish`, {
        reason: 'CONCURRENT_EXPORTS', retryAfterSeconds: 5,
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

  async function exportComplaints(req: IncomingMessage, res: ServerResponse, format: TableFormat, url: URL): Promise<void> {
    const token = bearer(req.headers.authorization);
    if (!token) throw new AppError('UNAUTHENTICATED', 'sign in first (Authorization: Bearer <token>)');
    const claims = await deps.tokens.verify(token);
    await deps.staffLimiter.take(claims.userId);
    takeSlot(claims.tenantId, res);
    const ask = await parseComplaintExport(staffSchema, format, url.searchParams);
    // The first page is read (and the member authorised) before a byte is sent: a refusal is a plain error answer.
    const { company, batches } = await complaintPages(deps.dataSource, claims, clientAddress(req, deps.trustedProxies), ask.filter, ask.order);
    const lang = ask.lang ?? company.locale;
    const day = localDateTime(new Date(), company.timeZone)!.slice(0, 10);
    res.statusCode = 200;
    res.setHeader('content-type', CONTENT_TYPES[format]);
    res.setHeader('content-disposition', `attachment; filename="complaints-${day}.${format}"`);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    await writeTable(res, {
      format,
      columns: complaintColumns(lang, company.timeZone),
      batches,
      separator: company.locale === 'ru' ? ';' : ',',
      sheetName: LABELS[lang].sheet,
    });
  }

  /** Answers `true` when the request was an export route. */
  return function handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const route = ROUTE.exec(path);
    if (!route) return false;
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      sendJson(res, 405, { error: { code: 'BAD_USER_INPUT', message: 'GET the export' } });
      return true;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    exportComplaints(req, res, route[1] as TableFormat, url).catch((err: unknown) => {
      if (res.headersSent) {
        // Mid-file: cut the answer, so that the client sees a failed download rather than a short file that looks whole.
        if (!(err instanceof AppError)) log.error({ err }, 'export failed');
        res.destroy();
        return;
      }
      // As the GraphQL endpoint words it: a statement timeout is QUERY_TIMEOUT, no connection in time BUSY; the unexpected is logged there.
      if (!sendError(res, codedError(err))) sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal server error' } });
    });
    return true;
  };
}
