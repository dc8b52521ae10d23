import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startDemoConsole, screenshot, signIn, type ConsoleBrowser } from './browser.js';
import type { ServerProcess } from '../server-process.js';

/**
 * The console in English, as the demo's London company sees it: board,
 * complaint list and a complaint page, the pictures of docs/screenshots/*-en.png
 * (`pnpm screenshots`; the Russian ones are console.test.ts's). Each page is checked
 * to be in English with British dates before it is taken.
 */
let server: ServerProcess;
let chromium: ConsoleBrowser;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ server, chromium, stop } = await startDemoConsole());
});
afterAll(async () => {
  await stop?.();
});

describe.skipIf(!hasChromium)('the console in English', () => {
  it('shows a London head of service the board, the list and a complaint in English', async () => {
    const { context, page } = await signIn(chromium.browser, server.base, 'northwind', 'head.service@northwind.demo', 'en');
    await page.locator('[data-column] [data-number]').first().waitFor();
    expect(await page.locator('nav').textContent()).toContain('Board');
    await screenshot(page, 'board-en');

    await page.goto('/complaints');
    const first = page.locator('a[href^="/complaints/NORTHWIND-"]').first();
    await first.waitFor();
    expect(await page.locator('main').textContent()).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4}/);
    await screenshot(page, 'list-en');

    await first.click();
    await page.locator('[data-test=stage]').waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(/Обращение|Получено/);
    await screenshot(page, 'complaint-en');
    await context.close();
  });
});
