import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { gql as request, demoToken, type ServerProcess } from '../server-process.js';
import { describe as describeViolations, violations } from '../axe.js';
import { hasChromium, screenshotDir, signIn, startDemoConsole, type ConsoleBrowser } from './browser.js';

/**
 * The Analysis page in Chromium against the built server in embedded mode
 * with demo data, nothing mocked: the quality manager's funnel follows a
 * complaint moved through the API, a Pareto bar opens the complaints behind
 * it, axe-core finds nothing blocking, and the screenshots are written.
 */
let server: ServerProcess;
let chromium: ConsoleBrowser;
let stop: () => Promise<void>;
const gql = (query: string, variables?: object, token?: string) => request(server.base, '/graphql', query, variables, token);

beforeAll(async () => {
  ({ server, chromium, stop } = await startDemoConsole());
});
afterAll(async () => {
  await stop?.();
});

/** A number as the page writes it (a thin or no-break space between thousands). */
const figure = async (page: Page, chart: string, row: string, column: string) =>
  Number((await page.locator(`[data-test=${chart}] tr[data-row="${row}"] [data-column=${column}]`).textContent())!.replace(/\D/g, ''));

interface ScoreRow {
  parameter: string;
  type: string;
  answers: number;
  lowSample: boolean;
}

/** The company's survey scores by the API, over a span that holds every answer of the demo (the last year). */
async function surveyScores(tenant: string): Promise<ScoreRow[]> {
  const day = 86_400_000;
  const res = await gql(
    `query($f: AnalysisFilterInput!) { surveyScores(filter: $f, by: COMPANY) { parameter type answers lowSample } }`,
    { f: { from: new Date(Date.now() - 365 * day).toISOString(), to: new Date(Date.now() + day).toISOString() } },
    await demoToken(server.base, tenant, 'quality.manager'),
  );
  expect(res.errors).toBeUndefined();
  return res.data.surveyScores;
}

/** The survey scores card warns of rows with too few answers to rely on exactly when there are some. */
async function expectLowSampleNote(page: Page, scores: ScoreRow[], warning: string) {
  await page.locator('[data-test=survey-scores] tr[data-row=all-OVERALL-NPS]').waitFor({ state: 'attached' });
  const note = (await page.locator('[data-test=survey-scores] .note').textContent())!;
  expect(note.includes(warning), note).toBe(scores.some((r) => r.lowSample));
}

async function openAnalysis(page: Page) {
  await page.locator('[data-test=nav-analysis]').click();
  await page.waitForURL(/\/analysis/);
  await page.locator('[data-test=funnel] tr[data-row=RECEIVED]').waitFor({ state: 'attached' });
  await page.locator('[data-test=pareto] .chart svg').waitFor();
}

