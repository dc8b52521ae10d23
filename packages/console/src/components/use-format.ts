import { computed, inject } from 'vue';
import { useI18n } from 'vue-i18n';
import { SessionKey } from '../apollo.js';
import { dateLocale, datePattern, formatDate, formatDateTime, formatDay, formatDuration } from './format.js';

/**
 * The one way a page writes dates and lengths of time: in the company's time zone and the
 * locale of the reader's language (`dateLocale`), never the browser's.
 * Before sign-in (no company yet) the browser's time zone is all there is.
 */
export function useFormat() {
  const { locale: language } = useI18n();
  const session = inject(SessionKey, null);
  const timeZone = computed(() => session?.state.tenant?.timeZone ?? undefined);
  const locale = computed(() => dateLocale(language.value));
  return {
    /** The BCP 47 locale dates are written in ("ru-RU" or "en-GB"). */
    locale,
    timeZone,
    dateTime: (iso: string | null | undefined) => formatDateTime(iso, locale.value, timeZone.value),
    /** A calendar date (YYYY-MM-DD). */
    date: (isoDate: string | null | undefined) => formatDate(isoDate, locale.value),
    /** The day of an instant, in the company's time zone. */
    day: (iso: string | null | undefined) => formatDay(iso, locale.value, timeZone.value),
    /** A length of time in seconds, in the reader's language ("1 д 3 ч", "2 ч 30 мин"; `clock`: "12:07"). */
    duration: (seconds: number | null | undefined, style?: 'span' | 'clock') => formatDuration(seconds, locale.value, style),
    /** The `format` of a date picker: numeric, in the same locale ("20.12.2026", "20/12/2026"). */
    pickerFormat: computed(() => datePattern(locale.value)),
  };
}
