/**
 * CPU time used by the processes of a measurement (Linux /proc; zeros
 * elsewhere), so that the report can say where each request's CPU goes:
 * the server under test, PostgreSQL's backends, the load generator.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function ticks(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return 0;
  }
}

/** CPU ms (user + system) of one process so far. */
export function processCpuMs(pid: number): number {
  return ticks(pid) * TICK_MS;
}

/** CPU ms so far of the PostgreSQL backends connected to `database` (by their process titles). */
export function backendsCpuMs(database: string): number {
  let total = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (title.startsWith('postgres:') && title.includes(` ${database} `)) total += ticks(pid);
    } catch {
      /* gone */
    }
  }
  return total * TICK_MS;
}

export interface CpuSplit {
  /** CPU ms per unit (request, transaction) of: the server under test, PostgreSQL, the load generator. */
  server: number;
  postgres: number;
  client: number;
}

/** Starts counting; the returned function gives the CPU ms used since, per process group. */
export function cpuMeter(serverPid: number | undefined, database: string): () => { server: number; postgres: number; client: number } {
  const start = { server: serverPid ? processCpuMs(serverPid) : 0, postgres: backendsCpuMs(database), client: process.cpuUsage() };
  return () => {
    const client = process.cpuUsage(start.client);
    return {
      server: serverPid ? processCpuMs(serverPid) - start.server : 0,
      postgres: backendsCpuMs(database) - start.postgres,
      client: (client.user + client.system) / 1000,
    };
  };
}
