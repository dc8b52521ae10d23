import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql as request, startDemoServer, type ServerProcess, demoToken } from '../server-process.js';
import { hasChromium, launch, signIn, type ConsoleBrowser } from './browser.js';

/**
 * Related complaints and archived departments in a real Chromium against
 * the built server in embedded mode with demo data: nothing is mocked.
 */
const TENANT = 'northwind';
const at = (login: string) => `${login}@${TENANT}.demo`;
let server: ServerProcess;
let chromium: ConsoleBrowser;
const gql = (query: string, variables?: object, token?: string) => request(server.base, '/graphql', query, variables, token);
const token = (login: string) => demoToken(server.base, TENANT, login);

beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!hasChromium)('related complaints and archived departments in Chromium', () => {
  beforeAll(async () => {
    chromium = await launch();
  });
  afterAll(async () => {
    await chromium?.close();
  });

  it("lists the customer's other complaint, links it as a repeat, and the other complaint's open page shows the link live", async () => {
    const operator = await token('operator');
    const register = async (subject: string, phone: string) =>
      (
        await gql(
          `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { number } }`,
          {
            i: { kind: 'CLAIM', channel: 'PHONE', subject, description: 'It happened again.', customer: { name: 'Mark Evans', phone } },
          },
          operator,
        )
      ).data.registerComplaint.number as string;
    const first = await register('Kettle switch sticks', '+44 20 7946 0958');
    const again = await register('Kettle switch sticks again', '020 7946 0958');

    const [watching, acting] = [
      await signIn(chromium.browser, server.base, TENANT, at('head.service')),
      await signIn(chromium.browser, server.base, TENANT, at('operator')),
    ];
    await watching.page.goto(`/complaints/${first}`);
    await watching.page.locator('[data-test=no-links]').waitFor();
    const a = acting.page;
    await a.goto(`/complaints/${again}`);
    const row = a.locator(`[data-other="${first}"]`);
    await row.waitFor();
    await row.locator('[data-mark=REPEAT]').click();
    await a.locator(`[data-link="${first}"]`, { hasText: 'Repeat' }).waitFor();
    // The first complaint's page, open in another browser, hears it.
    await watching.page.locator(`[data-link="${again}"]`, { hasText: 'Repeat' }).waitFor({ timeout: 5000 });
    await watching.page.locator('[data-test=link-event]', { hasText: again }).waitFor();
    // The number in the related list opens that complaint.
    await a.locator(`[data-link="${first}"] a`).click();
    await expect.poll(() => a.url()).toContain(`/complaints/${first}`);
    await Promise.all([watching.context.close(), acting.context.close()]);
  });

  it('an admin archives an unused department after a confirmation, the registration form no longer offers it, and restores it', async () => {
    const admin = await token('admin');
    const name = `Spare desk ${Date.now()}`;
    const created = await gql('mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { id } }', { i: { name } }, admin);
    expect(created.errors).toBeUndefined();
    const session = await signIn(chromium.browser, server.base, TENANT, at('admin'));
    const p = session.page;
    await p.goto('/admin/departments');
    await p.locator(`[data-archive="${name}"]`).click();
    await p.locator('.n-popconfirm__action button').last().click();
    await p.locator(`[data-archived="${name}"]`).waitFor();
    const offered = async () =>
      (await gql('{ departments { name } }', {}, await token('operator'))).data.departments.map((d: { name: string }) => d.name);
    expect(await offered()).not.toContain(name);
    // The operator's registration form does not offer it.
    const operator = await signIn(chromium.browser, server.base, TENANT, at('operator'));
    await operator.page.goto('/register');
    await operator.page.locator('[data-field=departmentId]').click();
    await operator.page.locator('.n-base-select-option').first().waitFor();
    const options = await operator.page.locator('.n-base-select-option').allTextContents();
    expect(options.length).toBeGreaterThan(0);
    expect(options).not.toContain(name);
    await operator.context.close();
    await p.locator(`[data-restore="${name}"]`).click();
    await p.locator('.n-popconfirm__action button').last().click();
    await p.locator(`[data-archive="${name}"]`).waitFor();
    expect(await offered()).toContain(name);
    await session.context.close();
  });
});
