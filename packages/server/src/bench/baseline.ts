/**
 * The baseline of `pnpm bench:queue`: the staff queue page served by a raw
 * node:http server and a pg Pool, with the SQL that listComplaints runs plus
 * an explicit `tenant_id = $n` (no transaction, no RLS, no GraphQL, no
 * token), answering with JSON of the same shape as the GraphQL response.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import pg from 'pg';

export interface QueueSql {
  /** As listComplaints builds it (relies on RLS for the tenant). */
  sql: string;
  /** [stages, departmentId] */
  params: unknown[];
}

/** The same SQL with the tenant as an explicit predicate (for the baseline and for "RLS off"). */
export function withExplicitTenant(q: QueueSql, tenantId: string): QueueSql {
  const params = [...q.params, tenantId];
  const sql = q.sql.replace(/\s+ORDER BY /, ` AND c.tenant_id = $${params.length} ORDER BY `);
  if (sql === q.sql) throw new Error('could not add the tenant predicate to the queue SQL (no ORDER BY?)');
  return { sql, params };
}

interface Row {
  id: string;
  number: string;
  subject: string;
  priority: string;
  stage: string;
  slaDueAt: Date | null;
  slaState: string;
  dueAt: Date;
}

function cursor(row: Row): string {
  const due = row.dueAt instanceof Date && Number.isFinite(row.dueAt.getTime()) ? row.dueAt.toISOString() : 'infinity';
  return Buffer.from(JSON.stringify([due, row.id])).toString('base64url');
}

async function readJson(req: IncomingMessage): Promise<{ variables?: { d?: string } }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export interface Baseline {
  server: Server;
  close(): Promise<void>;
}

/**
 * `POST /graphql` with `{ variables: { d } }` answers the first page of
 * department d's queue. `q` must take [stages, departmentId, tenantId]
 * (see withExplicitTenant); `first` is the page size (the SQL fetches one more).
 */
export function createBaseline(databaseUrl: string, poolSize: number, q: QueueSql, first: number): Baseline {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const [stages, , tenantId] = q.params;
  const server = createServer((req, res) => {
    readJson(req)
      .then(async (body) => {
        const { rows } = await pool.query<Row>(q.sql, [stages, body.variables?.d, tenantId]);
        const page = rows.slice(0, first);
        const edges = page.map((r) => ({
          node: {
            id: r.id,
            number: r.number,
            subject: r.subject,
            priority: r.priority,
            stage: r.stage,
            slaDueAt: r.slaDueAt ? r.slaDueAt.toISOString() : null,
            slaState: r.slaState,
          },
        }));
        const pageInfo = { hasNextPage: rows.length > first, endCursor: page.length ? cursor(page.at(-1)!) : null };
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ data: { complaints: { edges, pageInfo } } }));
      })
      .catch((err: Error) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ errors: [{ message: err.message }] }));
      });
  });
  server.keepAliveTimeout = 65_000;
  return {
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
