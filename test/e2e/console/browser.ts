import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemoServer, type ServerProcess } from '../server-process.js';

/** Debian's chromium (toolchain.md); CI installs it, a machine without it skips the console tests. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.SCREENSHOT_DIR)
  throw new Error(`pnpm screenshots needs Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
if (!hasChromium) console.warn(`console e2e tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

export const consoleBuilt = existsSync(new URL('../../../packages/console/dist/index.html', import.meta.url));
/**
 * Where the tests' screenshots go: a temporary folder, so that a test run changes no file of the repository;
 * `pnpm screenshots` at the root points it at docs/screenshots to take the docs' pictures again.
 */
export const screenshotDir = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), 'reclaim-screenshots');

export interface ConsoleBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launch(): Promise<ConsoleBrowser> {
  if (!consoleBuilt) throw new Error('packages/console/dist is missing: run `pnpm run build` first (the root `pnpm test` does)');
  // launch() gives every run a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export interface DemoConsole {
  server: ServerProcess;
  /** Absent on a machine without Chromium (its tests are skipped). */
  chromium: ConsoleBrowser;
  /** Closes the browser, then stops the server. */
  stop(): Promise<void>;
}

/** The built demo server (startDemoServer) and, where Chromium is installed, a browser for it. */
export async function startDemoConsole(): Promise<DemoConsole> {
  const server = await startDemoServer();
  let browser: ConsoleBrowser | undefined;
  try {
    browser = hasChromium ? await launch() : undefined;
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    server,
    chromium: browser!,
    async stop() {
      await browser?.close();
      await server.stop();
    },
  };
}

export interface StaffPage {
  context: BrowserContext;
  page: Page;
}

/** A fresh context (its own storage, so its own session) signed in through the sign-in page. */
export async function signIn(
  browser: Browser,
  base: string,
  tenant: string,
  email: string,
  locale: 'ru' | 'en' = 'en',
): Promise<StaffPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    baseURL: base,
    locale: locale === 'ru' ? 'ru-RU' : 'en-GB',
  });
  await context.addInitScript((l) => localStorage.getItem('reclaim.locale') || localStorage.setItem('reclaim.locale', l), locale);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${email}] page error:`, e.message));
  await page.goto('/login');
  await page.fill('input[name=tenant]', tenant);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'demo-password');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/board/);
  return { context, page };
}

/** Picks an option of a Naive UI select marked with data-field. */
export async function choose(page: Page, field: string, option: string) {
  await page.locator(`[data-field="${field}"]`).click();
  await page
    .locator('.n-base-select-option:visible', { has: page.getByText(option, { exact: true }) })
    .first()
    .click();
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}
