import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Role } from '../src/auth/roles.js';
import { localDate } from '../src/modules/sla/business-time.js';
import { startTestServer, ok, type TestServer } from './harness.js';
import { Fixtures, expectError, type World } from './fixtures.js';

const CALENDARS = '{ businessCalendars { id name holidays workingDays } }';
const PRESETS = '{ legalPresets { demand days } }';
const LOAD = 'mutation($id: ID!, $year: Int!) { loadPublicHolidays(id: $id, year: $year) { id holidays workingDays } }';

let server: TestServer;
let fx: Fixtures;
let ru: World;
let gb: World;

const slug = () => `c-${randomBytes(4).toString('hex')}`;
const admin = (w: World, query: string, variables: Record<string, unknown> = {}) => server.staff(query, variables, w.t.adminToken);
const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000)
    out.push(new Date(d).toISOString().slice(0, 10));
  return out;
};

beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
  [ru, gb] = await Promise.all([
    fx.world(await fx.tenant(slug(), 'Acme', undefined, { locale: 'ru', country: 'RU' })),
    fx.world(await fx.tenant(slug(), 'Northwind', undefined, { locale: 'en', timeZone: 'Europe/London', country: 'GB' })),
  ]);
});
afterAll(() => server?.close());

describe("the legal clock follows the company's country", () => {
  it("a British company's repair has no legal deadline; a Russian company's has the 45 days of Russian law", async () => {
    const gbRepair = await fx.register(gb.staff.OPERATOR.token, {
      channel: 'PHONE',
      departmentId: gb.dept,
      categoryId: gb.cat,
      demand: 'REPAIR',
    });
    const ruRepair = await fx.register(ru.staff.OPERATOR.token, {
      channel: 'PHONE',
      departmentId: ru.dept,
      categoryId: ru.cat,
      demand: 'REPAIR',
    });
    const legal = `query($id: ID) { complaint(id: $id) { legalDueAt slaClocks { target } } }`;
    const gbView = ok(await server.staff(legal, { id: gbRepair.id }, gb.staff.HEAD.token)).complaint;
    const ruView = ok(await server.staff(legal, { id: ruRepair.id }, ru.staff.HEAD.token)).complaint;
    expect(gbView.legalDueAt).toBeNull();
    expect(gbView.slaClocks.map((c: { target: string }) => c.target)).not.toContain('LEGAL');
    expect(ruView.legalDueAt).not.toBeNull();
    expect(ruView.slaClocks.map((c: { target: string }) => c.target)).toContain('LEGAL');
    const presets = ok(await admin(gb, PRESETS)).legalPresets;
    expect(presets.filter((p: { days: number | null }) => p.days !== null)).toEqual([]);
  });

  it('a British company that sets a legal deadline gets it, and resetting goes back to none', async () => {
    ok(await admin(gb, 'mutation { setLegalPreset(input: { demand: REFUND, days: 14, penaltyPercentPerDay: 0 }) { days } }'));
    const c = await fx.register(gb.staff.OPERATOR.token, { channel: 'PHONE', departmentId: gb.dept, categoryId: gb.cat, demand: 'REFUND' });
    const legalDueAt = async () =>
      ok(await server.staff('query($id: ID) { complaint(id: $id) { legalDueAt } }', { id: c.id }, gb.staff.HEAD.token)).complaint
        .legalDueAt;
    expect(await legalDueAt()).not.toBeNull();
    const reset = ok(await admin(gb, 'mutation { resetLegalPresets { demand days } }')).resetLegalPresets;
    expect(reset.filter((p: { days: number | null }) => p.days !== null)).toEqual([]);
    expect(await legalDueAt()).toBeNull();
  });
});

describe('the country at sign-up and in the settings', () => {
  it('takes the country given, else that of the time zone, else that of the language', async () => {
    const countryOf = async (extra: Record<string, unknown>) => {
      const t = await fx.tenant(slug(), 'Co', undefined, extra);
      return ok(await server.staff('{ tenant { country } }', {}, t.adminToken)).tenant.country;
    };
    expect(await countryOf({ locale: 'en', country: 'ie' })).toBe('IE');
    expect(await countryOf({ locale: 'en', timeZone: 'America/New_York' })).toBe('US');
    expect(await countryOf({ locale: 'en' })).toBe('GB');
    expect(await countryOf({})).toBe('RU');
  });

  it('refuses an unknown country, creating no company', async () => {
    const before = await fx.counts();
    const result = await server.staff(`mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }`, {
      input: { slug: slug(), name: 'X', adminEmail: 'a@x.test', adminPassword: 'correct horse battery', adminName: 'A', country: 'XX' },
    });
    expectError(result, 'BAD_USER_INPUT');
    expect((await fx.counts()).tenants).toBe(before.tenants);
  });

  it('lets the admin change it, and no one else', async () => {
    const t = await fx.tenant(slug(), 'Mover', undefined, { locale: 'en', country: 'GB' });
    const update = 'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { country } }';
    expect(ok(await server.staff(update, { input: { country: 'de' } }, t.adminToken)).updateTenant.country).toBe('DE');
    expectError(await server.staff(update, { input: { country: 'Germany' } }, t.adminToken), 'BAD_USER_INPUT');
    expectError(await server.staff(update, { input: { country: 'GB' } }, gb.staff.OPERATOR.token), 'FORBIDDEN');
  });
});

