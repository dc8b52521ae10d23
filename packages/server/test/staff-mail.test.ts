import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/roles.js';
import { MailLinks } from '../src/modules/mail/mail-links.js';
import { DEFAULT_SCHEDULER, SlaScheduler } from '../src/modules/sla/sla.scheduler.js';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, Q, complaintInput, expectError, type StaffFixture, type World } from './fixtures.js';
import { eventually } from './webhook-receiver.js';
import { SmtpSink, type SunkMail } from './smtp-sink.js';

/**
 * Staff notifications by mail end to end (docs/email.md#staff-notifications):
 * the changes go through the API, the mail over SMTP to a sink this test
 * starts. A second scheduler over the same database plays a second node.
 */
let server: TestServer;
let fx: Fixtures;
let a: World;
let b: World;
let sink: SmtpSink;
let secondNode: SlaScheduler;
const TAG_SECRET = randomBytes(32).toString('hex');
const PUBLIC_URL = 'https://reclaim.example.com';

const SETTINGS = '{ myNotificationSettings { event enabled defaultEnabled custom } }';
const SET = `mutation($input: StaffNotificationSettingsInput!) { setMyNotificationSettings(input: $input) { event enabled } }`;
const POLICIES = '{ slaPolicies { id name isDefault } }';
const CREATE_CALENDAR = 'mutation($input: BusinessCalendarInput!) { createBusinessCalendar(input: $input) { id } }';
const UPDATE_POLICY = 'mutation($id: ID!, $input: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $input) { id } }';

const english = async () => fx.world(await fx.tenant(undefined, 'Test Company', undefined, { locale: 'en' }));
const optIn = (u: StaffFixture, event: string, enabled = true) => server.staff(SET, { input: { settings: [{ event, enabled }] } }, u.token);
/** Registered on the phone into `w.dept` by its operator. */
const registered = (w: World, overrides: Record<string, unknown> = {}) =>
  fx.register(w.staff.OPERATOR.token, { channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REFUND', ...overrides });
const assign = async (by: StaffFixture, c: { id: string; version: number }, assigneeId: string): Promise<{ id: string; version: number }> =>
  ok(await server.staff(Q.assign, { input: { id: c.id, expectedVersion: c.version, assigneeId } }, by.token)).assignComplaint;
const about = (to: string, number: string) => sink.to(to).filter((m) => m.parsed.subject?.startsWith(`[${number}] `));
/** The staff mails the outbox holds about a complaint: kind and recipient (read past row-level security, as the suite's owner). */
const outbox = async (complaintId: string): Promise<string[]> =>
  (
    await server.dataSource.query(
      `SELECT kind || ' ' || to_address AS m FROM outbound_mails WHERE complaint_id = $1 AND kind LIKE 'STAFF\\_%' ORDER BY 1`,
      [complaintId],
    )
  ).map((r: { m: string }) => r.m);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  sink = await new SmtpSink().start();
  server = await startTestServer({
    smtpUrl: sink.url,
    mailDomain: 'mail.reclaim.test',
    mailTagSecret: TAG_SECRET,
    publicUrl: PUBLIC_URL,
    slaMinTargetSeconds: 1,
    slaPollMs: 200,
    mail: { pollMs: 100, retryDelaysMs: [300, 300], timeoutMs: 5000, leaseMs: 5000 },
  });
  fx = new Fixtures(server);
  [a, b] = await Promise.all([english(), english()]);
  secondNode = new SlaScheduler(server.dataSource, undefined, { ...DEFAULT_SCHEDULER, pollMs: 200 }, new MailLinks(TAG_SECRET, PUBLIC_URL));
  secondNode.start();
  // The other company's staff want every staff mail there is: they must still get none about the first company's complaints.
  for (const u of Object.values(b.staff))
    for (const event of ['STAFF_ASSIGNED', 'STAFF_SLA', 'STAFF_NEW_IN_INBOX']) ok(await optIn(u, event));
});
afterAll(async () => {
  await secondNode?.stop();
  await server?.close();
  await sink?.close();
});

