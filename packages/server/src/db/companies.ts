import type { DataSource } from 'typeorm';

/**
 * The companies that the SECURITY DEFINER function `fn` names when called with `args` (`SELECT tenant_id FROM fn(…)`):
 * how a job that reads no company's rows (a purge, a worker, a scheduler) learns where there is work, before it works
 * in each company under row-level security (inTenant). `fn` is one of the migrations' functions, never input.
 */
export async function companiesFrom(dataSource: DataSource, fn: string, ...args: unknown[]): Promise<string[]> {
  if (!/^[a-z_]+$/.test(fn)) throw new Error(`not a function's name: ${fn}`);
  const placeholders = args.map((_, i) => `$${i + 1}`).join(', ');
  const rows: Array<{ tenant_id: string }> = await dataSource.query(`SELECT tenant_id FROM ${fn}(${placeholders})`, args);
  return rows.map((r) => r.tenant_id);
}
