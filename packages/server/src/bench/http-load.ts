/**
 * HTTP side of `pnpm bench:queue`: forks the servers under test (target.ts)
 * and loads them with autocannon from this process. Reclaim and the baseline
 * are measured alternately (A B A B, one at a time, the other idle), so that
 * drift and other load on the machine hit both alike.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { figures, type Figures } from './rls.js';
import { cpuMeter } from './cpu.js';
import type { HttpFigures } from './report.js';
import type { TargetMessage, TargetOptions } from './target.js';

export interface Target {
  name: string;
  pid: number | undefined;
  url: string;
  stats(): Promise<Extract<TargetMessage, { type: 'stats' }>>;
  resetStats(): void;
  stop(): Promise<void>;
}

/** Forks target.js (Reclaim or baseline) and waits until it listens. `execArgv`: e.g. --cpu-prof. */
export async function startTarget(options: TargetOptions, execArgv: string[] = []): Promise<Target> {
  const child = fork(
    fileURLToPath(new URL('./target.js', import.meta.url)),
    [JSON.stringify(options)],
    // NODE_ENV=production as in the Docker image (graphql-js, for one, skips its development checks then).
    { execArgv: ['--enable-source-maps', ...execArgv], env: { ...process.env, NODE_ENV: 'production' } },
  );
  const next = <T extends TargetMessage['type']>(type: T) =>
    new Promise<Extract<TargetMessage, { type: T }>>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`${options.mode} server exited with ${code}`));
      const onMessage = (m: TargetMessage) => {
        if (m.type !== type) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(m as Extract<TargetMessage, { type: T }>);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next('ready');
  return {
    name: options.mode,
    pid: child.pid,
    url: `http://127.0.0.1:${ready.port}/graphql`,
    stats() {
      const reply = next('stats');
      child.send({ type: 'stats' });
      return reply;
    },
    resetStats: () => child.send({ type: 'reset-stats' }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

export async function post(url: string, body: unknown, token?: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

/** Share of CPU time the machine spent idle over `ms` (all cores), from /proc/stat; NaN elsewhere. */
export async function cpuIdle(ms = 1000): Promise<number> {
  const sample = () => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      return { idle: fields[3]! + fields[4]!, total: fields.reduce((a, b) => a + b, 0) };
    } catch {
      return { idle: NaN, total: NaN };
    }
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  return (b.idle - a.idle) / (b.total - a.total);
}

/**
 * Waits (up to `maxSeconds`) until the machine is at least `threshold` idle, so that a test run
 * of someone else does not distort the figures; returns the last idle share seen.
 */
export async function waitForIdle(threshold: number, maxSeconds: number, log: (s: string) => void): Promise<number> {
  const until = Date.now() + maxSeconds * 1000;
  let idle = await cpuIdle();
  if (idle < threshold) log(`  the CPU is only ${(idle * 100).toFixed(0)} % idle (other processes): waiting up to ${maxSeconds} s`);
  while (idle < threshold && Date.now() < until) idle = await cpuIdle(2000);
  if (idle < threshold) log(`  WARNING: the CPU was only ${(idle * 100).toFixed(0)} % idle before measuring: figures are unreliable`);
  return idle;
}

export interface Load {
  target: Target;
  /** The request body, the headers, and the exact response body expected (others count as errors). */
  body: string;
  headers: Record<string, string>;
  expectBody: string;
}

interface Samples {
  latencies: number[];
  seconds: number;
  errors: number;
  roundTrips: number;
  byStatement: Record<string, number>;
  cpu: { server: number; postgres: number; client: number };
}

function emptySamples(): Samples {
  return { latencies: [], seconds: 0, errors: 0, roundTrips: 0, byStatement: {}, cpu: { server: 0, postgres: 0, client: 0 } };
}

async function run(load: Load, connections: number, seconds: number, database: string, into?: Samples, rate?: number): Promise<void> {
  const cpu = cpuMeter(load.target.pid, database);
  const instance = autocannon({
    url: load.target.url,
    method: 'POST',
    body: load.body,
    connections,
    duration: seconds,
    expectBody: load.expectBody,
    ...(rate ? { overallRate: rate } : {}),
    headers: { 'content-type': 'application/json', ...load.headers },
  });
  if (into) {
    instance.on('response', (_client: unknown, status: number, _bytes: number, time: number) => {
      if (status >= 200 && status < 300) into.latencies.push(time);
    });
  }
  const result = await instance;
  if (into) {
    into.seconds += result.duration;
    into.errors += result.errors + result.non2xx + result.mismatches;
    const used = cpu();
    for (const k of ['server', 'postgres', 'client'] as const) into.cpu[k] += used[k];
  }
}

/**
 * Warms each target up for `warmup` s, then measures them alternately in two
 * rounds of `seconds / 2` each; every target gets `seconds` of measurement.
 */
export async function measureHttp(
  loads: Load[],
  connections: number,
  warmup: number,
  seconds: number,
  database: string,
  log: (s: string) => void,
): Promise<HttpFigures[]> {
  for (const load of loads) await run(load, connections, warmup, database);
  const samples: Samples[] = loads.map(emptySamples);
  for (let round = 0; round < 2; round++) {
    for (const [i, load] of loads.entries()) {
      const s = samples[i]!;
      load.target.resetStats();
      await run(load, connections, seconds / 2, database, s);
      const stats = await load.target.stats();
      s.roundTrips += stats.roundTrips;
      for (const [k, n] of Object.entries(stats.byStatement)) s.byStatement[k] = (s.byStatement[k] ?? 0) + n;
      log(`  round ${round + 1}: ${load.target.name} done`);
    }
  }
  return samples.map((s) => {
    const f = figures(s.latencies, s.seconds);
    const cpu = { server: s.cpu.server / f.count, postgres: s.cpu.postgres / f.count, client: s.cpu.client / f.count };
    return { ...f, roundTrips: s.roundTrips / f.count, byStatement: s.byStatement, errors: s.errors, cpu };
  });
}

/**
 * Latency below saturation: requests to `load` sent open-loop at a fixed,
 * evenly spaced `rate` (requests/s) for `seconds`, over at most
 * `connections` keep-alive sockets. (autocannon's own rate limit sends each
 * second's requests in a burst, which measures queueing again.) With the
 * closed loop of measureHttp, p99 is mostly queueing (connections /
 * throughput); this shows the service time.
 */
export async function measureAtRate(load: Load, connections: number, rate: number, seconds: number): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(load.target.url);
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(load.body), ...load.headers };
  const latencies: number[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end(load.body);
    });
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(one());
  }
  await Promise.all(inFlight);
  agent.destroy();
  return figures(latencies, (performance.now() - t0) / 1000);
}
