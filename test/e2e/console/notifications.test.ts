import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql as request, startDemoServer, type ServerProcess, demoToken } from '../server-process.js';
import { hasChromium, launch, signIn, type ConsoleBrowser } from './browser.js';

/**
 * The notification bell in a real Chromium against the built server in
 * embedded mode with demo data: a colleague assigns a complaint, the
 * assignee's header hears it.
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

describe.skipIf(!hasChromium)('the notification bell in Chromium', () => {
  beforeAll(async () => {
    chromium = await launch();
  });
  afterAll(async () => {
    await chromium?.close();
  });

  it('pops up and lists a complaint a colleague assigned, and opens it from the list', async () => {
    const head = await token('head.service');
    const ref = (await gql('{ departments { id name } categories { id } users { id email } }', {}, head)).data;
    const service = ref.departments.find((d: { name: string }) => d.name === 'Service Centre').id;
    const assignee = ref.users.find((u: { email: string }) => u.email === at('specialist.service')).id;

    const session = await signIn(chromium.browser, server.base, TENANT, at('specialist.service'));
    const p = session.page;
    const bell = p.locator('[data-test=notifications]');
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 0 unread');
    // The bell subscribes before the board does, and the board is ready once its own subscription and first load are done.
    await p.locator('.board[data-ready=true]').waitFor();

    const registered = await gql(
      `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { number } }`,
      {
        i: {
          kind: 'CLAIM',
          channel: 'PHONE',
          subject: 'Grinder stops after a minute',
          description: 'It stops and will not restart.',
          demand: 'REPAIR',
          customer: { name: 'Mark Evans', phone: '+44 20 7946 0958' },
          departmentId: service,
          categoryId: ref.categories[0].id,
          assigneeId: assignee,
        },
      },
      head,
    );
    expect(registered.errors).toBeUndefined();
    const number = registered.data.registerComplaint.number as string;

    await p.locator('.n-notification', { hasText: `${number} is assigned to you` }).waitFor({ timeout: 5000 });
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await bell.click();
    await p.locator('[data-test=notifications-panel] a', { hasText: `${number} is assigned to you` }).click();
    await expect.poll(() => p.url()).toContain(`/complaints/${number}`);
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 0 unread');
    await session.context.close();
  });
});
