/**
 * Complaints in bulk for the export's slow test and `pnpm bench:export`:
 * one INSERT ... SELECT generate_series, run as the connecting superuser
 * (which bypasses row-level security). Subjects mix Cyrillic, the
 * separator, quotes and a formula, so the writer quotes and neutralises
 * on every fourth row; stages, priorities, channels, departments and
 * deadlines vary so that every column has something to format.
 */
export interface ExportFill {
  tenantId: string;
  /** The complaints' number prefix (e.g. the company's slug in upper case). */
  prefix: string;
  customerId: string;
  departmentId: string;
  categoryId: string;
  assigneeId: string;
  count: number;
}

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

export async function fillComplaints(query: Query, f: ExportFill): Promise<void> {
  await query(
    `INSERT INTO customers (tenant_id, id, name, email, created_at) VALUES ($1, $2, 'Клиент', 'bulk@example.com', now())
               ON CONFLICT DO NOTHING`,
    [f.tenantId, f.customerId],
  );
  await query(
    `INSERT INTO complaints (tenant_id, id, number, kind, channel, stage, priority, subject, description, customer_id, customer_name,
       category_id, department_id, assignee_id, sla_due_at, sla_state, version, received_at, stage_entered_at, created_at, updated_at)
     SELECT $1, gen_random_uuid(), $2 || '-2026-' || lpad(g::text, 7, '0'), 'CLAIM',
            (ARRAY['WEB', 'EMAIL', 'PHONE', 'IN_PERSON', 'API', 'CHAT'])[1 + g % 6],
            (ARRAY['RECEIVED', 'REGISTERED', 'ANALYSIS'])[1 + g % 3],
            (ARRAY['LOW', 'NORMAL', 'HIGH', 'URGENT'])[1 + g % 4],
            (ARRAY['Треснула крышка чайника', 'Broken on arrival', '=HYPERLINK("http://x","y")', 'Не включается; «гарантия» "A+"'])[1 + g % 4] || ' ' || g,
            'Bulk complaint ' || g, $3, 'Клиент ' || g,
            CASE WHEN g % 3 > 0 THEN $4::uuid END, CASE WHEN g % 3 > 0 THEN $5::uuid END, CASE WHEN g % 3 = 2 THEN $6::uuid END,
            CASE WHEN g % 5 > 0 THEN now() + make_interval(mins => g % 20000) END,
            CASE WHEN g % 5 > 0 THEN 'ON_TRACK' ELSE 'NONE' END,
            1, now() - make_interval(secs => g), now(), now(), now()
       FROM generate_series(1, $7::int) g`,
    [f.tenantId, f.prefix, f.customerId, f.categoryId, f.departmentId, f.assigneeId, f.count],
  );
  await query('ANALYZE complaints', []);
}
