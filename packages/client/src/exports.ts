import { networkProblem, routeProblem, type RequestProblem } from './errors.js';

/**
 * Downloads of staff tables as spreadsheets (docs/api.md, "Exports"):
 * `GET /exports/<table>.csv|xlsx` with the arguments of the table's query —
 * the complaint list with its filter and order, an analysis table with its
 * filter and options. The route takes the staff bearer token in a header,
 * so the file is fetched and handed to the browser as a blob rather than
 * opened as a link.
 */
export type ExportFormat = 'csv' | 'xlsx';

export type AnalysisExportTable =
  | 'funnel'
  | 'pareto'
  | 'cause-effect'
  | 'sla-compliance'
  | 'stage-durations'
  | 'satisfaction-trend'
  | 'legal-compliance'
  | 'repeats'
  | 'survey-responses'
  | 'survey-scores';
export type ExportTable = 'complaints' | `analysis/${AnalysisExportTable}`;

export interface ExportRequest {
  format: ExportFormat;
  /** The complaint list (when absent) or an analysis table. */
  table?: ExportTable;
  /** The query's `filter` (and the list's `orderBy`), as the page sends them. */
  filter?: object | null;
  orderBy?: object | null;
  /** The query's other arguments, as they are: `by`, `measure`, `withinDays`. */
  options?: Record<string, string | number | null | undefined>;
  /** The headers' language; the company's when absent. */
  lang?: 'ru' | 'en';
}

export function exportPath({ format, table = 'complaints', filter, orderBy, options, lang }: ExportRequest): string {
  const params = new URLSearchParams();
  if (filter && Object.keys(filter).length) params.set('filter', JSON.stringify(filter));
  if (orderBy) params.set('orderBy', JSON.stringify(orderBy));
  for (const [name, value] of Object.entries(options ?? {})) if (value !== null && value !== undefined) params.set(name, String(value));
  if (lang) params.set('lang', lang);
  const query = params.toString();
  return `/exports/${table}.${format}${query ? `?${query}` : ''}`;
}

export class ExportError extends Error {
  constructor(readonly problem: RequestProblem) {
    super(problem.message);
  }
}

/** Fetches an export with the staff token; ExportError (with the server's code) when refused or cut off. */
export async function downloadExport(
  request: ExportRequest & { token: string },
  fetchImpl: typeof fetch = fetch,
): Promise<{ blob: Blob; fileName: string }> {
  let res: Response;
  let blob: Blob;
  try {
    res = await fetchImpl(exportPath(request), { headers: { authorization: `Bearer ${request.token}` } });
    if (!res.ok) {
      const body = await res.json().catch(() => null);
      throw new ExportError(routeProblem(res.status, body));
    }
    blob = await res.blob();
  } catch (err) {
    if (err instanceof ExportError) throw err;
    throw new ExportError(networkProblem(err));
  }
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return { blob, fileName: named?.[1] ?? `${(request.table ?? 'complaints').replace('/', '-')}.${request.format}` };
}

/** Hands a blob to the browser as a download named `fileName`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
