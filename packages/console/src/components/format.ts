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

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '—';
  const key = `${locale}|${timeZone ?? ''}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone && { timeZone }) });
    dateTimeFormats.set(key, format);
  }
  return format.format(new Date(iso));
}

export function formatDate(isoDate: string | null | undefined, locale: string): string {
  if (!isoDate) return '—';
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

export function formatMoney(amount: number | null | undefined, locale: string): string {
  if (amount === null || amount === undefined) return '—';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
}

/** The locale's numeric date pattern for a date picker: "dd.MM.yyyy" in Russian, "M/d/yyyy" in English. */
export function datePattern(locale: string): string {
  const parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' }).formatToParts(Date.UTC(2026, 0, 5));
  const token = (value: string, long: string, short: string) => (value.length > 1 ? long : short);
  return parts.map((p) => (p.type === 'year' ? 'yyyy' : p.type === 'month' ? token(p.value, 'MM', 'M') : p.type === 'day' ? token(p.value, 'dd', 'd') : p.value)).join('');
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