describe('assignment', () => {
  it("mails the assignee once, with the number, in the company's language and with the console link; not one who takes it themselves", async () => {
    const taken = await registered(a);
    await assign(a.staff.SPECIALIST, taken, a.staff.SPECIALIST.id);
    const c = await registered(a);
    await assign(a.staff.HEAD, c, a.staff.SPECIALIST.id);
    const [mail] = await eventually(
      () => about(a.staff.SPECIALIST.email, c.number).length >= 1 && about(a.staff.SPECIALIST.email, c.number),
      10_000,
      'the assignment mail',
    );
    expect(mail!.parsed.subject).toBe(`[${c.number}] Assigned to you: Cracked kettle lid`);
    expect(mail!.parsed.text).toContain(`${PUBLIC_URL}/complaints/${c.number}`);
    expect(mail!.parsed.text).toContain('has assigned the complaint');
    await pause(500);
    expect(about(a.staff.SPECIALIST.email, c.number)).toHaveLength(1);
    // Taken by the specialist themselves (committed before the head's assignment): nothing.
    expect(await outbox(taken.id)).toEqual([]);
    expect(about(a.staff.SPECIALIST.email, taken.number)).toEqual([]);
  });

  it('a staff member who turned it off gets nothing; their settings are theirs alone', async () => {
    const quiet = await fx.staff(a.t, [Role.SPECIALIST], [a.dept]);
    expect(ok(await server.staff(SETTINGS, {}, quiet.token)).myNotificationSettings).toEqual([
      { event: 'STAFF_ASSIGNED', enabled: true, defaultEnabled: true, custom: false },
      { event: 'STAFF_SLA', enabled: true, defaultEnabled: true, custom: false },
      { event: 'STAFF_NEW_IN_INBOX', enabled: false, defaultEnabled: false, custom: false },
    ]);
    ok(await optIn(quiet, 'STAFF_ASSIGNED', false));
    const c = await registered(a);
    const moved = await assign(a.staff.HEAD, c, quiet.id);
    // Then to someone who gets it: once theirs has arrived, the first would have too.
    await assign(a.staff.HEAD, moved, a.staff.SPECIALIST.id);
    await eventually(() => about(a.staff.SPECIALIST.email, c.number).length >= 1, 10_000, 'the second assignment mail');
    expect(sink.to(quiet.email)).toEqual([]);
    expect(await outbox(c.id)).toEqual([`STAFF_ASSIGNED ${a.staff.SPECIALIST.email}`]);
  });

  it('refuses a customer event in the settings with a typed error, changing nothing', async () => {
    const u = await fx.staff(a.t, [Role.OPERATOR]);
    expectError(await optIn(u, 'REGISTERED'), 'BAD_USER_INPUT');
    expect(ok(await server.staff(SETTINGS, {}, u.token)).myNotificationSettings.every((s: { custom: boolean }) => !s.custom)).toBe(true);
  });
});

describe('deadlines', () => {
  /** `w`'s only policy: around the clock, REGISTERED within 2 s (at risk after 1 s), escalating as `escalation` says. */
  async function breachingPolicy(w: World, escalation: Record<string, unknown>): Promise<void> {
    const calendarId = ok(
      await server.staff(
        CREATE_CALENDAR,
        { input: { name: `24/7 ${randomUUID().slice(0, 6)}`, timeZone: 'UTC', alwaysOpen: true } },
        w.t.adminToken,
      ),
    ).createBusinessCalendar.id;
    const policies = ok(await server.staff(POLICIES, {}, w.t.adminToken)).slaPolicies;
    const policy = policies.find((p: { isDefault: boolean }) => p.isDefault);
    ok(
      await server.staff(
        UPDATE_POLICY,
        {
          id: policy.id,
          input: {
            name: policy.name,
            calendarId,
            warnPercent: 50,
            stageTargets: [{ stage: 'REGISTERED', seconds: 2 }],
            escalation,
          },
        },
        w.t.adminToken,
      ),
    );
    for (const p of policies.filter((x: { isDefault: boolean }) => !x.isDefault))
      ok(await server.staff('mutation($id: ID!) { deleteSlaPolicy(id: $id) }', { id: p.id }, w.t.adminToken));
  }

  it("a breach mails the department's head once, though two nodes run the scheduler and pass again and again", async () => {
    await breachingPolicy(a, { notifyHead: true, raisePriority: true });
    const c = await registered(a);
    const head = a.staff.HEAD.email;
    await eventually(() => about(head, c.number).some((m) => m.parsed.subject?.includes('Deadline breached')), 15_000, 'the breach mail');
    // A few more passes of both nodes' schedulers.
    await pause(1500);
    const subjects = about(head, c.number).map((m: SunkMail) => m.parsed.subject);
    expect(subjects.filter((s) => s?.includes('Deadline breached'))).toEqual([`[${c.number}] Deadline breached: Cracked kettle lid`]);
    expect(subjects.filter((s) => s?.includes('Deadline at risk'))).toHaveLength(1);
    // An operator (not a recipient of deadlines) and the other department's members: nothing.
    expect((await outbox(c.id)).filter((m) => m.startsWith('STAFF_SLA')).sort()).toEqual([`STAFF_SLA ${head}`, `STAFF_SLA ${head}`]);
  });

  it("a breach that moves the complaint to another department tells that department's members who opted in that it is in their inbox", async () => {
    const w = await english();
    const [member, left] = await Promise.all([fx.staff(w.t, [Role.SPECIALIST], [w.otherDept]), fx.staff(w.t, [Role.SPECIALIST], [w.dept])]);
    await breachingPolicy(w, { notifyHead: false, reassignToDepartmentId: w.otherDept });
    for (const u of [member, left]) ok(await optIn(u, 'STAFF_NEW_IN_INBOX'));
    const c = await registered(w);
    await eventually(() => about(member.email, c.number).length >= 1, 15_000, 'the mail about the move');
    await pause(500);
    // `left` heard of it when it was registered into their department; `member` when the breach moved it into theirs.
    expect((await outbox(c.id)).filter((m) => m.startsWith('STAFF_NEW_IN_INBOX'))).toEqual(
      [`STAFF_NEW_IN_INBOX ${left.email}`, `STAFF_NEW_IN_INBOX ${member.email}`].sort(),
    );
  });
});

