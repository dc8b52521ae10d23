/**
 * The public holidays of a country (ISO 3166-1 alpha-2), from the maintained
 * date-holidays data, and for Russia the Government's transfers of days off
 * (russian-transfers.ts), which that data does not carry.
 */
import Holidays from 'date-holidays';
import { RUSSIAN_TRANSFERS } from './russian-transfers.js';

export interface PublicDay {
  /** Local date 'YYYY-MM-DD'. */
  date: string;
  name: string;
}

/** One year of a country: its days off, and the weekend days made working days. */
export interface PublicYear {
  holidays: PublicDay[];
  workingDays: PublicDay[];
}

export type Language = 'ru' | 'en';

const DAY = 86_400_000;
const TRANSFER_NAMES: Record<Language, { dayOff: string; workingDay: string }> = {
  ru: { dayOff: 'Выходной день (перенос)', workingDay: 'Рабочий день (перенос)' },
  en: { dayOff: 'Day off (transferred)', workingDay: 'Working day (transferred)' },
};

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** An ISO 3166-1 alpha-2 code of a country or territory ('RU', 'GB'). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || ['EU', 'UN', 'UK', 'EZ', 'QO', 'XA', 'XB', 'ZZ'].includes(code)) return false;
  const name = regions.of(code);
  return name !== undefined && name !== code;
}

/** The year's public holidays (days off) and transferred working days of `country`; empty for a country without data. */
export function publicYear(country: string, year: number, language: Language): PublicYear {
  const days = new Map<string, string>();
  const hd = new Holidays(country, { languages: [language], types: ['public'] });
  for (const h of hd.getHolidays(year) || []) {
    const first = h.date.slice(0, 10);
    const span = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY));
    for (let i = 0; i < span; i++) {
      const date = addDays(first, i);
      if (date.startsWith(`${year}-`) && !days.has(date)) days.set(date, h.name);
    }
  }
  const transfers = country === 'RU' ? RUSSIAN_TRANSFERS[year] : undefined;
  for (const date of transfers?.daysOff ?? []) if (!days.has(date)) days.set(date, TRANSFER_NAMES[language].dayOff);
  const workingDays = (transfers?.workingDays ?? []).map((date) => ({ date, name: TRANSFER_NAMES[language].workingDay }));
  for (const w of workingDays) days.delete(w.date);
  return { holidays: [...days].map(([date, name]) => ({ date, name })).sort(byDate), workingDays };
}

/** The public holidays and transferred working days of `country` in `years`, as a calendar keeps them (dates only). */
export function countryDays(country: string, language: Language, years: readonly number[]): { holidays: string[]; workingDays: string[] } {
  const loaded = years.map((y) => publicYear(country, y, language));
  return {
    holidays: loaded.flatMap((y) => y.holidays.map((h) => h.date)),
    workingDays: loaded.flatMap((y) => y.workingDays.map((w) => w.date)),
  };
}

const daysOffByYear = new Map<string, { holidays: ReadonlySet<string>; workingDays: ReadonlySet<string> }>();

/**
 * Whether a local date ('YYYY-MM-DD') is a day off in `country`: a public
 * holiday or a transferred day off, or a Saturday or Sunday that is not a
 * transferred working day. Each country's year is read once.
 */
export function isDayOff(country: string, date: string): boolean {
  const key = `${country}:${date.slice(0, 4)}`;
  let year = daysOffByYear.get(key);
  if (!year) {
    const { holidays, workingDays } = publicYear(country, Number(date.slice(0, 4)), 'en');
    year = { holidays: new Set(holidays.map((h) => h.date)), workingDays: new Set(workingDays.map((w) => w.date)) };
    daysOffByYear.set(key, year);
  }
  if (year.holidays.has(date)) return true;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (weekday === 0 || weekday === 6) && !year.workingDays.has(date);
}

const byDate = (a: PublicDay, b: PublicDay) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

function addDays(iso: string, n: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

let zones: Map<string, string> | null = null;

/** The country whose time zone this is, when only one country has it (date-holidays' zones). */
export function countryOfTimeZone(timeZone: string): string | null {
  if (!zones) {
    const found = new Map<string, string | null>();
    for (const country of Object.keys(new Holidays().getCountries())) {
      for (const zone of new Holidays(country).getTimezones() ?? [])
        found.set(zone, found.has(zone) && found.get(zone) !== country ? null : country);
    }
    zones = new Map([...found].filter((e): e is [string, string] => e[1] !== null));
  }
  return zones.get(timeZone) ?? null;
}

/**
 * The country of a company that did not say: that of its time zone when one
 * was given and belongs to one country, else Russia for a Russian-speaking
 * company and the United Kingdom for an English-speaking one.
 */
export function defaultCountry(locale: string, timeZone?: string | null): string {
  return (timeZone && countryOfTimeZone(timeZone)) || (locale === 'en' ? 'GB' : 'RU');
}
