// Measures the staff console (a script, not a test): the production JS it
// needs, gzipped, and the time to an interactive board of 500 cards in
// headless Chromium against the built server in embedded mode.
//   pnpm measure:console            (builds first)
//   RUNS=7 node test/bench/console-measure.mjs
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url);
const dist = new URL('packages/console/dist/', root);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CARDS = Number(process.env.CARDS ?? 500);
const RUNS = Number(process.env.RUNS ?? 5);
if (!existsSync(new URL('index.html', dist))) throw new Error('build the console first: pnpm run build');
if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// 1. What index.html loads before anything runs: the entry, its preloads and CSS.
const html = readFileSync(new URL('index.html', dist), 'utf8');
const entry = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const entryJs = entry.filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gz(readFileSync(new URL(f, dist))), 0);
const entryCss = entry.filter((f) => f.endsWith('.css')).reduce((sum, f) => sum + gz(readFileSync(new URL(f, dist))), 0);

// 2. The server, with a department of CARDS open complaints.
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, PORT: String(port), RATE_LIMIT_PER_MINUTE: '100000' };
for (const k of ['DATABASE_URL', 'REDIS_URL', 'PUBSUB', 'DEMO_DATA']) delete env[k];
const server = spawn(process.execPath, [new URL('packages/server/dist/main.js', root).pathname], { env, stdio: 'ignore' });
const stop = () => server.exitCode === null && server.kill('SIGTERM');
process.on('exit', stop);
for (let i = 0; ; i++) {
  if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
  if (i > 300) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 200));
}
async function gql(query, variables, token) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
const login = async (email) => (await gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { tenantSlug: 'northwind', email, password: 'demo-password' } })).login.token;
const admin = await login('admin@northwind.demo');
const department = (await gql('mutation { createDepartment(input: { name: "Bench queue" }) { id } }', {}, admin)).createDepartment.id;
const users = (await gql('{ users { id email } }', {}, admin)).users;
const operator = users.find((u) => u.email === 'operator@northwind.demo');
await gql('mutation($i: UpdateUserInput!) { updateUser(input: $i) { id } }', { i: { id: operator.id, departmentIds: [department], roles: ['OPERATOR', 'HEAD'] } }, admin);
const token = await login('operator@northwind.demo');
const category = (await gql('{ categories { id } }', {}, token)).categories[0].id;
const seeding = Date.now();
for (let i = 0; i < CARDS; i += 25) {
  await Promise.all(Array.from({ length: Math.min(25, CARDS - i) }, (_, j) => gql(
    'mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { id } }',
    { i: { kind: 'CLAIM', channel: 'PHONE', subject: `Bench complaint ${i + j}: the door seal leaks after a week`, description: 'Seeded for the board measurement.',
      customer: { name: `Customer ${i + j}`, phone: '+44 20 7946 0000' }, departmentId: department, categoryId: category,
      demand: ['REFUND', 'REPAIR', 'REPLACEMENT'][(i + j) % 3], priority: ['LOW', 'NORMAL', 'HIGH', 'URGENT'][(i + j) % 4] } },
    token,
  )));
}
console.error(`seeded ${CARDS} complaints in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

// 3. Time to an interactive board: navigation start -> all cards rendered, then
//    until the main thread answers (a task queued then runs).
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
let loadedJs = 0;
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, baseURL: base });
  await context.addInitScript(([t]) => {
    localStorage.setItem('reclaim.session', t);
    localStorage.setItem('reclaim.locale', 'en');
  }, [token]);
  const page = await context.newPage();
  const js = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('.js')) js.push(r.url());
  });
  await page.goto(`/board?department=${department}`, { waitUntil: 'commit' });
  const timing = await page.evaluate(async (cards) => {
    await new Promise((resolve) => {
      const check = () => (document.querySelector('.board[data-ready=true]') && document.querySelectorAll('.board-card').length >= cards ? resolve() : requestAnimationFrame(check));
      check();
    });
    const ready = performance.now();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { ready, interactive: performance.now(), cards: document.querySelectorAll('.board-card').length };
  }, CARDS);
  const boardJs = [...new Set(js)];
  // A keyboard user focuses the first card and opens it.
  const before = Date.now();
  await page.locator('.board-card').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/complaints\//);
  timing.openCardMs = Date.now() - before;
  results.push(timing);
  if (run === 0) {
    for (const url of boardJs) loadedJs += gz(readFileSync(new URL(new URL(url).pathname.slice(1), dist)));
  }
  await context.close();
}
await browser.close();
stop();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpu = cpus();
console.log(JSON.stringify({
  machine: `${cpu.length} × ${cpu[0]?.model?.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  entryJsGzip: kb(entryJs),
  entryCssGzip: kb(entryCss),
  jsToInteractiveBoardGzip: kb(loadedJs),
  cards: results[0].cards,
  readyMs: results.map((r) => Math.round(r.ready)),
  interactiveMs: results.map((r) => Math.round(r.interactive)),
  medianInteractiveMs: Math.round(median(results.map((r) => r.interactive))),
  openCardMs: results.map((r) => r.openCardMs),
}, null, 2));
