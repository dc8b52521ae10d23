import { PassThrough, type Writable } from 'node:stream';
import type ExcelJS from 'exceljs';

export type TableFormat = 'csv' | 'xlsx';

export const CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A cell: text (neutralised when written), a number (a number cell in XLSX), or empty. */
export type Cell = string | number | null;

/** A column of an exported table: its header (already in the reader's language) and how a row gives its cell. */
export interface TableColumn<R> {
  header: string;
  /** Width in characters in the spreadsheet. */
  width?: number;
  value: (row: R) => Cell;
}

export interface Table<R> {
  format: TableFormat;
  columns: readonly TableColumn<R>[];
  /** Rows a batch at a time (a page read in one short transaction); the next batch is asked for only when the client took the last. */
  batches: AsyncIterable<readonly R[]>;
  /** The CSV separator: `;` for Russian-language companies (what Russian Excel expects), `,` otherwise. */
  separator?: ',' | ';';
  /** The worksheet's name (XLSX). */
  sheetName?: string;
}

/**
 * Text that a spreadsheet would read as a formula (OWASP, "CSV Injection"):
 * a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
 * prefixed with `'`, so Excel, LibreOffice and Google Sheets show it as text
 * and never run it (`=HYPERLINK(…)` would otherwise be a live link).
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV field (RFC 4180): quoted when it holds the separator, a quote or a line break; quotes doubled. */
export function csvField(text: string, separator: string): string {
  const safe = neutralise(text);
  return safe.includes(separator) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A number in CSV: with a decimal comma where the separator is `;` (what
 * Excel in a Russian locale reads as a number), a point otherwise.
 */
export function csvNumber(n: number, separator: string): string {
  const text = Number.isFinite(n) ? String(n) : '';
  return separator === ';' ? text.replace('.', ',') : text;
}

const BOM = '\uFEFF';

/**
 * Writes a table to `out` as CSV (UTF-8 with a byte order mark, so Excel
 * reads Cyrillic right; CRLF line ends) or XLSX (exceljs's streaming
 * writer: inline strings, no styles, rows flushed as they are written), a
 * batch at a time, waiting for `out` to drain before asking for the next
 * batch: memory holds about one batch whatever the row count. Stops early,
 * without error, when `out` is destroyed (the client went away).
 */
export async function writeTable<R>(out: Writable, table: Table<R>): Promise<void> {
  if (table.format === 'csv') await writeCsv(out, table);
  else await writeXlsx(out, table);
}

async function writeCsv<R>(out: Writable, { columns, batches, separator = ',' }: Table<R>): Promise<void> {
  const field = (c: Cell) => (typeof c === 'number' ? csvNumber(c, separator) : csvField(c ?? '', separator));
  const line = (cells: Cell[]) => cells.map(field).join(separator) + '\r\n';
  await send(out, BOM + line(columns.map((c) => c.header)));
  for await (const batch of batches) {
    if (out.destroyed) return;
    let text = '';
    for (const row of batch) text += line(columns.map((c) => c.value(row)));
    await send(out, text);
  }
  if (!out.destroyed) out.end();
}

/**
 * exceljs writes into its zip stream without looking at backpressure
 * (exceljs issue #734), so the rows go through a pass-through whose
 * buffered bytes are checked after each batch: the next batch is read only
 * once the client has taken what is buffered.
 */
async function writeXlsx<R>(out: Writable, { columns, batches, sheetName = 'Sheet1' }: Table<R>): Promise<void> {
  // Loaded on the first spreadsheet, not at the node's start (docs/architecture.md, "Loaded when first used").
  const { default: excel } = await import('exceljs');
  const zip = new PassThrough({ highWaterMark: 256 * 1024 });
  zip.pipe(out);
  const workbook = new excel.stream.xlsx.WorkbookWriter({ stream: zip, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = columns.map((c) => ({ width: c.width ?? 16 }));
  sheet.addRow(columns.map((c) => c.header)).commit();
  for await (const batch of batches) {
    if (out.destroyed) break;
    for (const row of batch) sheet.addRow(columns.map((c) => xlsxCell(c.value(row)))).commit();
    await drained(sheetPipes(sheet), zip, out);
  }
  if (out.destroyed) {
    zip.destroy();
    return;
  }
  sheet.commit();
  await workbook.commit();
  await new Promise<void>((resolve) =>
    out.writableFinished || out.destroyed ? resolve() : out.once('finish', resolve).once('close', resolve),
  );
}

/** Numbers stay numbers (a spreadsheet sums them); text is neutralised. */
const xlsxCell = (c: Cell) => (typeof c === 'number' ? (Number.isFinite(c) ? c : '') : neutralise(c ?? ''));

/** Writes `text` and resolves once `out` can take more (or is closed). */
async function send(out: Writable, text: string): Promise<void> {
  if (out.destroyed) return;
  if (!out.write(text)) await whenDrained(out);
}

/**
 * Where exceljs's worksheet buffer writes its bytes: the zip entry's
 * compressor. exceljs writes there without waiting (its StreamBuf ignores
 * `write()` returning false), so this is where a slow compressor or a slow
 * client shows first. Read from exceljs's internals (4.4: archiver's input
 * stream for the entry, from readable-stream 3); none if they change.
 */
function sheetPipes(sheet: ExcelJS.Worksheet): QueuedWriter[] {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
  return Array.isArray(pipes)
    ? pipes.filter((p): p is QueuedWriter => typeof (p as QueuedWriter)?._writableState?.length === 'number')
    : [];
}

/** A writable of readable-stream 3 (archiver's), which has no writableLength or writableNeedDrain: its state says how much waits. */
type QueuedWriter = Writable & { _writableState: { length: number; highWaterMark: number } };

/** Waits until what exceljs has written so far has been compressed, has left the pass-through and `out` wants more. */
async function drained(pipes: QueuedWriter[], zip: PassThrough, out: Writable): Promise<void> {
  for (;;) {
    // The zip's deflate runs asynchronously: give it a turn before looking.
    await new Promise((resolve) => setImmediate(resolve));
    if (out.destroyed) return;
    const behind = pipes.find((p) => p._writableState.length >= p._writableState.highWaterMark && !p.destroyed);
    if (behind) await whenDrained(behind);
    else if (out.writableNeedDrain) await whenDrained(out);
    else if (zip.writableNeedDrain || zip.readableLength > zip.readableHighWaterMark) continue;
    else return;
  }
}

function whenDrained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
