import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoToken, staffData } from '../server-process.js';
import { describe as describeViolations, violations } from '../axe.js';
import { consoleBuilt, hasChromium, signIn, startDemoConsole, type DemoConsole } from './browser.js';

/**
 * Administration → Surveys in Chromium: the quality manager builds a survey
 * with a choice question whose option alerts and points to a cause, creates
 * it, sends it after resolution, then publishes changed questions as
 * version 2, and schedules it weekly to a share of the customers; the API
 * shows what the page did.
 */
const TENANT = 'northwind';
let demo: DemoConsole;

beforeAll(async () => {
  demo = await startDemoConsole();
});
afterAll(async () => {
  await demo?.stop();
});

describe.skipIf(!hasChromium || !consoleBuilt)('the survey builder', () => {
  it('creates a survey, activates it, publishes version 2 and schedules it (the schedule form axe-clean)', async () => {
    const { page, context } = await signIn(demo.chromium.browser, demo.server.base, TENANT, `quality.manager@${TENANT}.demo`);
    await page.goto('/admin/surveys');
    await page.locator('[data-test=new-survey]').click();
    const builder = page.locator('[data-test=survey-builder]');
    await builder.waitFor();
    await page.fill('input[name=nameRu]', 'После решения');
    await page.fill('input[name=nameEn]', 'After resolution');

    // Sending with empty wording is held back, with the reason.
    await page.locator('[data-test=save-survey]').click();
    await expect.poll(() => page.locator('[data-test=builder-problems]').textContent()).toContain('wording in Russian and in English');

    await page.fill('[data-test=question-0] input[name=textRu]', 'Насколько вы довольны?');
    await page.fill('[data-test=question-0] input[name=textEn]', 'How satisfied are you?');
    await page.fill('[data-test=question-1] input[name=textRu]', 'Порекомендуете ли вы нас?');
    await page.fill('[data-test=question-1] input[name=textEn]', 'Would you recommend us?');
    await page.locator('[data-test=add-question]').click();
    const choice = page.locator('[data-test=question-2]');
    await choice.locator('[data-field=type]').click();
    await page.locator('.n-base-select-option', { hasText: 'Choice of options' }).click();
    await choice.locator('[data-field=parameter]').click();
    await page.locator('.n-base-select-option', { hasText: 'Delivery' }).click();
    await choice.locator('input[name=textRu]').fill('Что не так с доставкой?');
    await choice.locator('input[name=textEn]').fill('What went wrong with delivery?');
    for (const [i, code, ru, en] of [
      [0, 'late', 'Опоздали', 'Late'],
      [1, 'rude', 'Грубый курьер', 'Rude courier'],
    ] as const) {
      const row = choice.locator(`[data-test=option-${i}]`);
      await row.locator('input[name=code]').fill(code);
      await row.locator('input[name=labelRu]').fill(ru);
      await row.locator('input[name=labelEn]').fill(en);
    }
    await choice.locator('[data-test=option-1] .n-checkbox').click();
    await page.locator('[data-test=save-survey]').click();
    await builder.waitFor({ state: 'detached' });

    // Its row (the demo company's own survey, paused, is listed too).
    const row = page.locator('.n-data-table-tbody .n-data-table-tr', {
      has: page.getByRole('cell', { name: 'After resolution', exact: true }),
    });
    await row.locator('[data-test=activate]').click();
    await page.locator('.n-dialog .n-button--warning-type').click();
    await row.locator('[data-test=deactivate]').waitFor();

    await row.locator('[data-test=edit-questions]').click();
    await builder.waitFor();
    expect(await page.inputValue('[data-test=question-0] input[name=textEn]')).toBe('How satisfied are you?');
    await page.fill('[data-test=question-0] input[name=textEn]', 'How satisfied are you with the outcome?');
    await page.locator('[data-test=save-survey]').click();
    await builder.waitFor({ state: 'detached' });

    // A weekly schedule: a time that is not HH:MM is held back; saved, the survey is marked scheduled.
    await row.locator('[data-test=schedule]').click();
    const form = page.locator('[data-test=survey-schedule]');
    await form.waitFor();
    await page.fill('input[name=time]', '9:5');
    await page.locator('[data-test=save-schedule]').click();
    await expect.poll(() => page.locator('[data-test=schedule-problems]').textContent()).toContain('HH:MM');
    const found = await violations(page);
    expect(found, describeViolations(found)).toEqual([]);
    await page.fill('input[name=time]', '09:30');
    await page.fill('input[name=sharePercent]', '30');
    await page.locator('[data-test=save-schedule]').click();
    await form.waitFor({ state: 'detached' });
    await row.locator('.n-tag', { hasText: 'scheduled' }).waitFor();
    await context.close();

    const token = await demoToken(demo.server.base, TENANT, 'quality.manager');
    const { surveys } = await staffData(
      demo.server,
      `{ surveys { id nameEn currentVersion afterResolution versions { number questions { textEn } } } }`,
      {},
      token,
    );
    // Beside the demo's own survey, still paused.
    expect(surveys).toHaveLength(2);
    const built = surveys.find((x: { nameEn: string }) => x.nameEn === 'After resolution');
    expect(built).toMatchObject({ currentVersion: 2, afterResolution: true });
    expect(surveys.find((x: { id: string }) => x.id !== built.id)).toMatchObject({ afterResolution: false });
    expect(built.versions[0].questions[0].textEn).toBe('How satisfied are you?');
    const { survey } = await staffData(
      demo.server,
      `query($id: ID!) { survey(id: $id) { questions { type parameter textEn options { code alerting } } } }`,
      { id: built.id },
      token,
    );
    expect(survey.questions.map((q: { type: string; parameter: string; textEn: string }) => [q.type, q.parameter, q.textEn])).toEqual([
      ['CSAT', 'OVERALL', 'How satisfied are you with the outcome?'],
      ['NPS', 'OVERALL', 'Would you recommend us?'],
      ['CHOICE', 'DELIVERY', 'What went wrong with delivery?'],
    ]);
    expect(survey.questions[2].options).toEqual([
      { code: 'LATE', alerting: false },
      { code: 'RUDE', alerting: true },
    ]);
    const { surveySchedules } = await staffData(
      demo.server,
      '{ surveySchedules { surveyId active cadence weekday time sharePercent nextRunAt } }',
      {},
      token,
    );
    expect(surveySchedules).toEqual([
      expect.objectContaining({ surveyId: built.id, active: true, cadence: 'WEEKLY', weekday: 1, time: '09:30', sharePercent: 30 }),
    ]);
    expect(surveySchedules[0].nextRunAt).not.toBeNull();
  });
});
