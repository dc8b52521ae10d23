import { createI18n } from 'vue-i18n';
import { en } from './en.js';
import { ru } from './ru.js';

export type Locale = 'ru' | 'en';
export const LOCALES: readonly Locale[] = ['ru', 'en'];
const STORAGE_KEY = 'reclaim.locale';

export function storedLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  return saved === 'en' || saved === 'ru' ? saved : 'ru';
}

export function createConsoleI18n(locale: Locale = storedLocale()) {
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
  composer.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}
