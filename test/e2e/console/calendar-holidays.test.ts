import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoToken, gql as request, type ServerProcess } from '../server-process.js';
import { hasChromium, startDemoConsole, signIn, type ConsoleBrowser } from './browser.js';

/**
 * The company's country and the holidays of a business calendar, in a real
 * Chromium against the built server with demo data: acme is Russian, northwind British.
 */
let server: ServerProcess;
let chromium: ConsoleBrowser;
let stop: () => Promise<void>;
const SHOTS = process.env.HOLIDAY_SHOTS; // a folder to keep screenshots in, when looking at the pages

async function calendars(tenant: string) {
  const token = await demoToken(server.base, tenant, 'admin');
  const res = await request(server.base, '/graphql', '{ businessCalendars { name holidays workingDays } }', {}, token);
  return res.data.businessCalendars as Array<{ name: string; holidays: string[]; workingDays: string[] }>;
}

beforeAll(async () => {
  ({ server, chromium, stop } = await startDemoConsole());
});
afterAll(async () => {
  await stop?.();
});

describe.skipIf(!hasChromium)('holidays of a business calendar in the console', () => {
  it('shows a Russian admin the dates as Russians write them, picks one in дд.мм.гггг, and loads a year of public holidays', async () => {
    const { context, page } = await signIn(chromium.browser, server.base, 'acme', 'admin@acme.demo', 'ru');
    await page.goto('/admin/sla');
    const row = page.locator('[data-calendar="Рабочие часы"]');
    await row.getByText(/нерабочих дней: \d+/).waitFor();
    await row.getByRole('button', { name: 'Изменить' }).click();
    const holidays = page.locator('.n-modal [data-test=dates-holidays]');
    await holidays.getByText('1 янв. 2027 г.').waitFor();
    expect(await holidays.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const picker = page.locator('.n-modal [data-test=pick-holidays] input');
    expect(await picker.getAttribute('placeholder')).toBe('дд.мм.гггг');
    await picker.fill('15.01.2027');
    await picker.press('Enter');
    await holidays.getByText('15 янв. 2027 г.').waitFor();
    await holidays.getByRole('button', { name: 'Убрать 7 янв. 2027 г.' }).click();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/calendar-ru.png` });
    await page.locator('.n-modal button[type=submit]').click();
    await page.locator('.n-modal').waitFor({ state: 'detached' });
    let [calendar] = await calendars('acme');
    expect(calendar!.holidays).toContain('2027-01-15');
    expect(calendar!.holidays).not.toContain('2027-01-07');
    expect(calendar!.holidays).toContain('2027-01-08');

    await row.locator('.n-select').click();
    await page.locator('.n-base-select-option:visible', { hasText: '2025' }).click();
    await row.getByRole('button', { name: 'Загрузить праздники (Россия)' }).click();
    await expect.poll(async () => (await calendars('acme'))[0]!.workingDays).toContain('2025-11-01');
    [calendar] = await calendars('acme');
    expect(calendar!.holidays).toEqual(expect.arrayContaining(['2025-01-01', '2025-05-08', '2025-12-31']));
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/sla-ru.png`, fullPage: true });
    await context.close();
  });

  it("shows a British admin the company's country, and its Christmas, not the Russian New Year", async () => {
    const { context, page } = await signIn(chromium.browser, server.base, 'northwind', 'admin@northwind.demo', 'en');
    await page.goto('/admin/company');
    await page.locator('[data-test=company-country]').getByText('United Kingdom').waitFor();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/company-en.png` });
    await page.goto('/admin/sla');
    await page.locator('[data-calendar="Business hours"]').getByRole('button', { name: 'Edit' }).click();
    const holidays = page.locator('.n-modal [data-test=dates-holidays]');
    await holidays.getByText('25 Dec 2026').waitFor();
    expect(await holidays.textContent()).not.toContain('8 Jan 2027');
    expect(await page.locator('.n-modal [data-test=pick-holidays] input').getAttribute('placeholder')).toBe('dd/mm/yyyy');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/calendar-en.png` });
    await context.close();
  });
});
