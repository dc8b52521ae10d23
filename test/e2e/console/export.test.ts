import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../server-process.js';
import { hasChromium, startDemoConsole, signIn, type ConsoleBrowser } from './browser.js';

/**
 * The list's download buttons in a real Chromium against the built server
 * with demo data (acme is a Russian-language company): by keyboard, with the
 * filter and order of the page, saved as a file by the browser.
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

describe.skipIf(!hasChromium)('downloading the complaint list', () => {
  it('saves the filtered, sorted list as CSV and as Excel, started from the keyboard', async () => {
    const { context, page } = await signIn(chromium.browser, server.base, 'acme', 'admin@acme.demo', 'ru');
    await page.goto('/complaints?stages=REGISTERED,ANALYSIS,DECISION&sort=NUMBER&dir=DESC');
    await page.locator('.list-page .n-data-table-tr .num').first().waitFor();
    const total = Number(/\d+/.exec((await page.locator('[data-test=list-total]').textContent()) ?? '')![0]);
    const firstNumber = (await page.locator('.list-page .num').first().textContent())!.trim();
    expect(total).toBeGreaterThan(0);

    const csvButton = page.getByRole('button', { name: 'Скачать CSV' });
    await csvButton.focus();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(csv.suggestedFilename()).toMatch(/^complaints-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = (await readFile((await csv.path())!)).toString('utf8');
    expect(text.startsWith('\uFEFFНомер;Тема;Клиент;Стадия;')).toBe(true);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines.length).toBe(total + 1);
    expect(lines[1]!.split(';')[0]).toBe(firstNumber);
    await page.getByRole('status').getByText(`Файл ${csv.suggestedFilename()} скачан`).waitFor();

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Скачать Excel');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = await readFile((await xlsx.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await context.close();
  });
});
