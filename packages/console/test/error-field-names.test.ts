import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import type { RequestProblem } from '@reclaim/client';
import { useErrorText } from '../src/components/use-error-text.js';
import { mountWithI18n } from './fixtures.js';

/** A refusal naming the fields a staff form sends, as the server names them (its input's paths). */
const problem: RequestProblem = {
  code: 'BAD_USER_INPUT',
  message: 'refused',
  count: null,
  fields: ['input.subject', 'input.productPrice', 'input.purchaseDate', 'input.departmentId', 'input.customer.phone', 'input.dueDate'].map(
    (field) => ({ field, constraints: [], messages: [] }),
  ),
} as unknown as RequestProblem;

function said(locale: 'ru' | 'en'): string {
  let text = '';
  const Probe = defineComponent(() => {
    text = useErrorText().problemText(problem);
    return () => h('span');
  });
  mountWithI18n(Probe, {}, locale).unmount();
  return text;
}

describe("a refusal's fields named in the user's language", () => {
  it("says «Тема», «Цена товара», «Отдел» in Russian, never the server's names (productPrice, departmentId)", () => {
    const ru = said('ru');
    for (const label of ['Тема', 'Цена товара', 'Дата покупки', 'Отдел', 'Телефон', 'Срок']) expect(ru).toContain(label);
    expect(ru).not.toMatch(/[A-Za-z]{3,}/);
  });

  it('and in English words in English', () => {
    const en = said('en');
    for (const label of ['Subject', 'Product price', 'Purchase date', 'Department', 'Phone', 'Due']) expect(en).toContain(label);
    expect(en).not.toMatch(/productPrice|departmentId|purchaseDate/);
  });
});