describe('new complaints', () => {
  it('from the portal: only the staff whose inbox it lands in (the operators, without a department) and who opted in', async () => {
    const keen = await fx.staff(a.t, [Role.OPERATOR]);
    const member = await fx.staff(a.t, [Role.SPECIALIST], [a.dept]);
    ok(await optIn(keen, 'STAFF_NEW_IN_INBOX'));
    ok(await optIn(member, 'STAFF_NEW_IN_INBOX'));
    const input = { ...complaintInput({ channel: undefined }), customer: { name: 'Anna', email: 'anna@example.com' } };
    const { number } = ok(await server.portal(Q.submit, { slug: a.t.slug, input })).submitComplaint;
    const [mail] = await eventually(
      () => about(keen.email, number).length >= 1 && about(keen.email, number),
      10_000,
      'the new-complaint mail',
    );
    expect(mail!.parsed.subject).toBe(`[${number}] New complaint: Cracked kettle lid`);
    const [{ id }] = await server.dataSource.query('SELECT id FROM complaints WHERE number = $1', [number]);
    // a.staff.OPERATOR did not opt in; the department's member is not whose inbox it is.
    expect(await outbox(id)).toEqual([`STAFF_NEW_IN_INBOX ${keen.email}`]);
  });

  it('registered into a department: its members who opted in, not the one who registered it', async () => {
    const dept = await fx.department(a.t);
    const [member, quiet, elsewhere, registrar] = await Promise.all([
      fx.staff(a.t, [Role.SPECIALIST], [dept]),
      fx.staff(a.t, [Role.HEAD], [dept]),
      fx.staff(a.t, [Role.SPECIALIST], [a.otherDept]),
      fx.staff(a.t, [Role.OPERATOR], [dept]),
    ]);
    for (const u of [member, elsewhere, registrar]) ok(await optIn(u, 'STAFF_NEW_IN_INBOX'));
    const c = await fx.register(registrar.token, { channel: 'PHONE', departmentId: dept, categoryId: a.cat, demand: 'REFUND' });
    await eventually(() => about(member.email, c.number).length >= 1, 10_000, 'the new-complaint mail');
    // `quiet` kept the default (off).
    expect(await outbox(c.id)).toEqual([`STAFF_NEW_IN_INBOX ${member.email}`]);
    expect(sink.to(quiet.email)).toEqual([]);
  });

  it('moved into another department: its members who opted in, not those of the one it left, nor the one who moved it; the new assignee is told it is theirs', async () => {
    const [from, to] = await Promise.all([fx.department(a.t), fx.department(a.t)]);
    const [left, member, assignee, mover] = await Promise.all([
      fx.staff(a.t, [Role.SPECIALIST], [from]),
      fx.staff(a.t, [Role.SPECIALIST], [to]),
      fx.staff(a.t, [Role.SPECIALIST], [to]),
      fx.staff(a.t, [Role.HEAD], [from, to]),
    ]);
    for (const u of [left, member, assignee, mover]) ok(await optIn(u, 'STAFF_NEW_IN_INBOX'));
    const c = await fx.register(a.staff.OPERATOR.token, { channel: 'PHONE', departmentId: from, categoryId: a.cat, demand: 'REFUND' });
    await eventually(async () => (await outbox(c.id)).length >= 2, 10_000, 'the new-complaint mails');
    ok(
      await server.staff(
        Q.assign,
        { input: { id: c.id, expectedVersion: c.version, departmentId: to, assigneeId: assignee.id } },
        mover.token,
      ),
    );
    await eventually(() => about(member.email, c.number).length >= 1, 10_000, 'the mail about the move');
    await pause(300);
    expect(await outbox(c.id)).toEqual(
      [
        `STAFF_ASSIGNED ${assignee.email}`,
        `STAFF_NEW_IN_INBOX ${left.email}`,
        `STAFF_NEW_IN_INBOX ${member.email}`,
        `STAFF_NEW_IN_INBOX ${mover.email}`,
      ].sort(),
    );
    // The mail says it was moved, and from where; the one about the registration, that it was new.
    const [{ name }] = await server.dataSource.query('SELECT name FROM departments WHERE id = $1', [from]);
    const [moved] = about(member.email, c.number);
    expect(moved!.parsed.subject).toBe(`[${c.number}] Moved to your department from "${name}": Cracked kettle lid`);
    expect(moved!.parsed.text).toContain(`Moved to your department from "${name}": ${c.number} "Cracked kettle lid"`);
    expect(about(left.email, c.number).map((m: SunkMail) => m.parsed.subject)).toEqual([`[${c.number}] New complaint: Cracked kettle lid`]);
  });
});

