// Measures the staff console (a script, not a test): the production JS it
// needs, gzipped, and the time to an interactive board of 500 cards in
// headless Chromium against the built server in embedded mode.
//   pnpm measure:console            (builds first)
//   RUNS=7 node test/bench/console-measure.mjs
import { RUNS, builtApp, kb, launchChromium, machine, median, startServer } from './measure-kit.mjs';

const CARDS = Number(process.env.CARDS ?? 500);

// 1. What index.html loads before anything runs: the entry, its preloads and CSS.
const app = builtApp('console');

// 2. The server, with a department of CARDS open complaints.
const server = await startServer();
const { base, stop } = server;
const gql = (query, variables, token) => server.gql('/graphql', query, variables, token);
const login = async (email) =>
  (
    await gql('mutation($i: LoginInput!) { login(input: $i) { token } }', {
      i: { tenantSlug: 'northwind', email, password: 'demo-password' },
    })
  ).login.token;
const admin = await login('admin@northwind.demo');
const department = (await gql('mutation { createDepartment(input: { name: "Bench queue" }) { id } }', {}, admin)).createDepartment.id;
const users = (await gql('{ users { id email } }', {}, admin)).users;
const operator = users.find((u) => u.email === 'operator@northwind.demo');
await gql(
  'mutation($i: UpdateUserInput!) { updateUser(input: $i) { id } }',
  { i: { id: operator.id, departmentIds: [department], roles: ['OPERATOR', 'HEAD'] } },
  admin,
);
const token = await login('operator@northwind.demo');
const category = (await gql('{ categories { id } }', {}, token)).categories[0].id;
const seeding = Date.now();
for (let i = 0; i < CARDS; i += 25) {
  await Promise.all(
    Array.from({ length: Math.min(25, CARDS - i) }, (_, j) =>
      gql(
        'mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { id } }',
        {
          i: {
            kind: 'CLAIM',
            channel: 'PHONE',
            subject: `Bench complaint ${i + j}: the door seal leaks after a week`,
            description: 'Seeded for the board measurement.',
            customer: { name: `Customer ${i + j}`, phone: '+44 20 7946 0000' },
            departmentId: department,
            categoryId: category,
            demand: ['REFUND', 'REPAIR', 'REPLACEMENT'][(i + j) % 3],
            priority: ['LOW', 'NORMAL', 'HIGH', 'URGENT'][(i + j) % 4],
          },
        },
        token,
      ),
    ),
  );
}
console.error(`seeded ${CARDS} complaints in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

// 3. Time to an interactive board: navigation start -> all cards rendered, then
//    until the main thread answers (a task queued then runs).
const browser = await launchChromium();
const results = [];
let loadedJs = 0;
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, baseURL: base });
  await context.addInitScript(
    ([t]) => {
      localStorage.setItem('reclaim.session', t);
      localStorage.setItem('reclaim.locale', 'en');
    },
    [token],
  );
  const page = await context.newPage();
  const js = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('.js')) js.push(r.url());
  });
  await page.goto(`/board?department=${department}`, { waitUntil: 'commit' });
  const timing = await page.evaluate(async (cards) => {
    await new Promise((resolve) => {
      const check = () =>
        document.querySelector('.board[data-ready=true]') && document.querySelectorAll('.board-card').length >= cards
          ? resolve()
          : requestAnimationFrame(check);
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
  if (run === 0) loadedJs = app.gzipOf(boardJs.map((url) => new URL(url).pathname));
  await context.close();
}
await browser.close();
stop();

console.log(
  JSON.stringify(
    {
      machine: machine(),
      entryJsGzip: kb(app.entryJs),
      entryCssGzip: kb(app.entryCss),
      jsToInteractiveBoardGzip: kb(loadedJs),
      cards: results[0].cards,
      readyMs: results.map((r) => Math.round(r.ready)),
      interactiveMs: results.map((r) => Math.round(r.interactive)),
      medianInteractiveMs: Math.round(median(results.map((r) => r.interactive))),
      openCardMs: results.map((r) => r.openCardMs),
    },
    null,
    2,
  ),
);
