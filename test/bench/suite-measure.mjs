// Measures the server's test suite on PostgreSQL against an earlier commit's, in one sitting (a script, not a test):
// RUNS rounds, each the earlier commit's `vitest run`, then today's every tier (what `pnpm test` runs), then today's
// files that hold the earlier commit's tests. Prints each run's wall time, the machine's CPU (busy and idle, from
// /proc/stat: PostgreSQL's share counts), the medians and the ratios.
//   pnpm measure:suite                    (BASE=2a7127b, the suite when the test tiers were asked for; RUNS=3)
//   BASE=<commit> RUNS=5 KEEP_BASE=1 node test/bench/suite-measure.mjs   (KEEP_BASE: keep the earlier worktree)
//
// "The files that hold the earlier commit's tests" are today's files at the earlier paths, or where git followed
// them when they were renamed, every file that holds one of the earlier tests by its full name (tests split out to
// the slow tier keep it), and every file with at least TITLE_MATCHES tests under titles of earlier tests (a block
// moved to the service tier keeps its titles, not its describe; one generic title does not bring a file in). The
// script names the files that came in by titles, and the earlier tests it finds in none of them by either name
// (renamed or removed), so that the comparison is of the same tests, plus those added to their files since.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { machine, median } from './measure-kit.mjs';

const BASE = process.env.BASE ?? '2a7127b';
const RUNS = Number(process.env.RUNS ?? 3);
const TITLE_MATCHES = 10;
if (!process.env.DATABASE_URL?.startsWith('postgres'))
  throw new Error('set DATABASE_URL (and REDIS_URL): the suite is measured on PostgreSQL');

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const git = (...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
const base = git('rev-parse', '--short', `${BASE}^{commit}`);
const head = git('rev-parse', '--short', 'HEAD');
// The runs measure the working tree; the report names HEAD.
if (git('status', '--porcelain', '--untracked-files=no')) console.warn(`the working tree differs from ${head}: it is what is measured`);
const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['npx', '--yes', 'pnpm@10'];

// The earlier commit in a worktree of its own, with its own dependencies.
const baseTree = join(tmpdir(), `reclaim-suite-${base}`);
if (!existsSync(join(baseTree, 'packages/server/node_modules'))) {
  if (existsSync(baseTree)) git('worktree', 'remove', '--force', baseTree);
  git('worktree', 'add', '--detach', '--force', baseTree, base);
  execFileSync(pnpm[0], [...pnpm.slice(1), 'install', '--frozen-lockfile'], { cwd: baseTree, stdio: 'ignore' });
}

/** The machine's CPU seconds so far, busy and idle (/proc/stat's first line, in clock ticks of 1/100 s). */
function cpuTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // Time the hypervisor gave to other machines is neither this machine's work nor its idleness: reported apart.
  return { busy: (user + nice + system + irq + softirq) / 100, idle: (idle + iowait) / 100, steal: steal / 100 };
}

