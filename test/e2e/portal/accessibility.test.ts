import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gql as request, startDemoServer, type ServerProcess } from '../server-process.js';
import { describe as describeViolations, violations } from '../axe.js';
import { hasChromium, launch, type ConsoleBrowser } from '../console/browser.js';

/**
 * The customer portal's pages, in both languages, checked by axe-core against
 * WCAG 2.1 AA: the form, and the tracking page at the rating step (the
 * richest one: stages, decision, messages, reply form, stars).
 */
const TENANT = 'northwind';
const portalBuilt = existsSync(new URL('../../../packages/portal/dist/index.html', import.meta.url));

let server: ServerProcess;
let chromium: ConsoleBrowser;

const staff = async (query: string, variables?: object, token?: string) => {
  const res = await request(server.base, '/graphql', query, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
};
const login = async (who: string) =>
  (await staff('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { tenantSlug: TENANT, email: `${who}@${TENANT}.demo`, password: 'demo-password' } })).login.token as string;

async function expectClean(page: Page, what: string) {
  await page.evaluate(() => document.fonts.ready);
  const found = await violations(page);
  expect.soft(found, `${what}:\n${describeViolations(found)}`).toEqual([]);
}

/** A complaint filed through the portal and moved by staff to the customer's rating step; its tracking address. */
async function complaintAwaitingRating(): Promise<string> {
  const filed = await request(server.base, '/portal/graphql', `mutation($s: String!, $i: SubmitComplaintInput!) { submitComplaint(tenantSlug: $s, input: $i) { number accessToken } }`, {
    s: TENANT, i: { kind: 'COMPLAINT', subject: 'Toaster burns one side', description: 'The left slot stays pale.', customer: { name: 'Ana Costa', email: 'ana.costa@example.net' } },
  });
  expect(filed.errors).toBeUndefined();
  const { number, accessToken } = filed.data.submitComplaint as { number: string; accessToken: string };
  const head = await login('head.service');
  const operator = await login('operator');
  const reference = await staff('{ departments { id name } categories { id name } users { id email } causes { id } }', {}, operator);
  const service = reference.departments.find((d: { name: string }) => d.name === 'Service Centre').id;
  const specialist = reference.users.find((u: { email: string }) => u.email === `specialist.service@${TENANT}.demo`).id;
  const moves: [string, string, object][] = [
    ['REGISTERED', operator, { departmentId: service, categoryId: reference.categories[0].id, demand: 'REPAIR' }],
    ['ANALYSIS', head, { assigneeId: specialist }],
    ['DECISION', head, { validity: 'SUBJECTIVE', causeId: reference.causes[0].id, rootCause: 'Bread placed off-centre.' }],
    ['IMPLEMENTATION', head, { remedy: 'EXPLANATION' }],
    ['FEEDBACK', head, {}],
  ];
  for (const [to, token, fields] of moves) {
    const { id, version } = (await staff('query($n: String!) { complaint(number: $n) { id version } }', { n: number }, head)).complaint;
    await staff('mutation($i: TransitionComplaintInput!) { transitionComplaint(input: $i) { version } }', { i: { id, to, expectedVersion: version, ...fields } }, token);
  }
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
      const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 720 }, baseURL: server.base, locale: locale === 'ru' ? 'ru-RU' : 'en-GB' });
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
