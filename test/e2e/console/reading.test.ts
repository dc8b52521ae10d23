import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoToken, gql as request, type ServerProcess } from '../server-process.js';
import { hasChromium, startDemoConsole, signIn, type ConsoleBrowser } from './browser.js';

/**
 * What people read on a complaint page, laid out by a real Chromium against
 * the built server with demo data: words whole, dates as the company writes them.
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

/** A complaint of `tenant` that has reached a decision (so its details show the validity). */
async function decidedComplaint(tenant: string): Promise<string> {
  const token = await demoToken(server.base, tenant, 'admin');
  const res = await request(
    server.base,
    '/graphql',
    '{ complaints(first: 50, filter: { stages: [IMPLEMENTATION, FEEDBACK, CLOSED] }) { edges { node { number validity } } } }',
    {},
    token,
  );
  const found = (res.data.complaints.edges as Array<{ node: { number: string; validity: string | null } }>).find((e) => e.node.validity);
  if (!found) throw new Error(`no decided complaint in ${tenant}'s demo data`);
  return found.node.number;
}

/**
 * Every place in `selector` where a line ends inside a word: two letters in a
 * row that the browser put on different lines.
 */
function brokenWords(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel);
    if (!root) throw new Error(`${sel} is not on the page`);
    const broken: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      let previousTop: number | null = null;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        const letter = /\p{L}/u.test(text[i]!) && i > 0 && /\p{L}/u.test(text[i - 1]!);
        if (rect && previousTop !== null && letter && Math.abs(rect.top - previousTop) > 2) {
          broken.push(`${text.slice(Math.max(0, text.lastIndexOf(' ', i) + 1), i)}|${text.slice(i).split(/\s/)[0]}`);
        }
        if (rect) previousTop = rect.top;
      }
    }
    return broken;
  }, selector);
}

describe.skipIf(!hasChromium)('reading a complaint page', () => {
  for (const width of [1280, 1024, 800]) {
    it(`no word of the details table is cut across lines ("Обоснованно|сть") at ${width} px`, async () => {
      const number = await decidedComplaint('acme');
      const { context, page } = await signIn(chromium.browser, server.base, 'acme', 'head.quality@acme.demo', 'ru');
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/complaints/${number}`);
      await page.locator('.details').getByText('Обоснованность', { exact: true }).waitFor();
      expect(await brokenWords(page, '.details')).toEqual([]);
      await context.close();
    }, 60_000);
  }

  it('a London company\'s dates are British and in London time ("1 Dec 2026, 20:59", not "Dec 1, 2026, 8:59 PM")', async () => {
    const number = await decidedComplaint('northwind');
    const { context, page } = await signIn(chromium.browser, server.base, 'northwind', 'admin@northwind.demo', 'en');
    await page.goto(`/complaints/${number}`);
    const received = page.locator('.details td', { hasText: /\d{4}, \d{2}:\d{2}/ }).first();
    await received.waitFor();
    const text = await received.innerText();
    expect(text).toMatch(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d{2}:\d{2}/); // "Sept" has four letters
    expect(text).not.toMatch(/AM|PM/);
    await context.close();
  }, 60_000);
});
