import type { DataSource } from 'typeorm';
import type { PubSub } from '../realtime/pubsub.js';
import { log } from './log.js';

export interface Readiness {
  ready: boolean;
  /** Each check: 'ok', or why it is not. */
  checks: Record<'shutdown' | 'database' | 'migrations' | 'pubsub', string>;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Liveness and readiness. Live: the process answers (/livez). Ready: it
 * may be sent work (/readyz): not shutting down, the database answers, no
 * migration is pending, and events from other nodes can arrive.
 */
export class Health {
  private stopping = false;
  private migrated = false;
  private databaseChecks?: { at: number; result: Promise<{ database: string; migrations: string }> };

  /**
   * `freshMs`: how long one look at the database answers every /readyz
   * (public, and asked by each balancer every second or faster), so that
   * those calls cost the database one statement per node per `freshMs`.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: () => PubSub,
    private readonly freshMs = 1000,
  ) {}

  /** Readiness goes red from now on (the first step of a shutdown), so that the load balancer stops sending work here. */
  beginShutdown(): void {
    this.stopping = true;
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  async readiness(): Promise<Readiness> {
    const now = performance.now();
    if (!this.databaseChecks || now - this.databaseChecks.at >= this.freshMs) {
      this.databaseChecks = { at: now, result: this.lookAtDatabase() };
    }
    const { database, migrations } = await this.databaseChecks.result;
    const checks = {
      shutdown: this.stopping ? 'shutting down' : 'ok',
      database,
      migrations,
      pubsub: this.pubsub().connected ? 'ok' : `${this.pubsub().kind} disconnected`,
    };
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  }

  private async lookAtDatabase(): Promise<{ database: string; migrations: string }> {
    const [database, migrations] = await Promise.all([
      within(this.dataSource.query('SELECT 1').then(() => 'ok')),
      this.migrated
        ? 'ok'
        : within(
            this.dataSource.showMigrations().then((pending) => {
              this.migrated = !pending;
              return pending ? 'pending migrations' : 'ok';
            }),
          ),
    ]);
    return { database, migrations };
  }
}

function within(check: Promise<string>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  // /readyz is public: the driver's message (database, host and user names) goes to the log only.
  const failed = (err: unknown) => {
    log.warn({ err }, 'readiness check failed');
    return 'unreachable';
  };
  return Promise.race([check.catch(failed), late]).finally(() => clearTimeout(timer));
}
