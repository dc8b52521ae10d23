import type { RequestContext } from '../../graphql/context.js';

/**
 * The next complaint number of the current tenant, e.g. ACME-2026-000042.
 *
 * The counter row (one per tenant and year, in the tenant's time zone) is
 * incremented inside the registering transaction: concurrent registrations
 * of one tenant queue on its row lock, a rolled-back registration gives its
 * number back, and a committed one can never be handed out again. Numbers
 * are therefore sequential, gap-free in normal operation and unique (the
 * UNIQUE (tenant_id, number) constraint guards the last point as well).
 */
export async function nextComplaintNumber(ctx: RequestContext): Promise<string> {
  const [row] = await ctx.query<{ prefix: string; year: number; value: number }>(`
    INSERT INTO complaint_counters AS c (tenant_id, year, last_value)
    SELECT t.id, extract(year FROM now() AT TIME ZONE t.time_zone)::int, 1
      FROM tenants t WHERE t.id = app_tenant_id()
    ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = c.last_value + 1
    RETURNING (SELECT number_prefix FROM tenants WHERE id = app_tenant_id()) AS prefix, year, last_value AS value`);
  if (!row) throw new Error('no current tenant');
  return formatComplaintNumber(row.prefix, row.year, row.value);
}

export function formatComplaintNumber(prefix: string, year: number, value: number): string {
  return `${prefix}-${year}-${String(value).padStart(6, '0')}`;
}

/** Splits a number into its tenant prefix and the rest; null when it cannot be a complaint number. */
export function parseComplaintNumber(number: string): { prefix: string } | null {
  const m = /^([A-Z0-9](?:[A-Z0-9-]{0,38}[A-Z0-9])?)-(\d{4})-(\d{6,})$/.exec(number.trim().toUpperCase());
  return m ? { prefix: m[1]! } : null;
}
