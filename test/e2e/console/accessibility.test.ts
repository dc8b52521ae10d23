import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServer } from 'node:net';
import { demoToken, startDemoServer, staffData, type ServerProcess } from '../server-process.js';
import { describe as describeViolations, violations } from '../axe.js';
import { hasChromium, launch, signIn, type ConsoleBrowser } from './browser.js';

/**
 * Every console page, in both languages, checked by axe-core against WCAG
 * 2.1 AA: no critical and no serious violation. A complaint is checked with
 * its stage forms open (the close form with its star rating, the
 * implementation form with its amount), where most controls are.
 */
const TENANT = 'northwind';
const at = (login: string) => `${login}@${TENANT}.demo`;

let server: ServerProcess;
let chromium: ConsoleBrowser;

/** The page once it has drawn its data: no loading spinner left, fonts laid out. */
async function settled(page: Page, ready: string) {
  await page.locator(ready).first().waitFor();
  // A page's heading can draw before its data is asked for: wait for the requests, then for the spinners
  // (naive-ui's fade-ins are waited for by the check itself, violations()).
  await page.waitForLoadState('networkidle');
  await page
    .locator('.n-spin-content--spinning, .n-base-loading')
    .first()
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
  await page.evaluate(() => document.fonts.ready);
}

async function expectClean(page: Page, what: string) {
  const found = await violations(page);
  // Soft: one run lists every page that fails, not only the first.
  expect.soft(found, `${what}:\n${describeViolations(found)}`).toEqual([]);
}

/** The first complaint of the department in a stage, opened from the list. */
async function openComplaintIn(page: Page, stage: string) {
  await page.goto(`/complaints?department=mine&stages=${stage}&sort=NUMBER&dir=ASC`);
  const number = page.locator('.list-page .num').first();
  await number.waitFor();
  const text = (await number.textContent())!.trim();
  await page.goto(`/complaints/${text}`);
  await settled(page, `[data-transition]`);
  return text;
}