describe.skipIf(!hasChromium)('the Analysis page in Chromium', () => {
  it('shows the quality manager a funnel that follows a complaint moved elsewhere within 5 s', async () => {
    // The demo company's survey was sent after resolution over the last quarter (demo-survey.ts): the survey cards show
    // its answers, as many as the API counts over any span that holds them all.
    const scores = await surveyScores('acme');
    const outcome = scores.find((r) => r.parameter === 'OVERALL' && r.type === 'CSAT')!;
    expect(outcome.answers).toBeGreaterThan(0);

    const { context, page } = await signIn(chromium.browser, server.base, 'acme', 'quality.manager@acme.demo', 'ru');
    await openAnalysis(page);
    await page.locator('[data-test=survey-scores] tr[data-row=all-OVERALL-NPS]').waitFor({ state: 'attached' });
    expect(await figure(page, 'survey-scores', 'all-OVERALL-CSAT', 'answers')).toBe(outcome.answers);
    await expectLowSampleNote(page, scores, 'Мало ответов');
    const before = await figure(page, 'funnel', 'ANALYSIS', 'entered');
    expect(await figure(page, 'funnel', 'RECEIVED', 'entered')).toBeGreaterThan(0);

    // Another person registers a complaint into a department and starts its analysis, through the API.
    const head = await demoToken(server.base, 'acme', 'head.service');
    const me = (await gql('{ me { id departments { id } } }', {}, head)).data.me;
    const category = (await gql('{ categories { id } }', {}, head)).data.categories[0].id;
    const registered = await gql(
      `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { id version } }`,
      {
        i: {
          kind: 'CLAIM',
          channel: 'PHONE',
          subject: 'Чайник течёт',
          description: 'Вода под основанием.',
          departmentId: me.departments[0].id,
          categoryId: category,
          demand: 'REPAIR',
          customer: { name: 'Дарья', phone: '+7 900 000-00-01' },
        },
      },
      await demoToken(server.base, 'acme', 'operator'),
    );
    expect(registered.errors).toBeUndefined();
    const { id, version } = registered.data.registerComplaint;
    const started = Date.now();
    const moved = await gql(
      'mutation($i: TransitionComplaintInput!) { transitionComplaint(input: $i) { __typename } }',
      {
        i: { id, to: 'ANALYSIS', expectedVersion: version, assigneeId: me.id },
      },
      head,
    );
    expect(moved.errors).toBeUndefined();
    await expect.poll(() => figure(page, 'funnel', 'ANALYSIS', 'entered'), { timeout: 5000, interval: 100 }).toBe(before + 1);
    console.log(`funnel followed the move in ${Date.now() - started} ms`);

    await screenshotWhole(page, 'analysis');
    // Every chart's table open, so that axe-core measures them too.
    await page.locator('details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const found = await violations(page);
    expect(found, describeViolations(found)).toEqual([]);
    await context.close();
  });

  it('opens the complaints behind a Pareto bar (a category; a cause with the keyboard) with the same count', async () => {
    const { context, page } = await signIn(chromium.browser, server.base, 'northwind', 'quality.manager@northwind.demo', 'en');
    await openAnalysis(page);
    expect(await page.locator('main h1').textContent()).toBe('Analysis');
    await expectLowSampleNote(page, await surveyScores('northwind'), 'Too few answers');
    await page.goto('/analysis?by=CATEGORY');
    const firstRow = page.locator('[data-test=pareto] tbody tr').first();
    await firstRow.waitFor({ state: 'attached' });
    const complaints = Number((await firstRow.locator('[data-column=complaints]').textContent())!.replace(/\D/g, ''));
    expect(complaints).toBeGreaterThan(0);
    const found = await violations(page);
    expect(found, describeViolations(found)).toEqual([]);
    await screenshotWhole(page, 'analysis-en');

    // The card's table downloads with the page's choice, in the reader's language.
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=pareto] [data-test=export-csv]').click()]);
    expect(file.suggestedFilename()).toMatch(/^analysis-pareto-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await file.path())!))
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]).toBe('Category,Complaints,Complaints,Share,Cumulative share,Within 80 %');
    expect(lines.length).toBe(1 + (await page.locator('[data-test=pareto] tbody tr').count()));
    expect(Number(lines[1]!.split(',').at(-5))).toBe(complaints);

    // The table's row links where the bar leads.
    const rowLink = new URL((await firstRow.locator('a').getAttribute('href'))!, server.base);
    // The tallest bar is the first (largest first): click it in the chart.
    const bar = await largestBar(page);
    await page.mouse.click(bar.x, bar.y);
    await page.waitForURL(/\/complaints\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('category')).toBe(rowLink.searchParams.get('category'));
    expect(url.searchParams.get('category')).toBeTruthy();
    expect(url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect.poll(async () => page.locator('[data-test=list-total]').textContent()).toBe(`${complaints} found`);

    // Without a mouse, by cause (a filter the list shows as removable): Tab to the Pareto's table, open it,
    // Tab to the first row's link and follow it.
    await page.goto('/analysis?by=CAUSE');
    const causeRow = page.locator('[data-test=pareto] tbody tr').first();
    await causeRow.waitFor({ state: 'attached' });
    const causeCount = Number((await causeRow.locator('[data-column=complaints]').textContent())!.replace(/\D/g, ''));
    const causeName = (await causeRow.locator('a').textContent())!.trim();
    await tabTo(page, '[data-test=pareto] summary');
    await page.keyboard.press('Enter');
    await tabTo(page, '[data-test=pareto] tbody a');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/complaints\?/);
    expect(new URL(page.url()).searchParams.get('cause')).toBeTruthy();
    await expect.poll(async () => page.locator('[data-test=list-total]').textContent()).toBe(`${causeCount} found`);
    expect(await page.locator('[data-drill=cause]').textContent()).toContain(causeName);
    const onList = await violations(page);
    expect(onList, describeViolations(onList)).toEqual([]);
    await context.close();
  });

  it('is not offered to a specialist, whom the address sends to the board', async () => {
    const { context, page } = await signIn(chromium.browser, server.base, 'northwind', 'specialist.service@northwind.demo', 'en');
    expect(await page.locator('[data-test=nav-analysis]').count()).toBe(0);
    await page.goto('/analysis');
    await page.waitForURL(/\/board/);
    await context.close();
  });
});

/** The centre of the tallest bar of the Pareto chart (SVG paths of the bar series), in page coordinates. */
async function largestBar(page: Page): Promise<{ x: number; y: number }> {
  await page.locator('[data-test=pareto] .chart').scrollIntoViewIfNeeded();
  const boxes = await page.locator('[data-test=pareto] .chart svg path').evaluateAll((paths) =>
    paths.map((p) => {
      const r = p.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2, width: r.width, height: r.height, fill: p.getAttribute('fill') };
    }),
  );
  const bars = boxes.filter((b) => b.fill?.toLowerCase() === '#2f5bd3' && b.width > 4 && b.height > 4);
  bars.sort((a, b) => b.height - a.height);
  return bars[0]!;
}

/** Presses Tab until the focus is on an element matching the selector; fails if it never gets there. */
async function tabTo(page: Page, selector: string, most = 80) {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${most} presses of Tab never reached ${selector}`);
}

/** The whole page (all charts), not only the window. */
async function screenshotWhole(page: Page, name: string) {
  // The console scrolls inside its main element: let it grow to its content for the picture.
  await page.addStyleTag({ content: 'html, body, #app, .shell { height: auto !important; } .content { overflow: visible !important; }' });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
