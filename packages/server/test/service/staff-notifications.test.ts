import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles.js';
import { assignComplaint, registerComplaint } from '../../src/modules/complaint/complaint.service.js';
import { MailLinks } from '../../src/modules/mail/mail-links.js';
import { NotificationEvent } from '../../src/modules/mail/notification-texts.js';
import { myNotificationSettings, setMyNotificationSettings } from '../../src/modules/mail/staff-notification-settings.js';
import { DEFAULT_SCHEDULER, SlaScheduler } from '../../src/modules/sla/sla.scheduler.js';
import { complaintInput, expectError } from '../fixtures.js';
import { eventually } from '../webhook-receiver.js';
import { startServiceTier, type Member, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * Who is mailed about what (docs/email.md#staff-notifications), read from
 * the outbox the changes write to: assignments, deadlines and new
 * complaints, each as the recipients' settings and roles say.
 */
let tier: ServiceTier;
let w: ServiceWorld;
/** A quality manager and a second head of w.dept, an operator and a specialist of the other department. */
let qm: Member;
let head2: Member;
let otherSpecialist: Member;
beforeAll(async () => {
  tier = await startServiceTier();
  w = await tier.build.world();
  [qm, head2, otherSpecialist] = await Promise.all([
    tier.build.newUser(w.t.tenantId, w.t.slug, [Role.QUALITY_MANAGER], [w.dept]),
    tier.build.newUser(w.t.tenantId, w.t.slug, [Role.HEAD], [w.dept]),
    tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.otherDept]),
  ]);
});
/** The SLA schedulers the tests started, stopped before the database goes. */
const running: SlaScheduler[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await tier?.close();
});

interface Sent {
  kind: string;
  to: string;
  subject: string;
  body: string;
}
/** The staff mails written about a complaint, by recipient. */
const staffMails = (complaintId: string, tenantId = w.t.tenantId): Promise<Sent[]> =>
  tier.build.inTenant(tenantId, (m) =>
    m.query(
      `SELECT kind, to_address AS "to", subject, body_text AS body FROM outbound_mails
    WHERE complaint_id = $1 AND kind LIKE 'STAFF\\_%' ORDER BY to_address, created_at`,
      [complaintId],
    ),
  );
const to = (mails: Sent[], kind: string) =>
  mails
    .filter((m) => m.kind === kind)
    .map((m) => m.to)
    .sort();