/** Presses Tab until the focus is on an element matching the selector; fails if it never gets there. */
async function tabTo(page: Page, selector: string, most = 80) {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${most} presses of Tab never reached ${selector}`);
}

async function signedIn(browser: Browser, login: string, locale: 'ru' | 'en') {
  return signIn(browser, server.base, TENANT, at(login), locale);
}

describe.skipIf(!hasChromium)('console accessibility (axe-core, WCAG 2.1 AA)', () => {
  beforeAll(async () => {
    // Webhooks to a loopback port (the delivery log's check below).
    server = await startDemoServer({ WEBHOOKS_ALLOW_INSECURE: '1' });
    chromium = await launch();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  for (const locale of ['en', 'ru'] as const) {
    it(`sign-in page (${locale})`, async () => {
      const context = await chromium.browser.newContext({ baseURL: server.base, locale: locale === 'ru' ? 'ru-RU' : 'en-GB' });
      await context.addInitScript((l) => localStorage.setItem('reclaim.locale', l), locale);
      const page = await context.newPage();
      await page.goto('/login');
      await settled(page, 'input[name=tenant]');
      await expectClean(page, 'login');
      await context.close();
    });

    it(`the department head's pages: board, list, register, escalations, actions (${locale})`, async () => {
      const { page, context } = await signedIn(chromium.browser, 'head.service', locale);
      const pages: [string, string][] = [
        ['/board', '.board[data-ready=true]'],
        ['/complaints', '.list-page .num'],
        ['/register', 'form'],
        ['/escalations', 'main'],
        ['/actions', 'main'],
        ['/me/notifications', '[data-test=my-notifications] [role=switch]'],
      ];
      for (const [path, ready] of pages) {
        await page.goto(path);
        await settled(page, ready);
        await expectClean(page, path);
      }
      await context.close();
    });

    it(`a complaint with its stage forms open (${locale})`, async () => {
      const { page, context } = await signedIn(chromium.browser, 'head.service', locale);
      await openComplaintIn(page, 'FEEDBACK');
      await expectClean(page, 'complaint in FEEDBACK');
      await page.click('[data-transition=CLOSED]');
      await page.locator('[data-field=satisfaction]').waitFor();
      await expectClean(page, 'complaint in FEEDBACK, close form open');

      await openComplaintIn(page, 'ANALYSIS');
      await page.click('[data-transition=DECISION]');
      await page.locator('[data-field=causeId]').waitFor();
      await expectClean(page, 'complaint in ANALYSIS, decision form open (the coded cause)');

      await openComplaintIn(page, 'DECISION');
      await page.click('[data-transition=IMPLEMENTATION]');
      await page.locator('form button[type=submit]').first().waitFor();
      await expectClean(page, 'complaint in DECISION, implementation form open');
      await context.close();
    });

    it(`administration pages (${locale})`, async () => {
      const { page, context } = await signedIn(chromium.browser, 'admin', locale);
      for (const section of [
        'users',
        'departments',
        'categories',
        'causes',
        'templates',
        'notifications',
        'sla',
        'company',
        'integrations',
        'webhooks',
        'mail',
        'surveys',
      ]) {
        await page.goto(`/admin/${section}`);
        await settled(page, 'main h1, main h2');
        await expectClean(page, `/admin/${section}`);
      }
      // The new integration's form: its allowed addresses are added with a named button.
      await page.goto('/admin/integrations');
      await settled(page, 'main h1, main h2');
      await page.locator('[data-test=new-integration]').click();
      await page.locator('[data-test=integration-form]').waitFor();
      // Its hints fade in (naive-ui); the check waits for that.
      await expectClean(page, 'the new integration form');
      // A customer notification's editor with the server's preview.
      await page.goto('/admin/notifications');
      await settled(page, 'main h1, main h2');
      await page.locator('[data-edit=DECISION-ru]').click();
      await page.locator('[data-test=notification-preview] .subject').waitFor();
      await expectClean(page, 'the notification editor');
      // A staff notification's editor, from the staff section, with its own placeholders.
      await page.goto('/admin/notifications');
      await settled(page, '[data-audience=STAFF] [data-edit]');
      await page.locator('[data-edit=STAFF_SLA-ru]').click();
      await page.locator('[data-placeholder=complaintLink]').waitFor();
      await page.locator('[data-test=notification-preview] .subject').waitFor();
      await expectClean(page, 'the staff notification editor');

      // The survey builder with a choice question and its coded options.
      await page.goto('/admin/surveys');
      await settled(page, 'main h1, main h2');
      await page.locator('[data-test=new-survey]').click();
      await page.locator('[data-test=survey-builder]').waitFor();
      await page.locator('[data-test=add-question]').click();
      await page.locator('[data-test=question-2] [data-field=type]').click();
      await page.locator('.n-base-select-option').nth(3).click();
      await page.locator('[data-test=question-2] [data-test=add-option]').waitFor();
      await page.locator('.n-base-select-menu').waitFor({ state: 'hidden' });
      await expectClean(page, 'the survey builder');
      await context.close();
    });
  }

  it("opens a webhook delivery's attempts with the keyboard alone, and the open log is clean", async () => {
    // A port nobody listens on: the delivery's attempts fail, so the log has rows (and errors) to show.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const url = `http://127.0.0.1:${port}/hook`;
    await staffData(
      server,
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
      { input: { url, eventTypes: ['COMPLAINT_RECEIVED'] } },
      await demoToken(server.base, TENANT, 'admin'),
    );
    await staffData(
      server,
      'mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id } }',
      {
        input: {
          kind: 'CLAIM',
          channel: 'PHONE',
          subject: 'Webhook check',
          description: 'For the delivery log',
          customer: { name: 'Anna Smirnova', email: 'anna@example.com' },
        },
      },
      await demoToken(server.base, TENANT, 'operator'),
    );
    for (const locale of ['en', 'ru'] as const) {
      const { page, context } = await signedIn(chromium.browser, 'admin', locale);
      await page.goto('/admin/webhooks');
      await settled(page, 'main h1, main h2');
      await page.locator(`[data-log="${url}"]`).click();
      const toggle = page.locator('button.expand[aria-expanded]').first();
      await toggle.waitFor();
      await tabTo(page, 'button.expand[aria-expanded]');
      await page.keyboard.press('Enter');
      await page.locator('.n-data-table-tr--expanded').first().waitFor();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).toBe('true');
      await expectClean(page, `the delivery log with a delivery open (${locale})`);
      await page.keyboard.press(' ');
      await page.locator('.n-data-table-tr--expanded').waitFor({ state: 'detached' });
      await context.close();
    }
  });

  it("turns one's own mail notification on with the keyboard alone, and it stays on", async () => {
    const { page, context } = await signedIn(chromium.browser, 'operator', 'en');
    await tabTo(page, '[data-test=user-name]');
    await page.keyboard.press('Enter');
    await settled(page, '[data-switch=STAFF_NEW_IN_INBOX]');
    const inbox = page.locator('[data-switch=STAFF_NEW_IN_INBOX]');
    expect(await inbox.getAttribute('aria-checked')).toBe('false');
    await tabTo(page, '[data-switch=STAFF_NEW_IN_INBOX]');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-switch=STAFF_NEW_IN_INBOX]')?.getAttribute('aria-checked') === 'true');
    await page.reload();
    await settled(page, '[data-switch=STAFF_NEW_IN_INBOX]');
    expect(await inbox.getAttribute('aria-checked')).toBe('true');
    await context.close();
  });

  it('signs in, opens the list and a complaint, and picks a rating with the keyboard alone', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 720 }, baseURL: server.base, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/login');
    await page.locator('input[name=tenant]').waitFor();
    await tabTo(page, 'input[name=tenant]');
    await page.keyboard.type(TENANT);
    await tabTo(page, 'input[name=email]');
    await page.keyboard.type(at('head.service'));
    await tabTo(page, 'input[name=password]');
    await page.keyboard.type('demo-password');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/board/);
    await page.locator('.board[data-ready=true]').waitFor();

    await tabTo(page, 'nav a[href="/complaints"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/complaints$|\/complaints\?/);
    await page.locator('.list-page .num').first().waitFor();
    await tabTo(page, '.list-page a.num');
    const number = (await page.evaluate(() => document.activeElement!.textContent))!.trim();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/complaints/${number}$`));
    await page.locator('h1 .number', { hasText: number }).waitFor();

    // A complaint awaiting the customer's rating: staff close it with stars chosen by arrow keys.
    await page.goto('/complaints?department=mine&stages=FEEDBACK&sort=NUMBER&dir=ASC');
    await page.locator('.list-page .num').first().waitFor();
    await tabTo(page, '.list-page a.num');
    await page.keyboard.press('Enter');
    await page.locator('[data-transition=CLOSED]').waitFor();
    await tabTo(page, '[data-transition=CLOSED]');
    await page.keyboard.press('Enter');
    const stars = page.locator('[data-stage-form=CLOSED] input[name=satisfaction]');
    await stars.first().waitFor({ state: 'attached' });
    await tabTo(page, '[data-stage-form=CLOSED] input[name=satisfaction]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('[data-stage-form=CLOSED] input[name=satisfaction]:checked').getAttribute('value')).toBe('3');
    await context.close();
  });
});
