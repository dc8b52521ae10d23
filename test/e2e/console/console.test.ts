import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gql as request, startDemoServer, type ServerProcess, demoToken } from '../server-process.js';
import { choose, hasChromium, launch, screenshot, signIn, type ConsoleBrowser, type StaffPage } from './browser.js';

/**
 * The staff console in a real Chromium against the built server in embedded
 * mode with demo data, as `pnpm start` runs it: nothing is mocked.
 */
const TENANT = 'northwind';
const at = (login: string) => `${login}@${TENANT}.demo`;

let server: ServerProcess;
let chromium: ConsoleBrowser;
let watcher: StaffPage; // head of the Service Centre, watching the board
const gql = (query: string, variables?: object, token?: string) => request(server.base, '/graphql', query, variables, token);

const token = (login: string) => demoToken(server.base, TENANT, login);
async function reference(tok: string) {
  const res = await gql('{ departments { id name } categories { id name } users { id name email } }', {}, tok);
  return res.data as {
    departments: { id: string; name: string }[];
    categories: { id: string; name: string }[];
    users: { id: string; name: string; email: string }[];
  };
}
const stageOf = (page: Page) => page.locator('[data-test=stage]');
const cardOn = (page: Page, stage: string, number: string) => page.locator(`[data-column=${stage}] [data-number="${number}"]`);

beforeAll(async () => {
  // The breach test sets targets of seconds (production refuses under a minute).
  server = await startDemoServer({ SLA_MIN_TARGET_SECONDS: '1' });
});

afterAll(async () => {
  await server?.stop();
});