/** One `vitest run` of packages/server in `tree`; its tests from vitest's JSON report. */
async function run(label, tree, files = []) {
  const report = join(tmpdir(), `suite-${process.pid}-${label.replace(/\W/g, '')}.json`);
  const server = join(tree, 'packages/server');
  const before = cpuTicks();
  const started = performance.now();
  const code = await new Promise((resolve) => {
    const child = spawn(join(server, 'node_modules/.bin/vitest'), ['run', '--reporter=json', `--outputFile=${report}`, ...files], {
      cwd: server,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (exitCode) => resolve(exitCode ?? 1)); // killed by a signal: failed
  });
  const wall = (performance.now() - started) / 1000;
  const after = cpuTicks();
  const json = JSON.parse(readFileSync(report, 'utf8'));
  rmSync(report);
  const tests = json.testResults.flatMap((f) =>
    f.assertionResults.map((t) => ({ file: relative(server, f.name), fullName: t.fullName, title: t.title })),
  );
  const steal = after.steal - before.steal;
  const result = { label, code, wall, busy: after.busy - before.busy, idle: after.idle - before.idle, tests };
  console.log(
    `${new Date().toISOString().slice(11, 16)} ${label.padEnd(24)} ${String(tests.length).padStart(5)} tests  ${wall.toFixed(1).padStart(6)} s wall  ` +
      `${result.busy.toFixed(1).padStart(6)} s busy  ${result.idle.toFixed(1).padStart(5)} s idle${steal >= 1 ? `  ${steal.toFixed(1)} s stolen` : ''}${code === 0 ? '' : `  FAILED (${json.numFailedTests})`}`,
  );
  return result;
}

/** Today's files that hold the earlier commit's tests (see the top of this file), and the earlier tests found in none. */
function sameTests(earlier, today) {
  const renamed = new Map(
    git('diff', '--find-renames', '--name-status', base, 'HEAD', '--', 'packages/server')
      .split('\n')
      .filter((line) => line.startsWith('R'))
      .map((line) =>
        line
          .split('\t')
          .slice(1)
          .map((p) => p.replace('packages/server/', '')),
      ),
  );
  const earlierFiles = new Set(earlier.tests.map((t) => renamed.get(t.file) ?? t.file));
  const fullNames = new Set(earlier.tests.map((t) => t.fullName));
  const titles = new Set(earlier.tests.map((t) => t.title));
  const files = new Set(today.tests.filter((t) => earlierFiles.has(t.file) || fullNames.has(t.fullName)).map((t) => t.file));
  const titled = new Map();
  for (const t of today.tests) if (!files.has(t.file) && titles.has(t.title)) titled.set(t.file, (titled.get(t.file) ?? 0) + 1);
  const byTitles = [...titled].filter(([, n]) => n >= TITLE_MATCHES);
  for (const [file] of byTitles) files.add(file);
  const held = today.tests.filter((t) => files.has(t.file));
  const heldNames = new Set(held.flatMap((t) => [t.fullName, t.title]));
  const missing = earlier.tests.filter((t) => !heldNames.has(t.fullName) && !heldNames.has(t.title));
  return { files: [...files].sort(), byTitles, missing };
}

console.log(`suite at ${base} against today's tree at ${head}, ${RUNS} rounds; ${machine()}`);
const rounds = [];
let same;
try {
  for (let i = 1; i <= RUNS; i++) {
    const earlier = await run(`${base} #${i}`, baseTree);
    const every = await run(`every tier #${i}`, root);
    if (!same) {
      same = sameTests(earlier, every);
      if (!same.files.length) throw new Error(`none of today's files holds a test of ${base}`);
      console.log(`  the ${earlier.tests.length} tests of ${base} are in ${same.files.length} of today's files`);
      for (const [file, n] of same.byTitles) console.log(`    ${file}: in by the titles of ${n} of its tests`);
      console.log(`  found in none of them by full name or title (renamed or removed): ${same.missing.length}`);
      for (const t of same.missing) console.log(`    ${t.file}: ${t.fullName.slice(0, 150)}`);
    }
    const held = await run(`the same tests #${i}`, root, same.files);
    rounds.push({ earlier, every, held });
  }
} finally {
  // KEEP_BASE=1 keeps the earlier commit's worktree and its dependencies for the next sitting.
  if (!process.env.KEEP_BASE) git('worktree', 'remove', '--force', baseTree);
}

const med = (pick, key) => median(rounds.map((r) => r[pick][key]));
const line = (name, pick) => {
  const wall = med(pick, 'wall');
  const tests = rounds[0][pick].tests.length;
  return `${name.padEnd(40)} ${String(tests).padStart(5)} tests  wall ${wall.toFixed(1).padStart(6)} s (${(wall / med('earlier', 'wall')).toFixed(2)}×)  busy ${med(pick, 'busy').toFixed(1).padStart(6)} s  ${((wall / tests) * 1000).toFixed(0)} ms a test`;
};
console.log('\nmedians');
console.log(line(`${base}: vitest run`, 'earlier'));
console.log(line(`${head}: every tier (pnpm test)`, 'every'));
console.log(line(`${head}: the files of ${base}'s tests`, 'held'));
if (rounds.some((r) => r.earlier.code || r.every.code || r.held.code)) process.exitCode = 1;