/** Registered by `by` on the phone into `departmentId` (or received without one over the API). */
const register = (by: Member, overrides: Record<string, unknown> = {}) =>
  tier.as(by, 'registerComplaint', (ctx) =>
    registerComplaint(
      ctx,
      complaintInput({ channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REFUND', ...overrides }) as never,
    ),
  );
const assign = (by: Member, c: { id: string; version: number }, assigneeId: string) =>
  tier.as(by, 'assignComplaint', (ctx) => assignComplaint(ctx, { id: c.id, expectedVersion: c.version, assigneeId }));
const setting = (user: Member, event: NotificationEvent, enabled: boolean) =>
  tier.as(user, 'setMyNotificationSettings', (ctx) => setMyNotificationSettings(ctx, { settings: [{ event, enabled }] }));

describe('assignment', () => {
  it("mails the assignee once, in the company's language, with the number and the console link; not the one who assigned", async () => {
    const c = await register(w.staff.OPERATOR);
    await assign(w.staff.HEAD, c, w.staff.SPECIALIST.id);
    const mails = (await staffMails(c.id)).filter((m) => m.kind === 'STAFF_ASSIGNED');
    expect(mails.map((m) => m.to)).toEqual([w.staff.SPECIALIST.email]);
    expect(mails[0]!.subject).toBe(`[${c.number}] Вам назначено обращение: Cracked kettle lid`);
    expect(mails[0]!.body).toContain(`http://localhost:4000/complaints/${c.number}`);
    expect(mails[0]!.body).toContain('Staff HEAD назначает вам обращение');
  });

  it('a specialist who takes a complaint themselves is not mailed', async () => {
    const c = await register(w.staff.OPERATOR);
    await assign(w.staff.SPECIALIST, c, w.staff.SPECIALIST.id);
    expect(to(await staffMails(c.id), 'STAFF_ASSIGNED')).toEqual([]);
  });

  it('with the setting off, nothing; turned on again, the next assignment is mailed', async () => {
    const user = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.dept]);
    await setting(user, NotificationEvent.STAFF_ASSIGNED, false);
    const c = await register(w.staff.OPERATOR);
    const assigned = await assign(w.staff.HEAD, c, user.id);
    expect(to(await staffMails(c.id), 'STAFF_ASSIGNED')).toEqual([]);
    await setting(user, NotificationEvent.STAFF_ASSIGNED, true);
    await assign(w.staff.HEAD, await assign(w.staff.HEAD, assigned, head2.id), user.id);
    expect(to(await staffMails(c.id), 'STAFF_ASSIGNED')).toEqual([head2.email, user.email].sort());
  });

  it('a change that is rolled back writes no mail', async () => {
    const c = await register(w.staff.OPERATOR);
    await expect(
      tier.as(w.staff.HEAD, 'assignComplaint', async (ctx) => {
        await assignComplaint(ctx, { id: c.id, expectedVersion: c.version, assigneeId: w.staff.SPECIALIST.id });
        throw new Error('a later step of the same change failed');
      }),
    ).rejects.toThrow('a later step');
    expect(await staffMails(c.id)).toEqual([]);
  });

  it('a deactivated user gets nothing', async () => {
    const user = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.dept]);
    const c = await register(w.staff.OPERATOR);
    await tier.build.inTenant(w.t.tenantId, (m) => m.query('UPDATE users SET active = false WHERE id = $1', [user.id]));
    // Assigned before the deactivation is noticed by whoever assigns (the assignee check reads the user as active).
    await tier.build.inTenant(w.t.tenantId, (m) => m.query('UPDATE complaints SET assignee_id = $2 WHERE id = $1', [c.id, user.id]));
    await fireBreach(c.id);
    expect((await staffMails(c.id)).map((m) => m.to)).not.toContain(user.email);
  });
});

describe('settings', () => {
  it('default by role: assigned for everyone, deadlines for heads, quality managers and specialists, new complaints for nobody', async () => {
    const of = async (u: Member) =>
      Object.fromEntries((await tier.as(u, 'myNotificationSettings', myNotificationSettings)).map((s) => [s.event, s.enabled]));
    expect(await of(w.staff.OPERATOR)).toEqual({ STAFF_ASSIGNED: true, STAFF_SLA: false, STAFF_NEW_IN_INBOX: false });
    expect(await of(qm)).toEqual({ STAFF_ASSIGNED: true, STAFF_SLA: true, STAFF_NEW_IN_INBOX: false });
    expect(await of(w.staff.SPECIALIST)).toEqual({ STAFF_ASSIGNED: true, STAFF_SLA: true, STAFF_NEW_IN_INBOX: false });
  });

  it("each user's own: a choice is theirs alone, and a customer event is refused without a change", async () => {
    const user = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.OPERATOR]);
    const after = await setting(user, NotificationEvent.STAFF_NEW_IN_INBOX, true);
    expect(after.find((s) => s.event === NotificationEvent.STAFF_NEW_IN_INBOX)).toEqual({
      event: 'STAFF_NEW_IN_INBOX',
      enabled: true,
      defaultEnabled: false,
      custom: true,
    });
    const other = await tier.as(w.staff.OPERATOR, 'myNotificationSettings', myNotificationSettings);
    expect(other.find((s) => s.event === NotificationEvent.STAFF_NEW_IN_INBOX)!.enabled).toBe(false);
    const refused = await tier.expectNoWrites(() =>
      tier.attempt(user, 'setMyNotificationSettings', (ctx) =>
        setMyNotificationSettings(ctx, { settings: [{ event: NotificationEvent.REGISTERED, enabled: true }] }),
      ),
    );
    expectError(refused, 'BAD_USER_INPUT');
  });
});