describe('texts', () => {
  const LIST = '{ notificationTemplates { event audience locale subject custom } }';
  const SAVE = `mutation($input: NotificationTemplateInput!) { saveNotificationTemplate(input: $input) { event audience custom } }`;
  const PREVIEW = `query($input: NotificationTemplateInput!) { previewNotificationTemplate(input: $input) { subject body } }`;

  it("are edited as the customer's are, with placeholders of their own, and the company's text is what is sent", async () => {
    const w = await english();
    const staffTexts = ok(await server.staff(LIST, {}, w.t.adminToken)).notificationTemplates.filter(
      (t: { audience: string }) => t.audience === 'STAFF',
    );
    expect(staffTexts.map((t: { event: string; locale: string }) => `${t.event} ${t.locale}`).sort()).toEqual([
      'STAFF_ASSIGNED en',
      'STAFF_ASSIGNED ru',
      'STAFF_NEW_IN_INBOX en',
      'STAFF_NEW_IN_INBOX ru',
      'STAFF_SLA en',
      'STAFF_SLA ru',
    ]);
    const input = {
      event: 'STAFF_ASSIGNED',
      locale: 'en',
      subject: 'Yours now: {{number}}',
      body: 'Open {{complaintLink}} ({{department.name}}, {{stage}})',
    };
    expect(ok(await server.staff(PREVIEW, { input }, w.staff.QUALITY_MANAGER.token)).previewNotificationTemplate).toEqual({
      subject: 'Yours now: ACME-2026-000042',
      body: 'Open https://reclaim.example/complaints/ACME-2026-000042 (Service, Analysis)',
    });
    // A customer's link in a staff text, and the console's link in a customer's text: unknown there.
    for (const bad of [
      { ...input, body: 'Track {{trackingLink}}' },
      { event: 'REGISTERED', locale: 'en', subject: 'Hi', body: 'See {{complaintLink}}' },
    ]) {
      // The company's rows: the breaches of the tests above keep firing (and escalating) in theirs meanwhile.
      const r = await fx.expectNoWrites(() => server.staff(SAVE, { input: bad }, w.t.adminToken), { tenantId: w.t.tenantId });
      expectError(r, 'BAD_USER_INPUT');
      expect((r.errors![0]!.extensions as any).fields[0].field).toBe('body');
    }
    expect(ok(await server.staff(SAVE, { input }, w.t.adminToken)).saveNotificationTemplate).toEqual({
      event: 'STAFF_ASSIGNED',
      audience: 'STAFF',
      custom: true,
    });
    const c = await registered(w);
    await assign(w.staff.HEAD, c, w.staff.SPECIALIST.id);
    const [mail] = await eventually(
      () => about(w.staff.SPECIALIST.email, c.number).length >= 1 && about(w.staff.SPECIALIST.email, c.number),
      10_000,
      'the mail',
    );
    expect(mail!.parsed.subject).toBe(`[${c.number}] Yours now: ${c.number}`);
    expect(mail!.parsed.text?.trim()).toMatch(
      new RegExp(`^Open ${PUBLIC_URL.replace(/\./g, '\\.')}/complaints/${c.number} \\(Dept [0-9a-f]+, Registered\\)$`),
    );
  });
});

describe('companies', () => {
  it("the other company's staff, though they asked for everything, never get mail about the first one's complaints", async () => {
    const c = await registered(a);
    await assign(a.staff.HEAD, c, a.staff.SPECIALIST.id);
    await eventually(() => about(a.staff.SPECIALIST.email, c.number).length >= 1, 10_000, 'the assignment mail');
    for (const u of Object.values(b.staff)) expect(sink.to(u.email)).toEqual([]);
    const [{ n }] = await server.dataSource.query(
      `SELECT count(*)::int AS n FROM outbound_mails WHERE tenant_id = $1 AND kind LIKE 'STAFF\\_%'`,
      [b.t.tenantId],
    );
    expect(n).toBe(0);
  });
});
