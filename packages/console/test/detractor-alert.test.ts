import { describe, expect, it } from 'vitest';
import { createConsoleI18n } from '../src/i18n/index.js';
import { answerLine, reasonLine } from '../src/layout/detractor-text.js';

describe('a detractor alert in words', () => {
  it('says why it alerts and what was answered, in both languages', () => {
    for (const [locale, option, delivery] of [
      ['en', 'chose RUDE', 'Delivery'],
      ['ru', 'выбран вариант RUDE', 'Доставка'],
    ] as const) {
      const { t } = createConsoleI18n(locale).global;
      const tr = (key: string, values?: Record<string, unknown>) => t(key, values ?? {});
      expect(['NPS 3', 'CSAT 1', 'OPTION RUDE'].map((r) => reasonLine(tr, r))).toEqual(['NPS 3', 'CSAT 1', option]);
      expect(answerLine(tr, { type: 'CHOICE', parameter: 'DELIVERY', score: null, optionCodes: ['LATE', 'RUDE'], text: null })).toBe(
        `${delivery}: LATE, RUDE`,
      );
      expect(answerLine(tr, { type: 'NPS', parameter: 'DELIVERY', score: 3, optionCodes: null, text: null })).toBe(`${delivery}: NPS 3`);
    }
  });
});
