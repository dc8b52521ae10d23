import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * vitest starts the files it has timed longest first, and files it has never timed (a fresh clone, CI) largest
 * first, which puts the slow tier's short files of floods and fills last: on a cold run they started after
 * 60 s and ended the run alone (96.8 s against 82.5 s with timings, docs/benchmarks.md). Untimed, they go first.
 */
class SlowTierFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const untimedSlow = (file: TestSpecification) =>
      file.moduleId.endsWith('.slow.test.ts') &&
      !this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`);
    return [...sorted.filter(untimedSlow), ...sorted.filter((file) => !untimedSlow(file))];
  }
}

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module); Node loads the CJS one for
    // type-graphql, so tests must too, or scalars fail `instanceof` checks.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // Migrates the template database once per run, for every tier.
    globalSetup: ['test/global-setup.ts'],
    // Access lines of every test request would bury the report; warnings and errors still show.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Four processes on two cores: at two, the test processes sat 70 % idle (a CPU profile of the HTTP tier),
    // waiting on PostgreSQL and on timers, and the cores a third idle; at four they stay busy
    // (docs/benchmarks.md, "Test suite wall time"). RECLAIM_TEST_WORKERS sets another count.
    maxWorkers: Number(process.env.RECLAIM_TEST_WORKERS ?? 4),
    // A worker imports the server's modules once for all its files, not once per file (most of the
    // suite's CPU time was those imports). The server keeps no state in its modules (each app and data
    // source holds its own), and each file still gets its own database and server.
    isolate: false,
    // Files share a process, so a spy (on console.error, say) must not outlive its test.
    restoreMocks: true,
    // One project for every tier (docs/architecture.md, "Tests"): vitest keeps a worker for the next file only
    // when that file is of the same project, so four projects (as the tiers were) stopped a worker and imported
    // the server again in a new one at every change of tier in the queue. The tiers are folders and a suffix:
    // `pnpm test:fast` leaves out *.slow.test.ts, `pnpm test:slow` runs only those.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    sequence: { sequencer: SlowTierFirst },
  },
});
