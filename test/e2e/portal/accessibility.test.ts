import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemoServer, type ServerProcess } from '../server-process.js';
import { describe as describeViolations, violations } from '../axe.js';
import { hasChromium, launch, type ConsoleBrowser } from '../console/browser.js';
import { demoComplaintAtFeedback } from './demo-feedback.js';

/**
 * The customer portal's pages, in both languages, checked by axe-core against
 * WCAG 2.1 AA: the form, and the tracking page at the rating step (the
 * richest one: stages, decision, messages, reply form, stars).
 */
const TENANT = 'northwind';
const portalBuilt = existsSync(new URL('../../../packages/portal/dist/index.html', import.meta.url));

let server: ServerProcess;
let chromium: ConsoleBrowser;

async function expectClean(page: Page, what: string) {
  await page.evaluate(() => document.fonts.ready);
  const found = await violations(page);
  expect.soft(found, `${what}:\n${describeViolations(found)}`).toEqual([]);
}

/** A complaint filed through the portal and moved by staff to the customer's rating step; its tracking address. */
async function complaintAwaitingRating(): Promise<string> {
  const { number, accessToken } = await demoComplaintAtFeedback(server, TENANT, 'ana.costa@example.net');
  return `/p/${TENANT}/track/${number}#${accessToken}`;
}

describe.skipIf(!hasChromium || !portalBuilt)('portal accessibility (axe-core, WCAG 2.1 AA)', () => {
  let tracking = '';

  beforeAll(async () => {
    server = await startDemoServer({ RATE_LIMIT_PER_MINUTE: '100000', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000' });
    chromium = await launch();
    tracking = await complaintAwaitingRating();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  for (const locale of ['en', 'ru'] as const) {
    it(`the form, the tracking look-up and the rating step (${locale})`, async () => {
      const context = await chromium.browser.newContext({
        viewport: { width: 1280, height: 720 },
        baseURL: server.base,
        locale: locale === 'ru' ? 'ru-RU' : 'en-GB',
      });
      const page = await context.newPage();
      await page.goto(`/p/${TENANT}/`);
      await page.locator('[data-test=tenant-name]').waitFor();
      await page.locator('input[name=subject]').waitFor();
      await expectClean(page, 'form');

      await page.goto(`/p/${TENANT}/track/`);
      await page.locator('#lookup-number').waitFor();
      await expectClean(page, 'tracking look-up');

      await page.goto(tracking);
      await page.reload();
      await page.locator('[data-test=tracking][data-status=ready]').waitFor();
      await page.locator('[data-test=rating]').waitFor();
      await expectClean(page, 'tracking at the rating step');
      await context.close();
    });
  }
});
