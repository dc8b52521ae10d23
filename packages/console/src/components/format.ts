/** Unit abbreviations by language: the same in both, a number and its unit apart ("1 д 3 ч", "1 d 3 h"). */
const DURATION_UNITS = {
  ru: { d: 'д', h: 'ч', min: 'мин', s: 'с' },
  en: { d: 'd', h: 'h', min: 'min', s: 's' },
} as const;

/**
 * The one way the console writes a length of time, in the reader's language
 * (`language` is "ru"/"en" or a locale such as "ru-RU"): the two largest units,
 * a zero one dropped ("1 д 3 ч", "2 ч 30 мин", "45 мин", "30 с", "0 ч"; a dash
 * for none). As a `clock` (a countdown that ticks every second): minutes and
 * seconds under an hour ("12:07"), both units always over it ("3 ч 05 мин").
 */
export function formatDuration(seconds: number | null | undefined, language: string, style: 'span' | 'clock' = 'span'): string {
  if (seconds === null || seconds === undefined) return '—';
  const u = DURATION_UNITS[language.toLowerCase().startsWith('ru') ? 'ru' : 'en'];
  const total = Math.floor(Math.abs(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (style === 'clock') {
    if (days > 0) return `${days} ${u.d} ${hours} ${u.h}`;
    if (hours > 0) return `${hours} ${u.h} ${two(minutes)} ${u.min}`;
    return `${two(minutes)}:${two(secs)}`;
  }
  const parts = days > 0 ? [[days, u.d], [hours, u.h]] as const
    : hours > 0 ? [[hours, u.h], [minutes, u.min]] as const
      : minutes > 0 ? [[minutes, u.min]] as const
        : secs > 0 ? [[secs, u.s]] as const : [[0, u.h]] as const;
  return parts.filter(([n], i) => i === 0 || n > 0).map(([n, unit]) => `${n} ${unit}`).join(' ');
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

export { formatFileSize } from '@reclaim/client';
