import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { NConfigProvider, NInput, NSelect } from 'naive-ui';
import { naiveLocale } from '../src/naive-locale.js';

describe('naive-ui texts in the console (issue 14, item 13)', () => {
  it('fields carry no generic placeholder ("Ввести", "Выбрать") for screen readers to read as their name', () => {
    for (const lang of ['ru', 'en'] as const) {
      const Host = defineComponent(
        () => () =>
          h(NConfigProvider, { locale: naiveLocale(lang) }, () => [
            h(NInput, { inputProps: { name: 'a' } }),
            h(NSelect, { options: [], value: null }),
          ]),
      );
      const w = mount(Host, { attachTo: document.body });
      expect(w.get('input[name=a]').attributes('placeholder') ?? '').toBe('');
      expect(w.text()).not.toMatch(/Ввести|Выбрать|Please/);
      w.unmount();
    }
    expect(naiveLocale('ru').DatePicker.startDatePlaceholder).toBe('Дата начала');
  });
});