/** Raw HTTP, so that paths reach the server exactly as written (fetch would normalise `..`). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const { hostname, port } = new URL(server.base);
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console as the server serves it', () => {
  it('answers every client route with index.html, revalidated on each visit', async () => {
    for (const path of ['/', '/board', '/complaints/NORTHWIND-2026-000001', '/admin/users?x=1']) {
      const res = await raw(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body.toString()).toContain('<div id="app">');
    }
    const head = await raw('/board', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('caches hashed assets for a year, compressed when the browser accepts it, with validators', async () => {
    const html = (await raw('/')).body.toString();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)![1]!;
    const plain = await raw(script);
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toContain('text/javascript');
    const zipped = await raw(script, { 'accept-encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    const again = await raw(script, { 'if-none-match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('never leaves the build directory, and a missing asset is a 404', async () => {
    for (const path of [
      '/../../package.json',
      '/..%2f..%2fpackage.json',
      '/assets/../../../server/package.json',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const res = await raw(path);
      expect(res.body.toString()).not.toContain('"name"');
      expect(res.body.toString()).not.toContain('root:');
    }
    expect((await raw('/assets/not-built.js')).status).toBe(404);
    expect((await raw('/favicon.ico')).status).toBe(404);
  });

  it('leaves the API and the health check alone', async () => {
    const health = await raw('/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString()).status).toBe('ok');
    const res = await gql('{ __typename }');
    expect(res.data).toEqual({ __typename: 'Query' });
    expect((await raw('/graphql', {}, 'DELETE')).status).not.toBe(200);
  });
});

describe.skipIf(!hasChromium)('staff console in Chromium', () => {
  beforeAll(async () => {
    chromium = await launch();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it("speaks the browser's language before sign-in, the company's after it, and the user's own choice over both", async () => {
    // A Russian browser, no choice made: the sign-in page in Russian.
    const context = await chromium.browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 720 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto('/board');
    await page.waitForURL(/\/login/);
    await expect.poll(() => page.locator('.n-card-header').textContent()).toContain('Вход в Reclaim');
    await page.fill('input[name=tenant]', TENANT);
    await page.fill('input[name=email]', at('head.service'));
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('Неверная компания, почта или пароль');
    // Signed in to an English company without choosing: the company's language.
    await page.fill('input[name=password]', 'demo-password');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/board/);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Queue');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await context.close();

    // An English browser whose user chooses Russian on the sign-in page: Russian, in an English company too.
    const chooser = await chromium.browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 720 }, locale: 'en-GB' });
    const other = await chooser.newPage();
    await other.goto('/login');
    await expect.poll(() => other.locator('.n-card-header').textContent()).toContain('Sign in to Reclaim');
    await other.locator('label', { hasText: 'RU' }).click();
    await other.fill('input[name=tenant]', TENANT);
    await other.fill('input[name=email]', at('head.service'));
    await other.fill('input[name=password]', 'demo-password');
    await other.click('button[type=submit]');
    await other.waitForURL(/\/board/);
    await expect.poll(() => other.locator('h1').first().textContent()).toBe('Очередь');
    await expect.poll(() => other.locator('[data-column=ANALYSIS] h2').textContent()).toContain('Анализ');
    await chooser.close();
  });

  it('registers a phone complaint and moves it through every stage to CLOSED, live on another board', async () => {
    watcher = await signIn(chromium.browser, server.base, TENANT, at('head.service'));
    await watcher.page.locator('.board[data-ready=true]').waitFor();
    const operator = await signIn(chromium.browser, server.base, TENANT, at('operator'));
    const head = await signIn(chromium.browser, server.base, TENANT, at('head.service'));
    // Another operator watches the board they open on: the whole company, where new complaints arrive.
    const sorter = await signIn(chromium.browser, server.base, TENANT, at('operator'));
    await sorter.page.locator('.board[data-ready=true]').waitFor();
    const latencies: Record<string, number> = {};

    // Registration by phone, without a department: it waits in RECEIVED.
    const o = operator.page;
    await o.click('[data-test=nav-register]');
    await o.fill('input[name=customerName]', 'Priya Shah');
    await o.fill('input[name=phone]', '+44 20 7946 0958');
    await o.fill('input[name=subject]', 'Kettle switch sticks after a week');
    await o.fill('textarea[name=description]', 'The switch does not return; the kettle keeps boiling.');
    await o.fill('input[name=product]', 'Northwind Aqua 1.7 L Kettle');
    await o.locator('[data-field=departmentId]').hover();
    await o.locator('[data-field=departmentId] .n-base-clear').click();
    await o.click('[data-test=register-submit]');
    const link = o.locator('[data-test=registered-link]');
    await link.waitFor();
    const number = (await link.textContent())!.match(/[A-Z]+-\d{4}-\d{6}/)![0];
    // Without a department, it is in front of the people who sort complaints, and says it has come.
    await cardOn(sorter.page, 'RECEIVED', number).waitFor({ timeout: 5000 });
    await sorter.page.getByText(`New complaint: ${number}`).waitFor({ timeout: 5000 });
    await sorter.context.close();
    await link.click();
    await expect.poll(() => stageOf(o).textContent()).toBe('Received');

    // The operator classifies and routes it to the Service Centre: it appears on that board.
    await o.click('[data-transition=REGISTERED]');
    await choose(o, 'categoryId', 'Manufacturing defect');
    await choose(o, 'demand', 'Refund');
    await choose(o, 'departmentId', 'Service Centre');
    let t0 = Date.now();
    await o.click('[data-test=stage-submit]');
    await cardOn(watcher.page, 'REGISTERED', number).waitFor({ timeout: 5000 });
    latencies.REGISTERED = Date.now() - t0;
    await expect.poll(() => stageOf(o).textContent()).toBe('Registered');

    // The head of the department takes it from here.
    const h = head.page;
    await h.goto(`/complaints/${number}`);
    await expect.poll(() => stageOf(h).textContent()).toBe('Registered');
    async function move(target: string, fill: () => Promise<void>, label: string) {
      await h.click(`[data-transition=${target}]`);
      await fill();
      t0 = Date.now();
      await h.click('[data-test=stage-submit]');
      if (target === 'CLOSED') await watcher.page.locator(`[data-number="${number}"]`).waitFor({ state: 'detached', timeout: 5000 });
      else await cardOn(watcher.page, target, number).waitFor({ timeout: 5000 });
      latencies[target] = Date.now() - t0;
      await expect.poll(() => stageOf(h).textContent()).toBe(label);
    }
    await move(
      'ANALYSIS',
      async () => {
        await choose(h, 'assigneeId', 'Daniel Price');
      },
      'Analysis',
    );
    await move(
      'DECISION',
      async () => {
        await h.locator('.n-radio', { hasText: 'Objective' }).click();
        // The coded cause: typed to filter the grouped list (the list scrolls virtually).
        await h.locator('[data-field="causeId"]').click();
        await h.keyboard.type('SUPPLIER');
        await h.locator('.n-base-select-option:visible', { hasText: 'SUPPLIER_DEFECT — Supplier material defect' }).first().click();
        await h.fill('textarea[name=rootCause]', 'The switch spring is out of tolerance in batch 42.');
      },
      'Decision',
    );
    await screenshot(h, 'complaint');
    await move(
      'IMPLEMENTATION',
      async () => {
        await choose(h, 'remedy', 'Refund');
        await h.fill('input[name=remedyAmount]', '39');
        await h.click('[data-test=add-action]');
        await h.fill('input[name=action-0-description]', 'Reject batch 42 springs at incoming inspection');
        // The picker takes dates as the company writes them (British: day/month/year).
        await h.locator('[data-action-row="0"] .n-date-picker input').fill('31/01/2030');
        await h.locator('[data-action-row="0"] .n-date-picker input').press('Enter');
        await h.keyboard.press('Escape');
      },
      'Implementation',
    );
    await h.locator('td', { hasText: /^31 Jan 2030$/ }).waitFor({ timeout: 5000 });
    await move(
      'FEEDBACK',
      async () => {
        await h.locator('[data-stage-form=FEEDBACK] .n-checkbox').first().click();
      },
      'Feedback',
    );
    await screenshot(watcher.page, 'board');
    await move(
      'CLOSED',
      async () => {
        // The stars are a radio group: reached and chosen with the keyboard.
        await h.locator('[data-stage-form=CLOSED] input[name=satisfaction][value="1"]').focus();
        for (let i = 0; i < 3; i++) await h.keyboard.press('ArrowRight');
      },
      'Closed',
    );

    const timeline = await h.locator('.n-timeline-item').allTextContents();
    for (const stage of ['Received', 'Registered', 'Analysis', 'Decision', 'Implementation', 'Feedback', 'Closed']) {
      expect(timeline.some((entry) => entry.includes(stage))).toBe(true);
    }
    console.log(`board updated after each move (ms): ${JSON.stringify(latencies)}`);
    expect(Object.keys(latencies)).toHaveLength(6);
    // Each move reached the other board live (the 5 s waits above). Their median stays under a second; a single move
    // may not, on a loaded 2-core machine (1,025 ms was seen once while other tests ran beside this one).
    const sorted = Object.values(latencies).sort((x, y) => x - y);
    expect((sorted[2]! + sorted[3]!) / 2).toBeLessThan(1000);
    await operator.context.close();
    await head.context.close();
  });

  it('shows what someone else changed on a version conflict and lets the user redo', async () => {
    const operatorToken = await token('operator');
    const ref = await reference(operatorToken);
    const service = ref.departments.find((d) => d.name === 'Service Centre')!;
    const created = await gql(
      `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { id number version } }`,
      {
        i: {
          kind: 'CLAIM',
          channel: 'PHONE',
          subject: 'Toaster burns one side',
          description: 'Left slot stays cold.',
          customer: { name: 'Ella Brown', phone: '+44 161 496 0000' },
          departmentId: service.id,
          categoryId: ref.categories[0]!.id,
          demand: 'REPAIR',
        },
      },
      operatorToken,
    );
    expect(created.errors).toBeUndefined();
    const { id, number, version } = created.data.registerComplaint;

    const head = await signIn(chromium.browser, server.base, TENANT, at('head.service'));
    await head.page.goto(`/complaints/${number}`);
    await head.page.click('[data-transition=ANALYSIS]');
    // Meanwhile another head assigns it.
    const specialist = ref.users.find((u) => u.email === at('specialist2.service'))!;
    const assigned = await gql(
      `mutation($i: AssignComplaintInput!) { assignComplaint(input: $i) { version } }`,
      { i: { id, expectedVersion: version, assigneeId: specialist.id } },
      await token('head.service'),
    );
    expect(assigned.errors).toBeUndefined();
    await head.page.click('[data-test=stage-submit]');
    const conflict = head.page.locator('[data-test=conflict]');
    // Seen once (a CI run on a loaded machine) not to appear within 30 s, and not again in many runs: say what the page showed instead.
    await conflict.waitFor().catch(async (err: unknown) => {
      const shown = await head.page.locator('[role=alert], .n-alert, .n-message').allTextContents();
      throw new Error(`no conflict notice; the page shows ${JSON.stringify(shown)}`, { cause: err });
    });
    expect(await conflict.locator('[data-changed=assignee]').textContent()).toContain(specialist.name);
    await head.page.click('[data-test=conflict-redo]');
    await expect.poll(() => stageOf(head.page).textContent()).toBe('Analysis');
    await head.context.close();
  });

  it('pauses the SLA while a public question waits for the customer, and resumes it', async () => {
    const operatorToken = await token('operator');
    const ref = await reference(operatorToken);
    const service = ref.departments.find((d) => d.name === 'Service Centre')!;
    const created = await gql(
      `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { number } }`,
      {
        i: {
          kind: 'CLAIM',
          channel: 'IN_PERSON',
          subject: 'Microwave door will not close',
          description: 'The latch is bent.',
          customer: { name: 'Lucy Wilson', email: 'lucy@example.net' },
          departmentId: service.id,
          categoryId: ref.categories[0]!.id,
          demand: 'REPAIR',
          priority: 'HIGH',
        },
      },
      operatorToken,
    );
    expect(created.errors).toBeUndefined();
    const head = await signIn(chromium.browser, server.base, TENANT, at('head.service'));
    const h = head.page;
    await h.goto(`/complaints/${created.data.registerComplaint.number}`);
    await h.locator('[data-clock=STAGE]').waitFor();
    await h.locator('.n-radio-button', { hasText: 'Public reply' }).click();
    await h.fill('textarea[name=message]', 'Could you send a photo of the latch?');
    await h.locator('[data-field=awaitCustomer]').click();
    await h
      .locator('form', { has: h.locator('textarea[name=message]') })
      .locator('button[type=submit]')
      .click();
    await h.locator('[data-test=awaiting]').waitFor();
    await expect.poll(() => h.locator('[data-clock=STAGE] [data-sla]').getAttribute('data-sla')).toBe('paused');
    expect(await h.locator('[data-visibility=PUBLIC]', { hasText: 'photo of the latch' }).count()).toBe(1);
    await h.click('[data-test=stop-awaiting]');
    await h.locator('[data-test=awaiting]').waitFor({ state: 'detached' });
    await expect.poll(() => h.locator('[data-clock=STAGE] [data-sla]').getAttribute('data-sla')).not.toBe('paused');
    await head.context.close();
  });

  it('fills a reply from a response template and sends it with a file, shown on the message and among the files', async () => {
    const operatorToken = await token('operator');
    const ref = await reference(operatorToken);
    const created = await gql(
      `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { number } }`,
      {
        i: {
          kind: 'CLAIM',
          channel: 'PHONE',
          subject: 'Toaster sparks',
          description: 'Sparks from the slot.',
          customer: { name: 'Omar Hale', email: 'omar@example.net' },
          departmentId: ref.departments.find((d) => d.name === 'Service Centre')!.id,
          categoryId: ref.categories[0]!.id,
          demand: 'REFUND',
        },
      },
      operatorToken,
    );
    const number = created.data.registerComplaint.number as string;
    const specialist = await signIn(chromium.browser, server.base, TENANT, at('head.service'));
    const p = specialist.page;
    await p.goto(`/complaints/${number}`);
    await p.locator('[data-field=template-picker]').click();
    await p.locator('.n-base-select-option:visible').first().click();
    // The server's rendering fills the box: the complaint's own number is in it, no placeholder left.
    await expect.poll(() => p.inputValue('textarea[name=message]')).toContain(number);
    expect(await p.inputValue('textarea[name=message]')).not.toContain('{{');
    await p.setInputFiles('input[type=file][name=attachments]', {
      name: 'care-instructions.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
    });
    await p.locator('[data-test=chosen-files]', { hasText: 'care-instructions.pdf' }).waitFor();
    await p.locator('.n-radio-button', { hasText: 'Public reply' }).click();
    await p
      .locator('form', { has: p.locator('textarea[name=message]') })
      .locator('button[type=submit]')
      .click();
    const message = p.locator('[data-visibility=PUBLIC]', { hasText: number });
    await message.locator('.message-files a', { hasText: 'care-instructions.pdf' }).waitFor();
    await p.locator('[data-test=attachments]', { hasText: 'care-instructions.pdf' }).waitFor();
    // The link is a real, signed download of the same bytes.
    const href = await message.locator('.message-files a').getAttribute('href');
    const file = await p.request.get(href!);
    expect(file.status()).toBe(200);
    expect((await file.body()).toString()).toBe('%PDF-1.4\n%%EOF\n');
    await specialist.context.close();
  });

  it('does not offer actions a role may not take', async () => {
    const qm = await signIn(chromium.browser, server.base, TENANT, at('quality.manager'));
    expect(await qm.page.locator('[data-test=nav-register]').count()).toBe(0);
    await qm.page.goto('/complaints?stages=RECEIVED');
    const first = qm.page.locator('.n-data-table-td a').first();
    await first.waitFor();
    const number = (await first.textContent())!.trim();
    await first.click();
    await expect.poll(() => stageOf(qm.page).textContent()).toBe('Received');
    await qm.page.locator('[data-test=no-actions]').waitFor();
    expect(await qm.page.locator('[data-transition]').count()).toBe(0);
    expect(await qm.page.locator('form textarea[name=message]').count()).toBe(1); // a quality manager may still write
    await qm.context.close();

    const specialist = await signIn(chromium.browser, server.base, TENANT, at('specialist.service'));
    await specialist.page.goto(`/complaints/${number}`);
    await expect.poll(() => stageOf(specialist.page).textContent()).toBe('Received');
    expect(await specialist.page.locator('[data-transition=REGISTERED]').count()).toBe(0);
    await specialist.context.close();

    const admin = await signIn(chromium.browser, server.base, TENANT, at('admin'));
    await admin.page.goto(`/complaints/${number}`);
    await admin.page.locator('[data-test=no-actions]').waitFor();
    expect(await admin.page.locator('form textarea[name=message]').count()).toBe(0);
    await admin.page.click('[data-test=nav-admin]');
    await admin.page.locator('.n-data-table-tr').nth(3).waitFor();
    await screenshot(admin.page, 'admin-users');
    await admin.context.close();
  });

  it('keeps the actions register: overdue ones marked, changes shown live, the effectiveness checked by the quality manager', async () => {
    const qmToken = await token('quality.manager');
    const quality = await signIn(chromium.browser, server.base, TENANT, at('quality.manager'));
    const q = quality.page;
    await q.click('[data-test=nav-actions]');
    await q.waitForURL(/\/actions/);
    await q.locator('.actions-page tbody tr').first().waitFor();
    await q.click('[data-test=overdue-only]');
    // The demo's long-term corrective actions of older complaints are past their due dates.
    // The unfiltered list has overdue rows too: wait for the filtered one, which has nothing else.
    await expect
      .poll(async () => [
        await q.locator('.actions-page tbody tr:not(.overdue)').count(),
        (await q.locator('.actions-page tbody tr.overdue').count()) > 0,
      ])
      .toEqual([0, true]);
    await screenshot(q, 'actions');

    // The earliest overdue action, completed elsewhere, leaves the overdue list on this page by itself.
    const found = await gql(
      `{ correctiveActions(filter: { overdue: true }, first: 1) { edges { node { id description complaint { number } } } } }`,
      {},
      qmToken,
    );
    const target = found.data.correctiveActions.edges[0].node as { id: string; description: string; complaint: { number: string } };
    const row = q.locator('.actions-page tbody tr', { hasText: target.complaint.number }).filter({ hasText: target.description });
    await row.first().waitFor();
    expect(
      (await gql(`mutation($id: ID!) { completeCorrectiveAction(id: $id) { id } }`, { id: target.id }, qmToken)).errors,
    ).toBeUndefined();
    await row.first().waitFor({ state: 'detached', timeout: 5000 });

    // On the complaint page the done action waits for its check; the quality manager records it.
    await q.goto(`/complaints/${target.complaint.number}`);
    const action = q.locator(`[data-action="${target.id}"]`);
    await action.locator('[data-test=check-effectiveness]').click();
    await q.locator('[data-test=result-effective]').click();
    await q.fill('textarea[name=effectiveness-note]', 'No repeat in the next batches');
    await q.click('[data-test=effectiveness-submit]');
    await expect.poll(() => action.locator('[data-test=action-check]').textContent()).toContain('Effective: checked by');
    expect(await action.locator('[data-test=action-status]').textContent()).toBe('Effective');
    await quality.context.close();
  });

  it('pops up a notification the moment a short SLA is breached', async () => {
    const adminToken = await token('admin');
    const category = await gql('mutation { createCategory(input: { name: "Quick SLA check" }) { id } }', {}, adminToken);
    expect(category.errors).toBeUndefined();
    // The admin sets up a 24/7 calendar and a four-second policy for that category in the console.
    const admin = await signIn(chromium.browser, server.base, TENANT, at('admin'));
    const a = admin.page;
    await a.goto('/admin/sla');
    await a.click('[data-test=new-calendar]');
    await a.fill('input[name=calendarName]', 'Around the clock');
    await a.locator('.n-modal .n-checkbox', { hasText: '24/7' }).click();
    await a.locator('.n-modal button[type=submit]').click();
    await a.locator('td', { hasText: 'Around the clock' }).waitFor();
    await a.click('[data-test=new-policy]');
    await a.fill('input[name=policyName]', 'Seconds to analysis');
    await choose(a, 'policy-calendar', 'Around the clock');
    await choose(a, 'policy-categories', 'Quick SLA check');
    await a.keyboard.press('Escape');
    await a.fill('input[name=stage-REGISTERED]', '0.001');
    await a.locator('.n-modal input[name=policyName]').click();
    await a.locator('.n-modal button[type=submit]').click();
    await a.locator('[data-policy="Seconds to analysis"]').waitFor();
    await a.goto('/admin/sla');
    await a.locator('[data-policy="Seconds to analysis"]').waitFor();
    await screenshot(a, 'admin-sla');
    await admin.context.close();

    await watcher.page.goto('/board');
    await watcher.page.locator('.board[data-ready=true]').waitFor();
    const operatorToken = await token('operator');
    const service = (await reference(operatorToken)).departments.find((d) => d.name === 'Service Centre')!;
    const created = await gql(
      `mutation($i: RegisterComplaintInput!) { registerComplaint(input: $i) { number slaDueAt } }`,
      {
        i: {
          kind: 'COMPLAINT',
          channel: 'PHONE',
          subject: 'Engineer did not come',
          description: 'Nobody came for the repair visit.',
          customer: { name: 'Arthur Jones', phone: '+44 113 496 0000' },
          departmentId: service.id,
          categoryId: category.data.createCategory.id,
          demand: 'OTHER',
        },
      },
      operatorToken,
    );
    expect(created.errors).toBeUndefined();
    const { number, slaDueAt } = created.data.registerComplaint;
    expect(slaDueAt).not.toBeNull();

    const alert = watcher.page.locator('.n-notification', { hasText: `SLA breached: ${number}` });
    await alert.waitFor({ timeout: 10_000 });
    const lateBy = Date.now() - Date.parse(slaDueAt);
    console.log(`breach notification shown ${lateBy} ms after the deadline`);
    expect(lateBy).toBeLessThan(3000);
    expect(await watcher.page.locator('.n-notification', { hasText: `SLA at risk: ${number}` }).count()).toBe(1);
    expect(await cardOn(watcher.page, 'REGISTERED', number).locator('[data-sla]').getAttribute('data-sla')).toBe('breached');
    // The complaint page lists the clock that ran out.
    await cardOn(watcher.page, 'REGISTERED', number).click();
    await expect.poll(() => watcher.page.locator('[data-clock=STAGE] [data-sla]').getAttribute('data-sla')).toBe('breached');
    await watcher.context.close();
  });
});
