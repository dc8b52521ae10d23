/**
 * A server under test for `pnpm bench:queue`, run in a child process of its
 * own (forked by queue.bench.ts, so that the load generator does not share
 * its event loop): either the real Reclaim app (createApp) or the raw
 * node:http + pg baseline. It listens on a random port, reports it over
 * IPC, counts the statements it sends to PostgreSQL (round trips), and
 * stops when told to.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import { createDataSource } from '../db/data-source.js';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createBaseline, type QueueSql } from './baseline.js';

export interface TargetOptions {
  mode: 'reclaim' | 'baseline';
  databaseUrl: string;
  poolSize: number;
  /** Baseline only: the queue SQL with the explicit tenant predicate, and the page size. */
  queue?: QueueSql;
  first?: number;
}

export type TargetMessage = { type: 'ready'; port: number } | { type: 'stats'; roundTrips: number; byStatement: Record<string, number> };

/** Round trips to PostgreSQL, by the first two words of each statement sent in one. */
const byStatement: Record<string, number> = {};
let roundTrips = 0;
const keys = new Map<string, string>();
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '?');
  let key = keys.get(text);
  if (key === undefined) {
    // 'SET LOCAL ROLE reclaim_app; SELECT set_config(...)' -> 'SET LOCAL; SELECT set_config'
    key = text
      .split(';')
      .map((stmt) =>
        stmt
          .trim()
          .split(/[\s(]+/)
          .slice(0, 2)
          .join(' '),
      )
      .filter(Boolean)
      .join('; ');
    if (keys.size < 1000) keys.set(text, key);
  }
  roundTrips += 1;
  byStatement[key] = (byStatement[key] ?? 0) + 1;
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

async function start(options: TargetOptions): Promise<{ server: Server; close(): Promise<void> }> {
  if (options.mode === 'baseline') {
    return createBaseline(options.databaseUrl, options.poolSize, options.queue!, options.first!);
  }
  const { dataSource } = await createDataSource({ databaseUrl: options.databaseUrl, dbPoolSize: options.poolSize });
  // Production settings, except that the rate limits (per user and per address) are out of reach: one
  // benchmark user makes far more requests than a person would. The limiter's code still runs.
  const config = {
    ...loadConfig({}),
    jwtSecret: randomBytes(32).toString('hex'),
    production: true,
    rateLimitPerMinute: 1e9,
    anonymousRateLimitPerMinute: 1e9,
  };
  const app = await createApp(dataSource, config);
  return {
    server: app.server,
    async close() {
      await app.close();
      await dataSource.destroy();
    },
  };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]!) as TargetOptions;
  const target = await start(options);
  await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
  const send = (m: TargetMessage) => process.send!(m);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'reset-stats') {
      roundTrips = 0;
      for (const k of Object.keys(byStatement)) delete byStatement[k];
    } else if (m.type === 'stats') {
      send({ type: 'stats', roundTrips, byStatement: { ...byStatement } });
    } else if (m.type === 'stop') {
      // A normal exit, so that --cpu-prof writes its profile.
      target.close().finally(() => process.exit(0));
    }
  });
  send({ type: 'ready', port: (target.server.address() as AddressInfo).port });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
