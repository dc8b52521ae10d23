import { describe, expect, it } from 'vitest';
import { browserLocale, resolveLocale } from '../src/i18n/index.js';

describe("the console's language", () => {
  it("follows the user's choice, else the company's language, else the browser's", () => {
    // head.service@northwind with an English browser and no choice made: English, the company's language.
    expect(resolveLocale('en', null, ['en-GB', 'en'])).toBe('en');
    // An English company seen from a Russian browser: still the company's language until the user chooses.
    expect(resolveLocale('en', null, ['ru-RU'])).toBe('en');
    expect(resolveLocale('ru', null, ['en-US'])).toBe('ru');
    // The user's own choice wins over both.
    expect(resolveLocale('en', 'ru', ['en-GB'])).toBe('ru');
    // Not signed in yet: the browser's.
    expect(resolveLocale(null, null, ['en-GB'])).toBe('en');
    expect(resolveLocale(undefined, null, ['ru'])).toBe('ru');
  });

  it('takes the first browser language it speaks, English when it speaks none', () => {
    expect(browserLocale(['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(browserLocale(['EN-us'])).toBe('en');
    expect(browserLocale(['fr', 'de'])).toBe('en');
    expect(browserLocale([])).toBe('en');
  });
});

describe('one word for one thing in Russian (issue 14, item 13)', () => {
  it('a complaint is «обращение» everywhere in the console, «жалоба» only as one of its kinds', async () => {
    const { ru } = await import('../src/i18n/ru.js');
    const texts: string[] = [];
    const walk = (v: unknown) => (typeof v === 'string' ? texts.push(v) : v && typeof v === 'object' && Object.values(v).forEach(walk));
    // The kinds: «рекламация» (a claim about a product) and «жалоба» (about the service).
    const { kind: _kinds, ...rest } = ru;
    walk(rest);
    expect(texts.filter((text) => /жалоб/i.test(text))).toEqual([]);
  });
});
