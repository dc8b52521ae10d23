import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gql as request, startDemoServer, type ServerProcess } from '../server-process.js';
import { describe as describeViolations, violations } from '../axe.js';
import { consoleBuilt, hasChromium, launch, signIn, type ConsoleBrowser } from '../console/browser.js';
import { SmtpSink } from '../../../packages/server/test/smtp-sink.js';
import { demoComplaintAtFeedback } from './demo-feedback.js';

/**
 * The satisfaction survey end to end: the company's quality manager sets up
 * its after-resolution survey through the staff API, a complaint reaches
 * FEEDBACK, the customer's mail (received by an SMTP sink) carries the
 * one-time link, and the customer answers it in Chromium at phone width,
 * with the keyboard for the first question; the link then refuses.
 */
const TENANT = 'northwind';
const portalBuilt = existsSync(new URL('../../../packages/portal/dist/index.html', import.meta.url));

let server: ServerProcess;
let chromium: ConsoleBrowser;
let sink: SmtpSink;

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

async function expectClean(page: Page, what: string) {
  await page.evaluate(() => document.fonts.ready);
  const found = await violations(page);
  expect.soft(found, `${what}:\n${describeViolations(found)}`).toEqual([]);
}

async function activateSurvey() {
  const qm = await login('quality.manager');
  const { createSurvey } = await staff(
    `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { id } }`,
    {
      input: {
        nameRu: 'Как мы справились?',
        nameEn: 'How did we do?',
        questions: [
          {
            type: 'CSAT',
            parameter: 'OVERALL',
            textRu: 'Насколько вы довольны решением?',
            textEn: 'How satisfied are you with the outcome?',
          },
          {
            type: 'NPS',
            parameter: 'OVERALL',
            textRu: 'Порекомендуете ли вы нас друзьям?',
            textEn: 'How likely are you to recommend us to a friend?',
          },
          {
            type: 'CHOICE',
            parameter: 'SUPPORT_LINE',
            required: false,
            multiple: true,
            textRu: 'Что можно улучшить?',
            textEn: 'What could we do better?',
            options: [
              { code: 'SPEED', labelRu: 'Быстрее отвечать', labelEn: 'Answer faster' },
              { code: 'CLARITY', labelRu: 'Понятнее объяснять', labelEn: 'Explain more clearly' },
            ],
          },
          { type: 'TEXT', parameter: 'OVERALL', required: false, textRu: 'Что-нибудь ещё?', textEn: 'Anything else?' },
        ],
      },
    },
    qm,
  );
  await staff(`mutation($id: ID!) { activateSurvey(id: $id) { id } }`, { id: createSurvey.id }, qm);
}

/** A complaint filed through the portal by `email` and moved by staff to FEEDBACK; its number and tracking token. */
const complaintAtFeedback = (email: string) => demoComplaintAtFeedback(server, TENANT, email);

