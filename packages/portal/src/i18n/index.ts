import { inject, ref, type InjectionKey, type Ref } from 'vue';
import { en, type Messages } from './en.js';
import { ru } from './ru.js';

export type Locale = 'ru' | 'en';
export const LOCALES: readonly Locale[] = ['ru', 'en'];
const DICTIONARIES: Record<Locale, Messages> = { en, ru };
const STORAGE_KEY = 'reclaim.portal.locale';

type Paths<T> = { [K in keyof T & string]: T[K] extends string ? K : T[K] extends readonly string[] ? K : `${K}.${Paths<T[K]>}` }[keyof T &
  string];
export type MessageKey = Paths<Messages>;
export type Params = Record<string, string | number>;

export interface PortalI18n {
  locale: Ref<Locale>;
  /** True once the visitor picked a language themselves (it then wins over the company's). */
  chosen: Ref<boolean>;
  t(key: MessageKey, params?: Params): string;
  list(key: MessageKey): readonly string[];
  setLocale(locale: Locale): void;
  /** The company's time zone (IANA), once its portal is loaded: dates and times are shown on its clock. */
  timeZone: Ref<string | undefined>;
  formatDate(iso: string, withTime?: boolean): string;
  /** An amount with its currency (ISO 4217), or as a plain number when the company set none. */
  formatMoney(amount: number, currency: string | null): string;
  /** The plural category of `count` in the current language (one, few, many, other). */
  plural(count: number): 'one' | 'few' | 'many' | 'other';
}

export const I18nKey: InjectionKey<PortalI18n> = Symbol('portal-i18n');

export function storedLocale(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Locale | null {
  const saved = storage?.getItem(STORAGE_KEY);
  return saved === 'ru' || saved === 'en' ? saved : null;
}

/** The language of a company's portal: Russian for a Russian company, English otherwise. */
export function companyLocale(tenantLocale: string | null | undefined): Locale {
  return tenantLocale === 'ru' ? 'ru' : 'en';
}

function lookup(messages: Messages, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), messages);
}

const regional = (locale: Locale) => (locale === 'ru' ? 'ru-RU' : 'en-GB');

export function createPortalI18n(initial: Locale, chosenAlready = false): PortalI18n {
  const locale = ref<Locale>(initial);
  const chosen = ref(chosenAlready);
  const timeZone = ref<string | undefined>();
  return {
    locale,
    chosen,
    timeZone,
    t(key, params) {
      const found = lookup(DICTIONARIES[locale.value], key) ?? lookup(en, key);
      const text = typeof found === 'string' ? found : key;
      return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : text;
    },
    list(key) {
      const found = lookup(DICTIONARIES[locale.value], key);
      return Array.isArray(found) ? found : [];
    },
    setLocale(next) {
      locale.value = next;
      chosen.value = true;
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    },
    formatDate(iso, withTime = false) {
      const options: Intl.DateTimeFormatOptions = withTime
        ? { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }
        : { day: 'numeric', month: 'long', year: 'numeric' };
      return new Intl.DateTimeFormat(regional(locale.value), { ...options, timeZone: timeZone.value }).format(new Date(iso));
    },
    formatMoney(amount, currency) {
      const options: Intl.NumberFormatOptions = currency
        ? { style: 'currency', currency }
        : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
      return new Intl.NumberFormat(regional(locale.value), options).format(amount);
    },
    plural(count) {
      const category = new Intl.PluralRules(regional(locale.value)).select(count);
      return category === 'one' || category === 'few' || category === 'many' ? category : 'other';
    },
  };
}

export function useI18n(): PortalI18n {
  const i18n = inject(I18nKey);
  if (!i18n) throw new Error('the portal i18n is not provided');
  return i18n;
}
