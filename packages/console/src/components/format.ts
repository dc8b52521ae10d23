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
  const parts =
    days > 0
      ? ([
          [days, u.d],
          [hours, u.h],
        ] as const)
      : hours > 0
        ? ([
            [hours, u.h],
            [minutes, u.min],
          ] as const)
        : minutes > 0
          ? ([[minutes, u.min]] as const)
          : secs > 0
            ? ([[secs, u.s]] as const)
            : ([[0, u.h]] as const);
  return parts
    .filter(([n], i) => i === 0 || n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
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

/** A date picker's timestamp (local midnight) for a `Date` value (YYYY-MM-DD): the inverse of toDateValue. */
export function fromDateValue(isoDate: string | null): number | null {
  const m = isoDate && /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : null;
}

/** The calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function dayIn(instant: number, timeZone?: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timeZone && { timeZone }) })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * The instant a calendar date (YYYY-MM-DD) begins in `timeZone` (the
 * company's), whatever the browser's zone; `plusDays` days later (a day of
 * 23 or 25 hours where the clocks change counts as one day).
 */
export function dayStartIn(isoDate: string, timeZone?: string, plusDays = 0): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  const wall = Date.UTC(y!, m! - 1, d! + plusDays);
  if (!timeZone) return new Date(y!, m! - 1, d! + plusDays).getTime();
  // The zone's offset at a guess, then again at the corrected instant (the offset may differ across a change).
  let at = wall - offsetAt(wall, timeZone);
  at = wall - offsetAt(at, timeZone);
  return at;
}

/** How far ahead of UTC the wall clock of `timeZone` is at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

export { formatFileSize } from '@reclaim/client';
