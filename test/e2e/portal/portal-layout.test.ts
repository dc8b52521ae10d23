import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gql as request, startDemoServer, type ServerProcess } from '../server-process.js';
import { hasChromium, launch, screenshot, type ConsoleBrowser } from '../console/browser.js';

/**
 * The tracking page at the rating step, as a customer sees it: on a phone
 * (390 px) nothing scrolls sideways and the company's name is whole, in
 * English and in Russian; on a desktop the progress line's stages stand
 * apart, on screen and for screen readers. Each company's complaint is taken
 * to FEEDBACK through the staff API.
 */
const portalBuilt = existsSync(new URL('../../../packages/portal/dist/index.html', import.meta.url));

let server: ServerProcess;
let chromium: ConsoleBrowser;
const PHONE = { width: 390, height: 844 };

async function staff(query: string, variables: object, token?: string) {
  const res = await request(server.base, '/graphql', query, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

/** A complaint filed on `tenant`'s portal and moved to FEEDBACK by its staff; its tracking path. */
async function complaintAtFeedback(tenant: string, subject: string): Promise<string> {
  const filed = await request(
    server.base,
    '/portal/graphql',
    `mutation($s: String!, $i: SubmitComplaintInput!) {
    submitComplaint(tenantSlug: $s, input: $i) { number accessToken } }`,
    {
      s: tenant,
      i: {
        kind: 'CLAIM',
        subject,
        description: 'It leaks from the base.',
        demand: 'REFUND',
        customer: { name: 'Priya Shah', email: 'priya@example.net' },
      },
    },
  );
  expect(filed.errors).toBeUndefined();
  const { number, accessToken } = filed.data.submitComplaint;
  const login = async (who: string) =>
    (
      await staff('mutation($i: LoginInput!) { login(input: $i) { token } }', {
        i: { tenantSlug: tenant, email: `${who}@${tenant}.demo`, password: 'demo-password' },
      })
    ).login.token as string;
  const head = await login('head.service');
  const ref = await staff('{ me { departments { id } } categories { id } users { id email } causes { id } }', {}, head);
  const specialist = ref.users.find((u: { email: string }) => u.email === `specialist.service@${tenant}.demo`).id;
  const moves: [string, object][] = [
    ['REGISTERED', { departmentId: ref.me.departments[0].id, categoryId: ref.categories[0].id, demand: 'REFUND' }],
    ['ANALYSIS', { assigneeId: specialist }],
    ['DECISION', { validity: 'OBJECTIVE', causeId: ref.causes[0].id, rootCause: 'Seal batch SB-7731, cause code RC-042' }],
    [
      'IMPLEMENTATION',
      {
        remedy: 'REFUND',
        remedyAmount: 1499.5,
        decisionNote: 'Approved over the limit',
        correctiveActions: [
          { description: 'Retrain line 3 on torque settings', ownerDepartmentId: ref.me.departments[0].id, dueDate: '2030-01-31' },
        ],
      },
    ],
    ['FEEDBACK', {}],
  ];
  for (const [to, fields] of moves) {
    const { complaint } = await staff(
      'query($n: String!) { complaint(number: $n) { id version correctiveActions { id } } }',
      { n: number },
      head,
    );
    const done = to === 'FEEDBACK' ? { completedCorrectiveActionIds: complaint.correctiveActions.map((a: { id: string }) => a.id) } : {};
    await staff(
      'mutation($i: TransitionComplaintInput!) { transitionComplaint(input: $i) { version } }',
      { i: { id: complaint.id, to, expectedVersion: complaint.version, ...fields, ...done } },
      head,
    );
  }
  return `/p/${tenant}/track/${number}#${accessToken}`;
}

async function trackingPage(path: string, viewport: { width: number; height: number }, locale: 'ru' | 'en'): Promise<Page> {
  const context = await chromium.browser.newContext({ viewport, baseURL: server.base, locale: locale === 'ru' ? 'ru-RU' : 'en-GB' });
  // The visitor's own choice of language, as the RU/EN switch remembers it.
  await context.addInitScript((l) => localStorage.setItem('reclaim.portal.locale', l), locale);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[customer] page error:', e.message));
  await page.goto(path);
  await page.locator('[data-test=tracking][data-status=ready]').waitFor();
  await page.locator('[data-test=rating]').waitFor();
  return page;
}

/** Elements wider than the page's own width (what makes a page scroll sideways), for the failure message. */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} → ${Math.round(el.getBoundingClientRect().right)}px`)
      .slice(0, 10);
  });

beforeAll(async () => {
  server = await startDemoServer({ RATE_LIMIT_PER_MINUTE: '100000', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000' });
});

afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!hasChromium || !portalBuilt)('the tracking page’s layout in Chromium', () => {
  const paths: Record<'en' | 'ru', string> = { en: '', ru: '' };
  const company = { en: 'Northwind Appliances Ltd', ru: 'ООО «Акме Бытовая Техника»' };

  beforeAll(async () => {
    chromium = await launch();
    paths.en = await complaintAtFeedback('northwind', 'Kettle leaks from the base after a week');
    paths.ru = await complaintAtFeedback('acme', 'Чайник протекает снизу через неделю');
  });
  afterAll(async () => {
    await chromium?.close();
  });

  for (const locale of ['en', 'ru'] as const) {
    it(`fits a phone at the rating step, with the company’s name whole (${locale})`, async () => {
      const page = await trackingPage(paths[locale], PHONE, locale);
      await page.locator('[data-test=decision]').waitFor();
      const sizes = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(sizes.scroll, `wider than the screen: ${(await overflowing(page)).join(', ')}`).toBeLessThanOrEqual(sizes.client);
      // Each rating tile within the rating card.
      const card = (await page.locator('[data-test=rating]').boundingBox())!;
      expect(card.x + card.width).toBeLessThanOrEqual(PHONE.width);
      for (const tile of await page.locator('[data-test=rating] .score').all()) {
        const box = (await tile.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(card.x);
        expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width);
      }
      // The company's name: all of it shown, no ellipsis, inside the screen.
      const name = page.locator('[data-test=tenant-name]');
      expect(await name.textContent()).toBe(company[locale]);
      const clipped = await name.evaluate((el) => ({
        wide: el.scrollWidth > el.clientWidth,
        tall: el.scrollHeight > el.clientHeight,
        ellipsis: getComputedStyle(el).textOverflow === 'ellipsis' && getComputedStyle(el).overflow !== 'visible',
        right: el.getBoundingClientRect().right,
      }));
      expect(clipped).toMatchObject({ wide: false, tall: false });
      expect(clipped.right).toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, `portal-tracking-phone-${locale}`);
      await page.locator('[data-test=decision]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshot(page, `portal-rating-phone-${locale}`);
      await page.context().close();
    });
  }

  it('keeps the progress line’s stages apart on a desktop, on screen and for screen readers (ru)', async () => {
    const page = await trackingPage(paths.ru, { width: 1280, height: 900 }, 'ru');
    const steps = page.locator('.progress ol > li');
    expect(await steps.count()).toBe(7);
    await screenshot(page, 'portal-tracking-ru');
    // On screen: no label runs out of its own step or into the next one.
    const boxes = await page.locator('.progress .step-label').evaluateAll((labels) =>
      labels.map((el) => {
        const r = el.getBoundingClientRect();
        const li = el.closest('li')!.getBoundingClientRect();
        // A word broken across two lines has two boxes.
        const text = el.firstChild!;
        const broken = [...el.textContent!.matchAll(/\S+/g)]
          .filter((word) => {
            const range = document.createRange();
            range.setStart(text, word.index);
            range.setEnd(text, word.index + word[0].length);
            return new Set([...range.getClientRects()].map((box) => Math.round(box.top))).size > 1;
          })
          .map((word) => word[0]);
        return {
          text: el.textContent,
          left: r.left,
          right: r.right,
          top: r.top,
          bottom: r.bottom,
          liLeft: li.left,
          liRight: li.right,
          overflow: el.scrollWidth > el.clientWidth,
          broken,
        };
      }),
    );
    for (const [i, b] of boxes.entries()) {
      expect(b.overflow, b.text!).toBe(false);
      expect(b.broken, b.text!).toEqual([]);
      expect(b.left, b.text!).toBeGreaterThanOrEqual(b.liLeft - 0.5);
      expect(b.right, b.text!).toBeLessThanOrEqual(b.liRight + 0.5);
      const next = boxes[i + 1];
      if (next && next.top < b.bottom && b.top < next.bottom) expect(b.right, `${b.text} | ${next.text}`).toBeLessThan(next.left);
    }
    // For screen readers: one list item per stage, each read as its name and its state.
    const snapshot = await page.locator('.progress ol').ariaSnapshot();
    expect(
      snapshot
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('- listitem')),
    ).toEqual([
      '- listitem: Получено (пройден)',
      '- listitem: Зарегистрировано, проверяется (пройден)',
      '- listitem: Проводится проверка (пройден)',
      '- listitem: Принимается решение (пройден)',
      '- listitem: Решение исполняется (пройден)',
      '- listitem: Ждём вашей оценки (текущий этап)',
      '- listitem: Закрыто (впереди)',
    ]);
    await page.context().close();
  });
});
