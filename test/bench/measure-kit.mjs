// What the console and portal measurements share: the built app's entry
// size, the built server in embedded mode, its GraphQL API, headless
// Chromium, and the summary line.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RUNS = Number(process.env.RUNS ?? 5);

export const gz = (buf) => gzipSync(buf, { level: 9 }).length;
export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The app built into packages/<name>/dist, served under `prefix` ('' or '/p'). */
export function builtApp(name, prefix = '') {
  const dist = new URL(`packages/${name}/dist/`, root);
  if (!existsSync(new URL('index.html', dist))) throw new Error(`build the ${name} first: pnpm run build`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
  const html = readFileSync(new URL('index.html', dist), 'utf8');
  const entry = [...html.matchAll(new RegExp(`(?:src|href)="${prefix}/(assets/[^"]+\\.(?:js|css))"`, 'g'))].map((m) => m[1]);
  const size = (ext) => entry.filter((f) => f.endsWith(ext)).reduce((sum, f) => sum + gz(readFileSync(new URL(f, dist))), 0);
  return {
    /** Gzipped bytes of the entry's JS and CSS (what index.html loads before anything runs). */
    entryJs: size('.js'),
    entryCss: size('.css'),
    /** Gzipped bytes of files the browser fetched, by URL path. */
    gzipOf: (paths) => [...new Set(paths)].reduce((sum, p) => sum + gz(readFileSync(new URL(p.slice(prefix.length + 1), dist))), 0),
  };
}

/** The built server in embedded mode with demo data on a free port; `gql(path, query, variables, token)`. */
export async function startServer(extraEnv = {}) {
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PORT: String(port), RATE_LIMIT_PER_MINUTE: '100000', ...extraEnv };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'PUBSUB', 'DEMO_DATA']) delete env[k];
  const server = spawn(process.execPath, [new URL('packages/server/dist/main.js', root).pathname], { env, stdio: 'ignore' });
  const stop = () => server.exitCode === null && server.kill('SIGTERM');
  process.on('exit', stop);
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  async function gql(path, query, variables, token) {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
  return { base, gql, stop };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function machine() {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model?.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
