import { Role } from '../../auth/roles.js';
import type { RequestContext } from '../../graphql/context.js';
import { badInput } from '../../graphql/errors.js';
import { NotificationEvent, STAFF_EVENTS, isStaffEvent, type StaffEvent } from './notification-texts.js';
import { StaffNotificationSetting, StaffNotificationSettingRow } from './staff-notification-setting.entity.js';
import type { StaffNotificationSettingsInput } from './dto/staff-notification-settings.input.js';

/**
 * What a staff member gets without a choice of their own: every assignment
 * to them; deadlines at risk or breached with HEAD, QUALITY_MANAGER or
 * SPECIALIST (a specialist hears of it as the complaint's assignee); new
 * complaints in the inbox: nobody (the console's bell tells of them).
 */
export function defaultEnabled(event: StaffEvent, roles: readonly Role[]): boolean {
  switch (event) {
    case NotificationEvent.STAFF_ASSIGNED:
      return true;
    case NotificationEvent.STAFF_SLA:
      return roles.some((r) => r === Role.HEAD || r === Role.QUALITY_MANAGER || r === Role.SPECIALIST);
    case NotificationEvent.STAFF_NEW_IN_INBOX:
      return false;
  }
}

/** The signed-in staff member's setting for each staff event: their own choice, else their roles' default. */
export async function myNotificationSettings(ctx: RequestContext): Promise<StaffNotificationSetting[]> {
  const { userId, roles } = ctx.staff;
  const rows = await ctx.manager.findBy(StaffNotificationSettingRow, { userId });
  return STAFF_EVENTS.map((event) => {
    const row = rows.find((r) => r.event === event);
    const byRole = defaultEnabled(event, roles);
    return { event, enabled: row ? row.enabled : byRole, defaultEnabled: byRole, custom: !!row };
  });
}

/**
 * Changes the signed-in staff member's own settings (nobody else's); a
 * choice equal to the roles' default is stored all the same, so that it
 * stays when the roles change. An event that is not a staff event is
 * BAD_USER_INPUT naming it, and nothing changes.
 */
export async function setMyNotificationSettings(
  ctx: RequestContext,
  input: StaffNotificationSettingsInput,
): Promise<StaffNotificationSetting[]> {
  const wrong = input.settings.map((s, i) => ({ s, i })).filter(({ s }) => !isStaffEvent(s.event));
  if (wrong.length) {
    throw badInput(`only the staff events (${STAFF_EVENTS.join(', ')}) can be chosen`, {
      fields: wrong.map(({ i }) => ({
        field: `settings.${i}.event`,
        messages: [`one of ${STAFF_EVENTS.join(', ')}`],
        constraints: ['isIn'],
      })),
    });
  }
  const events = input.settings.map((s) => s.event);
  if (new Set(events).size !== events.length) {
    throw badInput('each event can be given once', {
      fields: [{ field: 'settings', messages: ['each event once'], constraints: ['isIn'] }],
    });
  }
  const updatedAt = new Date();
  await ctx.manager.upsert(
    StaffNotificationSettingRow,
    input.settings.map((s) => ({
      tenantId: ctx.tenantId,
      userId: ctx.staff.userId,
      event: s.event as StaffEvent,
      enabled: s.enabled,
      updatedAt,
    })),
    ['tenantId', 'userId', 'event'],
  );
  return myNotificationSettings(ctx);
}