/** The survey link in the newest mail to `email` that has one, as a path with its fragment (the sink's mail names PUBLIC_URL). */
async function surveyLinkMailedTo(email: string): Promise<string> {
  await expect.poll(() => sink.to(email).some((m) => /\/survey#/.test(m.parsed.text ?? '')), { timeout: 15_000 }).toBe(true);
  const mail = sink.to(email).find((m) => /\/survey#/.test(m.parsed.text ?? ''))!;
  const url = new URL(/https?:\/\/\S+\/survey#\S+/.exec(mail.parsed.text!)![0]);
  return url.pathname + url.hash;
}

describe.skipIf(!hasChromium || !portalBuilt)('the satisfaction survey in Chromium', () => {
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    server = await startDemoServer({
      RATE_LIMIT_PER_MINUTE: '100000',
      ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000',
      SMTP_URL: sink.url,
      MAIL_DOMAIN: 'mail.reclaim.test',
    });
    chromium = await launch();
    await activateSurvey();
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    await sink?.close();
  });

  it('opens from the mail, is answered at 360 px with the keyboard, thanks, and then refuses the link', async () => {
    const email = `ana-${randomBytes(4).toString('hex')}@example.net`;
    const { number } = await complaintAtFeedback(email);
    const link = await surveyLinkMailedTo(email);
    expect(link).toMatch(new RegExp(`^/p/${TENANT}/survey#[A-Za-z0-9_-]{43}$`));

    const context = await chromium.browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: server.base, locale: 'en-GB' });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('[customer] page error:', e.message));
    await page.goto(link);
    await page.locator('[data-test=survey-form]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('How did we do?');
    expect(await page.locator('.subject').textContent()).toContain(number);
    // The company's branding, as on its other portal pages.
    expect(await page.locator('[data-test=tenant-name]').textContent()).toBe('Northwind Appliances Ltd');
    // Nothing wider than the phone's screen (NPS's eleven points wrap).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectClean(page, 'the survey at 360 px');

    // Sending without the required answers marks them.
    await page.click('[data-test=survey-submit]');
    await page.locator('[data-test=survey-missing]').waitFor();
    await expectClean(page, 'the survey with missing answers');

    // The first question by keyboard: arrows move the choice within the scale.
    await page.locator('[data-question] input[type=radio]').first().focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
    const csat = page.locator('[data-type=CSAT] input:checked');
    expect(await csat.getAttribute('value')).toBe('4');
    await page.locator('[data-type=NPS] [data-score="9"]').click();
    await page.locator('[data-option=CLARITY]').click();
    await page.fill('[data-type=TEXT] textarea', 'Quick and polite.');
    await page.click('[data-test=survey-submit]');
    await page.locator('[data-test=survey-thanks]').waitFor();
    await expectClean(page, 'the thanks');

    const qm = await login('quality.manager');
    const { complaint } = await staff('query($n: String!) { complaint(number: $n) { id satisfaction } }', { n: number }, qm);
    expect(complaint.satisfaction).toBe(4);
    const { complaintSurveyResponses } = await staff(
      `query($id: ID!) { complaintSurveyResponses(id: $id) { channel answers { parameter score optionCodes text } } }`,
      { id: complaint.id },
      qm,
    );
    expect(complaintSurveyResponses).toEqual([
      {
        channel: 'MAIL_LINK',
        answers: [
          { parameter: 'OVERALL', score: 4, optionCodes: null, text: null },
          { parameter: 'OVERALL', score: 9, optionCodes: null, text: null },
          { parameter: 'SUPPORT_LINE', score: null, optionCodes: ['CLARITY'], text: null },
          { parameter: 'OVERALL', score: null, optionCodes: null, text: 'Quick and polite.' },
        ],
      },
    ]);

    // The link answered once: opened again, it refuses, showing none of the questions.
    await page.goto('about:blank');
    await page.goto(link);
    const refused = page.locator('[data-test=survey-refused]');
    await refused.waitFor();
    expect(await refused.getAttribute('data-reason')).toBe('SURVEY_ANSWERED');
    expect(await page.locator('[data-test=survey-form]').count()).toBe(0);
    await page.click('[data-locale=ru]');
    await expect.poll(() => refused.textContent()).toContain('уже ответили');
    await expectClean(page, 'the refused link (ru)');
    await context.close();
  });

  it("replaces the single rating on the complaint's page at FEEDBACK, in Russian too; a detractor's answer shows the QM a toast within 5 s", async () => {
    const { number, accessToken } = await complaintAtFeedback(`ana-${randomBytes(4).toString('hex')}@example.net`);
    // The quality manager has the console open.
    const staffPage = consoleBuilt ? await signIn(chromium.browser, server.base, TENANT, `quality.manager@${TENANT}.demo`) : null;
    const context = await chromium.browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: server.base, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`/p/${TENANT}/track/${number}#${accessToken}`);
    const step = page.locator('[data-test=survey-step]');
    await step.waitFor();
    expect(await page.locator('[data-test=rating]').count()).toBe(0);
    await page.click('[data-locale=ru]');
    await expect.poll(() => step.locator('h2').textContent()).toBe('Как мы справились?');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectClean(page, 'the complaint page with the survey (ru)');
    await step.locator('[data-type=CSAT] [data-score="2"]').click();
    await step.locator('[data-type=NPS] [data-score="3"]').click();
    await step.locator('[data-test=survey-submit]').click();
    const answeredAt = Date.now();
    await page.locator('[data-test=survey-answered]').waitFor();
    await context.close();
    if (staffPage) {
      const toast = staffPage.page.locator(`[data-test=detractor-alert][data-number="${number}"]`);
      await toast.waitFor({ timeout: 5000 });
      expect(Date.now() - answeredAt).toBeLessThan(5000);
      expect(await toast.textContent()).toContain('CSAT 2 · NPS 3');
      // The follow-up from the toast: opened once, then said so.
      await toast.locator('[data-test=open-follow-up]').click();
      await staffPage.page.locator('[data-test=follow-up-opened]').waitFor();
      // The response on the complaint's page, with its follow-up, axe-clean.
      await staffPage.page.goto(`/complaints/${number}`);
      const responses = staffPage.page.locator('[data-test=survey-responses]');
      await responses.waitFor();
      expect(await responses.locator('tbody tr').count()).toBe(2);
      expect(await responses.locator('tbody tr[data-alerts=true]').count()).toBe(2);
      expect(await responses.locator('[data-test=open-follow-up]').count()).toBe(0);
      expect(await responses.locator('[data-test=follow-up]').textContent()).toMatch(/NPS 3/);
      await expectClean(staffPage.page, 'the complaint page with the survey response and its follow-up');
      await staffPage.context.close();
    }
  });
});
