// Measures the customer portal (a script, not a test): the JS the tracking
// page loads, gzipped, and the time to an interactive tracking page of a
// complaint with MESSAGES messages in headless Chromium against the built
// server in embedded mode.
//   pnpm measure:portal             (builds first)
//   RUNS=7 MESSAGES=20 node test/bench/portal-measure.mjs
import { RUNS, builtApp, kb, launchChromium, machine, median, startServer } from './measure-kit.mjs';

const MESSAGES = Number(process.env.MESSAGES ?? 10);

// 1. What index.html loads before anything runs.
const app = builtApp('portal', '/p');

// 2. The server, with one portal complaint that has MESSAGES public messages, half from each side.
const { base, gql, stop } = await startServer({ ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000' });
const { number, accessToken } = (
  await gql(
    '/portal/graphql',
    'mutation($i: SubmitComplaintInput!) { submitComplaint(tenantSlug: "northwind", input: $i) { number accessToken } }',
    {
      i: {
        kind: 'CLAIM',
        subject: 'Fridge door seal leaks cold air',
        description: 'Seeded for the portal measurement.',
        demand: 'REPAIR',
        customer: { name: 'Bench Customer', email: 'bench@example.net' },
      },
    },
  )
).submitComplaint;
const operator = (
  await gql('/graphql', 'mutation($i: LoginInput!) { login(input: $i) { token } }', {
    i: { tenantSlug: 'northwind', email: 'operator@northwind.demo', password: 'demo-password' },
  })
).login.token;
const { id } = (await gql('/graphql', 'query($n: String!) { complaint(number: $n) { id } }', { n: number }, operator)).complaint;
for (let i = 0; i < MESSAGES; i++) {
  if (i % 2 === 0) {
    await gql(
      '/graphql',
      'mutation($i: AddMessageInput!) { addMessage(input: $i) { id } }',
      {
        i: {
          complaintId: id,
          visibility: 'PUBLIC',
          body: `Question ${i / 2 + 1}: could you tell us more about when the seal started to leak?`,
        },
      },
      operator,
    );
  } else {
    await gql(
      '/portal/graphql',
      'mutation($n: String!, $t: String!, $b: String!) { replyToComplaint(number: $n, accessToken: $t, body: $b) { id } }',
      { n: number, t: accessToken, b: `Answer ${(i + 1) / 2}: about two weeks after delivery, mostly at night.` },
    );
  }
}
const path = `/p/northwind/track/${encodeURIComponent(number)}#${accessToken}`;

// 3. Time to an interactive tracking page: navigation start -> the complaint and
//    its messages rendered, the reply box enabled and the subscription socket
//    connected, then until the main thread answers (a task queued then runs).
const browser = await launchChromium();
const results = [];
let loadedJs = 0;
let loadedFiles = [];
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, baseURL: base, locale: 'en-GB' });
  const page = await context.newPage();
  const js = [];
  page.on('response', (r) => {
    if (r.url().endsWith('.js')) js.push(new URL(r.url()).pathname);
  });
  await page.goto(path, { waitUntil: 'commit' });
  const timing = await page.evaluate(async (messages) => {
    await new Promise((resolve) => {
      const check = () => {
        const ready = document.querySelector('[data-test=tracking][data-status=ready][data-live=true]');
        const box = document.querySelector('[data-test=reply-body]');
        const shown = document.querySelectorAll('[data-test=message]').length;
        if (ready && box && !box.disabled && shown >= messages) resolve();
        else requestAnimationFrame(check);
      };
      check();
    });
    const ready = performance.now();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { ready, interactive: performance.now(), messages: document.querySelectorAll('[data-test=message]').length };
  }, MESSAGES);
  // A keyboard user goes straight to the reply box and types.
  const before = Date.now();
  await page.focus('[data-test=reply-body]');
  await page.keyboard.type('ok');
  timing.typeMs = Date.now() - before;
  results.push(timing);
  if (run === 0) {
    loadedFiles = [...new Set(js)];
    loadedJs = app.gzipOf(loadedFiles);
  }
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
      trackingPageJsGzip: kb(loadedJs),
      trackingPageJsFiles: loadedFiles.length,
      messages: results[0].messages,
      readyMs: results.map((r) => Math.round(r.ready)),
      interactiveMs: results.map((r) => Math.round(r.interactive)),
      medianInteractiveMs: Math.round(median(results.map((r) => r.interactive))),
      typeMs: results.map((r) => r.typeMs),
    },
    null,
    2,
  ),
);
