/**
 * The report of `pnpm bench:queue`: the machine, the figures as Markdown
 * tables with the targets (PASS/FAIL), and the "Staff queue (bench:queue)"
 * section of docs/benchmarks.md, which is replaced in place on every run
 * (other sections of that file are left alone).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import type pg from 'pg';
import type { Figures, RlsResult } from './rls.js';
import type { CpuSplit } from './cpu.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  os: string;
}

export async function machine(client: pg.Client): Promise<Machine> {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    /* not Linux */
  }
  const {
    rows: [v],
  } = await client.query<{ server_version: string }>('SHOW server_version');
  return {
    cpu,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: v!.server_version,
    os: `${process.platform} ${release()}`,
  };
}

export interface HttpFigures extends Figures {
  cpu: CpuSplit;
  /** PostgreSQL round trips per request, by statement. */
  roundTrips: number;
  byStatement: Record<string, number>;
  errors: number;
}

export interface Report {
  date: string;
  machine: Machine;
  fill: { reused: boolean; seconds: number; tenant: string; tenantComplaints: number; queueOpen: number };
  settings: { connections: number; poolSize: number; warmup: number; duration: number };
  /** The lowest idle share of the CPU seen just before a measurement (other processes on the machine). */
  idleBefore: number;
  reclaim: HttpFigures;
  /** Reclaim below saturation: at a fixed rate of half its throughput. */
  reclaimAtHalf: Figures & { rate: number };
  baseline: HttpFigures;
  rls: RlsResult;
  explain: string;
}

export const TARGETS = { throughputRatio: 0.4, p99Ms: 25, rlsOverheadPercent: 10 };

const ms = (v: number) => v.toFixed(1);
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const cpu = (c: CpuSplit | undefined, noServer = false) =>
  c ? [...(noServer ? [] : [c.server]), c.postgres, c.client].map((v) => v.toFixed(2)).join(' / ') : '';

export function verdicts(r: Report): Array<{ target: string; measured: string; ok: boolean }> {
  const ratio = r.reclaim.perSecond / r.baseline.perSecond;
  return [
    {
      target: `Reclaim throughput >= ${TARGETS.throughputRatio * 100} % of baseline`,
      measured: `${(ratio * 100).toFixed(1)} %`,
      ok: ratio >= TARGETS.throughputRatio,
    },
    { target: `Reclaim p99 <= ${TARGETS.p99Ms} ms`, measured: `${ms(r.reclaim.p99)} ms`, ok: r.reclaim.p99 <= TARGETS.p99Ms },
    {
      target: `RLS overhead <= ${TARGETS.rlsOverheadPercent} %`,
      measured: `${r.rls.overheadPercent.toFixed(1)} %`,
      ok: r.rls.overheadPercent <= TARGETS.rlsOverheadPercent,
    },
  ];
}

function statements(f: HttpFigures): string {
  return Object.entries(f.byStatement)
    .map(([k, n]) => `${(n / f.count).toFixed(2)}× \`${k}…\``)
    .join(', ');
}

