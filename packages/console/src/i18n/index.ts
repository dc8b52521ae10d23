import { createI18n } from 'vue-i18n';
import { en } from './en.js';
import { ru } from './ru.js';

export type Locale = 'ru' | 'en';
export const LOCALES: readonly Locale[] = ['ru', 'en'];
const STORAGE_KEY = 'reclaim.locale';

/** The language the user chose on this browser (the switch in the header or on the sign-in page), if any. */
export function chosenLocale(): Locale | null {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  return saved === 'en' || saved === 'ru' ? saved : null;
}

/** The first of the browser's preferred languages that the console speaks; English when none is. */
export function browserLocale(languages: readonly string[] = typeof navigator !== 'undefined' ? (navigator.languages ?? []) : []): Locale {
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'ru' || base === 'en') return base;
  }
  return 'en';
}

/**
 * The console's language: the user's own choice, else the company's
 * language (once someone is signed in), else the browser's.
 */
export function resolveLocale(
  companyLocale?: string | null,
  chosen: Locale | null = chosenLocale(),
  languages?: readonly string[],
): Locale {
  if (chosen) return chosen;
  if (companyLocale === 'ru' || companyLocale === 'en') return companyLocale;
  return browserLocale(languages);
}

export function createConsoleI18n(locale: Locale = resolveLocale()) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { ru, en },
    missingWarn: false,
    fallbackWarn: false,
  });
}

export type ConsoleI18n = ReturnType<typeof createConsoleI18n>;

/** Switches the language of a global composer (`useI18n({ useScope: 'global' })`) and remembers it. */
export function setLocale(composer: { locale: { value: string } }, locale: Locale): void {
  applyLocale(composer, locale);
  localStorage.setItem(STORAGE_KEY, locale);
}

/** Speaks `locale` without remembering it as the user's choice (the company's or the browser's language). */
export function applyLocale(composer: { locale: { value: string } }, locale: Locale): void {
  composer.locale.value = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}