describe('public holidays in business calendars', () => {
  const year = localDate('Europe/Moscow', Date.now())[0];

  it("a new Russian company's calendar has 1 to 8 January of next year as holidays", async () => {
    const [calendar] = ok(await admin(ru, CALENDARS)).businessCalendars;
    expect(calendar.holidays).toEqual(expect.arrayContaining(days(`${year + 1}-01-01`, `${year + 1}-01-08`)));
    expect(calendar.holidays).toEqual(expect.arrayContaining([`${year}-06-12`, `${year + 1}-11-04`]));
    expect(calendar.holidays).not.toContain(`${year}-12-25`);
  });

  it("a new British company's has Christmas and Boxing Day (and their substitutes), not the Russian dates", async () => {
    const [calendar] = ok(await admin(gb, CALENDARS)).businessCalendars;
    expect(calendar.holidays).toEqual(expect.arrayContaining([`${year}-12-25`, `${year}-12-26`, `${year + 1}-01-01`, `${year + 1}-12-25`]));
    // A weekend Boxing Day moves to the Monday: 26 December 2026 is a Saturday.
    const loaded = ok(await admin(gb, LOAD, { id: calendar.id, year: 2026 })).loadPublicHolidays;
    expect(loaded.holidays).toEqual(expect.arrayContaining(['2026-12-25', '2026-12-28']));
    for (const d of days(`${year + 1}-01-02`, `${year + 1}-01-08`)) expect(calendar.holidays).not.toContain(d);
    expect(calendar.workingDays).toEqual([]);
  });

  it("a calendar created without holidays gets the country's; one created with its own keeps them", async () => {
    const create = 'mutation($input: BusinessCalendarInput!) { createBusinessCalendar(input: $input) { holidays workingDays } }';
    const periods = [{ weekday: 1, start: '09:00', end: '17:00' }];
    const preloaded = ok(
      await admin(gb, create, { input: { name: 'Support', timeZone: 'Europe/London', periods } }),
    ).createBusinessCalendar;
    expect(preloaded.holidays).toContain(`${year}-12-25`);
    const own = ok(
      await admin(gb, create, { input: { name: 'Warehouse', timeZone: 'Europe/London', periods, holidays: ['2030-01-02'] } }),
    ).createBusinessCalendar;
    expect(own).toEqual({ holidays: ['2030-01-02'], workingDays: [] });
  });

  it("loads a year's public holidays and transferred working days into a calendar, keeping its own dates", async () => {
    const [calendar] = ok(await admin(ru, CALENDARS)).businessCalendars;
    ok(
      await admin(ru, 'mutation($id: ID!, $input: BusinessCalendarInput!) { updateBusinessCalendar(id: $id, input: $input) { id } }', {
        id: calendar.id,
        input: {
          name: calendar.name,
          timeZone: 'Europe/Moscow',
          periods: [{ weekday: 1, start: '09:00', end: '18:00' }],
          holidays: ['2025-11-01', '2025-12-30'],
        },
      }),
    );
    const loaded = ok(await admin(ru, LOAD, { id: calendar.id, year: 2025 })).loadPublicHolidays;
    expect(loaded.holidays).toEqual(
      expect.arrayContaining(['2025-01-08', '2025-05-08', '2025-06-13', '2025-11-03', '2025-12-30', '2025-12-31']),
    );
    expect(loaded.holidays).not.toContain('2025-11-01');
    expect(loaded.workingDays).toEqual(['2025-11-01']);
    expectError(await admin(ru, LOAD, { id: calendar.id, year: 1800 }), 'BAD_USER_INPUT');
    expectError(await server.staff(LOAD, { id: calendar.id, year: 2025 }, ru.staff[Role.QUALITY_MANAGER].token), 'FORBIDDEN');
    expectError(await admin(gb, LOAD, { id: calendar.id, year: 2025 }), 'NOT_FOUND');
  });
});
