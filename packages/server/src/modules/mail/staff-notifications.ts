import { Action, can } from '../../auth/permissions.js';
import type { Role } from '../../auth/roles.js';
import type { RequestContext } from '../../graphql/context.js';
import { formatExpectedBy } from '../template/template.service.js';
import type { PlaceholderValues } from '../template/placeholders.js';
import { MailKind, queueMail, queueMailOnce } from './mail.outbox.js';
import {
  ARRIVAL_PHRASES,
  DEFAULT_NOTIFICATION_TEXTS,
  NO_DEPARTMENT,
  NotificationEvent,
  SLA_STATE_PHRASES,
  STAFF_STAGE_LABELS,
  type NotificationLocale,
  type NotificationText,
  type StaffEvent,
} from './notification-texts.js';
import { STAFF_NOTIFICATION_KNOWN, formatTemplateDateTime, renderNotification } from './notifications.js';
import { defaultEnabled } from './staff-notification-settings.js';

/** What a deadline that fired says: which clock, at which stage, how it stands, when it is due. */
export interface SlaFiring {
  clock: string;
  stage: string;
  state: 'AT_RISK' | 'BREACHED';
  dueAt: Date;
  /** The department whose deadline it is (an escalation may move the complaint later in the same pass). */
  departmentId: string | null;
  assigneeId: string | null;
}

interface Facts {
  number: string;
  subject: string;
  customer_name: string;
  stage: string;
  legal_due_at: Date | null;
  sla_due_at: Date | null;
  locale: string;
  time_zone: string;
  company: string;
  department: string | null;
  agent: string | null;
  custom: NotificationText | null;
  /** The department a complaint new in an inbox was moved from; null when it is new there. */
  moved_from: string | null;
}

interface Candidate {
  id: string;
  email: string;
  roles: Role[];
  enabled: boolean | null;
}

/**
 * Who may be told of `event` about a complaint (docs/email.md#staff-notifications):
 * - STAFF_ASSIGNED: the new assignee;
 * - STAFF_SLA: the HEADs and QUALITY_MANAGERs among the members of the
 *   complaint's department, and its assignee;
 * - STAFF_NEW_IN_INBOX: the members of its department; without one, every
 *   OPERATOR (as the console's bell, docs/realtime.md).
 * Read inside the company's transaction, so row-level security leaves no
 * other company's user among them.
 */
async function candidates(ctx: RequestContext, event: StaffEvent, complaintId: string, sla: SlaFiring | undefined): Promise<Candidate[]> {
  const [ids, params] =
    event === NotificationEvent.STAFF_ASSIGNED
      ? ['SELECT c.assignee_id FROM complaints c WHERE c.id = $2', [complaintId]]
      : event === NotificationEvent.STAFF_SLA
        ? [
            `SELECT ud.user_id FROM user_departments ud JOIN users m ON m.id = ud.user_id
           WHERE ud.department_id = $2::uuid AND m.roles && ARRAY['HEAD', 'QUALITY_MANAGER']
          UNION SELECT $3::uuid`,
            [sla?.departmentId ?? null, sla?.assigneeId ?? null],
          ]
        : [
            `SELECT ud.user_id FROM complaints c JOIN user_departments ud ON ud.department_id = c.department_id WHERE c.id = $2
          UNION SELECT m.id FROM complaints c JOIN users m ON 'OPERATOR' = ANY (m.roles) WHERE c.id = $2 AND c.department_id IS NULL`,
            [complaintId],
          ];
  return ctx.query<Candidate>(
    `SELECT u.id, u.email, u.roles, s.enabled FROM users u
       LEFT JOIN staff_notification_settings s ON s.user_id = u.id AND s.event = $1
      WHERE u.active AND u.id IN (${ids}) ORDER BY u.id`,
    [event, ...params],
  );
}

/**
 * Mails the staff members whom `event` concerns about a complaint, in the
 * caller's transaction (sent once it commits, never for a rolled-back
 * change): each active recipient who may read complaints and has the
 * event on (their own choice, else their roles' default), never the one who
 * made the change. In the company's language, from its text for the event
 * or the built-in one, with the complaint's link in the console. An SLA
 * warning or breach is written once per recipient, complaint, clock, stage
 * and state, however often it is seen. Nothing where the context writes no
 * mail (no MailLinks: seeding, the demo data's replay). `except`: users
 * told already by a more personal mail about the same change. Returns how
 * many mails it wrote.
 */
