/** Durations as staff read them on a card: 2d 4h, 3h 05m, 12:07. */
export function formatDuration(ms: number, locale: string): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const [d, h, m] = locale === 'ru' ? ['д', 'ч', 'м'] : ['d', 'h', 'm'];
  if (days > 0) return `${days}${d} ${hours}${h}`;
  if (hours > 0) return `${hours}${h} ${String(minutes).padStart(2, '0')}${m}`;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

const unitFormats = new Map<string, Intl.NumberFormat>();
function unit(locale: string, name: 'second' | 'minute' | 'hour'): Intl.NumberFormat {
  const key = `${locale}/${name}`;
  let f = unitFormats.get(key);
  if (!f) unitFormats.set(key, (f = new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 1 })));
  return f;
}

/** A working-time target in the user's language: "30 с", "45 мин", "1,5 ч"; "30 sec", "45 min", "1.5 hr". */
export function formatSpan(seconds: number, locale: string): string {
  if (seconds < 60) return unit(locale, 'second').format(seconds);
  if (seconds < 3600) return unit(locale, 'minute').format(Math.round(seconds / 60));
  return unit(locale, 'hour').format(Math.round((seconds / 3600) * 10) / 10);
}

/** Hours of working time in the user's language ("63 ч", "2.5 hr"); a dash for none. */
export function formatHours(seconds: number | null, locale: string): string {
  return seconds === null ? '—' : unit(locale, 'hour').format(Math.round((seconds / 3600) * 10) / 10);
}

/**
 * The locale dates are written in, from the reader's language: "1 дек. 2026 г."
 * in Russian, British English ("1 Dec 2026", 24-hour clock) in English, as the
 * server writes them in response templates and the portal shows them. Never the
 * browser's default (a US browser would say "Dec 1, 2026, 8:59 PM").
 */
export function dateLocale(language: string): string {
  return language === 'en' ? 'en-GB' : 'ru-RU';
}

const STYLES = {
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  date: { dateStyle: 'medium' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per style, locale and zone, kept: a board's countdowns ask every second. */
function dateTimeFormat(style: keyof typeof STYLES, locale: string, timeZone?: string): Intl.DateTimeFormat {
  const key = `${style}|${locale}|${timeZone ?? ''}`;
  let format = dateTimeFormats.get(key);
  if (!format) dateTimeFormats.set(key, (format = new Intl.DateTimeFormat(locale, { ...STYLES[style], ...(timeZone && { timeZone }) })));
  return format;
}

/** An instant in `timeZone` (the company's), as `locale` (from `dateLocale`) writes it. */
export function formatDateTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '—';
  return dateTimeFormat('dateTime', locale, timeZone).format(new Date(iso));
}

/** An instant's day in `timeZone` (the company's), as `locale` writes it. */
export function formatDay(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '—';
  return dateTimeFormat('date', locale, timeZone).format(new Date(iso));
}

/** A calendar date (YYYY-MM-DD, no time zone), as `locale` writes it. */
export function formatDate(isoDate: string | null | undefined, locale: string): string {
  if (!isoDate) return '—';
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  return dateTimeFormat('date', locale, 'UTC').format(new Date(Date.UTC(y!, m! - 1, d!)));
}

/**
 * The pattern (date-fns tokens, as naive-ui's date pickers take them) of a
 * numeric date in `locale`: "dd.MM.yyyy" in Russian, "dd/MM/yyyy" in
 * British English, "MM/dd/yyyy" in US English.
 */
export function datePattern(locale: string): string {
  const token = { day: 'dd', month: 'MM', year: 'yyyy' } as Record<string, string>;
  return new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' })
    .formatToParts(new Date(Date.UTC(2026, 11, 20)))
    .map((part) => token[part.type] ?? (/[a-z]/i.test(part.value) ? `'${part.value.replace(/'/g, "''")}'` : part.value))
    .join('');
}

export function formatMoney(amount: number | null | undefined, locale: string): string {
  if (amount === null || amount === undefined) return '—';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
}

/** The pattern as a person reads it in an empty field, with the letters of `letters` (day, month, year): "дд.мм.гггг". */
export function datePlaceholder(locale: string, letters: string): string {
  const [d, m, y] = [...letters];
  return datePattern(locale).replace(/d+/, d!.repeat(2)).replace(/M+/, m!.repeat(2)).replace(/y+/, y!.repeat(4));
}

/** A `Date` value (YYYY-MM-DD) from a date picker's timestamp, in local time. */
export function toDateValue(timestamp: number | null): string | null {
  if (timestamp === null) return null;
  const d = new Date(timestamp);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function fromDateValue(value: string | null | undefined): number | null {
  if (!value) return null;
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y!, m! - 1, d!).getTime();
}


export { formatFileSize } from '@reclaim/client';