/** Makes the STAGE clock of a complaint due a minute ago (warned already), so the next pass breaches it. */
async function makeDue(complaintId: string) {
  await tier.build.inTenant(w.t.tenantId, (m) =>
    m.query(
      `UPDATE sla_deadlines SET warn_at = now() - interval '2 minutes', warned_at = now() - interval '2 minutes',
            due_at = now() - interval '1 minute', breached_at = NULL WHERE complaint_id = $1 AND clock = 'STAGE'`,
      [complaintId],
    ),
  );
}
const links = new MailLinks('a service-tier secret of at least 32 characters', 'http://localhost:4000');
/** A node's scheduler, started (it looks at the database on its own too), over the same database as every other node's. */
function node(): SlaScheduler {
  const scheduler = new SlaScheduler(tier.dataSource, undefined, { ...DEFAULT_SCHEDULER, pollMs: 50 }, links);
  scheduler.start();
  running.push(scheduler);
  return scheduler;
}
/**
 * Breaches the STAGE clock of a complaint now. Another test's schedulers still poll, and may claim the clock
 * first: the breach (and its mails, written in the same transaction) is awaited, whichever node commits it.
 */
async function fireBreach(complaintId: string) {
  await makeDue(complaintId);
  await node().fireAll();
  await eventually(
    async () =>
      (
        await tier.build.inTenant(w.t.tenantId, (m) =>
          m.query(`SELECT 1 FROM timeline_events WHERE complaint_id = $1 AND type = 'SLA_BREACHED' AND data->>'clock' = 'STAGE'`, [
            complaintId,
          ]),
        )
      ).length > 0,
    5000,
    'the breach',
  );
}

describe('deadlines', () => {
  it("a breach mails the department's heads, its quality managers and the assignee once, across passes and two nodes", async () => {
    const c = await register(w.staff.OPERATOR, { assigneeId: w.staff.SPECIALIST.id });
    await makeDue(c.id);
    const [one, two] = [node(), node()];
    await Promise.all([one.fireAll(), two.fireAll(), one.fireAll(), two.fireAll()]);
    // The clock seen due again (a recomputation cleared its mark): the same breach is not mailed twice.
    await makeDue(c.id);
    await Promise.all([one.fireAll(), two.fireAll()]);
    await one.fireAll();
    const breached = (await staffMails(c.id)).filter((m) => m.kind === 'STAFF_SLA');
    expect(breached.map((m) => m.to).sort()).toEqual([w.staff.HEAD.email, head2.email, qm.email, w.staff.SPECIALIST.email].sort());
    expect(breached[0]!.subject).toBe(`[${c.number}] Срок нарушен: Cracked kettle lid`);
    expect(breached[0]!.body).toContain(`/complaints/${c.number}`);
    // Nobody of another department, no operator, no admin.
    for (const u of [otherSpecialist, w.staff.OPERATOR, w.staff.ADMIN]) expect(breached.map((m) => m.to)).not.toContain(u.email);
  });

  it('a head who turned deadlines off is not mailed; an operator who turned them on is not a recipient', async () => {
    const head = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.HEAD], [w.dept]);
    const operator = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.OPERATOR], [w.dept]);
    await setting(head, NotificationEvent.STAFF_SLA, false);
    await setting(operator, NotificationEvent.STAFF_SLA, true);
    const c = await register(w.staff.OPERATOR);
    await fireBreach(c.id);
    const sent = to(await staffMails(c.id), 'STAFF_SLA');
    expect(sent).toContain(w.staff.HEAD.email);
    expect(sent).not.toContain(head.email);
    expect(sent).not.toContain(operator.email);
  });
});

describe('new complaints', () => {
  it('mail the members of its department who opted in, never the one who registered it', async () => {
    const member = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.dept]);
    const registrar = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.OPERATOR], [w.dept]);
    const outsider = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.otherDept]);
    for (const u of [member, registrar, outsider]) await setting(u, NotificationEvent.STAFF_NEW_IN_INBOX, true);
    const c = await register(registrar);
    expect(to(await staffMails(c.id), 'STAFF_NEW_IN_INBOX')).toEqual([member.email]);
  });

  it('registered with an assignee: they are told it is theirs, once, not also that it is new', async () => {
    const member = await tier.build.newUser(w.t.tenantId, w.t.slug, [Role.SPECIALIST], [w.dept]);
    await setting(member, NotificationEvent.STAFF_NEW_IN_INBOX, true);
    const c = await register(w.staff.HEAD, { assigneeId: member.id });
    expect((await staffMails(c.id)).filter((m) => m.to === member.email).map((m) => m.kind)).toEqual(['STAFF_ASSIGNED']);
  });
});
