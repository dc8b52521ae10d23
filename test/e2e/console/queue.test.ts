import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemoServer, type ServerProcess } from '../server-process.js';
import { hasChromium, launch, signIn, type ConsoleBrowser } from './browser.js';

/**
 * Working the queue in a real Chromium against the built server with demo
 * data: what people read is not cut (layout is only measurable in a
 * browser), the filters live in the URL, and a bulk change by keyboard.
 */
const TENANT = 'northwind';
const at = (login: string) => `${login}@${TENANT}.demo`;
const OPEN = 'RECEIVED,REGISTERED,ANALYSIS,DECISION,IMPLEMENTATION,FEEDBACK';

let server: ServerProcess;
let chromium: ConsoleBrowser;

/** Whether an input's placeholder fits it, measured in the input's own font. */
const placeholdersFit = (page: Page, selector: string) =>
  page.$$eval(selector, (inputs) =>
    inputs.map((el) => {
      const input = el as HTMLInputElement;
      const style = getComputedStyle(input);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = style.font;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { placeholder: input.placeholder, fits: context.measureText(input.placeholder).width <= room + 0.5 };
    }),
  );

describe.skipIf(!hasChromium)('working the queue in Chromium', () => {
  beforeAll(async () => {
    server = await startDemoServer();
    chromium = await launch();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  it('board cards give customer names room; list numbers stay on one line, subjects are cut with a title; the date range reads in full', async () => {
    const { page, context } = await signIn(chromium.browser, server.base, TENANT, at('head.service'), 'ru');
    await page.locator('.board[data-ready=true]').waitFor();
    const names = await page.$$eval('[data-test=card-customer]', (els) =>
      els.map((e) => ({
        text: e.textContent ?? '',
        width: e.clientWidth,
        cut: e.scrollWidth > e.clientWidth,
      })),
    );
    expect(names.length).toBeGreaterThan(0);
    // Three letters was all a name had beside the priority and the countdown; now about twenty fit.
    for (const n of names) expect(n.width, n.text).toBeGreaterThan(120);
    expect(names.filter((n) => n.text.length <= 16 && n.cut)).toEqual([]);
    // Nor does the name take the number's room: a card's number reads in full.
    const cardNumbers = await page.$$eval('.board-card .number', (els) =>
      els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent),
    );
    expect(cardNumbers).toEqual([]);

    await page.goto('/complaints');
    await page.locator('.list-page .n-data-table-tr .num').first().waitFor();
    const numbers = await page.$$eval('.list-page .num', (els) =>
      els.map((e) => {
        const lineHeight = parseFloat(getComputedStyle(e).lineHeight) || 20;
        return { text: e.textContent, lines: Math.round(e.getBoundingClientRect().height / lineHeight) };
      }),
    );
    expect(numbers.filter((n) => n.lines > 1)).toEqual([]);
    const subjects = await page.$$eval('.list-page td[data-col-key=subject] .cut', (els) =>
      els.map((e) => ({
        title: e.getAttribute('title'),
        text: e.textContent,
        nowrap: getComputedStyle(e).whiteSpace === 'nowrap',
      })),
    );
    expect(subjects.length).toBeGreaterThan(0);
    for (const s of subjects) expect(s).toEqual({ title: s.text, text: s.text, nowrap: true });
    const dates = await placeholdersFit(page, '.list-page .range input');
    expect(dates.map((d) => d.placeholder)).toEqual(['Дата начала', 'Дата окончания']);
    expect(dates.every((d) => d.fits)).toBe(true);
    await context.close();
  });

  it('filters and sorts through the URL, and sets the priority of rows ticked by keyboard', async () => {
    const { page, context } = await signIn(chromium.browser, server.base, TENANT, at('head.service'));
    // Open ones: a closed complaint cannot change priority (the bulk change would be refused, as the single one).
    await page.goto(`/complaints?department=mine&stages=${OPEN}&sort=NUMBER&dir=ASC`);
    await page.locator('.list-page .num').first().waitFor();
    const listed = await page.$$eval('.list-page .num', (els) => els.map((e) => e.textContent!));
    expect(listed).toEqual([...listed].sort());

    const tick = async (n: number) => {
      const box = page.locator('.list-page td input.pick').nth(n);
      await box.focus();
      await page.keyboard.press('Space');
    };
    await tick(0);
    await tick(1);
    const chosen = [listed[0]!, listed[1]!];
    await page.locator('[data-test=bulk-bar]').getByText('Selected: 2').waitFor();
    await page.click('[data-test=bulk-priority]');
    await page.locator('[data-field=bulk-target]').click();
    await page
      .locator('.n-base-select-option:visible', { has: page.getByText('Urgent', { exact: true }) })
      .first()
      .click();
    await page.click('[data-test=bulk-apply]');
    await page.getByText('Changed: 2').waitFor();
    expect(await page.locator('[data-test=bulk-bar]').count()).toBe(0);

    await page.goto(`/complaints?department=mine&stages=${OPEN}&priority=URGENT&sort=NUMBER&dir=ASC`);
    await page.locator('.list-page .num').first().waitFor();
    const urgent = await page.$$eval('.list-page .num', (els) => els.map((e) => e.textContent!));
    expect(urgent).toEqual(expect.arrayContaining(chosen));
    await context.close();
  });
});