export async function notifyStaff(
  ctx: RequestContext,
  complaintId: string,
  event: StaffEvent,
  { sla, except = [], movedFrom = null }: { sla?: SlaFiring; except?: readonly string[]; movedFrom?: string | null } = {},
): Promise<number> {
  const publicUrl = ctx.mailLinks?.publicUrl;
  if (!publicUrl) return 0;
  const actorId = ctx.actor && !ctx.actor.integration ? ctx.actor.userId : null;
  // Whom first: most changes concern nobody who wants mail, and then this is the only statement.
  const recipients = (await candidates(ctx, event, complaintId, sla)).filter(
    (u) => u.id !== actorId && !except.includes(u.id) && can(u, Action.READ_COMPLAINTS) && (u.enabled ?? defaultEnabled(event, u.roles)),
  );
  if (!recipients.length) return 0;
  const [f] = await ctx.query<Facts>(
    `
    SELECT c.number, c.subject, c.customer_name, c.stage, c.legal_due_at, c.sla_due_at,
           t.locale, t.time_zone, t.name AS company,
           (SELECT d.name FROM departments d WHERE d.id = CASE WHEN $5 THEN $4::uuid ELSE c.department_id END) AS department,
           (SELECT u.name FROM users u WHERE u.id = $3) AS agent,
           (SELECT d.name FROM departments d WHERE d.id = $6::uuid) AS moved_from,
           (SELECT jsonb_build_object('subject', n.subject, 'body', n.body) FROM notification_templates n
             WHERE n.event = $2 AND n.locale = t.locale) AS custom
      FROM complaints c JOIN tenants t ON t.id = c.tenant_id
     WHERE c.id = $1`,
    [complaintId, event, actorId, sla?.departmentId ?? null, !!sla, movedFrom],
  );
  if (!f) return 0;

  const locale: NotificationLocale = f.locale === 'en' ? 'en' : 'ru';
  const values: PlaceholderValues = {
    number: f.number,
    subject: f.subject,
    'customer.name': f.customer_name,
    stage: STAFF_STAGE_LABELS[locale][sla?.stage ?? f.stage] ?? f.stage,
    expectedBy: formatExpectedBy(f.legal_due_at, f.sla_due_at, locale, f.time_zone),
    'agent.name': f.agent ?? '',
    'company.name': f.company,
    'department.name': f.department ?? NO_DEPARTMENT[locale],
    complaintLink: new URL(`/complaints/${encodeURIComponent(f.number)}`, publicUrl).toString(),
    slaState: sla ? SLA_STATE_PHRASES[locale][sla.state] : '',
    dueAt: sla ? formatTemplateDateTime(sla.dueAt, locale, f.time_zone) : '',
    arrival: f.moved_from !== null ? ARRIVAL_PHRASES[locale].moved.replace('{from}', f.moved_from) : ARRIVAL_PHRASES[locale].new,
  };
  const mail = renderNotification(f.custom ?? DEFAULT_NOTIFICATION_TEXTS[event][locale], values, STAFF_NOTIFICATION_KNOWN);
  const kind = MailKind[event];
  let written = 0;
  for (const u of recipients) {
    const out = { kind, to: u.email, subject: mail.subject, text: mail.body, complaintId };
    if (!sla) {
      await queueMail(ctx, out);
      written++;
    } else if (await queueMailOnce(ctx, out, `${event}:${complaintId}:${sla.clock}:${sla.stage}:${sla.state}:${u.id}`)) {
      written++;
    }
  }
  return written;
}

/**
 * A change of assignee: the new assignee is told, unless they took it
 * themselves or already had it.
 */
export async function notifyAssigned(
  ctx: RequestContext,
  complaintId: string,
  assigneeId: string | null,
  previousAssigneeId: string | null,
): Promise<number> {
  if (!assigneeId || assigneeId === previousAssigneeId || assigneeId === ctx.actor?.userId) return 0;
  return notifyStaff(ctx, complaintId, NotificationEvent.STAFF_ASSIGNED);
}

/**
 * A new complaint, from any channel: its assignee, if it was registered with
 * one, is told it is theirs; the others whose inbox it lands in, that it is there.
 */
export function notifyNewComplaint(ctx: RequestContext, complaintId: string, assigneeId: string | null): Promise<void> {
  return notifyInInbox(ctx, complaintId, assigneeId, null, null);
}

/**
 * The assignee, if the change gave it one, is told it is theirs; the others whose inbox it is now in, that it is there
 * (new, or moved from `movedFrom`, the department it left).
 */
async function notifyInInbox(
  ctx: RequestContext,
  complaintId: string,
  assigneeId: string | null,
  previousAssigneeId: string | null,
  movedFrom: string | null,
): Promise<void> {
  const told = await notifyAssigned(ctx, complaintId, assigneeId, previousAssigneeId);
  await notifyStaff(ctx, complaintId, NotificationEvent.STAFF_NEW_IN_INBOX, { except: told && assigneeId ? [assigneeId] : [], movedFrom });
}

/** Where a change left a complaint, and where it was. */
export interface Reassignment {
  assigneeId: string | null;
  previousAssigneeId: string | null;
  departmentId: string | null;
  previousDepartmentId: string | null;
}

/**
 * A change of assignee or department (assignComplaint, a transition, an SLA
 * escalation): the new assignee is told it is theirs (notifyAssigned); when
 * it moved into another department, that department's members are told it
 * is in their inbox ("moved to your department" when it left another one).
 */
export async function notifyReassigned(ctx: RequestContext, complaintId: string, r: Reassignment): Promise<void> {
  const moved = r.departmentId && r.departmentId !== r.previousDepartmentId;
  if (moved) await notifyInInbox(ctx, complaintId, r.assigneeId, r.previousAssigneeId, r.previousDepartmentId);
  else await notifyAssigned(ctx, complaintId, r.assigneeId, r.previousAssigneeId);
}
