import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { gql as request, startDemoServer, type ServerProcess } from '../server-process.js';
import { hasChromium, launch, screenshot, signIn, type ConsoleBrowser } from '../console/browser.js';
import { gradientPng } from './png.js';

/**
 * The customer portal in a real Chromium against the built server in
 * embedded mode with demo data; the company asks its question and sees the
 * answer and the rating in the staff console, and moves the stages through
 * the staff API (the console's own tests drive every stage form).
 */
const TENANT = 'northwind';
const portalBuilt = existsSync(new URL('../../../packages/portal/dist/index.html', import.meta.url));
if (!portalBuilt) console.warn('portal e2e tests need packages/portal/dist: run `pnpm run build` first (the root `pnpm test` does)');

let server: ServerProcess;
let chromium: ConsoleBrowser;
const staff = async (query: string, variables?: object, token?: string) => {
  const res = await request(server.base, '/graphql', query, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
};
const login = async (who: string) =>
  (
    await staff('mutation($i: LoginInput!) { login(input: $i) { token } }', {
      i: { tenantSlug: TENANT, email: `${who}@${TENANT}.demo`, password: 'demo-password' },
    })
  ).login.token as string;

async function customerPage(viewport = { width: 1280, height: 720 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.browser.newContext({ viewport, baseURL: server.base, locale: 'en-GB' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[customer] page error:', e.message));
  return { context, page };
}

beforeAll(async () => {
  server = await startDemoServer({ RATE_LIMIT_PER_MINUTE: '100000', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000' });
});

afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!hasChromium || !portalBuilt)('customer portal in Chromium', () => {
  beforeAll(async () => {
    chromium = await launch();
  });
  afterAll(async () => {
    await chromium?.close();
  });

  let number = '';
  let trackingUrl = '';
  const subject = 'Kettle leaks from the base after a week';

  it('files a complaint with a photo and follows it live to the rating, which staff then see', async () => {
    const { context, page } = await customerPage();
    await page.goto(`/p/${TENANT}/`);
    await expect.poll(() => page.locator('[data-test=tenant-name]').textContent()).toBe('Northwind Appliances Ltd');
    // The company's colour is on the page.
    expect(await page.locator('.topbar').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(11, 61, 145)');

    await page.fill('input[name=subject]', subject);
    await page.fill('textarea[name=description]', 'There is a puddle under the kettle every time it boils.');
    await page.fill('input[name=product]', 'Northwind Aqua 1.7 L Kettle');
    await page.fill('input[name=orderRef]', 'NW-2026-55120');
    await page.fill('input[name=purchaseDate]', '2026-11-02');
    await page.selectOption('select[name=demand]', 'REFUND');
    await page.fill('input[name=name]', 'Priya Shah');
    await page.fill('input[name=email]', 'priya.shah@example.net');
    await page.setInputFiles('[data-test=file-input]', { name: 'kettle-base.png', mimeType: 'image/png', buffer: gradientPng(240, 160) });
    await page.locator('[data-file="kettle-base.png"][data-state=done]').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'portal-form');
    await page.click('[data-test=submit]');

    const submitted = page.locator('[data-test=submitted]');
    await submitted.waitFor();
    number = (await submitted.getAttribute('data-number'))!;
    expect(number).toMatch(/^NORTHWIND-\d{4}-\d{6}$/);
    trackingUrl = await page.inputValue('[data-test=tracking-link]');
    expect(trackingUrl).toMatch(new RegExp(`/p/${TENANT}/track/${number}#[\\w-]{20,}$`));
    expect(await submitted.textContent()).toContain('it is the only key to your complaint');

    // Staff find it, with the photo, in RECEIVED.
    const head = await login('head.service');
    const operator = await login('operator');
    const byNumber = async () =>
      (
        await staff(
          `query($n: String!) { complaint(number: $n) {
      id version stage satisfaction satisfactionComment attachments { fileName contentType size messageId } messages { body visibility attachments { fileName } } } }`,
          { n: number },
          head,
        )
      ).complaint;
    let complaint = await byNumber();
    expect(complaint.stage).toBe('RECEIVED');
    expect(complaint.attachments).toEqual([
      expect.objectContaining({ fileName: 'kettle-base.png', contentType: 'image/png', messageId: null }),
    ]);

    await page.click('[data-test=open-tracking]');
    const tracking = page.locator('[data-test=tracking][data-status=ready][data-live=true]');
    await tracking.waitFor();
    expect(await page.locator('[data-test=current-stage]').textContent()).toBe('Received');
    const thumbnail = page.locator('[data-test=complaint-files] img[alt="kettle-base.png"]');
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    // In the staff console, the department head sees the customer's photo and asks a public question;
    // it appears on the customer's page without a reload.
    const console_ = await signIn(chromium.browser, server.base, TENANT, `head.service@${TENANT}.demo`);
    const c = console_.page;
    await c.goto(`/complaints/${number}`);
    const photo = c.locator('[data-test=attachments] img');
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    await c.locator('.n-radio-button', { hasText: 'Public reply' }).click();
    await c.fill('textarea[name=message]', 'Could you tell us the batch number printed under the base?');
    await c.locator('[data-field=awaitCustomer]').click();
    await c
      .locator('form', { has: c.locator('textarea[name=message]') })
      .locator('button[type=submit]')
      .click();
    await c.locator('[data-test=awaiting]').waitFor();
    await page
      .locator('[data-test=message][data-author=STAFF]', { hasText: 'batch number printed under the base' })
      .waitFor({ timeout: 5000 });
    await page.locator('[data-test=awaiting]').waitFor();

    // The customer answers, with a photo of the label.
    await page.fill('[data-test=reply-body]', 'The batch number is 42-B.');
    await page.setInputFiles('#reply-files', { name: 'label.png', mimeType: 'image/png', buffer: gradientPng(64, 64) });
    await page.locator('[data-file="label.png"][data-state=done]').waitFor();
    await page.click('[data-test=reply-send]');
    const answer = page.locator('[data-test=message][data-author=CUSTOMER]', { hasText: 'The batch number is 42-B.' });
    await answer.waitFor();
    await answer.locator('img[alt="label.png"]').waitFor();
    await page.locator('[data-test=awaiting]').waitFor({ state: 'detached' });
    complaint = await byNumber();
    expect(
      complaint.messages.map((m: { body: string; visibility: string; attachments: { fileName: string }[] }) => [
        m.visibility,
        m.body,
        m.attachments.map((a) => a.fileName),
      ]),
    ).toContainEqual(['PUBLIC', 'The batch number is 42-B.', ['label.png']]);

    // The company works it through; the customer's page follows each stage.
    const reference = await staff('{ departments { id name } categories { id name } users { id email } causes { id } }', {}, operator);
    const service = reference.departments.find((d: { name: string }) => d.name === 'Service Centre').id;
    const specialist = reference.users.find((u: { email: string }) => u.email === `specialist.service@${TENANT}.demo`).id;
    const moves: [string, string, object, string][] = [
      [
        'REGISTERED',
        operator,
        { departmentId: service, categoryId: reference.categories[0].id, demand: 'REFUND' },
        'Registered, being checked',
      ],
      ['ANALYSIS', head, { assigneeId: specialist }, 'Under investigation'],
      [
        'DECISION',
        head,
        { validity: 'SUBJECTIVE', causeId: reference.causes[0].id, rootCause: 'Limescale under the seal ring.' },
        'Decision being made',
      ],
      ['IMPLEMENTATION', head, { remedy: 'REFUND', remedyAmount: 39 }, 'Being carried out'],
      ['FEEDBACK', head, {}, 'Waiting for your rating'],
    ];
    for (const [to, token, fields, label] of moves) {
      const { id, version } = await byNumber();
      await staff(
        'mutation($i: TransitionComplaintInput!) { transitionComplaint(input: $i) { version } }',
        { i: { id, to, expectedVersion: version, ...fields } },
        token,
      );
      await expect.poll(() => page.locator('[data-test=current-stage]').textContent(), { timeout: 5000 }).toBe(label);
      if (to === 'DECISION') {
        await page.evaluate(() => window.scrollTo(0, 0));
        await screenshot(page, 'portal-tracking');
      }
    }
    expect(await page.locator(`[data-stage=FEEDBACK]`).getAttribute('data-state')).toBe('current');
    expect(await page.locator(`[data-stage=IMPLEMENTATION]`).getAttribute('data-state')).toBe('done');

    // The rating step arrived live; the customer rates 4 with a comment, keyboard only.
    const rating = page.locator('[data-test=rating]');
    await rating.waitFor({ timeout: 5000 });
    // Before rating, the customer is told what was decided, in plain words, and nothing of the staff's own notes.
    expect(await page.locator('[data-test=decision-remedy]').textContent()).toBe('We refunded you £39.00.');
    expect(await page.locator('body').textContent()).not.toContain('Limescale');
    await rating.locator('input[name=score]').first().focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await rating.locator('input[name=score]:checked').getAttribute('value')).toBe('4');
    await page.fill('#rating-comment', 'Refund came quickly, thank you.');
    await page.locator('[data-test=decision]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'portal-rating');
    await page.click('[data-test=rating-submit]');
    await expect.poll(() => page.locator('[data-test=rated]').textContent()).toContain('4 of 5');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    complaint = await byNumber();
    expect(complaint.satisfaction).toBe(4);
    expect(complaint.satisfactionComment).toBe('Refund came quickly, thank you.');
    // The console page, open all along, shows the customer's answer, its photo and the rating live.
    await c
      .locator('[data-visibility=PUBLIC]', { hasText: 'The batch number is 42-B.' })
      .locator('.message-files a', { hasText: 'label.png' })
      .waitFor();
    await expect
      .poll(async () => ((await c.locator('body').textContent()) ?? '').replace(/\s+/g, ' '), { timeout: 5000 })
      .toContain('★★★★☆ — Refund came quickly, thank you.');
    await console_.context.close();
    await context.close();
  });

  it('shows nothing of the complaint for a wrong token or another complaint’s token', async () => {
    expect(number).not.toBe('');
    const other = await request(
      server.base,
      '/portal/graphql',
      `mutation($s: String!, $i: SubmitComplaintInput!) { submitComplaint(tenantSlug: $s, input: $i) { number accessToken } }`,
      {
        s: TENANT,
        i: {
          kind: 'COMPLAINT',
          subject: 'Courier was rude',
          description: 'At the door.',
          customer: { name: 'Sam Lee', phone: '+44 20 7946 0001' },
        },
      },
    );
    expect(other.errors).toBeUndefined();
    const { context, page } = await customerPage();
    for (const token of ['not-the-token-of-this-complaint', other.data.submitComplaint.accessToken]) {
      await page.goto(`/p/${TENANT}/track/${number}#${token}`);
      await page.locator('[data-test=not-found]').waitFor();
      const text = (await page.locator('body').textContent())!;
      expect(text).toContain('Check that you copied the whole link');
      expect(text).not.toContain(subject);
      expect(text).not.toContain('batch number');
      expect(await page.locator('[data-test=reply-form], [data-test=rating], [data-test=current-stage]').count()).toBe(0);
    }
    // The whole link still opens it, also when typed into the manual form.
    await page.goto(`/p/${TENANT}/track/`);
    await page.fill('#lookup-number', number);
    await page.fill('#lookup-token', new URL(trackingUrl).hash.slice(1));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-test=complaint-number]').textContent()).toBe(`Complaint ${number}`);
    // The right link under another company's address goes to the company the complaint was filed with.
    await page.goto(`/p/acme/track/${number}${new URL(trackingUrl).hash}`);
    await page.waitForURL(new RegExp(`/p/${TENANT}/track/${number}#`));
    await expect.poll(() => page.locator('[data-test=complaint-number]').textContent()).toBe(`Complaint ${number}`);
    await context.close();
  });

  it('works on a phone screen: no sideways scrolling, errors reached by keyboard', async () => {
    const { context, page } = await customerPage({ width: 390, height: 844 });
    await page.goto(`/p/${TENANT}/`);
    await page.locator('[data-test=complaint-form]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'portal-form-phone');
    await page.focus('[data-test=submit]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('subject');
    expect(await page.getAttribute('input[name=subject]', 'aria-invalid')).toBe('true');
    // The honeypot is never reached with Tab.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).not.toBe('website');
    }
    await context.close();
  });

  it('speaks the company’s language, remembers the visitor’s choice, and says so for an unknown company', async () => {
    const { context, page } = await customerPage();
    await page.goto('/p/acme/');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Подать обращение');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    await page.click('[data-locale=en]');
    await expect.poll(() => page.locator('h1').textContent()).toBe('File a complaint');
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('File a complaint');
    await page.goto('/p/no-such-company/');
    await page.locator('[data-test=unknown-company]').waitFor();
    expect(await page.locator('[data-test=complaint-form]').count()).toBe(0);
    await context.close();
  });
});
