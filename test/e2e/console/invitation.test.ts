import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { demoToken, staffData, startDemoServer, type ServerProcess } from '../server-process.js';
import { describe as describeViolations, violations } from '../axe.js';
import { hasChromium, launch, signIn, type ConsoleBrowser } from './browser.js';

/**
 * Accounts by mail in a real Chromium against the built server in embedded
 * mode (demo data, no SMTP server: the development mailbox): an admin
 * invites a colleague on the Users page, the invitation's link is read from
 * the mailbox, and the colleague sets a password there and lands on the
 * board. Each page is checked by axe-core, as every console page is.
 */
const TENANT = 'northwind';
let server: ServerProcess;
let chromium: ConsoleBrowser;

async function expectClean(page: Page, what: string) {
  await page.waitForLoadState('networkidle');
  const found = await violations(page);
  expect.soft(found, `${what}:\n${describeViolations(found)}`).toEqual([]);
}

const MAILBOX = `{ outboundMails { mails { kind toAddress bodyText status } } }`;

/** The invitation to `to` in the development mailbox, once the worker has put it there. */
async function mailboxMail(token: string, to: string): Promise<{ bodyText: string }> {
  for (let i = 0; i < 50; i++) {
    const mails: Array<{ kind: string; toAddress: string; bodyText: string; status: string }> = (
      await staffData(server.base, MAILBOX, {}, token)
    ).outboundMails.mails;
    const found = mails.find((m) => m.kind === 'INVITATION' && m.toAddress === to && m.status === 'SENT');
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no invitation to ${to} in the mailbox`);
}

async function newPage(locale: 'ru' | 'en') {
  const context = await chromium.browser.newContext({
    viewport: { width: 1280, height: 720 },
    baseURL: server.base,
    locale: locale === 'ru' ? 'ru-RU' : 'en-GB',
  });
  await context.addInitScript((l) => localStorage.setItem('reclaim.locale', l), locale);
  return { context, page: await context.newPage() };
}

beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!hasChromium)('invitations in Chromium', () => {
  beforeAll(async () => {
    chromium = await launch();
  });
  afterAll(async () => {
    await chromium?.close();
  });

  it('an admin invites a colleague, who sets a password with the mailed link and lands in the console', async () => {
    const email = `new-${randomBytes(3).toString('hex')}@example.com`;
    const admin = await signIn(chromium.browser, server.base, TENANT, `admin@${TENANT}.demo`);
    const p = admin.page;
    await p.goto('/admin/users');
    await p.locator('[data-test=invite-user]').click();
    const dialog = p.locator('.n-modal');
    await dialog.locator('input[name=name]').fill('Nina Newcomer');
    await dialog.locator('input[name=email]').fill(email);
    await expect(dialog.locator('input[name=password]').count()).resolves.toBe(0);
    await expectClean(p, 'the invitation form');
    await dialog.locator('button[type=submit]').click();
    await dialog.waitFor({ state: 'detached' });
    const row = p.locator('tr', { hasText: 'Nina Newcomer' });
    await row.locator('[data-test=invited]').waitFor();
    await expect(row.locator('[data-test=resend-invitation]').count()).resolves.toBe(1);
    await expect(row.locator('[data-test=revoke-invitation]').count()).resolves.toBe(1);
    await expectClean(p, 'the Users page with an invited user');
    await admin.context.close();

    // The development mailbox: the admin reads the mail, its one-time link included.
    const token = await demoToken(server.base, TENANT, 'admin');
    const mail = await mailboxMail(token, email);
    const link = /https?:\/\/\S+\/invitation\/\S+/.exec(mail.bodyText)?.[0];
    expect(link, mail.bodyText).toBeDefined();
    const url = new URL(link!);
    expect(url.hash.length).toBeGreaterThan(40);

    const { context, page } = await newPage('en');
    await page.goto(`${url.pathname}${url.hash}`);
    await page.locator('input[name=password]').waitFor();
    await expectClean(page, 'the invitation page');
    // A weak password is refused on its field, in words.
    await page.locator('input[name=password]').fill('short');
    await page.locator('input[name=repeated]').fill('short');
    await page.keyboard.press('Enter');
    await page.locator('.n-form-item-feedback--error').first().waitFor();
    await expectClean(page, 'the invitation page with an error');
    await page.locator('input[name=password]').fill('a long and fine passphrase');
    await page.locator('input[name=repeated]').fill('a long and fine passphrase');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/board/);
    await expect(page.locator('[data-test=user-name]').textContent()).resolves.toBe('Nina Newcomer');
    // The link answers once.
    await page.goto(`${url.pathname}${url.hash}`);
    await page.locator('input[name=password]').fill('another fine passphrase');
    await page.locator('input[name=repeated]').fill('another fine passphrase');
    await page.keyboard.press('Enter');
    await page.locator('[role=alert]', { hasText: 'used already' }).waitFor();
    await context.close();
  });

  it('"forgot password?" answers the same for any address, in both languages; a refused link says why', async () => {
    const { context, page } = await newPage('en');
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(/\/forgot-password/);
    await expectClean(page, 'the forgot-password page');
    await page.locator('input[name=tenant]').fill(TENANT);
    await page.locator('input[name=email]').fill('nobody@example.com');
    await page.keyboard.press('Enter');
    await page.locator('[role=status]', { hasText: 'If nobody@example.com has an account' }).waitFor();
    // A link that does not work says why, on an accessible page.
    await page.goto(`/confirm-address/${TENANT}#${'x'.repeat(43)}`);
    await page.locator('[role=alert]', { hasText: 'This link is not valid' }).waitFor();
    await expectClean(page, 'the confirm-address page with a refused link');
    await context.close();
    const ru = await newPage('ru');
    await ru.page.goto('/forgot-password');
    await ru.page.locator('h1', { hasText: 'Забыли пароль?' }).waitFor();
    await expectClean(ru.page, 'the forgot-password page in Russian');
    await ru.context.close();
  });
});