/** The tables (Markdown), for the console and for the docs. */
export function tables(r: Report): string {
  const ratio = r.reclaim.perSecond / r.baseline.perSecond;
  const { connections } = r.settings;
  return [
    `HTTP, ${connections} connections (autocannon), first page of 50 open complaints of one department by deadline:`,
    '',
    '| | requests/s | p50 ms | p99 ms | PostgreSQL round trips / request | CPU ms / request: server, PostgreSQL, autocannon | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| Reclaim \`POST /graphql\` (Apollo, token, RLS transaction) | ${int(r.reclaim.perSecond)} | ${ms(r.reclaim.p50)} | ${ms(r.reclaim.p99)} | ${r.reclaim.roundTrips.toFixed(2)} | ${cpu(r.reclaim.cpu)} | ${r.reclaim.errors} |`,
    `| Baseline: node:http + pg, explicit \`tenant_id\` | ${int(r.baseline.perSecond)} | ${ms(r.baseline.p50)} | ${ms(r.baseline.p99)} | ${r.baseline.roundTrips.toFixed(2)} | ${cpu(r.baseline.cpu)} | ${r.baseline.errors} |`,
    `| **Reclaim / baseline** | **${(ratio * 100).toFixed(1)} %** | | | | | |`,
    `| Reclaim at a fixed ${int(r.reclaimAtHalf.rate)} req/s, evenly spaced (half its throughput; for context, not a target) | ${int(r.reclaimAtHalf.perSecond)} | ${ms(r.reclaimAtHalf.p50)} | ${ms(r.reclaimAtHalf.p99)} | | | |`,
    '',
    `Reclaim's statements per request: ${statements(r.reclaim)}. CPU ms / request: CPU time (from /proc) of the server` +
      ' process, of the PostgreSQL backends of the bench database, and of the load generator, divided by the requests served.',
    '',
    `PostgreSQL directly (pg, no HTTP), ${connections} connections, each unit = BEGIN + settings, the queue query, COMMIT:`,
    '',
    '| | queries/s | p50 ms | p99 ms | CPU ms / query: PostgreSQL, pg client |',
    '|---|---:|---:|---:|---:|',
    `| RLS: \`SET LOCAL ROLE reclaim_app\` + \`app.tenant_id\`, no tenant predicate | ${int(r.rls.rls.perSecond)} | ${ms(r.rls.rls.p50)} | ${ms(r.rls.rls.p99)} | ${cpu(r.rls.rls.cpu, true)} |`,
    `| Superuser (RLS bypassed), explicit \`WHERE tenant_id = $n\` | ${int(r.rls.explicit.perSecond)} | ${ms(r.rls.explicit.p50)} | ${ms(r.rls.explicit.p99)} | ${cpu(r.rls.explicit.cpu, true)} |`,
    `| **RLS overhead (throughput)** | **${r.rls.overheadPercent.toFixed(1)} %** | | | |`,
    ...(r.rls.serverMs
      ? [
          '',
          `PostgreSQL's own planning + execution time of the query (median of 300, EXPLAIN ANALYZE, TIMING OFF): ` +
            `RLS ${r.rls.serverMs.rls.toFixed(3)} ms, explicit tenant ${r.rls.serverMs.explicit.toFixed(3)} ms.`,
        ]
      : []),
    '',
    '| target | measured | |',
    '|---|---:|---|',
    ...verdicts(r).map((v) => `| ${v.target} | ${v.measured} | ${pass(v.ok)} |`),
  ].join('\n');
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM; ${m.os}; Node ${m.node}; PostgreSQL ${m.postgres}`;
}

const START = '<!-- bench:queue:start -->';
const END = '<!-- bench:queue:end -->';

/** Writes (or replaces) the bench:queue section of docs/benchmarks.md. */
export function writeDocs(path: string, r: Report): void {
  const s = r.settings;
  const section = `${START}
## Staff queue (bench:queue)

**What is measured.** The staff console's main screen: the first page of 50 open complaints of one
department, ordered by deadline, i.e. the \`complaints(filter: { departmentId, stages: [all open] }, first: 50)\`
query over \`POST /graphql\` with a real staff token. The database \`reclaim_bench\` holds 1,000,000 complaints
of 100 tenants, Zipf-skewed (${int(r.fill.tenantComplaints)} in the largest tenant, about 2,000 in the smallest),
5–20 departments per tenant, 20 % of complaints open. The query is for the largest tenant's busiest department
(${int(r.fill.queueOpen)} open complaints).

- **Reclaim**: the real server (\`createApp\`, pool of ${s.poolSize}) in a child process.
- **Baseline**: a raw \`node:http\` server with a \`pg\` pool of ${s.poolSize}, running the SQL that
  \`listComplaints\` builds plus an explicit \`WHERE tenant_id = $n\` (no transaction, no RLS, no GraphQL),
  answering JSON of the same shape; checked to return the same page.
- **RLS cost**: that SQL through \`pg\` directly at the same concurrency, in the same transaction shape,
  relying on the policy (as \`reclaim_app\`) versus an explicit tenant predicate (as the superuser).

HTTP: ${s.connections} connections (autocannon), ${s.warmup} s warm-up each, then Reclaim and the baseline
alternately (A B A B, one loaded at a time), ${s.duration} s each in all; the RLS variants the same way.
With ${s.connections} connections in a closed loop the servers run saturated, so latency is mostly queueing
(about connections / throughput); a last run sends Reclaim requests evenly spaced at half its throughput
(open loop) to show its latency below saturation (for context; the p99 target is checked on the saturated run).
autocannon, the server under test and PostgreSQL share the machine's cores, so absolute figures are lower than
on a dedicated setup; the ratios are the point. A run first waits (up to \`--wait-idle\` s) for an idle CPU,
and says so when other processes were busy.

**How to run.** \`pnpm bench:queue\` (with PostgreSQL at \`DATABASE_URL\`, default
\`postgres://postgres@127.0.0.1:5432/postgres\`, used as the admin connection). The first run fills the database
(about a minute); later runs reuse it; \`pnpm bench:queue --fresh\` refills it. Options: \`--duration\`,
\`--warmup\`, \`--connections\`, \`--pool\`, \`--wait-idle\`, \`--profile\` (CPU profile of the Reclaim process),
\`--http-only\` (skips the RLS part and leaves this file alone: for quick looks while profiling).

**Results** (${r.date}; ${machineLine(r.machine)};
fill ${r.fill.reused ? 'reused, originally took' : 'took'} ${r.fill.seconds.toFixed(0)} s; CPU ${(r.idleBefore * 100).toFixed(0)} % idle just before the busiest measurement${r.idleBefore < 0.85 ? ' — other processes were running, so the figures are less reliable' : ''}):

${tables(r)}

Query plan under RLS (\`EXPLAIN (ANALYZE, BUFFERS)\`, warm):

\`\`\`
${r.explain}
\`\`\`
${END}`;
  const current = existsSync(path)
    ? readFileSync(path, 'utf8')
    : '# Benchmarks\n\nPerformance figures of Reclaim, each section produced by its benchmark script.\n';
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  const next =
    from >= 0 && to > from ? current.slice(0, from) + section + current.slice(to + END.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
